package combine

import (
	"math"
	"slices"
)

// cholSolve solves A x = b for a symmetric positive-definite n×n matrix A
// stored row-major in a, overwriting a with its Cholesky factor and b with
// x. It reports false, leaving b unusable, when A is not numerically
// positive definite. T is small here (tens at most), so a plain
// unblocked factorisation is the right tool.
func cholSolve(a []float64, n int, b []float64) bool {
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= a[j*n+k] * a[j*n+k]
		}
		if !(d > 0) {
			return false
		}
		d = math.Sqrt(d)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= a[i*n+k] * a[j*n+k]
			}
			a[i*n+j] = s / d
		}
	}
	// L y = b, then Lᵀ x = y.
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= a[i*n+k] * b[k]
		}
		b[i] = s / a[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= a[k*n+i] * b[k]
		}
		b[i] = s / a[i*n+i]
	}
	return true
}

// projectSimplex sets dst to the Euclidean projection of y onto the
// probability simplex {x : x ≥ 0, Σx = 1}, by the sort-based algorithm of
// MinNormSolver._projection2simplex (Sener & Koltun's official code;
// Wang & Carreira-Perpiñán 2013). scratch must have len(y) entries; dst
// may be y.
func projectSimplex(dst, y, scratch []float64) {
	m := len(y)
	copy(scratch, y)
	slices.Sort(scratch)
	slices.Reverse(scratch)
	sum := 0.0
	for _, v := range y {
		sum += v
	}
	tmax := (sum - 1) / float64(m)
	tmp := 0.0
	for i := 0; i < m-1; i++ {
		tmp += scratch[i]
		if t := (tmp - 1) / float64(i+1); t > scratch[i+1] {
			tmax = t
			break
		}
	}
	for i, v := range y {
		dst[i] = math.Max(v-tmax, 0)
	}
}

func dot(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}
