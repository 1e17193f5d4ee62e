package graph

import (
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// UsePreallocDo writes conv(x, w) + b into pre when it fits.
func (op convOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, op.xShape(), op.wShape(), op.bShape())
	if err != nil {
		return nil, opError(op, err)
	}
	y := op.out.output(pre, op.yShape(), v[0].Dtype())
	cols := workers(op.n) * op.g.scratchPerWorker(op.f)
	if v[0].Dtype() == tensor.Float32 {
		convForward(sgemm, op.g, op.f, v[0].Float32s(), v[1].Float32s(), v[2].Float32s(), y.Float32s(), op.s.float32s(cols))
	} else {
		convForward(dgemm, op.g, op.f, v[0].Float64s(), v[1].Float64s(), v[2].Float64s(), y.Float64s(), op.s.float64s(cols))
	}
	return y, nil
}

// UsePreallocDo writes the kernel's gradient into pre when it fits.
func (op convFilterGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, op.xShape(), op.yShape())
	if err != nil {
		return nil, opError(op, err)
	}
	dw := op.out.output(pre, op.wShape(), v[0].Dtype())
	k := workers(op.n)
	cols, partial := k*op.g.scratchPerWorker(op.f), (k-1)*op.f*op.g.patch()
	if v[0].Dtype() == tensor.Float32 {
		buf := op.s.float32s(cols + partial)
		convFilterGrad(sgemm, op.g, op.f, v[0].Float32s(), v[1].Float32s(), dw.Float32s(), buf[:cols], buf[cols:])
	} else {
		buf := op.s.float64s(cols + partial)
		convFilterGrad(dgemm, op.g, op.f, v[0].Float64s(), v[1].Float64s(), dw.Float64s(), buf[:cols], buf[cols:])
	}
	return dw, nil
}

// UsePreallocDo writes the input's gradient into pre when it fits.
func (op convInputGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, op.wShape(), op.yShape())
	if err != nil {
		return nil, opError(op, err)
	}
	dx := op.out.output(pre, op.xShape(), v[0].Dtype())
	cols := workers(op.n) * op.g.scratchPerWorker(op.f)
	if v[0].Dtype() == tensor.Float32 {
		convInputGrad(sgemm, op.g, op.f, v[0].Float32s(), v[1].Float32s(), dx.Float32s(), op.s.float32s(cols))
	} else {
		convInputGrad(dgemm, op.g, op.f, v[0].Float64s(), v[1].Float64s(), dx.Float64s(), op.s.float64s(cols))
	}
	return dx, nil
}

// UsePreallocDo writes the bias's gradient into pre when it fits.
func (op convBiasGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, op.yShape())
	if err != nil {
		return nil, opError(op, err)
	}
	db := op.out.output(pre, op.bShape(), v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		convBiasGrad(op.f, op.g.positions(), v[0].Float32s(), db.Float32s())
	} else {
		convBiasGrad(op.f, op.g.positions(), v[0].Float64s(), db.Float64s())
	}
	return db, nil
}

// UsePreallocDo writes the pooled x into pre when it fits.
func (op maxPoolOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, op.xShape())
	if err != nil {
		return nil, opError(op, err)
	}
	y := op.out.output(pre, op.yShape(), v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		maxPoolForward(op.g, v[0].Float32s(), y.Float32s())
	} else {
		maxPoolForward(op.g, v[0].Float64s(), y.Float64s())
	}
	return y, nil
}

// UsePreallocDo writes the input's gradient into pre when it fits.
func (op maxPoolGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, op.xShape(), op.yShape())
	if err != nil {
		return nil, opError(op, err)
	}
	dx := op.out.output(pre, op.xShape(), v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		maxPoolGrad(op.g, v[0].Float32s(), v[1].Float32s(), dx.Float32s())
	} else {
		maxPoolGrad(op.g, v[0].Float64s(), v[1].Float64s(), dx.Float64s())
	}
	return dx, nil
}
