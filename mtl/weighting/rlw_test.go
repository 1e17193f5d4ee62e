package weighting

import (
	"math"
	"testing"
)

// TestSoftmax checks the helper RLW and DWA share on hand values:
// softmax(0, ln 3) = (1/4, 3/4); softmax((0, 2 ln 3)/2) likewise; a large
// input does not overflow.
func TestSoftmax(t *testing.T) {
	for _, tc := range []struct {
		name        string
		z           []float64
		temperature float64
		want        []float64
	}{
		{"unit temperature", []float64{0, math.Log(3)}, 1, []float64{0.25, 0.75}},
		{"temperature 2", []float64{0, 2 * math.Log(3)}, 2, []float64{0.25, 0.75}},
		{"large", []float64{1000, 1000 + math.Log(3)}, 1, []float64{0.25, 0.75}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float64, len(tc.z))
			softmaxTo(got, tc.z, tc.temperature)
			assertClose(t, "softmax", got, tc.want, 1e-12)
		})
	}
}

// TestRLW: LibMTL's RLW (dist Normal) uses softmax of a standard-normal
// draw, so the weights are positive and sum to 1; the same seed repeats
// the sequence, another seed does not, and steps differ.
func TestRLW(t *testing.T) {
	const k, steps = 3, 20
	draw := func(seed uint64) [][]float64 {
		w := mustNew(t, Config{Name: RLWName, Seed: seed}, []float64{1, 1, 1})
		out := make([][]float64, steps)
		for i := range out {
			var err error
			if out[i], err = w.Weights(nil); err != nil {
				t.Fatal(err)
			}
			w.EndEpoch([]float64{1, 1, 1}) // no effect on the draws
		}
		return out
	}
	a, b, c := draw(7), draw(7), draw(8)
	for i := range a {
		assertClose(t, "same seed", a[i], b[i], 0)
		if math.Abs(sum(a[i])-1) > 1e-12 {
			t.Errorf("step %d: weights %v sum to %v, want 1", i, a[i], sum(a[i]))
		}
		for j, x := range a[i] {
			if !(x > 0 && x < 1) {
				t.Errorf("step %d: weight %d is %v, want in (0, 1)", i, j, x)
			}
		}
		if i > 0 && a[i][0] == a[i-1][0] {
			t.Errorf("steps %d and %d drew the same weights %v", i-1, i, a[i])
		}
		if a[i][0] == c[i][0] {
			t.Errorf("step %d: seeds 7 and 8 drew the same weights %v", i, a[i])
		}
	}
	// Over many draws each task's mean weight is near 1/K (the draws are
	// exchangeable); 2000 draws keep the standard error below 0.01.
	w := mustNew(t, Config{Name: RLWName, Seed: 1}, []float64{1, 1, 1})
	mean := make([]float64, k)
	const n = 2000
	for range n {
		ws, _ := w.Weights(nil)
		for j := range mean {
			mean[j] += ws[j] / n
		}
	}
	assertClose(t, "mean weight", mean, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, 0.03)
}
