package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// locArgs and spamArgs are the mnist-loc and spam runs: a few seconds
// each, most of it making the data (mnist-loc builds all 60,000 canvases,
// spam parses the whole corpus).
var (
	locArgs  = []string{"train", "--dataset", "mnist-loc", "--limit", "320", "--epochs", "1", "--batch", "32", "--test-limit", "100"}
	spamArgs = []string{"train", "--dataset", "spam", "--limit", "500", "--epochs", "1", "--test-limit", "300"}
)

var sharedLoc, sharedSpam onceRun

// sharedLocRun trains locArgs once per test binary.
func sharedLocRun(t *testing.T) string {
	t.Helper()
	return sharedLoc.get(t, "shared-mnist-loc", locArgs...)
}

// sharedSpamRun trains spamArgs once per test binary.
func sharedSpamRun(t *testing.T) string {
	t.Helper()
	return sharedSpam.get(t, "shared-spam", spamArgs...)
}

// Boxes are fractions of the image; the drawing is drawScale times
// larger. By hand: on a 56×56 image at scale 4 (224×224 pixels), x0 =
// 0.25 is column 0.25·224 = 56, y1 = 1 is row 224 (one past the last).
func TestBoxRect(t *testing.T) {
	tests := []struct {
		name string
		box  []float32
		w, h int
		want image.Rectangle
	}{
		{"quarter to end", []float32{0.25, 0.5, 0.75, 1}, 56, 56, image.Rect(56, 112, 168, 224)},
		{"whole image", []float32{0, 0, 1, 1}, 56, 56, image.Rect(0, 0, 224, 224)},
		{"rounded", []float32{0.1, 0.1, 0.2, 0.3}, 56, 56, image.Rect(22, 22, 45, 67)}, // 22.4, 44.8, 67.2
		{"wide image", []float32{0.5, 0.5, 1, 1}, 10, 5, image.Rect(20, 10, 40, 20)},
		{"corners swapped", []float32{0.75, 1, 0.25, 0.5}, 56, 56, image.Rect(56, 112, 168, 224)},
		{"outside", []float32{-3, 0, 9, 1}, 56, 56, image.Rect(-1, 0, 225, 224)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := boxRect(tt.box, tt.w, tt.h, drawScale); got != tt.want {
				t.Errorf("boxRect(%v, %d, %d) = %v, want %v", tt.box, tt.w, tt.h, got, tt.want)
			}
		})
	}
}

