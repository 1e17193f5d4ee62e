package graph

import (
	"math/rand"
	"testing"
)

// geometries the kernel tests and benchmarks run over: LeNet's two
// convolutions, strided and padded ones, and windows wider than 8.
var kernelGeoms = []struct {
	name string
	g    convGeom
}{
	{"lenet-conv1", geom(1, 28, 28, 5, 1, 0)},
	{"lenet-conv2", geom(10, 12, 12, 5, 1, 0)},
	{"stride2-pad1", geom(3, 11, 9, 3, 2, 1)},
	{"pad2-wide", geom(2, 7, 21, 3, 1, 2)},
	{"k1", geom(4, 5, 6, 1, 1, 0)},
	{"stride3", geom(2, 13, 13, 4, 3, 0)},
}

func geom(c, h, w, k, stride, pad int) convGeom {
	return convGeom{c: c, h: h, w: w, k: k, stride: stride, pad: pad, oh: (h+2*pad-k)/stride + 1, ow: (w+2*pad-k)/stride + 1}
}

// refIm2col is im2col written from its definition, one value at a time.
func refIm2col(g convGeom, x []float64) []float64 {
	cols := make([]float64, g.patch()*g.positions())
	for ch := 0; ch < g.c; ch++ {
		for ki := 0; ki < g.k; ki++ {
			for kj := 0; kj < g.k; kj++ {
				row := (ch*g.k+ki)*g.k + kj
				for oy := 0; oy < g.oh; oy++ {
					for ox := 0; ox < g.ow; ox++ {
						iy, ix := oy*g.stride+ki-g.pad, ox*g.stride+kj-g.pad
						if iy >= 0 && iy < g.h && ix >= 0 && ix < g.w {
							cols[row*g.positions()+oy*g.ow+ox] = x[(ch*g.h+iy)*g.w+ix]
						}
					}
				}
			}
		}
	}
	return cols
}

// refCol2im is col2im written from its definition: the adjoint of im2col.
func refCol2im(g convGeom, cols []float64) []float64 {
	dx := make([]float64, g.c*g.h*g.w)
	for ch := 0; ch < g.c; ch++ {
		for ki := 0; ki < g.k; ki++ {
			for kj := 0; kj < g.k; kj++ {
				row := (ch*g.k+ki)*g.k + kj
				for oy := 0; oy < g.oh; oy++ {
					for ox := 0; ox < g.ow; ox++ {
						iy, ix := oy*g.stride+ki-g.pad, ox*g.stride+kj-g.pad
						if iy >= 0 && iy < g.h && ix >= 0 && ix < g.w {
							dx[(ch*g.h+iy)*g.w+ix] += cols[row*g.positions()+oy*g.ow+ox]
						}
					}
				}
			}
		}
	}
	return dx
}

func randomValues(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func TestIm2colCol2imMatchReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tc := range kernelGeoms {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.g
			x := randomValues(rng, g.c*g.h*g.w)
			cols := randomValues(rng, g.patch()*g.positions()) // garbage im2col must overwrite
			im2col(g, x, cols)
			if d := maxAbsDiff(cols, refIm2col(g, x)); d != 0 {
				t.Errorf("im2col differs from the reference by %g", d)
			}
			dcols := randomValues(rng, g.patch()*g.positions())
			dx := make([]float64, len(x))
			col2im(g, dcols, dx)
			if d := maxAbsDiff(dx, refCol2im(g, dcols)); d > 1e-12 {
				t.Errorf("col2im differs from the reference by %g", d)
			}
		})
	}
}

// BenchmarkUnfold unfolds a batch of 256 examples, as one LeNet step's
// forward pass does for each convolution.
func BenchmarkUnfold(b *testing.B) {
	for _, tc := range kernelGeoms[:2] {
		b.Run(tc.name, func(b *testing.B) {
			g := tc.g
			x := make([]float32, g.c*g.h*g.w)
			cols := make([]float32, g.patch()*g.width())
			b.SetBytes(int64(4 * len(cols) * 256))
			for b.Loop() {
				for range 256 {
					unfold(g, x, cols)
				}
			}
		})
	}
}

// BenchmarkFold folds a batch of 256 examples' unfolded gradients back.
func BenchmarkFold(b *testing.B) {
	for _, tc := range kernelGeoms[:2] {
		b.Run(tc.name, func(b *testing.B) {
			g := tc.g
			dx := make([]float32, g.c*g.h*g.w)
			cols := make([]float32, g.patch()*g.width())
			b.SetBytes(int64(4 * len(cols) * 256))
			for b.Loop() {
				for range 256 {
					clear(dx)
					fold(g, cols, dx)
				}
			}
		})
	}
}

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
