package graph

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestLogSoftmaxLargeLogits checks log-softmax on rows whose first class
// dominates by far more than exp can hold in float32 (e^89 overflows).
// gorgonia/tensor v0.9.24's fused LogSoftMax takes every row's maximum
// starting from the first row's first value and skips the row's own first
// value, so such a row overflowed to -Inf and its cross-entropy became NaN
// (0 · -Inf) in long runs, once a head grew confident enough.
func TestLogSoftmaxLargeLogits(t *testing.T) {
	rows := [][]float64{{0, 0, 0}, {150, 0, -3}, {-200, 40, 0}, {1e4, -1e4, 0}}
	b := NewBuilder(NewStore(tensor.Float32, 1))
	logits := must(b.Input("logits", len(rows), 3))
	data := logits.Value().Data().([]float32)
	for i, r := range rows {
		for j, v := range r {
			data[i*3+j] = float32(v)
		}
	}
	out := must(b.LogSoftmax(logits))
	var got gorgonia.Value
	gorgonia.Read(out, &got)
	vm := gorgonia.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	y := got.Data().([]float32)
	for i, r := range rows {
		m := math.Max(r[0], math.Max(r[1], r[2]))
		lse := m + math.Log(math.Exp(r[0]-m)+math.Exp(r[1]-m)+math.Exp(r[2]-m))
		for j, v := range r {
			want := v - lse
			if g := float64(y[i*3+j]); math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-want) > 1e-4*math.Max(1, math.Abs(want)) {
				t.Errorf("row %d class %d: log-softmax %v, want %v", i, j, g, want)
			}
		}
	}
}
