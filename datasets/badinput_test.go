package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// These tests call every constructor, loader and Dataset method with
// malformed arguments (nil and empty datasets, sizes below one or too
// large for memory, files that are missing, folders or corrupt) and
// require an error naming the dataset, file, task or field, never a panic,
// and bounded memory: an absurd size is refused before it is allocated.

// badInputMaxAlloc bounds what one malformed call may allocate.
const badInputMaxAlloc = 256 << 20

// guard runs f and returns its error; a panic or an allocation above
// badInputMaxAlloc fails t (the row) instead of crashing the binary.
func guard(t *testing.T, f func() error) (err error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panicked: %v\n%s", r, debug.Stack())
				err = nil
			}
		}()
		err = f()
	}()
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > badInputMaxAlloc {
		t.Errorf("allocated %d MiB, want at most %d MiB", d>>20, badInputMaxAlloc>>20)
	}
	return err
}

// wantError fails t unless err holds every one of want (and wraps is, when
// given).
func wantError(t *testing.T, err, is error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("error %v does not wrap %v", err, is)
	}
}

// smallSet returns a valid dataset of n examples of width 2 with a
// classification task "a" (3 classes) and a regression task "r".
func smallSet(n int) *Dataset {
	d := &Dataset{Name: "tiny", Shape: []int{2}, Features: make([]float32, 2*n),
		Labels:  []Labels{{Task: "a", Classes: 3, Values: make([]int, n)}},
		Targets: []Targets{{Task: "r", Dim: 1, Values: make([]float32, n)}}}
	for i := range n {
		d.Labels[0].Values[i] = i % 3
	}
	return d
}

// mnistLike returns n MNIST-shaped images with ink and "digit" labels.
func mnistLike(n int) *Dataset {
	d := &Dataset{Name: "mnist-like", Shape: []int{1, 28, 28}, Features: make([]float32, n*784),
		Labels: []Labels{{Task: "digit", Classes: 10, Values: make([]int, n)}}}
	for i := range n {
		for p := 300; p < 320; p++ {
			d.Features[i*784+p] = 1
		}
		d.Labels[0].Values[i] = i % 10
	}
	return d
}

