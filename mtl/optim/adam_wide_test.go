package optim

import (
	"math"
	"math/rand"
	"testing"
)

// TestAdamWideMatchesScalar checks the assembly update (eight values at a
// time) against the Go loop, value for value and bit for bit, over
// lengths with and without a tail and over moments of every scale.
func TestAdamWideMatchesScalar(t *testing.T) {
	if !haveAVX2 {
		t.Log("no AVX2 on this CPU (or a purego build): update is the Go loop, nothing to compare")
	}
	rng := rand.New(rand.NewSource(1))
	k := adamStep{b1: 0.9, b2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.81), invSqrtC2: float32(1 / math.Sqrt(1-0.998001))}
	for _, n := range []int{1, 7, 8, 9, 64, 1003} {
		p, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for j := range p {
			scale := float32(math.Pow(10, float64(rng.Intn(12)-8)))
			p[j], g[j] = float32(rng.NormFloat64()), scale*float32(rng.NormFloat64())
			m[j], v[j] = scale*float32(rng.NormFloat64()), scale*scale*float32(rng.ExpFloat64())
		}
		if n > 3 {
			g[2], v[2] = 0, 0 // a parameter without gradient yet
		}
		ps, ms, vs := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...)
		for range 3 {
			k.update(p, g, m, v)
			k.updateScalar(ps, g, ms, vs)
		}
		for j := range p {
			if p[j] != ps[j] || m[j] != ms[j] || v[j] != vs[j] {
				t.Fatalf("n=%d, value %d: update gives p %g m %g v %g, the Go loop p %g m %g v %g", n, j, p[j], m[j], v[j], ps[j], ms[j], vs[j])
			}
		}
	}
}

// BenchmarkAdamUpdate times one update of the seed model's 51k
// parameters on one goroutine.
func BenchmarkAdamUpdate(b *testing.B) {
	const n = 784*64 + 64 + 64*10 + 10 + 64*2 + 2
	p, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for j := range g {
		g[j] = float32(j%17) - 8
	}
	k := adamStep{b1: 0.9, b2: 0.999, eps: 1e-8, stepSize: 1e-3, invSqrtC2: 1}
	b.Run("update", func(b *testing.B) {
		for b.Loop() {
			k.update(p, g, m, v)
		}
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			k.updateScalar(p, g, m, v)
		}
	})
}
