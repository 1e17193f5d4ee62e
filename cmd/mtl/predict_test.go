package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

func TestPredictTable(t *testing.T) {
	dir := sharedRun(t)
	r := runMTL(context.Background(), "predict", "--model", dir)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	lines := jsonLines(r.stdout)
	if len(lines) != 1+defaultFirst {
		t.Fatalf("want a header and %d rows:\n%s", defaultFirst, r.stdout)
	}
	if got := strings.Fields(lines[0]); !reflect.DeepEqual(got, []string{"index", "digit", "p(digit)", "parity", "p(parity)", "true", "digit", "true", "parity"}) {
		t.Errorf("header %q", lines[0])
	}
	// MNIST's first test image is a 7, which is odd.
	if got := strings.Fields(lines[1]); got[0] != "0" || got[5] != "7" || got[6] != "1" {
		t.Errorf("row of image 0 %q, want index 0 and labels 7 and 1", lines[1])
	}
}

// predictJSON runs predict --json and decodes its lines.
func predictJSON(t *testing.T, args ...string) []predictionLine {
	t.Helper()
	r := runMTL(context.Background(), append([]string{"predict", "--model", sharedRun(t), "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	var out []predictionLine
	for _, line := range jsonLines(r.stdout) {
		var p predictionLine
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		out = append(out, p)
	}
	return out
}

func TestPredictJSON(t *testing.T) {
	got := predictJSON(t, "--index", "3,0,9999")
	if len(got) != 3 || got[0].Index != 3 || got[1].Index != 0 || got[2].Index != 9999 {
		t.Fatalf("got %+v, want images 3, 0 and 9999", got)
	}
	classes := map[string]int{"digit": 10, "parity": 2}
	for _, p := range got {
		if p.MessageType != "prediction" || len(p.Predictions) != 2 || len(p.Labels) != 2 {
			t.Errorf("image %d: %+v, want two predictions and two labels", p.Index, p)
		}
		if p.Labels["parity"] != p.Labels["digit"]%2 {
			t.Errorf("image %d: labels %v", p.Index, p.Labels)
		}
		for task, n := range classes {
			tp := p.Predictions[task]
			sum := 0.0
			for c, v := range tp.Probs {
				sum += float64(v)
				if v > tp.Probs[tp.Class] {
					t.Errorf("image %d %s: class %d is not the most probable (%d is)", p.Index, task, tp.Class, c)
				}
			}
			if len(tp.Probs) != n || math.Abs(sum-1) > 1e-5 || tp.Probability != tp.Probs[tp.Class] {
				t.Errorf("image %d %s: %+v, want %d probabilities summing to 1", p.Index, task, tp, n)
			}
		}
	}
	if first := predictJSON(t, "--first", "2"); len(first) != 2 || first[1].Index != 1 {
		t.Errorf("--first 2 gave %+v", first)
	}
}

// --images predicts from an IDX file: the first three test images, written
// as uint8 [3 28 28], give the same predictions as the test set and no
// labels.
func TestPredictImages(t *testing.T) {
	test, err := datasets.MNIST(datasets.Test)
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, 3*784)
	for i := range pix {
		pix[i] = byte(math.Round(float64(test.Features[i]) * 255))
	}
	file := filepath.Join(t.TempDir(), "three-idx3-ubyte")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteIDX(f, &datasets.IDX{Type: datasets.IDXUint8, Dims: []int{3, 28, 28}, Data: pix}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	got := predictJSON(t, "--images", file)
	want := predictJSON(t, "--first", "3")
	for i := range want {
		want[i].Labels = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from the file:\n%+v\nfrom the test set:\n%+v", got, want)
	}
	r := runMTL(context.Background(), "predict", "--model", sharedRun(t), "--images", file)
	if r.code != 0 || strings.Contains(r.stdout, "true") || len(jsonLines(r.stdout)) != 4 {
		t.Errorf("want a table of 3 images without labels, got %v", r)
	}
	r = runMTL(context.Background(), "predict", "--model", sharedRun(t), "--images", file, "--index", "3")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--index 3 is out of range: there are 3 images") {
		t.Errorf("--index past the file: want exit 2, got %v", r)
	}
}

func TestPredictErrors(t *testing.T) {
	model := sharedRun(t)
	floats := filepath.Join(t.TempDir(), "floats")
	f, err := os.Create(floats)
	if err != nil {
		t.Fatal(err)
	}
	datasets.WriteIDX(f, &datasets.IDX{Type: datasets.IDXFloat32, Dims: []int{1, 2}, Data: make([]byte, 8)})
	f.Close()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"index past the test set", []string{"--index", "10000"}, exitUsage, "--index 10000 is out of range: there are 10000 images"},
		{"missing image file", []string{"--images", filepath.Join(t.TempDir(), "none")}, exitError, "no such file"},
		{"image file of floats", []string{"--images", floats}, exitError, "want uint8 images of 784 pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), append([]string{"predict", "--model", model}, tt.args...)...)
			if r.code != tt.code || !strings.HasPrefix(r.stderr, "mtl: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit %d and \"mtl: ...%s...\" on stderr, got %v", tt.code, tt.want, r)
			}
		})
	}
}

func TestParseIndices(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"0", []int{0}, true},
		{"0,1,2", []int{0, 1, 2}, true},
		{" 5, 3 ,5", []int{5, 3, 5}, true},
		{"", nil, false},
		{"1,", nil, false},
		{"a", nil, false},
		{"-1", nil, false},
		{"1.5", nil, false},
	}
	for _, tt := range tests {
		got, err := parseIndices(tt.in)
		if (err == nil) != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseIndices(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
