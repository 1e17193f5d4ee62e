package weighting

import (
	"math"
	"testing"
)

// TestGradNormUpdate checks GradNorm updates worked by hand from Chen et
// al. 2018, Algorithm 1, with Adam's first steps: with bias correction the
// first Adam step moves each weight by lr·sign(g) (m̂ = g, v̂ = g²), and
// a second step after a zero first gradient by
// lr·(0.1/0.19)/√(0.001/0.001999) = 0.744136813·lr (m = 0.1g, v = 0.001g²,
// bias corrections 1 - 0.9² and 1 - 0.999²).
func TestGradNormUpdate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		base    []float64
		lr      float64
		updates [][2][]float64 // (losses, gradient norms) per Update
		want    []float64      // the weights after the updates
	}{
		{
			// r = (1, 1) at the first Update. G = (1·1, 1·3), Ḡ = 2,
			// target = (2, 2); ∂/∂w = (sign(-1)·1, sign(1)·3) = (-1, 3).
			// Adam: w = (1 + 0.1, 1 - 0.1), already summing to K = 2. The
			// task with the smaller gradient gains weight.
			name:    "gradient norms differ",
			base:    []float64{1, 1},
			lr:      0.1,
			updates: [][2][]float64{{{2, 1}, {1, 3}}},
			want:    []float64{1.1, 0.9},
		},
		{
			// Update 1: L(0) = (1, 1), G = (1, 1) = target: zero gradient,
			// Adam leaves w = (1, 1). Update 2: L/L(0) = (0.5, 0.9), mean
			// 0.7, r = (5/7, 9/7); Ḡ = 1, target = r^1.5 = (0.603682,
			// 1.457863); ∂/∂w = (sign(1 - 0.60), sign(1 - 1.46)) = (1, -1).
			// Adam's second step: w = (1 - 0.0744137, 1 + 0.0744137).
			// Task 2, whose loss fell less, gains weight.
			name:    "task training slower gains weight",
			base:    []float64{1, 1},
			lr:      0.1,
			updates: [][2][]float64{{{1, 1}, {1, 1}}, {{0.5, 0.9}, {1, 1}}},
			want:    []float64{1 - 0.074413681304593, 1 + 0.074413681304593},
		},
		{
			// Base (1, 3) starts as (0.5, 1.5), summing to K = 2. G = (0.5,
			// 1.5), Ḡ = 1, r = 1: ∂/∂w = (-1, 1); Adam: (0.6, 1.4).
			name:    "unequal base",
			base:    []float64{1, 3},
			lr:      0.1,
			updates: [][2][]float64{{{1, 1}, {1, 1}}},
			want:    []float64{0.6, 1.4},
		},
		{
			// Three tasks, G = (1, 1, 4), Ḡ = 2, r = 1: ∂/∂w = (-1, -1, 4);
			// Adam: (1.1, 1.1, 0.9), sum 3.1; rescaled by 3/3.1:
			// (1.064516, 1.064516, 0.870968).
			name:    "renormalised to K",
			base:    []float64{1, 1, 1},
			lr:      0.1,
			updates: [][2][]float64{{{1, 1, 1}, {1, 1, 4}}},
			want:    []float64{1.1 * 3 / 3.1, 1.1 * 3 / 3.1, 0.9 * 3 / 3.1},
		},
		{
			// Adam takes w_2 from 1 to 1 - 5 = -4: clamped to 1e-6, then
			// (6, 1e-6) rescaled to sum 2.
			name:    "floor",
			base:    []float64{1, 1},
			lr:      5,
			updates: [][2][]float64{{{1, 1}, {1, 3}}},
			want:    []float64{2 * 6 / (6 + 1e-6), 2 * 1e-6 / (6 + 1e-6)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, Config{Name: GradNormName, LR: tc.lr}, tc.base)
			ga, ok := w.(GradientAware)
			if !ok {
				t.Fatal("gradnorm is not GradientAware")
			}
			for _, u := range tc.updates {
				if err := ga.Update(u[0], u[1]); err != nil {
					t.Fatal(err)
				}
			}
			got, err := w.Weights(nil)
			if err != nil {
				t.Fatal(err)
			}
			// Adam works in float32: 1e-6 covers its rounding.
			assertClose(t, "weights", got, tc.want, 1e-6)
			if math.Abs(sum(got)-float64(len(got))) > 1e-12 {
				t.Errorf("weights %v sum to %v, want K = %d", got, sum(got), len(got))
			}
		})
	}
}

