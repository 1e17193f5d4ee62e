package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// denseOp is x·w + b for x (rows, in), w (in, units) and b (1, units),
// the bias fused into the product. It and its gradients split the rows
// of their output across the cores, BLAS on one thread each: on small
// layers one BLAS call on two threads spends much of its time waking the
// second (and OpenBLAS's idle thread then spins against the other ops).
type denseOp struct {
	rows, in, units int
	out             *owned
}

// matMulOp is op(a)·op(b), op transposing when ta or tb is set: the
// gradients of denseOp and of itself.
type matMulOp struct {
	ta, tb  bool
	m, n, k int // the product is (m, n); k is the inner dimension
	out     *owned
}

// colSumOp sums a (rows, cols) matrix over its rows into (1, cols): the
// bias's gradient.
type colSumOp struct {
	rows, cols int
	out        *owned
}

func (denseOp) Arity() int  { return 3 }
func (matMulOp) Arity() int { return 2 }
func (colSumOp) Arity() int { return 1 }

func (op denseOp) Type() hm.Type  { return fnType(op.Arity()) }
func (op matMulOp) Type() hm.Type { return fnType(op.Arity()) }
func (op colSumOp) Type() hm.Type { return fnType(op.Arity()) }

func (op denseOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.rows, op.units}, nil
}
func (op matMulOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.m, op.n}, nil
}
func (op colSumOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{1, op.cols}, nil
}

// shapes of a and b as stored, before op transposes them.
func (op matMulOp) shapes() (a, b tensor.Shape) {
	a, b = tensor.Shape{op.m, op.k}, tensor.Shape{op.k, op.n}
	if op.ta {
		a = tensor.Shape{op.k, op.m}
	}
	if op.tb {
		b = tensor.Shape{op.n, op.k}
	}
	return a, b
}

func (op denseOp) String() string  { return fmt.Sprintf("gomtl.Dense(%d→%d)", op.in, op.units) }
func (op matMulOp) String() string { return fmt.Sprintf("gomtl.MatMul(%v,%v)", op.ta, op.tb) }
func (op colSumOp) String() string { return "gomtl.ColSum" }

