package graph

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
)

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
