package graph

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestMixGradients checks the mixing builders used by the multi-task
// architectures (softmax gates over experts, cross-stitch units, concat)
// against central finite differences.
func TestMixGradients(t *testing.T) {
	const batch, in, width = 3, 4, 5
	for _, tc := range []struct {
		name  string
		build func(b *Builder, x *gorgonia.Node) *gorgonia.Node
	}{
		{"experts", func(b *Builder, x *gorgonia.Node) *gorgonia.Node {
			var experts []*gorgonia.Node
			for _, name := range []string{"e0", "e1", "e2"} {
				experts = append(experts, must(b.Activate(Tanh, must(b.Dense(name, x, width)))))
			}
			gate := must(b.Softmax(must(b.Dense("gate", x, len(experts)))))
			return must(b.MixExperts(gate, experts))
		}},
		{"cross-stitch", func(b *Builder, x *gorgonia.Node) *gorgonia.Node {
			towers := []*gorgonia.Node{must(b.Dense("t0", x, width)), must(b.Dense("t1", x, width)), must(b.Dense("t2", x, width))}
			ys, err := b.CrossStitch("alpha", towers, 0.8)
			if err != nil {
				t.Fatal(err)
			}
			return must(b.Concat(must(b.Activate(Tanh, ys[0])), ys[1], must(b.Activate(Sigmoid, ys[2]))))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(2))
			b := NewBuilder(NewStore(tensor.Float64, 5))
			x := must(b.Input("x", batch, in))
			fill(t, x, rng)
			y := tc.build(b, x)
			k := y.Shape()[1]
			target := must(b.Input("target", batch, k))
			fill(t, target, rng)
			w := must(b.Input("w", batch))
			copy(w.Value().Data().([]float64), []float64{0.5, 0.25, 0.25})
			cost := must(b.MSE(y, target, w))
			wrt := []*gorgonia.Node{x}
			for _, n := range b.G.AllNodes() {
				if b.Params.Value(n.Name()) != nil {
					wrt = append(wrt, n)
				}
			}
			worst, err := CheckGradients(b.G, cost, wrt, GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

// TestCrossStitchStart: α starts at self on the diagonal and spreads the
// rest evenly, so each tower starts as 0.9 of itself plus 0.05 of each
// other tower (values worked by hand).
func TestCrossStitchStart(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	xs := []*gorgonia.Node{must(b.Input("a", 1, 2)), must(b.Input("b", 1, 2)), must(b.Input("c", 1, 2))}
	for i, x := range xs {
		copy(x.Value().Data().([]float64), []float64{float64(i + 1), 10 * float64(i+1)})
	}
	ys, err := b.CrossStitch("alpha", xs, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	vm := gorgonia.NewTapeMachine(b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(ys[0], ys[1], ys[2]))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.9 + 0.05*5, 9 + 0.5*5}, {1.8 + 0.05*4, 18 + 0.5*4}, {2.7 + 0.05*3, 27 + 0.5*3}}
	for i, y := range ys {
		got := y.Value().Data().([]float64)
		for j := range got {
			if math.Abs(got[j]-want[i][j]) > 1e-12 {
				t.Errorf("tower %d: %v, want %v", i, got, want[i])
			}
		}
	}
}

// TestSoftmaxBesideLogSoftmax guards against a Gorgonia trap: SoftMax and
// LogSoftMax of one node hash alike and are merged into one node, so
// whichever is built second returns the first's values. Both orders must
// give probabilities summing to 1 and their logarithms.
func TestSoftmaxBesideLogSoftmax(t *testing.T) {
	for _, softmaxFirst := range []bool{true, false} {
		b := NewBuilder(NewStore(tensor.Float64, 1))
		logits := must(b.Input("logits", 1, 3))
		copy(logits.Value().Data().([]float64), []float64{1, 2, 3})
		var p, logp *gorgonia.Node
		if softmaxFirst {
			p = must(b.Softmax(logits))
			logp = must(b.LogSoftmax(logits))
		} else {
			logp = must(b.LogSoftmax(logits))
			p = must(b.Softmax(logits))
		}
		vm := gorgonia.NewTapeMachine(b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(p, logp))
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		probs, logs := p.Value().Data().([]float64), logp.Value().Data().([]float64)
		// log-sum-exp of (1, 2, 3) is 3.40760596 (see TestLossValues).
		for j, want := range []float64{1 - 3.40760596, 2 - 3.40760596, 3 - 3.40760596} {
			if math.Abs(logs[j]-want) > 1e-7 || math.Abs(probs[j]-math.Exp(want)) > 1e-7 {
				t.Errorf("softmax first %v: class %d: log-prob %v, prob %v, want %v and %v", softmaxFirst, j, logs[j], probs[j], want, math.Exp(want))
			}
		}
		vm.Close()
	}
}

// TestLayerBuiltTwice: a layer built twice under one name (a block shared
// by two inputs) reads one parameter node, whose gradient sums both uses
// (checked against finite differences).
func TestLayerBuiltTwice(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	b := NewBuilder(NewStore(tensor.Float64, 3))
	xa, xb := must(b.Input("xa", 3, 4)), must(b.Input("xb", 2, 4))
	fill(t, xa, rng)
	fill(t, xb, rng)
	ya := must(b.Activate(Tanh, must(b.Dense("shared", xa, 5))))
	yb := must(b.Activate(Tanh, must(b.Dense("shared", xb, 5))))
	if n := len(b.G.ByName("shared.w")); n != 1 {
		t.Fatalf("%d nodes named shared.w, want 1", n)
	}
	ta, tb := must(b.Input("ta", 3, 5)), must(b.Input("tb", 2, 5))
	fill(t, ta, rng)
	fill(t, tb, rng)
	wa, wb := must(b.Input("wa", 3)), must(b.Input("wb", 2))
	copy(wa.Value().Data().([]float64), []float64{0.5, 0.25, 0.25})
	copy(wb.Value().Data().([]float64), []float64{0.5, 0.5})
	cost := must(gorgonia.Add(must(b.MSE(ya, ta, wa)), must(b.MSE(yb, tb, wb))))
	worst, err := CheckGradients(b.G, cost, []*gorgonia.Node{b.G.ByName("shared.w")[0], b.G.ByName("shared.b")[0]}, GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if worst.RelErr > 1e-6 {
		t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
	}
}