func (op denseOp) WriteHash(h hash.Hash)  { fmt.Fprintf(h, "%s %+v", op, op) }
func (op matMulOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s %+v", op, op) }
func (op colSumOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s %+v", op, op) }
func (op denseOp) Hashcode() uint32       { return hashOf(op) }
func (op matMulOp) Hashcode() uint32      { return hashOf(op) }
func (op colSumOp) Hashcode() uint32      { return hashOf(op) }

func (denseOp) ReturnsPtr() bool      { return false }
func (matMulOp) ReturnsPtr() bool     { return false }
func (colSumOp) ReturnsPtr() bool     { return false }
func (denseOp) CallsExtern() bool     { return false }
func (matMulOp) CallsExtern() bool    { return false }
func (colSumOp) CallsExtern() bool    { return false }
func (denseOp) OverwritesInput() int  { return -1 }
func (matMulOp) OverwritesInput() int { return -1 }
func (colSumOp) OverwritesInput() int { return -1 }

func (denseOp) DiffWRT(int) []bool  { return []bool{true, true, true} }
func (matMulOp) DiffWRT(int) []bool { return []bool{true, true} }
func (colSumOp) DiffWRT(int) []bool { return []bool{false} }

// SymDiff returns the gradient nodes of x, w and b.
func (op denseOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 3 {
		return nil, errors.Errorf("graph: %v: %d inputs to differentiate, want 3", op, len(in))
	}
	dx, err1 := gorgonia.ApplyOp(matMulOp{tb: true, m: op.rows, n: op.in, k: op.units, out: new(owned)}, grad, in[1])
	dw, err2 := gorgonia.ApplyOp(matMulOp{ta: true, m: op.in, n: op.units, k: op.rows, out: new(owned)}, in[0], grad)
	db, err3 := gorgonia.ApplyOp(colSumOp{rows: op.rows, cols: op.units, out: new(owned)}, grad)
	if err := firstError(err1, err2, err3); err != nil {
		return nil, errors.Wrapf(err, "graph: %v: gradients", op)
	}
	return gorgonia.Nodes{dx, dw, db}, nil
}

// SymDiff returns the gradient nodes of a and b: for c = op(a)·op(b),
// dA = dC·op(b)ᵀ (or op(b)·dCᵀ when a is transposed) and dB = op(a)ᵀ·dC
// (or dCᵀ·op(a) when b is transposed).
func (op matMulOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 2 {
		return nil, errors.Errorf("graph: %v: %d inputs to differentiate, want 2", op, len(in))
	}
	var da, db *gorgonia.Node
	var err1, err2 error
	if op.ta {
		da, err1 = gorgonia.ApplyOp(matMulOp{ta: op.tb, tb: true, m: op.k, n: op.m, k: op.n, out: new(owned)}, in[1], grad)
	} else {
		da, err1 = gorgonia.ApplyOp(matMulOp{tb: !op.tb, m: op.m, n: op.k, k: op.n, out: new(owned)}, grad, in[1])
	}
	if op.tb {
		db, err2 = gorgonia.ApplyOp(matMulOp{ta: true, tb: op.ta, m: op.n, n: op.k, k: op.m, out: new(owned)}, grad, in[0])
	} else {
		db, err2 = gorgonia.ApplyOp(matMulOp{ta: !op.ta, m: op.k, n: op.n, k: op.m, out: new(owned)}, in[0], grad)
	}
	if err := firstError(err1, err2); err != nil {
		return nil, errors.Wrapf(err, "graph: %v: gradients", op)
	}
	return gorgonia.Nodes{da, db}, nil
}

// SymDiff refuses: no graph differentiates through a bias's gradient.
func (op colSumOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, errors.New("graph: the dense bias's gradient cannot be differentiated again")
}

func (op denseOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op matMulOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op colSumOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}

// UsePreallocDo writes x·w + b into pre when it fits.
func (op denseOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, tensor.Shape{op.rows, op.in}, tensor.Shape{op.in, op.units}, tensor.Shape{1, op.units})
	if err != nil {
		return nil, opError(op, err)
	}
	y := op.out.output(pre, tensor.Shape{op.rows, op.units}, v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		gemmRows(sgemm, false, false, op.rows, op.units, op.in, v[0].Float32s(), v[1].Float32s(), v[2].Float32s(), y.Float32s())
	} else {
		gemmRows(dgemm, false, false, op.rows, op.units, op.in, v[0].Float64s(), v[1].Float64s(), v[2].Float64s(), y.Float64s())
	}
	return y, nil
}

// UsePreallocDo writes op(a)·op(b) into pre when it fits.
func (op matMulOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	as, bs := op.shapes()
	v, err := operands(in, as, bs)
	if err != nil {
		return nil, opError(op, err)
	}
	c := op.out.output(pre, tensor.Shape{op.m, op.n}, v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		gemmRows(sgemm, op.ta, op.tb, op.m, op.n, op.k, v[0].Float32s(), v[1].Float32s(), nil, c.Float32s())
	} else {
		gemmRows(dgemm, op.ta, op.tb, op.m, op.n, op.k, v[0].Float64s(), v[1].Float64s(), nil, c.Float64s())
	}
	return c, nil
}

// UsePreallocDo writes the column sums into pre when it fits.
func (op colSumOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, tensor.Shape{op.rows, op.cols})
	if err != nil {
		return nil, opError(op, err)
	}
	s := op.out.output(pre, tensor.Shape{1, op.cols}, v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		colSums(v[0].Float32s(), s.Float32s())
	} else {
		colSums(v[0].Float64s(), s.Float64s())
	}
	return s, nil
}

func colSums[T float32 | float64](x, s []T) {
	clear(s)
	for i := 0; i < len(x); i += len(s) {
		for j, v := range x[i : i+len(s)] {
			s[j] += v
		}
	}
}

// gemmRows sets c (m, n) to op(a)·op(b), plus the row bias (n values)
// when bias is not nil, splitting c's rows across workers when the
// product is large enough to pay for it.
func gemmRows[T float32 | float64](gemm gemmFunc[T], ta, tb bool, m, n, k int, a, b, bias, c []T) {
	if m < 2 || m*n*k < parallelFrom*4 {
		gemmRange(gemm, ta, tb, m, n, k, a, b, bias, c, 0, m)
		return
	}
	forParts(m, func(_, lo, hi int) {
		if lo < hi {
			gemmRange(gemm, ta, tb, m, n, k, a, b, bias, c, lo, hi)
		}
	})
}

// gemmRange computes rows lo to hi of gemmRows's product.
func gemmRange[T float32 | float64](gemm gemmFunc[T], ta, tb bool, m, n, k int, a, b, bias, c []T, lo, hi int) {
	tA, tB, lda, ldb := blas.NoTrans, blas.NoTrans, k, n
	off := lo * k // row lo of op(a)
	if ta {
		tA, lda, off = blas.Trans, m, lo
	}
	if tb {
		tB, ldb = blas.Trans, k
	}
	var beta T
	if bias != nil {
		for i := lo; i < hi; i++ {
			copy(c[i*n:(i+1)*n], bias)
		}
		beta = 1
	}
	gemm(tA, tB, hi-lo, n, k, 1, a[off:], lda, b, ldb, beta, c[lo*n:hi*n], n)
}
