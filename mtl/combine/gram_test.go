package combine

import (
	"math/rand/v2"
	"testing"
)

func TestGram(t *testing.T) {
	// Task 0: params (1, 2) and (3); task 1: (0, 1) and nil; task 2 has
	// only the first param and it is nil. By hand: g0 = (1,2,3),
	// g1 = (0,1,0), g2 = 0: G = [[14, 2, 0], [2, 1, 0], [0, 0, 0]].
	grads := [][][]float32{
		{{1, 2}, {3}},
		{{0, 1}, nil},
		{nil},
	}
	want := [][]float64{{14, 2, 0}, {2, 1, 0}, {0, 0, 0}}
	got := Gram(grads)
	for i := range want {
		assertClose(t, "gram row", got[i], want[i], 0)
	}
}

func TestGramLongParameters(t *testing.T) {
	// Parameters longer than one block and of unequal lengths across
	// tasks (the shorter counts as zero-padded) against a naive float64
	// sum.
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][]int{{1500, 7}, {1500, 3}, {1000, 7}}
	grads := make([][][]float32, len(sizes))
	flat := make([][]float64, len(sizes))
	for ti, ps := range sizes {
		flat[ti] = make([]float64, 1500+7)
		for p, n := range ps {
			s := make([]float32, n)
			for k := range s {
				s[k] = float32(rng.NormFloat64())
				flat[ti][p*1500+k] = float64(s[k])
			}
			grads[ti] = append(grads[ti], s)
		}
	}
	want := gramOf(flat)
	got := Gram(grads)
	for i := range want {
		assertClose(t, "gram row", got[i], want[i], 1e-9)
	}
}

func TestGramIntoReuses(t *testing.T) {
	grads := [][][]float32{{{1, 2, 3}}, {{4, 5, 6}}}
	dst := [][]float64{{9, 9}, {9, 9}}
	allocs := testing.AllocsPerRun(10, func() { dst = GramInto(dst, grads) })
	if allocs != 0 {
		t.Errorf("GramInto allocated %v times with a reusable dst, want 0", allocs)
	}
	// By hand: 1+4+9 = 14, 4+10+18 = 32, 16+25+36 = 77.
	assertClose(t, "row 0", dst[0], []float64{14, 32}, 0)
	assertClose(t, "row 1", dst[1], []float64{32, 77}, 0)
}

func TestApply(t *testing.T) {
	grads := [][][]float32{
		{{1, 2}, {3}},
		{{10, 20}, nil},
		{{100}}, // shorter slice: its second value counts as 0
	}
	dst := [][]float32{{-1, -1}, {-1}}
	// dst[0] = 2·(1,2) + 0.5·(10,20) + 1·(100,0) = (107, 14);
	// dst[1] = 2·3 = 6.
	Apply(dst, []float64{2, 0.5, 1}, grads)
	assertClose(t, "param 0", []float64{float64(dst[0][0]), float64(dst[0][1])}, []float64{107, 14}, 0)
	assertClose(t, "param 1", []float64{float64(dst[1][0])}, []float64{6}, 0)
	if a := testing.AllocsPerRun(10, func() { Apply(dst, []float64{2, 0.5, 1}, grads) }); a != 0 {
		t.Errorf("Apply allocated %v times, want 0", a)
	}
}

func TestApplyMatchesGram(t *testing.T) {
	// <d, d> from Apply equals αᵀGα from Gram (float32 rounding of d).
	rng := rand.New(rand.NewPCG(3, 4))
	grads := make([][][]float32, 3)
	for ti := range grads {
		for _, n := range []int{700, 5} {
			s := make([]float32, n)
			for k := range s {
				s[k] = float32(rng.NormFloat64())
			}
			grads[ti] = append(grads[ti], s)
		}
	}
	alpha := []float64{0.3, -1.2, 2}
	dst := [][]float32{make([]float32, 700), make([]float32, 5)}
	Apply(dst, alpha, grads)
	dd := Gram([][][]float32{dst})[0][0]
	g := Gram(grads)
	want := 0.0
	for i := range alpha {
		for j := range alpha {
			want += alpha[i] * alpha[j] * g[i][j]
		}
	}
	if d := dd - want; d > 1e-5*want || d < -1e-5*want {
		t.Errorf("‖Apply‖² = %v, αᵀGα = %v", dd, want)
	}
}