func TestBadInputDataset(t *testing.T) {
	edit := func(f func(d *Dataset)) *Dataset { d := smallSet(10); f(d); return d }
	for _, tc := range []struct {
		name string
		d    *Dataset
		is   error
		want []string
	}{
		{"nil", nil, ErrEmpty, []string{"nil dataset"}},
		{"zero value", &Dataset{}, ErrEmpty, []string{"unnamed dataset", "empty"}},
		{"no examples", edit(func(d *Dataset) { d.Features = nil }), ErrEmpty, []string{"tiny", "empty"}},
		{"empty shape", edit(func(d *Dataset) { d.Shape = nil }), nil, []string{"tiny", "shape is empty"}},
		{"zero width", edit(func(d *Dataset) { d.Shape = []int{0} }), nil, []string{"tiny", "dimension 0 is 0"}},
		{"negative width", edit(func(d *Dataset) { d.Shape = []int{2, -1} }), nil, []string{"tiny", "dimension 1 is -1"}},
		{"overflowing shape", edit(func(d *Dataset) { d.Shape = []int{1 << 40, 1 << 40} }), nil, []string{"tiny", "overflows"}},
		{"ragged features", edit(func(d *Dataset) { d.Features = d.Features[:19] }), nil, []string{"tiny", "19 features", "width 2"}},
		{"NaN feature", edit(func(d *Dataset) { d.Features[7] = float32(math.NaN()) }), nil, []string{"tiny", "example 3", "feature 1 is NaN"}},
		{"Inf feature", edit(func(d *Dataset) { d.Features[0] = float32(math.Inf(-1)) }), nil, []string{"example 0", "feature 0 is -Inf"}},
		{"label equal to classes", edit(func(d *Dataset) { d.Labels[0].Values[4] = 3 }), nil, []string{`task "a"`, "example 4", "label 3 outside [0, 3)"}},
		{"label -2", edit(func(d *Dataset) { d.Labels[0].Values[9] = -2 }), nil, []string{`task "a"`, "example 9", "label -2"}},
		{"zero classes", edit(func(d *Dataset) { d.Labels[0].Classes = 0 }), nil, []string{`task "a"`, "0 classes"}},
		{"short labels", edit(func(d *Dataset) { d.Labels[0].Values = d.Labels[0].Values[:9] }), nil, []string{`task "a"`, "9 labels for 10 examples"}},
		{"unnamed task", edit(func(d *Dataset) { d.Labels[0].Task = "" }), nil, []string{"label set 0 has no task name"}},
		{"duplicate task", edit(func(d *Dataset) { d.Targets[0].Task = "a" }), nil, []string{`task "a"`, "duplicate"}},
		{"zero target dimension", edit(func(d *Dataset) { d.Targets[0].Dim = 0 }), nil, []string{`task "r"`, "target dimension 0"}},
		{"absurd target dimension", edit(func(d *Dataset) { d.Targets[0].Dim = 1 << 62 }), nil, []string{`task "r"`, "target values for 10 examples"}},
		{"NaN target", edit(func(d *Dataset) { d.Targets[0].Values[2] = float32(math.NaN()) }), nil, []string{`task "r"`, "example 2", "is NaN"}},
	} {
		t.Run("Validate "+tc.name, func(t *testing.T) {
			wantError(t, guard(t, tc.d.Validate), tc.is, tc.want...)
		})
	}

	for _, tc := range []struct {
		name string
		call func() error
		want []string
	}{
		{"SplitTail of nil", func() error { _, _, err := (*Dataset)(nil).SplitTail(0.2); return err }, []string{"split of nil dataset"}},
		{"SplitTail 1", func() error { _, _, err := smallSet(10).SplitTail(1); return err }, []string{"tiny", "validation fraction 1 outside [0, 1)"}},
		{"SplitTail -0.1", func() error { _, _, err := smallSet(10).SplitTail(-0.1); return err }, []string{"tiny", "fraction -0.1"}},
		{"SplitTail NaN", func() error { _, _, err := smallSet(10).SplitTail(math.NaN()); return err }, []string{"tiny", "fraction NaN"}},
		{"SplitTail leaving no validation", func() error { _, _, err := smallSet(2).SplitTail(0.1); return err }, []string{"tiny", "leaves 2 for training and 0 for validation"}},
		{"SplitTail of an empty dataset", func() error { _, _, err := smallSet(0).SplitTail(0.5); return err }, []string{"tiny", "0 examples"}},
		{"SplitTail with short labels", func() error {
			d := smallSet(10)
			d.Labels[0].Values = d.Labels[0].Values[:3]
			_, _, err := d.SplitTail(0.5)
			return err
		}, []string{`task "a"`, "3 labels for 10 examples"}},
		{"Subset of nil", func() error { _, err := (*Dataset)(nil).Subset([]int{0}); return err }, []string{"subset of nil dataset"}},
		{"Subset index -1", func() error { _, err := smallSet(10).Subset([]int{0, -1}); return err }, []string{"tiny", "index -1 (position 1) outside [0, 10)"}},
		{"Subset index past the end", func() error { _, err := smallSet(10).Subset([]int{10}); return err }, []string{"tiny", "index 10"}},
		{"Subset absurd index", func() error { _, err := smallSet(10).Subset([]int{1 << 40}); return err }, []string{"tiny", "index 1099511627776"}},
		{"LabelsFor of nil", func() error { _, err := (*Dataset)(nil).LabelsFor("a"); return err }, []string{"nil dataset"}},
		{"LabelsFor an unknown task", func() error { _, err := smallSet(3).LabelsFor("b"); return err }, []string{"tiny", `no task "b"`, `"a"`, `"r"`}},
		{"LabelsFor a regression task", func() error { _, err := smallSet(3).LabelsFor("r"); return err }, []string{"tiny", `task "r" has real-valued targets`}},
		{"TargetsFor of nil", func() error { _, err := (*Dataset)(nil).TargetsFor("r"); return err }, []string{"nil dataset"}},
		{"TargetsFor a classification task", func() error { _, err := smallSet(3).TargetsFor("a"); return err }, []string{"tiny", `task "a" has class labels`}},
		{"Standardize nil", func() error {
			return (&CSVInfo{Features: []string{"x", "y"}, Mean: []float64{0, 0}, Std: []float64{1, 1}}).Standardize(nil)
		}, []string{"nil"}},
		{"Standardize of another width", func() error {
			return (&CSVInfo{Features: []string{"x"}, Mean: []float64{0}, Std: []float64{1}}).Standardize(smallSet(3))
		}, []string{"tiny", "[2]"}},
		{"Standardize with zero std", func() error {
			return (&CSVInfo{Features: []string{"x", "y"}, Mean: []float64{0, 0}, Std: []float64{1, 0}}).Standardize(smallSet(3))
		}, []string{`feature 1 ("y")`, "standard deviation 0"}},
		{"Standardize with NaN mean", func() error {
			return (&CSVInfo{Features: []string{"x", "y"}, Mean: []float64{math.NaN(), 0}, Std: []float64{1, 1}}).Standardize(smallSet(3))
		}, []string{"mean"}},
		{"Standardize with a nil info", func() error { return (*CSVInfo)(nil).Standardize(smallSet(3)) }, []string{"nil"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, guard(t, tc.call), nil, tc.want...) })
	}

	// Len, Width and Head of malformed datasets answer without panicking.
	for _, d := range []*Dataset{nil, {}, edit(func(d *Dataset) { d.Shape = []int{1 << 40, 1 << 40} }), edit(func(d *Dataset) { d.Labels[0].Values = nil }),
		edit(func(d *Dataset) { d.Targets[0].Dim = -3 }), edit(func(d *Dataset) { d.Targets[0].Dim = 1 << 62 })} {
		_ = guard(t, func() error {
			_, _ = d.Len(), d.Width()
			for _, n := range []int{-1, 0, 3, 1 << 40} {
				if h := d.Head(n); h != nil && d != nil && h.Len() > d.Len() {
					t.Errorf("Head(%d) has %d examples, more than the %d of the dataset", n, h.Len(), d.Len())
				}
			}
			return nil
		})
	}
}

