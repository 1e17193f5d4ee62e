package graph

import (
	"math/rand"
	"testing"
)

// lenetPools are the two max-poolings of a LeNet step at batch 256.
var lenetPools = []struct {
	name string
	n    int
	g    convGeom
}{
	{"lenet-pool1", 256, geom(10, 24, 24, 2, 2, 0)},
	{"lenet-pool2", 256, geom(20, 8, 8, 2, 2, 0)},
}

// BenchmarkMaxPool runs the pooling forward and its gradient on random
// values, whose maxima fall anywhere in the windows, as in training.
func BenchmarkMaxPool(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	for _, tc := range lenetPools {
		g := tc.g
		x := make([]float32, tc.n*g.c*g.h*g.w)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		y := make([]float32, tc.n*g.c*g.positions())
		dx := make([]float32, len(x))
		b.Run(tc.name+"/forward", func(b *testing.B) {
			for b.Loop() {
				maxPoolForward(g, x, y)
			}
		})
		b.Run(tc.name+"/grad", func(b *testing.B) {
			for b.Loop() {
				maxPoolGrad(g, x, y, dx)
			}
		})
	}
}

// TestTiledPoolGradMatchesGeneric checks the float32 2×2 pooling gradient
// (order keys, no branches) against the generic one run in float64 on the
// same values, with and without ties, which must go to the first maximum.
func TestTiledPoolGradMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, tc := range []struct {
		name   string
		g      convGeom
		sample func() float64
	}{
		{"distinct", geom(3, 6, 8, 2, 2, 0), rng.NormFloat64},
		{"ties", geom(2, 4, 10, 2, 2, 0), func() float64 { return []float64{-1.5, 0.5, 2}[rng.Intn(3)] }},
		{"negative ties", geom(1, 8, 8, 2, 2, 0), func() float64 { return []float64{-3, -1}[rng.Intn(2)] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, n := tc.g, 3
			x32, dy32 := make([]float32, n*g.c*g.h*g.w), make([]float32, n*g.c*g.positions())
			x64, dy64 := make([]float64, len(x32)), make([]float64, len(dy32))
			for i := range x32 {
				x64[i] = tc.sample()
				x32[i] = float32(x64[i])
			}
			for i := range dy32 {
				dy32[i] = float32(i + 1)
				dy64[i] = float64(i + 1)
			}
			dx32, dx64 := make([]float32, len(x32)), make([]float64, len(x64))
			for i := range dx32 {
				dx32[i] = 7 // stale values the gradient must overwrite
			}
			maxPoolGrad(g, x32, dy32, dx32)
			maxPoolGrad(g, x64, dy64, dx64)
			for i := range dx32 {
				if float64(dx32[i]) != dx64[i] {
					t.Fatalf("dx[%d] = %g, generic path gives %g", i, dx32[i], dx64[i])
				}
			}
		})
	}
}
