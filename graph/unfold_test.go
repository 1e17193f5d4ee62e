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
