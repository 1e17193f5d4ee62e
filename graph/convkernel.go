package graph

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// f32 and f64 are gonum's pure-Go BLAS, for the level-1 kernels it has
// in assembly.
var f32, f64 gonum.Implementation

// gemmFunc is the BLAS matrix product c = alpha·op(a)·op(b) + beta·c on
// row-major matrices: Sgemm or Dgemm of the BLAS Gorgonia uses.
type gemmFunc[T float32 | float64] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// sgemm and dgemm are the matrix products of the BLAS Gorgonia uses, as
// plain functions: passing one is free, where the method value
// gorgonia.WhichBLAS().Sgemm allocates at every call.
func sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gorgonia.WhichBLAS().Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gorgonia.WhichBLAS().Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// convGeom is the geometry of one 2-D convolution or pooling: an input
// of c channels of h × w, square windows of side k moved by stride over
// the input zero-padded by pad, giving oh × ow outputs per channel.
type convGeom struct {
	c, h, w, k, stride, pad, oh, ow int
}

// patch is the number of values in one window over every channel
// (c·k²): the rows of the unfolded input.
func (g convGeom) patch() int { return g.c * g.k * g.k }

// positions is the number of output positions (oh·ow): the columns of the
// unfolded input.
func (g convGeom) positions() int { return g.oh * g.ow }

// wide reports whether the convolution unfolds into the wide layout:
// with stride 1 and no padding, the columns are the positions
// q = oy·w + ox for every input column ox (not only the ow an output
// has), so the row of kernel tap (ch, ki, kj) is the input plane from
// ki·w + kj on, moved by one copy, and col2im is one addition per row.
// The columns with ox ≥ ow are not outputs: the products there are
// dropped, and the output gradient is spread with zeros in them. LeNet's
// second convolution moves 250 rows of 92 values per example this way
// instead of 2,000 of 8, at 44% more multiplications.
func (g convGeom) wide() bool { return g.stride == 1 && g.pad == 0 && g.ow < g.w }

// width is the number of columns of an unfolded example: (oh-1)·w + ow
// in the wide layout (the last row stops at the plane's end), oh·ow
// otherwise.
func (g convGeom) width() int {
	if g.wide() {
		return (g.oh-1)*g.w + g.ow
	}
	return g.positions()
}

// scratchPerWorker is the scratch one worker of a convolution with f
// filters needs: the unfolded example and, in the wide layout, one
// output or output gradient spread over the wide columns.
func (g convGeom) scratchPerWorker(f int) int {
	n := g.patch() * g.width()
	if g.wide() {
		n += f * g.width()
	}
	return n
}

// unfold writes example x's patches into cols in g's layout.
func unfold[T float32 | float64](g convGeom, x, cols []T) {
	if g.wide() {
		n := g.width()
		for ch := 0; ch < g.c; ch++ {
			for ki := 0; ki < g.k; ki++ {
				for kj := 0; kj < g.k; kj++ {
					start := (ch*g.h+ki)*g.w + kj
					copy(cols[:n], x[start:start+n])
					cols = cols[n:]
				}
			}
		}
		return
	}
	im2col(g, x, cols)
}

// fold adds the unfolded gradient cols, in g's layout, onto dx.
func fold[T float32 | float64](g convGeom, cols, dx []T) {
	if g.wide() {
		n := g.width()
		for ch := 0; ch < g.c; ch++ {
			for ki := 0; ki < g.k; ki++ {
				for kj := 0; kj < g.k; kj++ {
					start := (ch*g.h+ki)*g.w + kj
					addTo(dx[start:start+n], cols[:n])
					cols = cols[n:]
				}
			}
		}
		return
	}
	col2im(g, cols, dx)
}

// addTo adds src to dst, of the same length, with gonum's assembly
// kernels (SIMD, unrolled): about three times the plain loop's pace on
// fold's rows.
func addTo[T float32 | float64](dst, src []T) {
	switch d := any(dst).(type) {
	case []float32:
		f32.Saxpy(len(d), 1, any(src).([]float32), 1, d, 1)
	case []float64:
		f64.Daxpy(len(d), 1, any(src).([]float64), 1, d, 1)
	}
}

// narrow sets y (f, oh, ow) to the wide product yw (f, width) at the
// output positions, plus the bias b (f).
func narrow[T float32 | float64](g convGeom, yw, b, y []T) {
	n, p := g.width(), g.positions()
	for o, bo := range b {
		for oy := 0; oy < g.oh; oy++ {
			src := yw[o*n+oy*g.w : o*n+oy*g.w+g.ow]
			dst := y[o*p+oy*g.ow : o*p+(oy+1)*g.ow]
			for j, v := range src {
				dst[j] = v + bo
			}
		}
	}
}

