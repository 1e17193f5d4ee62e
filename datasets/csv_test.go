package datasets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// csvABYZ is the configuration most tests read with: columns a and b are
// features, y a classify task and z a regression task.
var csvABYZ = CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify}, {Name: "z", Kind: CSVRegression}}}

// readCSVString reads text as the file "t.csv".
func readCSVString(text string, cfg CSVConfig) (train, test *Dataset, info *CSVInfo, err error) {
	return readCSV(strings.NewReader(text), "t.csv", cfg, MaxCSVBytes)
}

// csvRows returns a header and n rows "i,-i,p|q|r,i/2" for i = 0..n-1,
// cycling through the classes, one line each.
func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("a,b,y,z\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,%c,%g\n", i, -i, "pqr"[i%3], float64(i)/2)
	}
	return b.String()
}

func TestReadCSVBad(t *testing.T) {
	good := "a,b,y,z\n1,2,p,3\n4,5,q,6\n7,8,p,9\n"
	declared := CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p", "q"}}, {Name: "z", Kind: CSVRegression}}}
	tests := []struct {
		name string
		text string
		cfg  CSVConfig
		// A *CSVError with this line, column and column name, or a plain
		// error when line is 0; either way the text holds want.
		line, col int
		colName   string
		want      string
	}{
		{"empty file", "", csvABYZ, 1, 0, "", "no header row"},
		{"blank file", "\n\n\n", csvABYZ, 1, 0, "", "no header row"},
		{"header only", "a,b,y,z\n", csvABYZ, 1, 0, "", "no rows after the header"},
		{"empty column name", "a,,y,z\n1,2,p,3\n", csvABYZ, 1, 2, "", "empty column name"},
		{"blank column name", "a,b, ,z\n1,2,p,3\n", csvABYZ, 1, 3, "", "empty column name"},
		{"duplicate column", "a,b,y,z,a\n1,2,p,3,4\n", csvABYZ, 1, 5, "a", "duplicate column name, also column 1"},
		{"duplicate after trimming", "a,b,y,z, b \n1,2,p,3,4\n", csvABYZ, 1, 5, "b", "duplicate column name, also column 2"},
		{"too few fields", good + "1,2,p\n", csvABYZ, 5, 0, "", "3 fields, the header has 4"},
		{"too many fields", "a,b,y,z\n1,2,p,3,4\n", csvABYZ, 2, 0, "", "5 fields, the header has 4"},
		{"one field", good + " \n", csvABYZ, 5, 0, "", "1 fields, the header has 4"},
		{"empty feature", "a,b,y,z\n1,2,p,3\n4,,q,6\n", csvABYZ, 3, 2, "b", "empty cell"},
		{"blank feature", "a,b,y,z\n1,2,p,3\n4,  ,q,6\n", csvABYZ, 3, 2, "b", "empty cell"},
		{"empty class", "a,b,y,z\n1,2, ,3\n", csvABYZ, 2, 3, "y", "empty cell"},
		{"empty target", "a,b,y,z\n1,2,p,\n", csvABYZ, 2, 4, "z", "empty cell"},
		{"text feature", "a,b,y,z\n1,2,p,3\nabc,5,q,6\n", csvABYZ, 3, 1, "a", `"abc" is not a number`},
		{"NaN feature", "a,b,y,z\n1,NaN,p,3\n", csvABYZ, 2, 2, "b", `"NaN" is not a finite number`},
		{"Inf feature", "a,b,y,z\n1,2,p,3\n-inf,5,q,6\n", csvABYZ, 3, 1, "a", `"-inf" is not a finite number`},
		{"float32 overflow", "a,b,y,z\n1,1e39,p,3\n", csvABYZ, 2, 2, "b", `"1e39" is outside the float32 range`},
		{"hexadecimal", "a,b,y,z\n0x1p-2,2,p,3\n", csvABYZ, 2, 1, "a", `"0x1p-2" is not a decimal number`},
		{"underscore", "a,b,y,z\n1_000,2,p,3\n", csvABYZ, 2, 1, "a", `"1_000" is not a decimal number`},
		{"NaN target", "a,b,y,z\n1,2,p,3\n4,5,q,nan\n", csvABYZ, 3, 4, "z", `"nan" is not a finite number`},
		{"text target", "a,b,y,z\n1,2,p,x\n", csvABYZ, 2, 4, "z", `"x" is not a number`},
		{"unknown declared class", good + "1,2,r,3\n", declared, 5, 3, "y", `class "r" is not one of the declared classes "p", "q"`},
		{"declared class case", good + "1,2,P,3\n", declared, 5, 3, "y", `class "P" is not one of the declared classes`},
		{"bare quote", "a,b,y,z\n1,2,p,3\n1,2\"x,p,3\n", csvABYZ, 3, 0, "", `bare " in non-quoted-field (byte 4 of the line)`},
		{"unterminated quote", "a,b,y,z\n1,2,\"p,3\n", csvABYZ, 2, 0, "", `extraneous or missing " in quoted-field`},
		// A quoted field may span lines: the errors name the line of the
		// bad cell, not of the row's start.
		{"after a multi-line field", "a,b,y,z\n1,2,\"p\nq\",x\n", csvABYZ, 3, 4, "z", `"x" is not a number`},
		{"multi-line class", "a,b,y,z\n1,2,p,3\n1,2,\"\nr\",3\n", declared, 3, 3, "y", `class "r" is not one of`},
		{"after blank lines", "a,b,y,z\n1,2,p,3\n\n\n4,x,q,6\n", csvABYZ, 5, 2, "b", `"x" is not a number`},
		{"CRLF", "a,b,y,z\r\n1,2,p,3\r\n4,x,q,6\r\n", csvABYZ, 3, 2, "b", `"x" is not a number`},
		{"unknown task column", good, CSVConfig{Tasks: []CSVTask{{Name: "w", Kind: CSVClassify}}}, 1, 0, "", `no column "w" for classify task "w" (the header has "a", "b", "y", "z")`},
		{"unknown feature column", good, CSVConfig{Tasks: csvABYZ.Tasks, Features: []string{"a", "c"}}, 1, 0, "", `no column "c" for feature "c"`},
		{"no feature columns", "y,z\np,1\nq,2\n", csvABYZ, 1, 0, "", "no feature columns: every column of the header is a task"},

		// Configuration errors.
		{"no tasks", good, CSVConfig{}, 0, 0, "", "t.csv: no tasks"},
		{"unknown kind", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: "cluster"}}}, 0, 0, "", `task "y": unknown kind "cluster", want "classify", "binary" or "regression"`},
		{"empty kind", good, CSVConfig{Tasks: []CSVTask{{Name: "y"}}}, 0, 0, "", `unknown kind ""`},
		{"unnamed task", good, CSVConfig{Tasks: []CSVTask{{Kind: CSVClassify}}}, 0, 0, "", "task 0 has no column name"},
		{"task twice", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify}, {Name: "y", Kind: CSVBinary}}}, 0, 0, "", `task "y" is named twice`},
		{"regression classes", good, CSVConfig{Tasks: []CSVTask{{Name: "z", Kind: CSVRegression, Classes: []string{"a"}}}}, 0, 0, "", `task "z": a regression task has no classes`},
		{"binary of three", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVBinary, Classes: []string{"p", "q", "r"}}}}, 0, 0, "", `a binary task has 2 classes, 3 declared`},
		{"classify of one", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p"}}}}, 0, 0, "", `a classify task has at least 2 classes, 1 declared`},
		{"class twice", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p", "q", "p"}}}}, 0, 0, "", `class "p" is declared twice`},
		{"empty class declared", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p", ""}}}}, 0, 0, "", `declared class "" is empty`},
		{"untrimmed class declared", good, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p", " q"}}}}, 0, 0, "", `declared class " q" is empty or has surrounding white space`},
		{"feature twice", good, CSVConfig{Tasks: csvABYZ.Tasks, Features: []string{"a", "b", "a"}}, 0, 0, "", `feature "a" is named twice`},
		{"unnamed feature", good, CSVConfig{Tasks: csvABYZ.Tasks, Features: []string{""}}, 0, 0, "", `feature 0 has no column name`},
		{"task and feature", good, CSVConfig{Tasks: csvABYZ.Tasks, Features: []string{"a", "z"}}, 0, 0, "", `column "z" is both a task and a feature`},
		{"test fraction 1", good, CSVConfig{Tasks: csvABYZ.Tasks, TestFraction: 1}, 0, 0, "", "test fraction 1 outside (0, 1) (0 means 0.2)"},
		{"test fraction negative", good, CSVConfig{Tasks: csvABYZ.Tasks, TestFraction: -0.1}, 0, 0, "", "test fraction -0.1 outside (0, 1)"},
		{"test fraction NaN", good, CSVConfig{Tasks: csvABYZ.Tasks, TestFraction: math.NaN()}, 0, 0, "", "test fraction NaN outside (0, 1)"},
		{"no test rows", good, CSVConfig{Tasks: csvABYZ.Tasks, TestFraction: 0.1}, 0, 0, "", "test fraction 0.1 of 3 rows leaves 3 for training and 0 for testing"},
		{"no train rows", good, CSVConfig{Tasks: csvABYZ.Tasks, TestFraction: 0.9}, 0, 0, "", "test fraction 0.9 of 3 rows leaves 0 for training and 3 for testing"},
		{"one row", "a,b,y,z\n1,2,p,3\n", csvABYZ, 0, 0, "", "test fraction 0.2 of 1 rows leaves 1 for training and 0 for testing"},

		// Classes found in the training rows.
		{"binary of three found", csvRows(30), CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVBinary}}}, 0, 0, "", `binary task "y" (column 3): the training rows hold 3 classes, want 2: "p", "q", "r"`},
		{"binary of one found", "a,y\n1,p\n2,p\n3,p\n4,p\n5,p\n", CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVBinary}}}, 0, 0, "", `the training rows hold 1 classes, want 2: "p"`},
		{"classify of one found", "a,y\n1,p\n2,p\n3,p\n4,p\n5,p\n", CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify}}}, 0, 0, "", `classify task "y" (column 2): the training rows hold 1 class, want at least 2: "p"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			train, test, info, err := readCSVString(tt.text, tt.cfg)
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			if train != nil || test != nil || info != nil {
				t.Errorf("results returned with error %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "datasets: t.csv: ") {
				t.Errorf("error %q, want one starting %q and containing %q", err, "datasets: t.csv: ", tt.want)
			}
			var ce *CSVError
			isCSV := errors.As(err, &ce)
			switch {
			case tt.line == 0 && isCSV:
				t.Errorf("error %q is a *CSVError %+v, want a plain error", err, ce)
			case tt.line > 0 && !isCSV:
				t.Errorf("error %q (%T) is not a *CSVError", err, err)
			case tt.line > 0 && (ce.File != "t.csv" || ce.Line != tt.line || ce.Column != tt.col || ce.Name != tt.colName):
				t.Errorf("error at %s line %d, column %d (%q), want t.csv line %d, column %d (%q): %v", ce.File, ce.Line, ce.Column, ce.Name, tt.line, tt.col, tt.colName, err)
			}
		})
	}
}

func TestCSVErrorText(t *testing.T) {
	tests := []struct {
		err  CSVError
		want string
	}{
		{CSVError{File: "d/x.csv", Line: 7, Column: 3, Name: "petal_length", Reason: `"abc" is not a number`},
			`datasets: d/x.csv: line 7, column 3 ("petal_length"): "abc" is not a number`},
		{CSVError{File: "x.csv", Line: 4, Reason: "3 fields, the header has 5"},
			`datasets: x.csv: line 4: 3 fields, the header has 5`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestReadCSVTestOnlyClass puts the only "r" in a held-out row and checks
// that the error names its line and column.
func TestReadCSVTestOnlyClass(t *testing.T) {
	text := "a,y\n" + strings.Repeat("1,p\n2,q\n", 5) + "3,r\n" // "r" is row 10, line 12
	for seed := range uint64(100) {
		if test, _ := csvSplit(11, 2, seed); !slices.Contains(test, 10) {
			continue
		}
		_, _, _, err := readCSVString(text, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify}}, Seed: seed})
		var ce *CSVError
		if !errors.As(err, &ce) || ce.Line != 12 || ce.Column != 2 || ce.Name != "y" || !strings.Contains(ce.Reason, `class "r" is in held-out test rows only`) {
			t.Fatalf("seed %d: got %v, want a *CSVError at line 12, column 2 (\"y\") for the class \"r\"", seed, err)
		}
		// Declaring the classes makes the same split legal.
		_, test, info, err := readCSVString(text, CSVConfig{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p", "q", "r"}}}, Seed: seed})
		if err != nil {
			t.Fatalf("seed %d, declared classes: %v", seed, err)
		}
		if k := slices.Index(info.Lines[1], 12); k < 0 || test.Labels[0].Values[k] != 2 {
			t.Errorf("seed %d, declared classes: line 12 is not a test example of class 2", seed)
		}
		return
	}
	t.Fatal("no seed below 100 holds out row 10")
}

// TestReadCSVClasses checks class discovery and declared classes: each
// example's label must name the class written on its line.
func TestReadCSVClasses(t *testing.T) {
	text := "x,species,sick,size\n" +
		"1, virginica ,M,2\n" + // cells are trimmed
		"2,setosa,B,1\n" +
		"3,versicolor,M,3\n" +
		"4,\"virginica\",B,2\n" + // quoting does not change a name
		"5,setosa,M,1\n" +
		"6,versicolor,B,3\n" +
		"7,setosa,B,1\n" +
		"8,virginica,M,2\n" +
		"9,versicolor,M,3\n" +
		"10,setosa,B,1\n"
	// The class on each line (line 2 is the first row).
	species := map[int]string{2: "virginica", 3: "setosa", 4: "versicolor", 5: "virginica", 6: "setosa", 7: "versicolor", 8: "setosa", 9: "virginica", 10: "versicolor", 11: "setosa"}
	sick := map[int]string{2: "M", 3: "B", 4: "M", 5: "B", 6: "M", 7: "B", 8: "B", 9: "M", 10: "M", 11: "B"}
	size := map[int]string{2: "2", 3: "1", 4: "3", 5: "2", 6: "1", 7: "3", 8: "1", 9: "2", 10: "3", 11: "1"}
	tests := []struct {
		name string
		task CSVTask
		want []string
		of   map[int]string
	}{
		{"found, sorted", CSVTask{Name: "species", Kind: CSVClassify}, []string{"setosa", "versicolor", "virginica"}, species},
		{"declared order", CSVTask{Name: "species", Kind: CSVClassify, Classes: []string{"virginica", "setosa", "versicolor", "unseen"}}, []string{"virginica", "setosa", "versicolor", "unseen"}, species},
		{"binary found", CSVTask{Name: "sick", Kind: CSVBinary}, []string{"B", "M"}, sick},
		{"binary declared", CSVTask{Name: "sick", Kind: CSVBinary, Classes: []string{"M", "B"}}, []string{"M", "B"}, sick},
		{"empty list means found", CSVTask{Name: "sick", Kind: CSVBinary, Classes: []string{}}, []string{"B", "M"}, sick},
		{"numbers as classes, sorted as text", CSVTask{Name: "size", Kind: CSVClassify}, []string{"1", "2", "3"}, size},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := CSVConfig{Tasks: []CSVTask{tt.task}, Features: []string{"x"}, TestFraction: 0.3, Seed: 4}
			train, test, info, err := readCSVString(text, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(info.Classes, map[string][]string{tt.task.Name: tt.want}) {
				t.Fatalf("classes %v, want %v", info.Classes, tt.want)
			}
			wantTask := CSVTask{Name: tt.task.Name, Kind: tt.task.Kind, Classes: tt.want}
			if !reflect.DeepEqual(info.Tasks, []CSVTask{wantTask}) {
				t.Errorf("tasks %+v, want %+v", info.Tasks, wantTask)
			}
			for s, d := range []*Dataset{train, test} {
				if err := d.Validate(); err != nil {
					t.Fatal(err)
				}
				l := d.Labels[0]
				if l.Task != tt.task.Name || l.Classes != len(tt.want) || len(d.Targets) != 0 {
					t.Fatalf("%s: task %q of %d classes and %d target sets", d.Name, l.Task, l.Classes, len(d.Targets))
				}
				for i, line := range info.Lines[s] {
					if got := tt.want[l.Values[i]]; got != tt.of[line] {
						t.Errorf("%s: example %d (line %d): class %q, want %q", d.Name, i, line, got, tt.of[line])
					}
					if x := d.Features[i]; x != float32(line-1) {
						t.Errorf("%s: example %d (line %d): feature %v, want %d", d.Name, i, line, x, line-1)
					}
				}
			}
		})
	}
}

// TestReadCSVSplit checks the split's sizes, that it is a partition of the
// rows in file order, that it replays the documented shuffle, and that it
// depends on the seed alone.
func TestReadCSVSplit(t *testing.T) {
	text := csvRows(40)
	tests := []struct {
		frac     float64
		seed     uint64
		wantTest int // round(frac*40)
	}{
		{0, 1, 8},
		{0.2, 1, 8},
		{0.5, 2, 20},
		{0.01, 3, 0}, // 0.4 rounds to 0: an error
		{0.0125, 3, 1},
		{0.975, 3, 39},
		{0.99, 3, 40}, // an error
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%d", tt.frac, tt.seed), func(t *testing.T) {
			// Declared classes, so that a single training row is enough.
			cfg := CSVConfig{
				Tasks:        []CSVTask{{Name: "y", Kind: CSVClassify, Classes: []string{"p", "q", "r"}}, {Name: "z", Kind: CSVRegression}},
				TestFraction: tt.frac,
				Seed:         tt.seed,
			}
			train, test, info, err := readCSVString(text, cfg)
			if tt.wantTest == 0 || tt.wantTest == 40 {
				if err == nil || !strings.Contains(err.Error(), "leaves") {
					t.Fatalf("got %v, want an error for an empty side", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if test.Len() != tt.wantTest || train.Len() != 40-tt.wantTest {
				t.Fatalf("%d train and %d test examples, want %d and %d", train.Len(), test.Len(), 40-tt.wantTest, tt.wantTest)
			}
			// The documented recipe: Fisher-Yates, j by Lemire's method.
			src := rand.NewPCG(tt.seed, 0x63737673)
			perm := make([]int, 40)
			for i := range perm {
				perm[i] = i
			}
			for i := 39; i > 0; i-- {
				n := uint64(i + 1)
				hi, lo := bits.Mul64(src.Uint64(), n)
				for lo < -n%n {
					hi, lo = bits.Mul64(src.Uint64(), n)
				}
				perm[i], perm[hi] = perm[hi], perm[i]
			}
			wantTest, wantTrain := slices.Sorted(slices.Values(perm[:tt.wantTest])), slices.Sorted(slices.Values(perm[tt.wantTest:]))
			for s, rows := range [][]int{wantTrain, wantTest} {
				d := []*Dataset{train, test}[s]
				if len(info.Lines[s]) != len(rows) {
					t.Fatalf("%s: %d lines for %d rows", d.Name, len(info.Lines[s]), len(rows))
				}
				for i, row := range rows {
					// Row r is on line r+2 and has features (r, -r),
					// class "pqr"[r%3] and target r/2.
					if info.Lines[s][i] != row+2 || d.Features[2*i] != float32(row) || d.Features[2*i+1] != -float32(row) ||
						d.Labels[0].Values[i] != row%3 || d.Targets[0].Values[i] != float32(row)/2 {
						t.Fatalf("%s: example %d is line %d, features %v, label %d, target %v; want row %d",
							d.Name, i, info.Lines[s][i], d.Features[2*i:2*i+2], d.Labels[0].Values[i], d.Targets[0].Values[i], row)
					}
				}
			}
			again, againTest, againInfo, err := readCSVString(text, cfg)
			if err != nil || !reflect.DeepEqual(again, train) || !reflect.DeepEqual(againTest, test) || !reflect.DeepEqual(againInfo, info) {
				t.Errorf("a second read differs (error %v)", err)
			}
			cfg.Seed++
			if _, other, _, err := readCSVString(text, cfg); err != nil || reflect.DeepEqual(other.Features, test.Features) {
				t.Errorf("seeds %d and %d hold out the same rows (error %v)", tt.seed, tt.seed+1, err)
			}
		})
	}
}

// TestReadCSVParsing checks what the reader accepts: a byte-order mark,
// CRLF line ends, quoted cells with commas, quotes and line ends, white
// space around cells, columns left unread, and features in the configured
// order.
func TestReadCSVParsing(t *testing.T) {
	text := "\ufeff id , b ,a,\"y, the class\",note\r\n" +
		"  1 , 2.5 ,-3e-1,\"p, q\",\"she said \"\"hi\"\"\"\r\n" +
		"2,+4,.5,\"p, q\",\"two\r\nlines\"\r\n" +
		"3,1e2,7.,r,\r\n" // the empty note is not read
	cfg := CSVConfig{Tasks: []CSVTask{{Name: "y, the class", Kind: CSVBinary}, {Name: "id", Kind: CSVRegression}}, Features: []string{"a", "b"}, TestFraction: 0.34}
	train, test, info, err := readCSVString(text, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.Features, []string{"a", "b"}) || !reflect.DeepEqual(info.Classes, map[string][]string{"y, the class": {"p, q", "r"}}) {
		t.Fatalf("features %q and classes %q", info.Features, info.Classes)
	}
	// Row by line: features (a, b), class, id.
	want := map[int]struct {
		a, b  float32
		class int
		id    float32
	}{2: {-0.3, 2.5, 0, 1}, 3: {0.5, 4, 0, 2}, 5: {7, 100, 1, 3}}
	for s, d := range []*Dataset{train, test} {
		if d.Name != []string{"t-train", "t-test"}[s] || !slices.Equal(d.Shape, []int{2}) {
			t.Fatalf("got %q of shape %v", d.Name, d.Shape)
		}
		for i, line := range info.Lines[s] {
			w := want[line]
			if d.Features[2*i] != w.a || d.Features[2*i+1] != w.b || d.Labels[0].Values[i] != w.class || d.Targets[0].Values[i] != w.id {
				t.Errorf("%s: line %d: features %v, label %d, target %v; want %v", d.Name, line, d.Features[2*i:2*i+2], d.Labels[0].Values[i], d.Targets[0].Values[i], w)
			}
		}
	}
	if test.Len() != 1 || train.Len() != 2 {
		t.Errorf("%d train and %d test examples, want 2 and 1", train.Len(), test.Len())
	}
}

func TestCSVStats(t *testing.T) {
	// Column 0 is 1, 2, 3, 6: mean 3, variance (4+1+0+9)/4 = 3.5. Column 1
	// is constant: standard deviation 0, stored as 1.
	mean, std := csvStats([]float32{1, 10, 2, 10, 3, 10, 6, 10}, 2)
	if !slices.Equal(mean, []float64{3, 10}) || math.Abs(std[0]-math.Sqrt(3.5)) > 1e-15 || std[1] != 1 {
		t.Errorf("mean %v and std %v, want [3 10] and [%v 1]", mean, std, math.Sqrt(3.5))
	}
}

func TestCSVInfoStandardize(t *testing.T) {
	info := &CSVInfo{Features: []string{"u", "v"}, Mean: []float64{3, 10}, Std: []float64{2, 1}}
	d := &Dataset{Name: "d", Shape: []int{2}, Features: []float32{1, 10, 2, 11, 8, 7.5}}
	if err := info.Standardize(d); err != nil {
		t.Fatal(err)
	}
	// (1-3)/2, (10-10)/1, (2-3)/2, (11-10)/1, (8-3)/2, (7.5-10)/1.
	if want := []float32{-1, 0, -0.5, 1, 2.5, -2.5}; !slices.Equal(d.Features, want) {
		t.Errorf("standardised to %v, want %v", d.Features, want)
	}

	tests := []struct {
		name string
		info *CSVInfo
		d    *Dataset
		want string
	}{
		{"nil info", nil, &Dataset{Shape: []int{2}, Features: []float32{1, 2}}, "nil CSVInfo"},
		{"nil dataset", info, nil, "nil dataset"},
		{"shape", info, &Dataset{Name: "d", Shape: []int{3}, Features: []float32{1, 2, 3}}, "d: standardize: dataset has shape [3], info has 2 features"},
		{"ragged", info, &Dataset{Name: "d", Shape: []int{2}, Features: []float32{1, 2, 3}}, "3 features is not a whole number of examples of width 2"},
		{"short std", &CSVInfo{Features: []string{"u", "v"}, Mean: []float64{0, 0}, Std: []float64{1}}, &Dataset{Shape: []int{2}, Features: []float32{1, 2}}, "info has 2 features, 2 means and 1 standard deviations"},
		{"zero std", &CSVInfo{Features: []string{"u", "v"}, Mean: []float64{0, 0}, Std: []float64{1, 0}}, &Dataset{Shape: []int{2}, Features: []float32{1, 2}}, `feature 1 ("v"): mean 0 and standard deviation 0`},
		{"NaN mean", &CSVInfo{Features: []string{"u", "v"}, Mean: []float64{math.NaN(), 0}, Std: []float64{1, 1}}, &Dataset{Shape: []int{2}, Features: []float32{1, 2}}, `feature 0 ("u"): mean NaN`},
		{"overflow", &CSVInfo{Features: []string{"u", "v"}, Mean: []float64{0, 0}, Std: []float64{1, 1e-40}}, &Dataset{Name: "d", Shape: []int{2}, Features: []float32{1, 0, 1, 2}}, `d: standardize: example 1: feature 1 ("v") 2 becomes +Inf`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before []float32
			if tt.d != nil {
				before = slices.Clone(tt.d.Features)
			}
			err := tt.info.Standardize(tt.d)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if tt.d != nil && !slices.Equal(tt.d.Features, before) {
				t.Errorf("features changed from %v to %v on error", before, tt.d.Features)
			}
		})
	}
}

// TestReadCSVIris reads the real iris file: 150 rows, 50 of each species,
// with the summary statistics of scikit-learn's iris.rst.
func TestReadCSVIris(t *testing.T) {
	path := filepath.Join("testdata", "csv", "iris.csv")
	cfg := CSVConfig{Tasks: []CSVTask{{Name: "species", Kind: CSVClassify}, {Name: "petal_width", Kind: CSVRegression}}, Seed: 1}
	train, test, info, err := ReadCSV(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Dataset{train, test} {
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	if train.Name != "iris-train" || test.Name != "iris-test" || train.Len() != 120 || test.Len() != 30 || !slices.Equal(train.Shape, []int{3}) {
		t.Fatalf("got %q (%d) and %q (%d) of shape %v, want iris-train (120) and iris-test (30) of [3]", train.Name, train.Len(), test.Name, test.Len(), train.Shape)
	}
	if info.File != path || !slices.Equal(info.Features, []string{"sepal_length", "sepal_width", "petal_length"}) ||
		!reflect.DeepEqual(info.Classes, map[string][]string{"species": {"setosa", "versicolor", "virginica"}}) {
		t.Fatalf("info %+v", info)
	}
	if train.Labels[0].Task != "species" || train.Targets[0].Task != "petal_width" || train.Targets[0].Dim != 1 {
		t.Fatalf("tasks %q and %q", train.Labels[0].Task, train.Targets[0].Task)
	}
	// The first row, line 2: 5.1,3.5,1.4,0.2,setosa.
	for s, d := range []*Dataset{train, test} {
		if i := slices.Index(info.Lines[s], 2); i >= 0 {
			if !slices.Equal(d.Features[3*i:3*i+3], []float32{5.1, 3.5, 1.4}) || d.Labels[0].Values[i] != 0 || d.Targets[0].Values[i] != 0.2 {
				t.Errorf("line 2 is %s example %d: %v %d %v", d.Name, i, d.Features[3*i:3*i+3], d.Labels[0].Values[i], d.Targets[0].Values[i])
			}
		}
	}
	// Over all 150 rows: 50 of each species, and the column means that R
	// gives, colMeans(iris): 5.843333, 3.057333, 3.758000, 1.199333
	// (scikit-learn's iris.rst cuts them to 5.84, 3.05, 3.76, 1.20).
	var counts [3]int
	var sum [4]float64
	for _, d := range []*Dataset{train, test} {
		for i := range d.Len() {
			counts[d.Labels[0].Values[i]]++
			for j := range 3 {
				sum[j] += float64(d.Features[3*i+j])
			}
			sum[3] += float64(d.Targets[0].Values[i])
		}
	}
	if counts != [3]int{50, 50, 50} {
		t.Errorf("species counts %v, want 50 each", counts)
	}
	for j, want := range []float64{5.843333, 3.057333, 3.758000, 1.199333} {
		if got := sum[j] / 150; math.Abs(got-want) > 1e-6 {
			t.Errorf("column %d: mean %.7f, want %.6f", j, got, want)
		}
	}
	// info holds the training statistics: standardised, the training
	// features have mean 0 and standard deviation 1.
	if err := info.Standardize(train); err != nil {
		t.Fatal(err)
	}
	mean, std := csvStats(train.Features, 3)
	for j := range 3 {
		if math.Abs(mean[j]) > 1e-6 || math.Abs(std[j]-1) > 1e-6 {
			t.Errorf("feature %d standardised: mean %v, standard deviation %v, want 0 and 1", j, mean[j], std[j])
		}
	}
	if err := info.Standardize(test); err != nil {
		t.Fatal(err)
	}
}

// TestCSVInfoJSON saves info as JSON, as a caller saves it with a model,
// and checks that the copy read back standardises as the original does.
func TestCSVInfoJSON(t *testing.T) {
	train, _, info, err := readCSVString(csvRows(20), csvABYZ)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var back CSVInfo
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := *info
	want.Lines = [2][]int{}
	if !reflect.DeepEqual(&back, &want) {
		t.Fatalf("JSON round trip gave %+v, want %+v", back, want)
	}
	if strings.Contains(string(b), "Lines") || !strings.Contains(string(b), `"classes":{"y":["p","q","r"]}`) {
		t.Errorf("JSON %s", b)
	}
	copied := train.Head(0)
	if err := info.Standardize(train); err != nil {
		t.Fatal(err)
	}
	if err := back.Standardize(copied); err != nil || !slices.Equal(copied.Features, train.Features) {
		t.Errorf("the saved info standardises differently (error %v)", err)
	}
}

func TestReadCSVFile(t *testing.T) {
	dir := t.TempDir()
	t.Run("missing", func(t *testing.T) {
		_, _, _, err := ReadCSV(filepath.Join(dir, "none.csv"), csvABYZ)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "none.csv") {
			t.Errorf("got %v, want an error naming none.csv that wraps fs.ErrNotExist", err)
		}
	})
	t.Run("too big", func(t *testing.T) {
		// A sparse file, refused by its size before any of it is read.
		path := filepath.Join(dir, "big.csv")
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, MaxCSVBytes+1); err != nil {
			t.Skipf("cannot make a sparse file: %v", err)
		}
		_, _, _, err := ReadCSV(path, csvABYZ)
		if err == nil || !strings.Contains(err.Error(), "big.csv: file of 268435457 bytes is over 268435456 bytes (MaxCSVBytes)") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("too big stream", func(t *testing.T) {
		// The same limit on a reader of unknown size, lowered to 40 bytes:
		// the rows before it are fine, so only the limit can fail.
		text := csvRows(10)
		for _, limit := range []int64{40, int64(len(text)) - 1} {
			_, _, _, err := readCSV(strings.NewReader(text), "s.csv", csvABYZ, limit)
			if want := fmt.Sprintf("datasets: s.csv: file is over %d bytes", limit); err == nil || err.Error() != want {
				t.Errorf("limit %d: got %v, want %q", limit, err, want)
			}
		}
		if _, _, _, err := readCSV(strings.NewReader(text), "s.csv", csvABYZ, int64(len(text))); err != nil {
			t.Errorf("limit %d, the file's size: %v", len(text), err)
		}
	})
	t.Run("names", func(t *testing.T) {
		path := filepath.Join(dir, "my.data.csv")
		if err := os.WriteFile(path, []byte(csvRows(10)), 0o644); err != nil {
			t.Fatal(err)
		}
		train, test, info, err := ReadCSV(path, csvABYZ)
		if err != nil {
			t.Fatal(err)
		}
		if train.Name != "my.data-train" || test.Name != "my.data-test" || info.File != path {
			t.Errorf("names %q, %q and %q", train.Name, test.Name, info.File)
		}
	})
	t.Run("error names the path", func(t *testing.T) {
		path := filepath.Join(dir, "bad.csv")
		if err := os.WriteFile(path, []byte("a,b,y,z\n1,2,p,3\n1,2,p\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := ReadCSV(path, csvABYZ)
		if want := "datasets: " + path + ": line 3: 3 fields, the header has 4"; err == nil || err.Error() != want {
			t.Errorf("got %v, want %q", err, want)
		}
	})
}

func ExampleReadCSV() {
	cfg := CSVConfig{
		Tasks: []CSVTask{
			{Name: "species", Kind: CSVClassify},
			{Name: "petal_width", Kind: CSVRegression},
		},
		Seed: 1,
	}
	train, test, info, err := ReadCSV("testdata/csv/iris.csv", cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Name, train.Len(), test.Name, test.Len())
	fmt.Println(info.Features, info.Classes["species"])
	if err := info.Standardize(train); err != nil {
		fmt.Println(err)
		return
	}
	if err := info.Standardize(test); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.3f %.3f\n", info.Mean, info.Std)
	// Output:
	// iris-train 120 iris-test 30
	// [sepal_length sepal_width petal_length] [setosa versicolor virginica]
	// [5.881 3.063 3.804] [0.824 0.457 1.743]
}
