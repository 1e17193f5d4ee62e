package combine

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// float32Eps is torch.finfo().eps for PyTorch's default dtype, float32
// (2⁻²³), which LibMTL's and torchjd's rank tolerance use.
const float32Eps = 1.0 / (1 << 23)

// AlignedMTL is Aligned-MTL (Senushkin et al. CVPR 2023, "Independent
// Component Alignment for Multi-Task Learning"; LibMTL/weighting/
// Aligned_MTL.py, adapted from github.com/SamsungLabs/MTL): with the
// eigendecomposition G = V Λ Vᵀ, keep the eigenvalues above
// λ_max·T·2⁻²³ (LibMTL's tolerance, float32 epsilon) and form the
// balance transformation
//
//	B = sqrt(λ_min) V Λ^{-1/2} Vᵀ
//
// over the kept ones (λ_min the smallest kept). The aligned gradients
// Jᵀ B then have Gramian B G B = λ_min V Vᵀ: equal singular values
// sqrt(λ_min), condition number 1 on the gradients' span. As in LibMTL,
// α = B·1 (B.sum(0)): unit task preferences summed, so that orthogonal
// gradients of equal norm give α = 1 (torchjd uses the mean, α = B·1/T).
//
// When no eigenvalue passes the tolerance (all-zero gradients), α = 1, as
// torchjd's identity fallback gives.
type AlignedMTL struct{}

var _ Combiner = AlignedMTL{}

// Name returns "aligned".
func (AlignedMTL) Name() string { return AlignedName }

// Weights returns the Aligned-MTL weights, α = B·1.
func (AlignedMTL) Weights(gram [][]float64) ([]float64, error) {
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	b, err := balance(g)
	if err != nil {
		return nil, err
	}
	alpha := make([]float64, g.n)
	for i := range alpha {
		alpha[i] = sum(b[i*g.n : (i+1)*g.n])
	}
	return alpha, nil
}

// balance returns Aligned-MTL's balance transformation B (row-major n×n,
// symmetric), or the identity when G has no eigenvalue above the
// tolerance.
func balance(g gramian) ([]float64, error) {
	n := g.n
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(n, append([]float64(nil), g.a...)), true) {
		return nil, fmt.Errorf("combine: aligned: eigendecomposition of the %d×%d gramian failed", n, n)
	}
	vals := eig.Values(nil) // ascending
	var v mat.Dense
	eig.VectorsTo(&v)
	tol := vals[n-1] * float64(n) * float32Eps
	first := -1 // the smallest kept eigenvalue's index
	for k, l := range vals {
		if l > tol {
			first = k
			break
		}
	}
	b := make([]float64, n*n)
	if first < 0 {
		for i := 0; i < n; i++ {
			b[i*n+i] = 1
		}
		return b, nil
	}
	lmin := vals[first]
	for k := first; k < n; k++ {
		c := math.Sqrt(lmin / vals[k]) // sqrt(λ_min)·λ_k^{-1/2}
		for i := 0; i < n; i++ {
			vi := c * v.At(i, k)
			for j := 0; j < n; j++ {
				b[i*n+j] += vi * v.At(j, k)
			}
		}
	}
	return b, nil
}
