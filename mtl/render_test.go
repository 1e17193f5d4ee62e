package mtl

import (
	"bytes"
	"context"
	"encoding/xml"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
)

// decodePNG decodes b as a PNG and returns its size.
func decodePNG(t *testing.T, b []byte) image.Point {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG (%d bytes): %v", len(b), err)
	}
	return img.Bounds().Size()
}

// checkHTML fails unless s is a well-formed fragment (every tag closed,
// no entity beyond XML's: what html.EscapeString writes) holding every
// string of want.
func checkHTML(t *testing.T, s string, want ...string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<div>" + s + "</div>"))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("malformed HTML: %v\n%s", err, s)
		}
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("HTML lacks %q:\n%s", w, s)
		}
	}
}

// panelPx is the width in pixels of one plot panel (vgimg's 96 dpi).
var panelPx = int(math.Round(panelWidth.Dots(96)))

// history returns a two-epoch History of tasks with the given metrics,
// with validation, built as Fit builds it.
func testHistory(tasks map[string][]string, order []string) *History {
	h := &History{TrainExamples: 2000, TrainSeconds: 4}
	var keys []string
	for _, prefix := range []string{"", "val_"} {
		keys = append(keys, prefix+"loss")
		for _, task := range order {
			keys = append(keys, prefix+task+"_loss")
			for _, m := range tasks[task] {
				keys = append(keys, prefix+task+"_"+m)
			}
		}
	}
	for e := 0; e < 2; e++ {
		row := map[string]float64{}
		for i, k := range keys {
			row[k] = 0.5 + 0.1*float64(e) + 0.01*float64(i)
		}
		h.add(row, keys)
	}
	return h
}

func TestRenderHistory(t *testing.T) {
	for _, c := range []struct {
		name   string
		hist   *History
		panels int // loss + one per metric drawn
		want   []string
	}{
		{"two classifiers", testHistory(map[string][]string{"digit": {"accuracy"}, "parity": {"accuracy"}}, []string{"digit", "parity"}),
			2, []string{"val_parity_accuracy", "0.5300", "0.6300", "2 epochs, 2000 training examples seen"}},
		// loss, accuracy, auc, mae, iou: rmse and iou50 stay in the table.
		{"every kind", testHistory(map[string][]string{"spam": {"accuracy", "auc"}, "t": {"mae", "rmse"}, "box": {"iou", "iou50"}}, []string{"spam", "t", "box"}),
			5, []string{"t_rmse", "box_iou50"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			size := decodePNG(t, c.hist.PNG())
			if size.X != c.panels*panelPx {
				t.Errorf("PNG %v wide, want %d panels of %d", size, c.panels, panelPx)
			}
			checkHTML(t, c.hist.HTML(), c.want...)
			if s := c.hist.String(); !strings.Contains(s, c.want[0]) {
				t.Errorf("String lacks %q:\n%s", c.want[0], s)
			}
		})
	}
}

// A history and diagnostics from a real run render, NaN values included.
func TestRenderFitOutputs(t *testing.T) {
	m := MustNew(syntheticSpec())
	h, err := m.Fit(context.Background(), synthetic(200, 1), FitConfig{Epochs: 1, BatchSize: 20, ValidationSplit: 0.2, Diagnose: 2})
	if err != nil {
		t.Fatal(err)
	}
	h.Metrics["b_accuracy"][0] = math.NaN()
	if size := decodePNG(t, h.PNG()); size.X != 2*panelPx {
		t.Errorf("history PNG %v", size)
	}
	checkHTML(t, h.HTML(), "1 epoch", "<td>–</td>", num(h.Metrics["val_a_accuracy"][0]))

	c := h.Conflict
	if c == nil || len(c.Samples) != 4 {
		t.Fatalf("conflict %+v, want 4 samples (8 steps, every 2)", c)
	}
	if size := decodePNG(t, c.PNG()); size.X != 2*panelPx {
		t.Errorf("conflict PNG %v", size)
	}
	p := c.Pairs()[0]
	checkHTML(t, c.HTML(), "a vs b", "4 samples, steps 2 to 8", num(p.MeanCosine), num(p.MinCosine))

	res, err := m.Evaluate(context.Background(), synthetic(50, 2))
	if err != nil {
		t.Fatal(err)
	}
	checkHTML(t, res.HTML(), "50 examples", "<td>a</td>", num(res.Tasks[0].Accuracy), num(res.Tasks[1].Loss))
}

func TestRenderResult(t *testing.T) {
	r := &Result{Examples: 10, Loss: 1.25, Tasks: []TaskResult{
		{Task: "digit", Kind: ClassifyKind, Examples: 10, Loss: 0.5, Accuracy: 0.875},
		{Task: "spam", Kind: BinaryKind, Examples: 8, Loss: 0.25, Accuracy: 0.75, AUC: math.NaN()},
		{Task: "width", Kind: RegressKind, Examples: 10, Loss: 0.5, MAE: 0.125, RMSE: 0.25},
	}}
	h := r.HTML()
	checkHTML(t, h, "10 examples, weighted loss 1.2500", "<th>ROC AUC</th>", "<th>MAE</th>",
		"<td>digit</td><td>classify</td><td>10</td><td>0.5000</td><td>0.8750</td><td></td><td></td><td></td>",
		"<td>spam</td><td>binary</td><td>8</td><td>0.2500</td><td>0.7500</td><td>–</td>",
		"<td>0.1250</td><td>0.2500</td>")
	if s := r.String(); !strings.Contains(s, "0.8750") {
		t.Errorf("String:\n%s", s)
	}
}

