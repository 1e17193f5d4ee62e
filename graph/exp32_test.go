package graph

import (
	"math"
	"math/rand"
	"testing"
)

// TestExp32 compares exp32 with the correctly rounded exponential over
// its whole range, its edges and a dense sweep of what log-softmax feeds
// it (x ≤ 0).
func TestExp32(t *testing.T) {
	ulps := func(got, want float32) float64 {
		if got == want {
			return 0
		}
		return math.Abs(float64(got)-float64(want)) / math.Abs(float64(math.Nextafter32(want, float32(math.Inf(1)))-want))
	}
	xs := []float32{0, -0, 1, -1, 1e-8, -1e-8, 88.7, 88.72, -87.3, -100, -103.9, float32(math.Log(math.MaxFloat32))}
	rng := rand.New(rand.NewSource(1))
	for range 200000 {
		xs = append(xs, float32(-104+193*rng.Float64()), float32(-20*rng.Float64()))
	}
	worst := 0.0
	for _, x := range xs {
		want := float32(math.Exp(float64(x)))
		got := exp32(x)
		u := ulps(got, want)
		if want < math.SmallestNonzeroFloat32*(1<<23) { // subnormal results: absolute error
			if d := math.Abs(float64(got - want)); d > 2*math.SmallestNonzeroFloat32 {
				t.Errorf("exp32(%g) = %g, want %g", x, got, want)
			}
			continue
		}
		if u > 2 {
			t.Errorf("exp32(%g) = %g, want %g (%.1f ulps)", x, got, want, u)
		}
		worst = max(worst, u)
	}
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {89, float32(math.Inf(1))}, {float32(math.Inf(1)), float32(math.Inf(1))},
		{-105, 0}, {float32(math.Inf(-1)), 0},
	} {
		if got := exp32(c.x); got != c.want {
			t.Errorf("exp32(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if nan := exp32(float32(math.NaN())); nan == nan {
		t.Errorf("exp32(NaN) = %g, want NaN", nan)
	}
	t.Logf("worst error %.2f ulps over %d values", worst, len(xs))
}
