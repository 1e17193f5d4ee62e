package combine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gramOf returns the Gramian of vs.
func gramOf(vs [][]float64) [][]float64 {
	g := make([][]float64, len(vs))
	for i := range vs {
		g[i] = make([]float64, len(vs))
		for j := range vs {
			g[i][j] = dotv(vs[i], vs[j])
		}
	}
	return g
}

// direction returns d = Σ_t alpha[t]·vs[t].
func direction(alpha []float64, vs [][]float64) []float64 {
	d := make([]float64, len(vs[0]))
	for t, v := range vs {
		for k, x := range v {
			d[k] += alpha[t] * x
		}
	}
	return d
}

func dotv(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func normv(a []float64) float64 { return math.Sqrt(dotv(a, a)) }

// randVecs draws t vectors of dimension d with N(0, 1) entries.
func randVecs(rng *rand.Rand, t, d int) [][]float64 {
	vs := make([][]float64, t)
	for i := range vs {
		vs[i] = make([]float64, d)
		for k := range vs[i] {
			vs[i][k] = rng.NormFloat64()
		}
	}
	return vs
}

// assertClose fails unless got and want agree to tol, absolute.
func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol) {
			t.Fatalf("%s: got %v, want %v (entry %d off by %g, tol %g)", what, got, want, i, math.Abs(got[i]-want[i]), tol)
		}
	}
}

// mustWeights calls c.Weights and fails the test on error.
func mustWeights(t *testing.T, c Combiner, gram [][]float64) []float64 {
	t.Helper()
	alpha, err := c.Weights(gram)
	if err != nil {
		t.Fatalf("%s: %v", c.Name(), err)
	}
	return alpha
}