// spread writes dy (f, oh, ow) into dyw (f, width) at the output
// positions; the caller keeps dyw's other columns zero.
func spread[T float32 | float64](g convGeom, f int, dy, dyw []T) {
	n, p := g.width(), g.positions()
	for o := 0; o < f; o++ {
		for oy := 0; oy < g.oh; oy++ {
			copy(dyw[o*n+oy*g.w:o*n+oy*g.w+g.ow], dy[o*p+oy*g.ow:o*p+(oy+1)*g.ow])
		}
	}
}

// im2col unfolds one example x (c, h, w) into cols (c·k·k, oh·ow): row
// (ch, ki, kj) holds, for every output position, the input value under
// kernel tap (ki, kj) of channel ch, or 0 in the padding.
func im2col[T float32 | float64](g convGeom, x, cols []T) {
	p := g.positions()
	row := 0
	for ch := 0; ch < g.c; ch++ {
		plane := x[ch*g.h*g.w : (ch+1)*g.h*g.w]
		for ki := 0; ki < g.k; ki++ {
			for kj := 0; kj < g.k; kj++ {
				out := cols[row*p : (row+1)*p]
				row++
				for oy := 0; oy < g.oh; oy++ {
					dst := out[oy*g.ow : (oy+1)*g.ow]
					iy := oy*g.stride + ki - g.pad
					if iy < 0 || iy >= g.h {
						clear(dst)
						continue
					}
					src := plane[iy*g.w : (iy+1)*g.w]
					ix := kj - g.pad
					if g.stride == 1 && ix >= 0 && ix+g.ow <= g.w {
						copy(dst, src[ix:ix+g.ow])
						continue
					}
					for ox := range dst {
						if ix >= 0 && ix < g.w {
							dst[ox] = src[ix]
						} else {
							dst[ox] = 0
						}
						ix += g.stride
					}
				}
			}
		}
	}
}

// col2im adds the unfolded gradient cols (c·k·k, oh·ow) back onto dx
// (c, h, w), which the caller has zeroed: the inverse gather of im2col.
func col2im[T float32 | float64](g convGeom, cols, dx []T) {
	p := g.positions()
	row := 0
	for ch := 0; ch < g.c; ch++ {
		plane := dx[ch*g.h*g.w : (ch+1)*g.h*g.w]
		for ki := 0; ki < g.k; ki++ {
			for kj := 0; kj < g.k; kj++ {
				in := cols[row*p : (row+1)*p]
				row++
				for oy := 0; oy < g.oh; oy++ {
					iy := oy*g.stride + ki - g.pad
					if iy < 0 || iy >= g.h {
						continue
					}
					src := in[oy*g.ow : (oy+1)*g.ow]
					dst := plane[iy*g.w : (iy+1)*g.w]
					ix := kj - g.pad
					if g.stride == 1 && ix >= 0 && ix+g.ow <= g.w {
						dst = dst[ix : ix+g.ow]
						src = src[:len(dst)]
						for j, v := range src {
							dst[j] += v
						}
						continue
					}
					for _, v := range src {
						if ix >= 0 && ix < g.w {
							dst[ix] += v
						}
						ix += g.stride
					}
				}
			}
		}
	}
}

// workers is how many goroutines the convolution ops split a batch over.
func workers(n int) int { return max(1, min(n, runtime.GOMAXPROCS(0))) }

// forParts splits [0, n) (examples, rows or chunks) into one contiguous
// part per worker and calls f(worker, lo, hi) for each, the first on this
// goroutine, with BLAS held to one thread each.
func forParts(n int, f func(w, lo, hi int)) {
	k := workers(n)
	serialBLAS(func() {
		var wg sync.WaitGroup
		for w := 1; w < k; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				f(w, w*n/k, (w+1)*n/k)
			}(w)
		}
		f(0, 0, n/k)
		wg.Wait()
	})
}