func TestBadInputGenerators(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func() error
		want []string
	}{
		// MMoESynthetic.
		{"mmoe correlation 2", func() error { _, _, err := MMoESynthetic(MMoEConfig{Correlation: 2}); return err }, []string{"mmoe", "correlation 2"}},
		{"mmoe correlation NaN", func() error { _, _, err := MMoESynthetic(MMoEConfig{Correlation: math.NaN()}); return err }, []string{"mmoe", "correlation NaN"}},
		{"mmoe dimension 1", func() error { _, _, err := MMoESynthetic(MMoEConfig{Dim: 1}); return err }, []string{"mmoe", "dimension 1"}},
		{"mmoe negative dimension", func() error { _, _, err := MMoESynthetic(MMoEConfig{Dim: -5}); return err }, []string{"mmoe", "dimension -5"}},
		{"mmoe absurd dimension", func() error { _, _, err := MMoESynthetic(MMoEConfig{Dim: 1 << 40}); return err }, []string{"mmoe", "dimension 1099511627776"}},
		{"mmoe negative sines", func() error { _, _, err := MMoESynthetic(MMoEConfig{Sines: -1}); return err }, []string{"mmoe", "-1 sines"}},
		{"mmoe absurd sines", func() error { _, _, err := MMoESynthetic(MMoEConfig{Sines: 1 << 40}); return err }, []string{"mmoe", "1099511627776 sines"}},
		{"mmoe zero scale", func() error { _, _, err := MMoESynthetic(MMoEConfig{Scale: -1}); return err }, []string{"mmoe", "scale -1"}},
		{"mmoe infinite scale", func() error { _, _, err := MMoESynthetic(MMoEConfig{Scale: math.Inf(1)}); return err }, []string{"mmoe", "scale +Inf"}},
		{"mmoe negative train", func() error { _, _, err := MMoESynthetic(MMoEConfig{Train: -1}); return err }, []string{"mmoe", "-1 training examples"}},
		{"mmoe negative test", func() error { _, _, err := MMoESynthetic(MMoEConfig{Test: -1}); return err }, []string{"mmoe", "-1 test examples"}},
		{"mmoe absurd train", func() error { _, _, err := MMoESynthetic(MMoEConfig{Train: 1 << 40}); return err }, []string{"mmoe", "1099511627776+2000 examples"}},
		{"mmoe overflowing counts", func() error {
			_, _, err := MMoESynthetic(MMoEConfig{Train: math.MaxInt, Test: math.MaxInt})
			return err
		}, []string{"mmoe", "examples"}},

		// mnist-loc.
		{"mnist-loc of nil", func() error { _, err := MNISTLocFrom(nil, MNISTLocConfig{}); return err }, []string{"mnist-loc", "nil"}},
		{"mnist-loc of an empty set", func() error {
			_, err := MNISTLocFrom(&Dataset{Name: "none", Shape: []int{1, 28, 28}}, MNISTLocConfig{})
			return err
		}, []string{"none", "empty"}},
		{"mnist-loc of other shapes", func() error { _, err := MNISTLocFrom(smallSet(3), MNISTLocConfig{}); return err }, []string{"tiny", "[1 28 28]", "[2]"}},
		{"mnist-loc negative size", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{Size: -1}); return err }, []string{"size -1"}},
		{"mnist-loc canvas smaller than a digit", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{Size: 20}); return err }, []string{"20"}},
		{"mnist-loc absurd size", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{Size: 1 << 40}); return err }, []string{"1099511627776"}},
		{"mnist-loc scale 0.1", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{MinScale: 0.1}); return err }, []string{"0.1"}},
		{"mnist-loc scale NaN", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{MaxScale: math.NaN()}); return err }, []string{"NaN"}},
		{"mnist-loc absurd scale", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{MaxScale: 1e300}); return err }, []string{"maximum scale 1e+300", "canvas size 56"}},
		{"mnist-loc clutter -2", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{Clutter: -2}); return err }, []string{"-2 clutter fragments"}},
		{"mnist-loc absurd clutter", func() error { _, err := MNISTLocFrom(mnistLike(3), MNISTLocConfig{Clutter: 1 << 40}); return err }, []string{"1099511627776 clutter fragments"}},
		{"mnist-loc clutter from one image", func() error { _, err := MNISTLocFrom(mnistLike(1), MNISTLocConfig{}); return err }, []string{"mnist-like", "only 1"}},
		{"mnist-loc without digits", func() error {
			d := mnistLike(3)
			d.Labels[0].Task = "left"
			_, err := MNISTLocFrom(d, MNISTLocConfig{})
			return err
		}, []string{"mnist-like", `"digit"`}},
		{"mnist-loc of normalised pixels", func() error {
			d := mnistLike(3)
			d.Features[5] = -0.42
			_, err := MNISTLocFrom(d, MNISTLocConfig{})
			return err
		}, []string{"mnist-like", "example 0", "pixel 5 is -0.42"}},
		{"mnist-loc of a blank image", func() error {
			d := mnistLike(3)
			clear(d.Features[784 : 2*784])
			_, err := MNISTLocFrom(d, MNISTLocConfig{})
			return err
		}, []string{"mnist-like", "1"}},
		{"mnist-loc unknown split", func() error { _, err := MNISTLoc(Split(7), MNISTLocConfig{}); return err }, []string{"unknown split Split(7)"}},

		// MultiMNIST.
		{"multimnist of nil", func() error { _, err := MultiMNISTFrom(nil, 1); return err }, []string{"multimnist", "nil"}},
		{"multimnist of other shapes", func() error { _, err := MultiMNISTFrom(smallSet(3), 1); return err }, []string{"tiny", "[1 28 28]"}},
		{"multimnist of normalised pixels", func() error {
			d := mnistLike(3)
			d.Features[0] = 2
			_, err := MultiMNISTFrom(d, 1)
			return err
		}, []string{"mnist-like", "pixel 0 is 2"}},
		{"multimnist unknown split", func() error { _, err := MultiMNIST(Split(-1)); return err }, []string{"unknown split Split(-1)"}},

		// MNIST from files.
		{"mnist unknown split", func() error { _, err := MNISTFrom(t.TempDir(), Split(2)); return err }, []string{"unknown split Split(2)"}},
		{"mnist from a missing folder", func() error { _, err := MNISTFrom(filepath.Join(t.TempDir(), "nope"), Train); return err }, []string{"nope"}},
		{"mnist from a file", func() error {
			path := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
				return err
			}
			_, err := MNISTFrom(path, Train)
			return err
		}, []string{"file"}},

		// Spam.
		{"spam of a nil corpus", func() error { _, err := SpamFrom(nil, Train, SpamConfig{}); return err }, []string{"spam", "nil corpus"}},
		{"spam from a missing folder", func() error { _, err := SpamAssassin(filepath.Join(t.TempDir(), "nope")); return err }, []string{"nope"}},
		{"spam unknown split", func() error { _, err := Spam(Split(3), SpamConfig{Dir: t.TempDir()}); return err }, []string{"unknown split Split(3)"}},
		{"spam negative features", func() error {
			c, err := SpamAssassin("testdata/spam/corpus")
			if err != nil {
				return err
			}
			_, err = SpamFrom(c, Train, SpamConfig{BOW: HashedBOW{Dim: -1}})
			return err
		}, []string{"dimension -1"}},
		{"spam absurd features", func() error {
			c, err := SpamAssassin("testdata/spam/corpus")
			if err != nil {
				return err
			}
			_, err = SpamFrom(c, Train, SpamConfig{BOW: HashedBOW{Dim: 1 << 40}})
			return err
		}, []string{"spam-train", "1099511627776 features"}},
		{"spam test fraction 1", func() error {
			c, err := SpamAssassin("testdata/spam/corpus")
			if err != nil {
				return err
			}
			_, err = SpamFrom(c, Train, SpamConfig{TestFraction: 1})
			return err
		}, []string{"1"}},
		{"spam test fraction NaN", func() error {
			c, err := SpamAssassin("testdata/spam/corpus")
			if err != nil {
				return err
			}
			_, err = SpamFrom(c, Train, SpamConfig{TestFraction: math.NaN()})
			return err
		}, []string{"NaN"}},
		{"features of the wrong length", func() error { return HashedBOW{Dim: 8}.Features(make([]float32, 7), []string{"ab"}) }, []string{"7", "8"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, guard(t, tc.call), nil, tc.want...) })
	}
}

func TestBadInputFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// header writes an IDX header: magic 0 0 type dims, then each dimension.
	header := func(typ byte, dims ...uint32) []byte {
		b := []byte{0, 0, typ, byte(len(dims))}
		for _, d := range dims {
			b = binary.BigEndian.AppendUint32(b, d)
		}
		return b
	}
	iris := "testdata/csv/iris.csv"
	irisTasks := CSVConfig{Tasks: []CSVTask{{Name: "species", Kind: CSVClassify}}}
	for _, tc := range []struct {
		name string
		call func() error
		is   error
		want []string
	}{
		// IDX.
		{"idx missing file", func() error { _, err := ReadIDXFile(filepath.Join(dir, "missing.idx")); return err }, fs.ErrNotExist, []string{"missing.idx"}},
		{"idx folder", func() error { _, err := ReadIDXFile(dir); return err }, nil, []string{dir}},
		{"idx empty file", func() error { _, err := ReadIDXFile(write("empty.idx", nil)); return err }, nil, []string{"empty.idx", "offset 0"}},
		{"idx bad magic", func() error { _, err := ReadIDXFile(write("magic.idx", []byte{1, 2, 8, 1, 0, 0, 0, 1, 0})); return err }, nil, []string{"magic.idx", "offset 0"}},
		{"idx unknown type", func() error { _, err := ReadIDXFile(write("type.idx", header(0x42, 1))); return err }, nil, []string{"type.idx", "offset 2"}},
		{"idx zero dimension", func() error { _, err := ReadIDXFile(write("zero.idx", header(8, 0))); return err }, nil, []string{"zero.idx", "offset 4"}},
		{"idx absurd dimensions", func() error {
			_, err := ReadIDXFile(write("huge.idx", header(8, 1<<31-1, 1<<31-1, 1<<31-1)))
			return err
		}, nil, []string{"huge.idx"}},
		{"idx claiming a gigabyte", func() error { _, err := ReadIDXFile(write("giga.idx", header(0x0d, 1<<28-1))); return err }, nil, []string{"giga.idx"}},
		{"idx truncated", func() error { _, err := ReadIDXFile(write("short.idx", append(header(8, 4), 1, 2))); return err }, nil, []string{"short.idx"}},
		{"idx too long", func() error { _, err := ReadIDXFile(write("long.idx", append(header(8, 1), 1, 2))); return err }, nil, []string{"long.idx"}},
		{"idx from a nil reader", func() error { _, err := ReadIDX(nil, "nil-reader"); return err }, nil, []string{"nil-reader"}},
		{"write nil idx", func() error { return WriteIDX(&bytes.Buffer{}, nil) }, nil, []string{"nil"}},
		{"write idx with short data", func() error { return WriteIDX(&bytes.Buffer{}, &IDX{Type: 8, Dims: []int{4}, Data: []byte{1}}) }, nil, []string{"4"}},
		{"write idx with a negative dimension", func() error { return WriteIDX(&bytes.Buffer{}, &IDX{Type: 8, Dims: []int{-4}}) }, nil, []string{"-4"}},
		{"pixels of a nil idx", func() error { _, err := (*IDX)(nil).Pixels(); return err }, nil, []string{"nil"}},

		// CSV.
		{"csv missing file", func() error { _, _, _, err := ReadCSV(filepath.Join(dir, "missing.csv"), irisTasks); return err }, fs.ErrNotExist, []string{"missing.csv"}},
		{"csv folder", func() error { _, _, _, err := ReadCSV(dir, irisTasks); return err }, nil, []string{dir}},
		{"csv without tasks", func() error { _, _, _, err := ReadCSV(iris, CSVConfig{}); return err }, nil, []string{"no tasks"}},
		{"csv unknown task column", func() error {
			_, _, _, err := ReadCSV(iris, CSVConfig{Tasks: []CSVTask{{Name: "colour", Kind: CSVClassify}}})
			return err
		}, nil, []string{"iris.csv", `"colour"`}},
		{"csv unknown kind", func() error {
			_, _, _, err := ReadCSV(iris, CSVConfig{Tasks: []CSVTask{{Name: "species", Kind: "ordinal"}}})
			return err
		}, nil, []string{`"ordinal"`}},
		{"csv test fraction 1", func() error {
			_, _, _, err := ReadCSV(iris, CSVConfig{Tasks: irisTasks.Tasks, TestFraction: 1})
			return err
		}, nil, []string{"1"}},
		{"csv test fraction NaN", func() error {
			_, _, _, err := ReadCSV(iris, CSVConfig{Tasks: irisTasks.Tasks, TestFraction: math.NaN()})
			return err
		}, nil, []string{"NaN"}},
		{"csv empty file", func() error { _, _, _, err := ReadCSV(write("empty.csv", nil), irisTasks); return err }, nil, []string{"empty.csv"}},
		{"csv header only", func() error {
			_, _, _, err := ReadCSV(write("header.csv", []byte("x,species\n")), irisTasks)
			return err
		}, nil, []string{"header.csv"}},
		{"csv duplicate header", func() error {
			_, _, _, err := ReadCSV(write("dup.csv", []byte("x,x,species\n1,2,a\n3,4,b\n")), irisTasks)
			return err
		}, nil, []string{"dup.csv", "line 1", `"x"`}},
		{"csv empty header name", func() error {
			_, _, _, err := ReadCSV(write("blank.csv", []byte("x,,species\n1,2,a\n3,4,b\n")), irisTasks)
			return err
		}, nil, []string{"blank.csv", "line 1"}},
		{"csv NaN cell", func() error {
			_, _, _, err := ReadCSV(write("nan.csv", []byte("x,species\n1,a\nNaN,b\n2,a\n3,b\n")), irisTasks)
			return err
		}, nil, []string{"nan.csv", "line 3", "column 1", `"x"`}},
		{"csv short row", func() error {
			_, _, _, err := ReadCSV(write("short.csv", []byte("x,species\n1,a\n2\n3,b\n")), irisTasks)
			return err
		}, nil, []string{"short.csv", "line 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, guard(t, tc.call), tc.is, tc.want...) })
	}
}
