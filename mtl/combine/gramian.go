package combine

import (
	"errors"
	"fmt"
	"math"
)

// ErrGramian is wrapped by the errors Weights returns for a Gramian that
// is empty, not square, not symmetric, not finite or has a negative
// diagonal entry.
var ErrGramian = errors.New("combine: invalid gramian")

// symTol is the asymmetry Weights accepts, relative to the largest entry:
// a Gramian assembled from float64 dot products in another order may
// differ from its transpose by rounding. The two halves are averaged.
const symTol = 1e-9

// A gramian is a validated, symmetric T×T Gramian stored row-major.
type gramian struct {
	n int
	a []float64
}

func (g gramian) at(i, j int) float64 { return g.a[i*g.n+j] }

// newGramian validates gram and copies it into a gramian, averaging the
// two halves.
func newGramian(gram [][]float64) (gramian, error) {
	n := len(gram)
	if n == 0 {
		return gramian{}, fmt.Errorf("%w: no tasks", ErrGramian)
	}
	scale := 0.0
	for i, row := range gram {
		if len(row) != n {
			return gramian{}, fmt.Errorf("%w: row %d has %d entries, want %d", ErrGramian, i, len(row), n)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return gramian{}, fmt.Errorf("%w: entry [%d][%d] is %v", ErrGramian, i, j, v)
			}
			scale = math.Max(scale, math.Abs(v))
		}
		if row[i] < 0 {
			return gramian{}, fmt.Errorf("%w: diagonal entry [%d][%d] is %v, a squared norm cannot be negative", ErrGramian, i, i, row[i])
		}
	}
	tr := 0.0
	for i := 0; i < n; i++ {
		tr += gram[i][i]
	}
	if math.IsInf(tr, 0) {
		return gramian{}, fmt.Errorf("%w: the trace overflows float64", ErrGramian)
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		a[i*n+i] = gram[i][i]
		for j := i + 1; j < n; j++ {
			x, y := gram[i][j], gram[j][i]
			if math.Abs(x-y) > symTol*scale {
				return gramian{}, fmt.Errorf("%w: not symmetric: [%d][%d] is %v but [%d][%d] is %v", ErrGramian, i, j, x, j, i, y)
			}
			m := (x + y) / 2
			a[i*n+j], a[j*n+i] = m, m
		}
	}
	return gramian{n: n, a: a}, nil
}

// frobenius returns sqrt(Σ_ij G_ij²) without overflow.
func (g gramian) frobenius() float64 {
	m := 0.0
	for _, v := range g.a {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		return 0
	}
	s := 0.0
	for _, v := range g.a {
		s += (v / m) * (v / m)
	}
	return m * math.Sqrt(s)
}

// trace returns Σ_i G[i][i], the squared Frobenius norm of the gradient
// matrix.
func (g gramian) trace() float64 {
	s := 0.0
	for i := 0; i < g.n; i++ {
		s += g.at(i, i)
	}
	return s
}

// quad returns xᵀ G y.
func (g gramian) quad(x, y []float64) float64 {
	s := 0.0
	for i := 0; i < g.n; i++ {
		if x[i] == 0 {
			continue
		}
		row := g.a[i*g.n : (i+1)*g.n]
		r := 0.0
		for j, v := range row {
			r += v * y[j]
		}
		s += x[i] * r
	}
	return s
}

// mulVec sets dst = G x.
func (g gramian) mulVec(dst, x []float64) {
	for i := 0; i < g.n; i++ {
		row := g.a[i*g.n : (i+1)*g.n]
		s := 0.0
		for j, v := range row {
			s += v * x[j]
		}
		dst[i] = s
	}
}

// scaled returns the Gramian of the gradients g_t/s[t]: G[i][j]/(s_i s_j).
func (g gramian) scaled(s []float64) gramian {
	a := make([]float64, len(g.a))
	for i := 0; i < g.n; i++ {
		for j := 0; j < g.n; j++ {
			a[i*g.n+j] = g.at(i, j) / (s[i] * s[j])
		}
	}
	return gramian{n: g.n, a: a}
}

// times returns the Gramian multiplied by k.
func (g gramian) times(k float64) gramian {
	a := make([]float64, len(g.a))
	for i, v := range g.a {
		a[i] = v * k
	}
	return gramian{n: g.n, a: a}
}

// uniform returns n weights equal to v.
func uniform(n int, v float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = v
	}
	return w
}