func TestRenderConflict(t *testing.T) {
	c := &Conflict{Tasks: []string{"l", "r", "x"}}
	for step := 1; step <= 4; step++ {
		c.Samples = append(c.Samples, newConflictSample(step*10, 1, [][]float64{
			{4, -1, 0}, {-1, float64(step), 0.5}, {0, 0.5, 1},
		}))
	}
	if size := decodePNG(t, c.PNG()); size.X != 2*panelPx {
		t.Errorf("PNG %v", size)
	}
	// Pairs by hand: cos(l, r) = -1/(2·sqrt(step)), negative in all 4.
	want := -(1/math.Sqrt(1) + 1/math.Sqrt(2) + 1/math.Sqrt(3) + 1/math.Sqrt(4)) / 8
	checkHTML(t, c.HTML(), "4 samples, steps 10 to 40", "<td>l vs r</td><td>"+num(want)+"</td><td>-0.5000</td><td>100.0%</td>",
		"<td>l vs x</td><td>0.0000</td><td>0.0000</td><td>0.0%</td>")
}

func TestRenderComparison(t *testing.T) {
	acc := func(task string, a float64) *Result {
		return &Result{Tasks: []TaskResult{{Task: task, Kind: ClassifyKind, Accuracy: a}}}
	}
	two := func(l, r float64) *Result {
		return &Result{Tasks: []TaskResult{{Task: "left", Kind: ClassifyKind, Accuracy: l}, {Task: "right", Kind: ClassifyKind, Accuracy: r}}}
	}
	c := &Comparison{Title: "MultiMNIST", Baseline: "stl"}
	c.Add("stl", 10, acc("left", 0.8))
	c.Add("stl", 12, acc("right", 0.5))
	c.Add("ew", 11, two(0.9, 0.55))
	c.Add("pcgrad", 20, two(0.88, 0.45))
	// By hand: ew (0.1/0.8 + 0.05/0.5)/2 = 11.25%; pcgrad (0.08/0.8 − 0.05/0.5)/2 = 0.
	for _, w := range []struct {
		method string
		delta  float64
	}{{"ew", 11.25}, {"pcgrad", 0}, {"stl", 0}} {
		if d, ok := c.DeltaM(w.method); !ok || math.Abs(d-w.delta) > 1e-9 {
			t.Errorf("DeltaM(%s) = %v, %v, want %v", w.method, d, ok, w.delta)
		}
	}
	if _, ok := c.DeltaM("nash"); ok {
		t.Error("DeltaM of a missing method is ok")
	}
	checkHTML(t, c.HTML(), "<p>MultiMNIST</p>", "<th>left accuracy</th>", "<th>Δm% vs stl</th>",
		"<td>stl</td><td>0.8000</td><td>0.5000</td><td>–</td><td>22.0</td>",
		"<td>ew</td><td><b>0.9000</b></td><td><b>0.5500</b></td><td><b>+11.25</b></td><td>11.0</td>",
		"<td>pcgrad</td><td>0.8800</td><td>0.4500</td><td>+0.00</td>")
	// A metric panel and a Δm panel, each at least panelWidth.
	if size := decodePNG(t, c.PNG()); size.X != 2*panelPx {
		t.Errorf("PNG %v", size)
	}

	// Lower is better for regression: an MAE of 1.5 against 2 is +25%.
	reg := func(mae float64) *Result {
		return &Result{Tasks: []TaskResult{{Task: "t", Kind: RegressKind, MAE: mae}}}
	}
	r := &Comparison{Baseline: "stl"}
	r.Add("stl", 0, reg(2))
	r.Add("mmoe", 0, reg(1.5))
	if d, ok := r.DeltaM("mmoe"); !ok || math.Abs(d-25) > 1e-9 {
		t.Errorf("regression DeltaM = %v, want +25", d)
	}
	checkHTML(t, r.HTML(), "<th>t MAE</th>", "<td><b>1.5000</b></td><td><b>+25.00</b></td>")
	decodePNG(t, r.PNG())
}

// Nothing to draw, a degenerate input or a nil receiver gives a message
// image or paragraph, never a panic.
func TestRenderFailures(t *testing.T) {
	bad := &Conflict{Tasks: []string{"a", "b"}, Samples: []ConflictSample{{Step: 1, Norms: []float64{1}}}} // cosine missing
	onlyBase := &Comparison{Baseline: "stl"}
	onlyBase.Add("stl", 0, &Result{Tasks: []TaskResult{{Task: "a", Kind: ClassifyKind, Accuracy: 1}}})
	pngs := map[string]func() []byte{
		"nil history":        (*History)(nil).PNG,
		"empty history":      (&History{}).PNG,
		"nil conflict":       (*Conflict)(nil).PNG,
		"no sample":          (&Conflict{Tasks: []string{"a", "b"}}).PNG,
		"malformed conflict": bad.PNG,
		"nil comparison":     (*Comparison)(nil).PNG,
		"baseline only":      onlyBase.PNG,
	}
	for name, f := range pngs {
		t.Run("png/"+name, func(t *testing.T) {
			if size := decodePNG(t, f()); size.Y > 100 {
				t.Errorf("%v: a plot rather than a message", size)
			}
		})
	}
	htmls := map[string]func() string{
		"nil history":        (*History)(nil).HTML,
		"nil result":         (*Result)(nil).HTML,
		"nil conflict":       (*Conflict)(nil).HTML,
		"malformed conflict": bad.HTML,
		"nil comparison":     (*Comparison)(nil).HTML,
	}
	for name, f := range htmls {
		t.Run("html/"+name, func(t *testing.T) { checkHTML(t, f(), "<b>mtl: ") })
	}
	checkHTML(t, (&Conflict{}).HTML(), "No gradient sample")
}