// convForward sets y (n, f, oh, ow) to the convolution of x (n, c, h, w)
// with w (f, c, k, k) plus the bias b (f), one example at a time: y_i =
// w · unfold(x_i) + b. scratch holds g.scratchPerWorker(f) values per
// worker.
func convForward[T float32 | float64](gemm gemmFunc[T], g convGeom, f int, x, w, b, y, scratch []T) {
	in, p, k, n := g.c*g.h*g.w, g.positions(), g.patch(), g.width()
	per := g.scratchPerWorker(f)
	forParts(len(x)/in, func(wk, lo, hi int) {
		c := scratch[wk*per : wk*per+k*n]
		yw := scratch[wk*per+k*n : (wk+1)*per]
		for i := lo; i < hi; i++ {
			yi := y[i*f*p : (i+1)*f*p]
			unfold(g, x[i*in:(i+1)*in], c)
			if g.wide() {
				gemm(blas.NoTrans, blas.NoTrans, f, n, k, 1, w, k, c, n, 0, yw, n)
				narrow(g, yw, b, yi)
				continue
			}
			for o := 0; o < f; o++ {
				row := yi[o*p : (o+1)*p]
				for j := range row {
					row[j] = b[o]
				}
			}
			gemm(blas.NoTrans, blas.NoTrans, f, p, k, 1, w, k, c, p, 1, yi, p)
		}
	})
}

// convFilterGrad sets dw (f, c·k·k) to Σ_i dy_i · unfold(x_i)ᵀ. Each
// worker past the first sums into its own part of partial (f·k values
// per worker), added to dw at the end.
func convFilterGrad[T float32 | float64](gemm gemmFunc[T], g convGeom, f int, x, dy, dw, scratch, partial []T) {
	in, p, k, n := g.c*g.h*g.w, g.positions(), g.patch(), g.width()
	per := g.scratchPerWorker(f)
	examples := len(x) / in
	forParts(examples, func(wk, lo, hi int) {
		c := scratch[wk*per : wk*per+k*n]
		dyw := scratch[wk*per+k*n : (wk+1)*per]
		clear(dyw)
		acc := dw
		if wk > 0 {
			acc = partial[(wk-1)*f*k : wk*f*k]
		}
		clear(acc)
		for i := lo; i < hi; i++ {
			unfold(g, x[i*in:(i+1)*in], c)
			dyi := dy[i*f*p : (i+1)*f*p]
			if g.wide() {
				spread(g, f, dyi, dyw)
				dyi = dyw
			}
			gemm(blas.NoTrans, blas.Trans, f, k, n, 1, dyi, n, c, n, 1, acc, k)
		}
	})
	for wk := 1; wk < workers(examples); wk++ {
		for j, v := range partial[(wk-1)*f*k : wk*f*k] {
			dw[j] += v
		}
	}
}

// convBiasGrad sets db (f) to dy (n, f, positions) summed over examples
// and positions.
func convBiasGrad[T float32 | float64](f, positions int, dy, db []T) {
	clear(db)
	for i := 0; i < len(dy); i += positions {
		var s T
		for _, v := range dy[i : i+positions] {
			s += v
		}
		db[(i/positions)%f] += s
	}
}

// convInputGrad sets dx (n, c, h, w) to the gradient of the convolution
// with respect to its input: fold(wᵀ · dy_i) per example.
func convInputGrad[T float32 | float64](gemm gemmFunc[T], g convGeom, f int, w, dy, dx, scratch []T) {
	in, p, k, n := g.c*g.h*g.w, g.positions(), g.patch(), g.width()
	per := g.scratchPerWorker(f)
	forParts(len(dx)/in, func(wk, lo, hi int) {
		c := scratch[wk*per : wk*per+k*n]
		dyw := scratch[wk*per+k*n : (wk+1)*per]
		clear(dyw)
		clear(dx[lo*in : hi*in])
		for i := lo; i < hi; i++ {
			dyi := dy[i*f*p : (i+1)*f*p]
			if g.wide() {
				spread(g, f, dyi, dyw)
				dyi = dyw
			}
			gemm(blas.Trans, blas.NoTrans, k, n, f, 1, w, k, dyi, n, 0, c, n)
			fold(g, c, dx[i*in:(i+1)*in])
		}
	})
}

// maxPoolForward sets y (n, c, oh, ow) to the maximum of each window of
// x (n, c, h, w) (g.pad is 0 for pooling), examples split over workers.
func maxPoolForward[T float32 | float64](g convGeom, x, y []T) {
	plane, out := g.h*g.w, g.positions()
	n := len(x) / (g.c * plane)
	forParts(n, func(_, lo, hi int) {
		for pl := lo * g.c; pl < hi*g.c; pl++ {
			xp, yp := x[pl*plane:(pl+1)*plane], y[pl*out:(pl+1)*out]
			for oy := 0; oy < g.oh; oy++ {
				row := yp[oy*g.ow : (oy+1)*g.ow]
				top := xp[oy*g.stride*g.w:]
				if g.k == 2 {
					r0, r1 := top[:g.w], top[g.w:2*g.w]
					for ox := range row {
						j := ox * g.stride
						row[ox] = max(r0[j], r0[j+1], r1[j], r1[j+1])
					}
					continue
				}
				for ox := range row {
					m := top[ox*g.stride]
					for ki := 0; ki < g.k; ki++ {
						for _, v := range top[ki*g.w+ox*g.stride : ki*g.w+ox*g.stride+g.k] {
							m = max(m, v)
						}
					}
					row[ox] = m
				}
			}
		}
	})
}