// TestGradNormInitialWeights: before any Update the weights are base
// rescaled to sum K; Weights does not move them.
func TestGradNormInitialWeights(t *testing.T) {
	w := mustNew(t, Config{Name: GradNormName}, []float64{2, 2, 8})
	for range 2 {
		got, err := w.Weights([]float64{1, 1, 1})
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "weights", got, []float64{0.5, 0.5, 2}, 1e-15)
	}
}

// TestGradNormBalances runs many updates on a two-task problem where task 1
// keeps twice task 2's gradient norm and equal relative losses: GradNorm
// should drive G_1 = G_2, i.e. w ≈ (2/3, 4/3).
func TestGradNormBalances(t *testing.T) {
	w := mustNew(t, Config{Name: GradNormName, LR: 0.01}, []float64{1, 1})
	ga := w.(GradientAware)
	for range 500 {
		if err := ga.Update([]float64{1, 1}, []float64{2, 1}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := w.Weights(nil)
	assertClose(t, "weights", got, []float64{2.0 / 3, 4.0 / 3}, 0.02)
}

func TestGradNormErrors(t *testing.T) {
	for _, tc := range []struct {
		name              string
		first             [2][]float64 // an Update made before, if any
		losses, gradNorms []float64
		want              string
	}{
		{"losses length", [2][]float64{}, []float64{1}, []float64{1, 1}, "weighting: 1 losses for 2 tasks"},
		{"norms length", [2][]float64{}, []float64{1, 1}, []float64{1, 1, 1}, "weighting: 3 gradient norms for 2 tasks"},
		{"nan loss", [2][]float64{}, []float64{1, math.NaN()}, []float64{1, 1}, "weighting: gradnorm: loss of task 1 is NaN, want a finite value >= 0"},
		{"negative norm", [2][]float64{}, []float64{1, 1}, []float64{-1, 1}, "weighting: gradnorm: gradient norm of task 0 is -1"},
		{"infinite norm", [2][]float64{}, []float64{1, 1}, []float64{1, math.Inf(1)}, "weighting: gradnorm: gradient norm of task 1 is +Inf"},
		{"zero initial loss", [2][]float64{}, []float64{0, 1}, []float64{1, 1}, "weighting: gradnorm: initial loss of task 0 is 0, but later losses are divided by it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, Config{Name: GradNormName, LR: 0.1}, []float64{1, 1})
			err := w.(GradientAware).Update(tc.losses, tc.gradNorms)
			assertErr(t, err, tc.want)
			got, _ := w.Weights(nil)
			assertClose(t, "weights after a failed Update", got, []float64{1, 1}, 0)
			// A failed first Update does not set L(0).
			if err := w.(GradientAware).Update([]float64{2, 1}, []float64{1, 3}); err != nil {
				t.Fatal(err)
			}
			got, _ = w.Weights(nil)
			assertClose(t, "weights after a good Update", got, []float64{1.1, 0.9}, 1e-6)
		})
	}
}

// TestGradNormZeroLosses: when every loss is 0, r is taken as 1.
func TestGradNormZeroLosses(t *testing.T) {
	w := mustNew(t, Config{Name: GradNormName, LR: 0.1}, []float64{1, 1})
	ga := w.(GradientAware)
	if err := ga.Update([]float64{1, 1}, []float64{1, 1}); err != nil {
		t.Fatal(err)
	}
	if err := ga.Update([]float64{0, 0}, []float64{1, 1}); err != nil {
		t.Fatal(err)
	}
	got, _ := w.Weights(nil)
	assertClose(t, "weights", got, []float64{1, 1}, 1e-12)
}

func TestGradNormUpdateAllocs(t *testing.T) {
	w := mustNew(t, Config{Name: GradNormName}, []float64{1, 1, 1})
	ga := w.(GradientAware)
	losses, norms := []float64{1, 2, 3}, []float64{3, 2, 1}
	if err := ga.Update(losses, norms); err != nil { // sets L(0) and Adam's state
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(10, func() { _ = ga.Update(losses, norms) }); n != 0 {
		t.Errorf("Update allocates %v times per call, want 0", n)
	}
}
