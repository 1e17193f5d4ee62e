package mtl

import (
	"context"
	"math"
	"math/rand"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/graph"
)

// kindsData returns n examples of width 6 with one task of every kind:
// "cls" (3 classes, the argmax of x0..x2; every third example unlabelled),
// "bin" (x3 + x4 > 0), "reg" (x0 − x1, with Huber loss) and "box" (a box
// around (x2, x3)).
func kindsData(n int, seed int64) *datasets.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &datasets.Dataset{Name: "kinds", Shape: []int{6}, Features: make([]float32, n*6),
		Labels:  []datasets.Labels{{Task: "cls", Classes: 3, Values: make([]int, n)}, {Task: "bin", Classes: 2, Values: make([]int, n)}},
		Targets: []datasets.Targets{{Task: "reg", Dim: 1, Values: make([]float32, n)}, {Task: "box", Dim: 4, Values: make([]float32, 4*n)}}}
	for i := 0; i < n; i++ {
		x := d.Features[i*6 : (i+1)*6]
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		d.Labels[0].Values[i] = argmax(x[:3])
		if i%3 == 2 {
			d.Labels[0].Values[i] = datasets.NoLabel
		}
		if x[3]+x[4] > 0 {
			d.Labels[1].Values[i] = 1
		}
		d.Targets[0].Values[i] = x[0] - x[1]
		copy(d.Targets[1].Values[4*i:], []float32{x[2] - 0.5, x[3] - 0.5, x[2] + 0.5, x[3] + 0.5})
	}
	return d
}

func kindsSpec() Spec {
	return Spec{Input: []int{6}, Shared: []Layer{Dense(32, Tanh)}, Seed: 2, Tasks: []Task{
		Classify("cls", 3), Binary("bin").WithWeight(0.7), Regress("reg", 1).WithLoss(HuberLoss),
		Box("box").WithHead(Dense(5, ReLU)).After("bin"),
	}}
}

// TestTaskKindGradients checks the compiled training program with a task
// of every kind (and a task with unlabelled examples, masked out of its
// loss, and a cascade reading a binary task's probability) against
// central finite differences.
func TestTaskKindGradients(t *testing.T) {
	p := float64Batch(t, kindsSpec(), kindsData(9, 3), 8, 6)
	worst, err := graph.CompareGradients(p.vm, p.total, p.params, graph.GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if worst.RelErr > 1e-6 {
		t.Errorf("worst mismatch %+v, want relative error <= 1e-6", worst)
	}
}

// TestUnlabelledExamplesAreMasked: an example without a label for a task
// changes neither that task's loss nor its metrics, whatever its
// (meaningless) stored label would have said.
func TestUnlabelledExamplesAreMasked(t *testing.T) {
	m := MustNew(kindsSpec())
	d := kindsData(30, 4)
	res, err := m.Evaluate(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	// Only the labelled examples, as a dataset of their own.
	var keep []int
	for i, v := range d.Labels[0].Values {
		if v != datasets.NoLabel {
			keep = append(keep, i)
		}
	}
	sub, err := d.Subset(keep)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Evaluate(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	got, exp := res.Tasks[0], want.Tasks[0]
	if got.Examples != 20 || exp.Examples != 20 || math.Abs(got.Loss-exp.Loss) > 1e-6 || got.Accuracy != exp.Accuracy {
		t.Errorf("masked task: %+v, want %+v on the 20 labelled examples", got, exp)
	}
	if res.Tasks[1].Examples != 30 {
		t.Errorf("binary task counted %d examples, want all 30", res.Tasks[1].Examples)
	}
}

// TestTaskKindsLearn trains every kind on synthetic data and checks the
// held-out metrics of each against floors far from chance.
func TestTaskKindsLearn(t *testing.T) {
	m := MustNew(kindsSpec())
	if _, err := m.Fit(context.Background(), kindsData(3000, 5), FitConfig{Epochs: 8, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	res, err := m.Evaluate(context.Background(), kindsData(1000, 6))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		task, metric string
		floor        float64 // at least; a negative floor means at most -floor
	}{
		{"cls", "accuracy", 0.85},
		{"bin", "accuracy", 0.9},
		{"bin", "auc", 0.95},
		{"reg", "mae", -0.3}, // targets have sd 1.41
		{"box", "iou", 0.5},
		{"box", "iou50", 0.5},
	} {
		r, _ := res.Task(tc.task)
		v := r.Metric(tc.metric)
		t.Logf("%s %s = %.4f", tc.task, tc.metric, v)
		if (tc.floor >= 0 && !(v >= tc.floor)) || (tc.floor < 0 && !(v <= -tc.floor)) {
			t.Errorf("%s %s = %.4f, want beyond %v", tc.task, tc.metric, v, tc.floor)
		}
	}
}

// TestROCAUC checks the AUC against values worked by hand.
func TestROCAUC(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float32
		pos    []bool
		want   float64
	}{
		{"perfect", []float32{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 1},
		{"reversed", []float32{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},
		// Pairs (pos, neg): (0.6, 0.3) win, (0.6, 0.7) lose, (0.4, 0.3) win, (0.4, 0.7) lose: 2/4.
		{"half", []float32{0.3, 0.4, 0.6, 0.7}, []bool{false, true, true, false}, 0.5},
		// All tied: every pair counts 1/2.
		{"ties", []float32{1, 1, 1}, []bool{true, false, true}, 0.5},
		// (0.5 vs 0.5) tie 1/2, (0.9 vs 0.5) win: 1.5/2.
		{"one tie", []float32{0.5, 0.5, 0.9}, []bool{false, true, true}, 0.75},
	} {
		if got := rocAUC(tc.scores, tc.pos); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: AUC %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := rocAUC([]float32{1, 2}, []bool{true, true}); !math.IsNaN(got) {
		t.Errorf("one class only: AUC %v, want NaN", got)
	}
}