// argmax4 returns the index of the first maximum of the 2×2 window with
// top row at a and bottom row at b in x.
func argmax4[T float32 | float64](x []T, a, b int) int {
	top, bottom := a, b
	if x[a+1] > x[a] {
		top = a + 1
	}
	if x[b+1] > x[b] {
		bottom = b + 1
	}
	if x[bottom] > x[top] {
		return bottom
	}
	return top
}

// orderKey maps v to an integer with the same order (-0 below +0): the
// compiler turns a comparison of integers, unlike one of floats, into a
// conditional move rather than a branch.
func orderKey(v float32) int32 {
	u := int32(math.Float32bits(v))
	return u ^ (u >> 31 & math.MaxInt32)
}

// after is 1 when b > a and 0 otherwise, computed without a branch.
func after(a, b float32) int {
	return int(uint64(int64(orderKey(a))-int64(orderKey(b))) >> 63)
}

// tiledPoolGrad32 is maxPoolGrad for float32 2×2 windows of stride 2
// that tile the planes pl in [lo, hi): argmax4 on order keys, without a
// branch per comparison. Where a window's maximum falls is as good as
// random, so mispredicted branches cost more than the rest of the work.
func tiledPoolGrad32(g convGeom, x, dy, dx []float32, lo, hi int) {
	plane, out := g.h*g.w, g.positions()
	for pl := lo; pl < hi; pl++ {
		xp, dxp, dyp := x[pl*plane:(pl+1)*plane], dx[pl*plane:(pl+1)*plane], dy[pl*out:(pl+1)*out]
		clear(dxp)
		for oy := 0; oy < g.oh; oy++ {
			r0, r1 := 2*oy*g.w, (2*oy+1)*g.w
			for ox, d := range dyp[oy*g.ow : (oy+1)*g.ow] {
				top := r0 + 2*ox + after(xp[r0+2*ox], xp[r0+2*ox+1])
				bottom := r1 + 2*ox + after(xp[r1+2*ox], xp[r1+2*ox+1])
				if orderKey(xp[bottom]) > orderKey(xp[top]) {
					top = bottom
				}
				dxp[top] = d
			}
		}
	}
}

// maxPoolGrad sets dx (n, c, h, w) to the gradient of max-pooling x:
// each window's gradient dy goes to its first maximum.
func maxPoolGrad[T float32 | float64](g convGeom, x, dy, dx []T) {
	plane, out := g.h*g.w, g.positions()
	n := len(x) / (g.c * plane)
	// 2×2 windows tiling the input write every value of dx themselves.
	tiled := g.k == 2 && g.stride == 2 && 2*g.oh == g.h && 2*g.ow == g.w
	if x32, ok := any(x).([]float32); ok && tiled {
		forParts(n, func(_, lo, hi int) {
			tiledPoolGrad32(g, x32, any(dy).([]float32), any(dx).([]float32), lo*g.c, hi*g.c)
		})
		return
	}
	forParts(n, func(_, lo, hi int) {
		if !tiled {
			clear(dx[lo*g.c*plane : hi*g.c*plane])
		}
		for pl := lo * g.c; pl < hi*g.c; pl++ {
			xp, dxp, dyp := x[pl*plane:(pl+1)*plane], dx[pl*plane:(pl+1)*plane], dy[pl*out:(pl+1)*out]
			for oy := 0; oy < g.oh; oy++ {
				if g.k == 2 {
					r0, r1 := oy*g.stride*g.w, oy*g.stride*g.w+g.w
					if tiled {
						clear(dxp[r0 : r1+g.w])
					}
					for ox, d := range dyp[oy*g.ow : (oy+1)*g.ow] {
						dxp[argmax4(xp, r0+ox*g.stride, r1+ox*g.stride)] += d
					}
					continue
				}
				for ox := 0; ox < g.ow; ox++ {
					top := oy*g.stride*g.w + ox*g.stride
					at := top
					for ki := 0; ki < g.k; ki++ {
						for j := top + ki*g.w; j < top+ki*g.w+g.k; j++ {
							if xp[j] > xp[at] {
								at = j
							}
						}
					}
					dxp[at] += dyp[oy*g.ow+ox]
				}
			}
		}
	})
}
