package weighting

import (
	"errors"
	"math"
	"testing"
)

// geometricMean is GLS's total, (Π L)^(1/K), computed directly.
func geometricMean(losses []float64) float64 {
	p := 1.0
	for _, l := range losses {
		p *= l
	}
	return math.Pow(p, 1/float64(len(losses)))
}

// TestGLSWeights checks w_t = G/(K·L_t) on values worked by hand.
func TestGLSWeights(t *testing.T) {
	for _, tc := range []struct {
		name   string
		losses []float64
		want   []float64
	}{
		// G = √(1·4) = 2; w = (2/(2·1), 2/(2·4)).
		{"two tasks", []float64{1, 4}, []float64{1, 0.25}},
		// G = ∛(1·2·4) = 2; w = (2/3, 2/6, 2/12).
		{"three tasks", []float64{1, 2, 4}, []float64{2.0 / 3, 1.0 / 3, 1.0 / 6}},
		// One task: total = L, so w = 1.
		{"one task", []float64{0.37}, []float64{1}},
		// Equal losses: G = L, w = 1/K each.
		{"equal losses", []float64{3, 3, 3, 3}, []float64{0.25, 0.25, 0.25, 0.25}},
		// Far outside float64's range as a product (1e-200·1e-200 underflows);
		// G = 1e-200, w = 1/2 each.
		{"tiny losses", []float64{1e-200, 1e-200}, []float64{0.5, 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, Config{Name: GLSName}, make([]float64, len(tc.losses)))
			got, err := w.Weights(tc.losses)
			if err != nil {
				t.Fatal(err)
			}
			assertClose(t, "weights", got, tc.want, 1e-12)
		})
	}
}

// TestGLSGradient checks, by central finite differences, that w_t is the
// partial derivative of (Π L)^(1/K) with respect to a free L_t, and that
// through the chain rule Σ_t w_t·dL_t/dθ is d/dθ of the geometric mean of
// losses L_t(θ).
func TestGLSGradient(t *testing.T) {
	g := GLS{k: 3}
	losses := []float64{0.7, 2.5, 1.3}
	w, err := g.Weights(losses)
	if err != nil {
		t.Fatal(err)
	}
	fd := make([]float64, len(losses))
	for i := range losses {
		h := 1e-6 * losses[i]
		up, down := clone(losses), clone(losses)
		up[i] += h
		down[i] -= h
		fd[i] = (geometricMean(up) - geometricMean(down)) / (2 * h)
	}
	assertClose(t, "∂G/∂L vs finite differences", w, fd, 1e-8)

	// L(θ) = (θ², e^θ, 2 + sin θ) at θ = 0.8.
	lossesAt := func(th float64) []float64 { return []float64{th * th, math.Exp(th), 2 + math.Sin(th)} }
	const th, h = 0.8, 1e-6
	w, err = g.Weights(lossesAt(th))
	if err != nil {
		t.Fatal(err)
	}
	dL := []float64{2 * th, math.Exp(th), math.Cos(th)}
	var chain float64
	for i := range w {
		chain += w[i] * dL[i]
	}
	want := (geometricMean(lossesAt(th+h)) - geometricMean(lossesAt(th-h))) / (2 * h)
	assertClose(t, "Σ w_t·dL_t/dθ", []float64{chain}, []float64{want}, 1e-8)

	// Σ w_t·L_t is the total itself.
	w, _ = g.Weights(losses)
	var total float64
	for i := range w {
		total += w[i] * losses[i]
	}
	assertClose(t, "Σ w_t·L_t", []float64{total}, []float64{geometricMean(losses)}, 1e-12)
}

func TestGLSErrors(t *testing.T) {
	g := mustNew(t, Config{Name: GLSName}, []float64{1, 1})
	_, err := g.Weights(nil)
	if !errors.Is(err, ErrNoLosses) {
		t.Errorf("nil losses: error %v, want ErrNoLosses", err)
	}
	assertErr(t, err, "weighting: the step's losses are needed: gls weights are G/(K·L_t)")
	for _, tc := range []struct {
		name   string
		losses []float64
		want   string
	}{
		{"zero", []float64{1, 0}, "weighting: gls: loss of task 1 is 0, want a finite value > 0"},
		{"negative", []float64{-1, 1}, "weighting: gls: loss of task 0 is -1"},
		{"nan", []float64{1, math.NaN()}, "weighting: gls: loss of task 1 is NaN"},
		{"infinite", []float64{math.Inf(1), 1}, "weighting: gls: loss of task 0 is +Inf"},
		{"wrong length", []float64{1}, "weighting: 1 losses for 2 tasks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.Weights(tc.losses)
			assertErr(t, err, tc.want)
		})
	}
}