// A 4×4 image with one white pixel, boxes drawn by hand: the true box
// (0, 0, 0.5, 0.5) covers pixels [0, 8) of the 16×16 drawing, its outline
// the 2 outer pixels; the predicted box (0.5, 0.5, 1, 1) the rest.
func TestDrawBoxes(t *testing.T) {
	pix := make([]float32, 16)
	pix[2*4+1] = 1 // row 2, column 1
	pix[3*4+3] = 7 // clamped to white
	img := drawBoxes(pix, 4, 4, []float32{0, 0, 0.5, 0.5}, []float32{0.5, 0.5, 1, 1})
	white, black := color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
	tests := []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, trueBoxColor}, {7, 7, trueBoxColor}, {1, 5, trueBoxColor}, {6, 3, trueBoxColor},
		{2, 2, black}, {5, 5, black}, // inside the true box, off its outline
		{8, 8, predBoxColor}, {15, 15, predBoxColor}, {9, 12, predBoxColor},
		{10, 10, black},
		{4, 8, white}, {7, 11, white}, // pixel (row 2, column 1) is x 4..7, y 8..11
		{13, 13, white},
		{8, 0, black},
	}
	for _, tt := range tests {
		if got := img.RGBAAt(tt.x, tt.y); got != tt.want {
			t.Errorf("pixel (%d, %d) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
	if b := img.Bounds(); b != image.Rect(0, 0, 16, 16) {
		t.Errorf("bounds %v, want 16×16", b)
	}
}

// mnist-loc trains a digit and a box: summary.json has the box's iou and
// iou50, and eval gives the same scores.
func TestTrainMNISTLoc(t *testing.T) {
	dir := sharedLocRun(t)
	sum := readSummary(t, dir)
	checkTestScores(t, sum, map[string][]string{"digit": {"accuracy", "loss"}, "box": {"iou", "iou50", "loss"}})
	if s := sum.Test["box"]; s["iou"] > 1 || s["iou50"] > 1 {
		t.Errorf("test.box = %v, want iou and iou50 in [0, 1]", s)
	}
	if sum.Dataset != "mnist-loc" || sum.Config.Trunk != "loc" || sum.TestExamples != 100 || !reflect.DeepEqual(sum.Config.Spec.Input, []int{1, 56, 56}) {
		t.Errorf("dataset %q, trunk %q, %d test examples, input %v; want mnist-loc, loc, 100, [1 56 56]", sum.Dataset, sum.Config.Trunk, sum.TestExamples, sum.Config.Spec.Input)
	}
	if got := evalJSON(t, dir, "--test-limit", "100"); !reflect.DeepEqual(got.Test, sum.Test) {
		t.Errorf("eval %v, summary.json %v", got.Test, sum.Test)
	}
	if out := sharedLoc.res.stdout; !strings.Contains(out, "iou50") {
		t.Errorf("stdout lacks the box's metrics:\n%s", out)
	}
}

// predict shows the digit, the predicted and the true box and their IoU;
// --draw writes a PNG per image, 4× the canvas, named after the index and
// the IoU, with the true box's outline in green.
func TestPredictMNISTLoc(t *testing.T) {
	dir := sharedLocRun(t)
	draw := filepath.Join(t.TempDir(), "draw")
	r := runMTL(context.Background(), "predict", "--model", dir, "--index", "3,0", "--draw", draw)
	lines := jsonLines(r.stdout)
	if r.code != 0 || len(lines) != 4 {
		t.Fatalf("want a header, 2 rows and the drawings line, got %v", r)
	}
	if got, want := strings.Fields(lines[0]), []string{"index", "digit", "p(digit)", "box", "true", "digit", "true", "box", "iou(box)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("header %q, want %q", got, want)
	}
	// index, digit, p, 4 box values, true digit, 4 true values, iou
	if f := strings.Fields(lines[1]); len(f) != 13 || f[0] != "3" {
		t.Errorf("row %q, want 13 fields for example 3", lines[1])
	}
	if !strings.HasPrefix(lines[3], "Drawings: 2 PNG files in ") {
		t.Errorf("last line %q", lines[3])
	}

	preds := predictLines(t, dir, "--index", "3,0", "--draw", draw)
	name := regexp.MustCompile(`^\d{5}-iou\d\.\d\d\.png$`)
	for _, p := range preds {
		box, want := p.Predictions["box"].Values, p.Targets["box"]
		if len(box) != 4 || len(want) != 4 || p.Labels["digit"] < 0 {
			t.Fatalf("prediction %+v, want a predicted and a true box and a digit", p)
		}
		if iou, ok := p.IoU["box"]; !ok || iou < 0 || iou > 1 {
			t.Errorf("example %d: iou %v", p.Index, p.IoU)
		}
		if base := filepath.Base(p.Drawing); !name.MatchString(base) || !strings.HasPrefix(base, []string{"00003", "00000"}[map[int]int{3: 0, 0: 1}[p.Index]]) {
			t.Errorf("example %d drawn as %q", p.Index, p.Drawing)
		}
		f, err := os.Open(p.Drawing)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p.Drawing, err)
		}
		if b := img.Bounds(); b != image.Rect(0, 0, 224, 224) {
			t.Errorf("%s: bounds %v, want 224×224", p.Drawing, b)
		}
		// The true box's top-left corner is on its outline: green, unless
		// the predicted box's outline covers it.
		r := boxRect(want, 56, 56, drawScale)
		c := color.RGBAModel.Convert(img.At(r.Min.X, r.Min.Y)).(color.RGBA)
		if c != trueBoxColor && c != predBoxColor {
			t.Errorf("%s: pixel %v of the true box is %v", p.Drawing, r.Min, c)
		}
	}
	entries, err := os.ReadDir(draw)
	if err != nil || len(entries) != 2 {
		t.Errorf("%s holds %d files (%v), want 2", draw, len(entries), err)
	}
}

// --draw needs images and a box task.
func TestDrawErrors(t *testing.T) {
	tests := []struct {
		name string
		dir  func(*testing.T) string
		want string
	}{
		{"mnist", sharedRun, `--draw draws the boxes of a box task, but the model's tasks are "digit" and "parity"`},
		{"spam", sharedSpamRun, "--draw draws boxes on images, but dataset spam has none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), "predict", "--model", tt.dir(t), "--draw", t.TempDir())
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit 2 and %q, got %v", tt.want, r)
			}
		})
	}
}

// --images on an mnist-loc model reads 56×56 images, which have no true
// box: the drawing has the predicted box only and no IoU in its name.
func TestPredictImagesMNISTLoc(t *testing.T) {
	pix := make([]byte, 2*56*56)
	for i := range pix {
		pix[i] = byte(i * 7 % 251)
	}
	file := filepath.Join(t.TempDir(), "two-idx3-ubyte")
	var buf bytes.Buffer
	if err := datasets.WriteIDX(&buf, &datasets.IDX{Type: datasets.IDXUint8, Dims: []int{2, 56, 56}, Data: pix}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	draw := t.TempDir()
	got := predictLines(t, sharedLocRun(t), "--images", file, "--draw", draw)
	if len(got) != 2 || got[1].Index != 1 || got[1].Labels != nil || got[1].IoU != nil || filepath.Base(got[1].Drawing) != "00001.png" {
		t.Fatalf("got %+v, want 2 images without truth, drawn as 00000.png and 00001.png", got)
	}
	if len(got[0].Predictions["box"].Values) != 4 {
		t.Errorf("box prediction %+v", got[0].Predictions["box"])
	}
	r := runMTL(context.Background(), "predict", "--model", sharedRun(t), "--images", file)
	if r.code != exitError || !strings.Contains(r.stderr, "want uint8 images of 784 pixels each, such as [N 28 28]") {
		t.Errorf("56×56 images for an mnist model: want exit 1, got %v", r)
	}
}
