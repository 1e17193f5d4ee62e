package datasets

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fuzzCSVLimit is the size limit FuzzReadCSV reads with, small so that the
// limit is reached too.
const fuzzCSVLimit = 1 << 12

// fuzzCSVConfigs are the configurations FuzzReadCSV reads each input with,
// over the columns a, b, y and z of its seeds.
var fuzzCSVConfigs = []CSVConfig{
	{Tasks: []CSVTask{{Name: "y", Kind: CSVClassify}, {Name: "z", Kind: CSVRegression}}},
	{Tasks: []CSVTask{{Name: "y", Kind: CSVBinary, Classes: []string{"p", "q"}}}, Features: []string{"a"}, TestFraction: 0.5},
	{Tasks: []CSVTask{{Name: "z", Kind: CSVRegression}, {Name: "y", Kind: CSVBinary}}, Features: []string{"b", "a"}, TestFraction: 0.3},
}

// FuzzReadCSV checks that readCSV never panics and reads at most its limit;
// that it returns either an error and nothing else, or two valid datasets
// that split the rows between them in file order, with the shapes, tasks and
// classes info describes; that a second read gives the same result; and
// that Standardize either works or leaves the data unchanged. The seed
// corpus is in testdata/fuzz/FuzzReadCSV: good files, quoting, CRLF and a
// byte-order mark, and bad cells, quotes and headers.
func FuzzReadCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, in []byte, seed uint64) {
		for c, cfg := range fuzzCSVConfigs {
			cfg.Seed = seed
			r := bytes.NewReader(in)
			train, test, info, err := readCSV(r, "fuzz.csv", cfg, fuzzCSVLimit)
			if read := len(in) - r.Len(); read > fuzzCSVLimit+1 {
				t.Fatalf("config %d: read %d bytes, limit %d", c, read, fuzzCSVLimit)
			}
			if err != nil {
				if train != nil || test != nil || info != nil {
					t.Fatalf("config %d: results returned with error %v", c, err)
				}
				if !strings.HasPrefix(err.Error(), "datasets: fuzz.csv: ") {
					t.Fatalf("config %d: error %q does not name the file", c, err)
				}
				var ce *CSVError
				if errors.As(err, &ce) && (ce.Line < 1 || ce.Column < 0 || ce.Reason == "") {
					t.Fatalf("config %d: bad CSVError %+v", c, ce)
				}
				continue
			}
			checkFuzzCSV(t, c, cfg, train, test, info)

			train2, test2, info2, err := readCSV(bytes.NewReader(in), "fuzz.csv", cfg, fuzzCSVLimit)
			if err != nil || !reflect.DeepEqual(train, train2) || !reflect.DeepEqual(test, test2) || !reflect.DeepEqual(info, info2) {
				t.Fatalf("config %d: a second read differs (error %v)", c, err)
			}
			for _, d := range []*Dataset{train, test} {
				before := slices.Clone(d.Features)
				if err := info.Standardize(d); err != nil && !slices.Equal(before, d.Features) {
					t.Fatalf("config %d: Standardize failed (%v) and changed the data", c, err)
				}
				if err := d.Validate(); err != nil {
					t.Fatalf("config %d: standardised: %v", c, err)
				}
			}
		}
	})
}

// checkFuzzCSV checks a successful read.
func checkFuzzCSV(t *testing.T, c int, cfg CSVConfig, train, test *Dataset, info *CSVInfo) {
	t.Helper()
	nf := len(info.Features)
	if nf == 0 || len(info.Mean) != nf || len(info.Std) != nf || len(info.Tasks) != len(cfg.Tasks) {
		t.Fatalf("config %d: info %+v", c, info)
	}
	for j, s := range info.Std {
		if !(s > 0) {
			t.Fatalf("config %d: feature %d: standard deviation %v", c, j, s)
		}
	}
	if len(cfg.Features) > 0 && !slices.Equal(info.Features, cfg.Features) {
		t.Fatalf("config %d: features %q, configured %q", c, info.Features, cfg.Features)
	}
	seen := map[int]bool{}
	for s, d := range []*Dataset{train, test} {
		if err := d.Validate(); err != nil {
			t.Fatalf("config %d: %v", c, err)
		}
		if !slices.Equal(d.Shape, []int{nf}) || d.Len() != len(info.Lines[s]) {
			t.Fatalf("config %d: %s: shape %v, %d examples for %d lines", c, d.Name, d.Shape, d.Len(), len(info.Lines[s]))
		}
		if !slices.IsSorted(info.Lines[s]) {
			t.Fatalf("config %d: %s: lines %v out of order", c, d.Name, info.Lines[s])
		}
		for _, l := range info.Lines[s] {
			if l < 2 || seen[l] {
				t.Fatalf("config %d: line %d twice or before the data", c, l)
			}
			seen[l] = true
		}
		nl, nt := 0, 0
		for _, task := range info.Tasks {
			if task.Kind == CSVRegression {
				if tg := d.Targets[nt]; tg.Task != task.Name || tg.Dim != 1 {
					t.Fatalf("config %d: %s: target set %+v for task %+v", c, d.Name, tg, task)
				}
				nt++
				continue
			}
			if l := d.Labels[nl]; l.Task != task.Name || l.Classes != len(task.Classes) || !slices.Equal(info.Classes[task.Name], task.Classes) {
				t.Fatalf("config %d: %s: label set %q of %d classes for task %+v", c, d.Name, l.Task, l.Classes, task)
			}
			if task.Kind == CSVBinary && len(task.Classes) != 2 {
				t.Fatalf("config %d: binary task with classes %q", c, task.Classes)
			}
			nl++
		}
		if nl != len(d.Labels) || nt != len(d.Targets) {
			t.Fatalf("config %d: %s: %d label sets and %d target sets for tasks %+v", c, d.Name, len(d.Labels), len(d.Targets), info.Tasks)
		}
	}
}
