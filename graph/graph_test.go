package graph

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// fill sets the float64 tensor behind an input node from rng, keeping every
// value at least 0.05 away from zero so that finite differences never cross
// a ReLU kink.
func fill(t *testing.T, n *gorgonia.Node, rng *rand.Rand) {
	t.Helper()
	for i, data := 0, n.Value().Data().([]float64); i < len(data); i++ {
		v := 0.05 + rng.Float64()
		if rng.Intn(2) == 0 {
			v = -v
		}
		data[i] = v
	}
}

// oneHot sets the float64 target tensor to one-hot rows of random classes.
func oneHot(n *gorgonia.Node, rng *rand.Rand) {
	data := n.Value().Data().([]float64)
	rows, cols := n.Shape()[0], n.Shape()[1]
	for i := 0; i < rows; i++ {
		data[i*cols+rng.Intn(cols)] = 1
	}
}

func TestLayerAndLossGradients(t *testing.T) {
	const batch, in, hidden, classes = 4, 5, 3, 3
	for _, tc := range []struct {
		name string
		act  Activation
		loss string
	}{
		{"linear+crossentropy", Linear, "ce"},
		{"relu+crossentropy", ReLU, "ce"},
		{"tanh+crossentropy", Tanh, "ce"},
		{"sigmoid+crossentropy", Sigmoid, "ce"},
		{"leakyrelu+crossentropy", LeakyReLU, "ce"},
		{"relu+mse", ReLU, "mse"},
		{"tanh+mse", Tanh, "mse"},
	} {
		for _, composed := range []bool{false, true} {
			name := tc.name
			if composed {
				if tc.loss != "ce" {
					continue
				}
				name += "+composed"
			}
			t.Run(name, func(t *testing.T) {
				rng := rand.New(rand.NewSource(1))
				b := NewBuilder(NewStore(tensor.Float64, 7))
				b.ComposedSoftmax = composed
				x := must(b.Input("x", batch, in))
				target := must(b.Input("target", batch, classes))
				w := must(b.Input("w", batch))
				fill(t, x, rng)
				copy(w.Value().Data().([]float64), []float64{0.25, 0.5, 0.25, 0}) // last row is padding
				h := must(b.Dense("hidden", x, hidden))
				h = must(b.Activate(tc.act, h))
				out := must(b.Dense("out", h, classes))
				var cost *gorgonia.Node
				if tc.loss == "ce" {
					oneHot(target, rng)
					cost = must(b.CrossEntropy(must(b.LogSoftmax(out)), target, w))
				} else {
					fill(t, target, rng)
					cost = must(b.MSE(out, target, w))
				}
				wrt := []*gorgonia.Node{x}
				for _, n := range b.G.AllNodes() {
					if b.Params.Value(n.Name()) != nil {
						wrt = append(wrt, n)
					}
				}
				if len(wrt) != 5 {
					t.Fatalf("found %d nodes to check, want x and 4 parameters", len(wrt))
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
}

func TestLossValues(t *testing.T) {
	// Expected values by hand: log-sum-exp of (1, 2, 3) is 3.40760596, so
	// the cross-entropy of class 2 is 0.40760596 and of class 0 is 2.40760596.
	for _, composed := range []bool{false, true} {
		lossValues(t, composed)
	}
}

func lossValues(t *testing.T, composed bool) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	b.ComposedSoftmax = composed
	logits := must(b.Input("logits", 2, 3))
	target := must(b.Input("target", 2, 3))
	w := must(b.Input("w", 2))
	copy(logits.Value().Data().([]float64), []float64{1, 2, 3, 1, 2, 3})
	copy(target.Value().Data().([]float64), []float64{0, 0, 1, 1, 0, 0})
	copy(w.Value().Data().([]float64), []float64{0.5, 0.5})
	ce := must(b.CrossEntropy(must(b.LogSoftmax(logits)), target, w))
	mse := must(b.MSE(logits, target, w)) // rows: (1+4+4)/3 = 3 and (0+4+9)/3 = 13/3
	vm := gorgonia.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"cross-entropy", ce.Value().Data().(float64), (0.40760596 + 2.40760596) / 2},
		{"mse", mse.Value().Data().(float64), (3 + 13.0/3) / 2},
	} {
		if math.Abs(tc.got-tc.want) > 1e-7 {
			t.Errorf("%s (composed softmax %v) = %.9f, want %.9f", tc.name, composed, tc.got, tc.want)
		}
	}
}

// TestCheckerCatchesStaleGradients proves the checker can fail. It
// reproduces the trap DESIGN.md describes: Backpropagate skips nodes that
// already have a derivative, so a second Grad on one graph returns the
// first cost's gradient. For y = w·x, L1 = 2y and L2 = y², dL1/dw = 2x but
// dL2/dw = 2yx.
func TestCheckerCatchesStaleGradients(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	w, x := must(b.Input("w", 1)), must(b.Input("x", 1))
	w.Value().Data().([]float64)[0] = 1.5
	x.Value().Data().([]float64)[0] = 2
	y := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(w, x))))
	l1 := gorgonia.Must(gorgonia.Mul(y, gorgonia.NewConstant(2.0)))
	l2 := gorgonia.Must(gorgonia.Square(y))
	g := b.G
	if _, err := gorgonia.Grad(l1, w); err != nil {
		t.Fatal(err)
	}
	worst, err := CheckGradients(g, l2, []*gorgonia.Node{w}, GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// Symbolic is the stale dL1/dw = 4; the true dL2/dw = 2·3·2 = 12.
	if worst.RelErr < 0.5 || math.Abs(worst.Symbolic-4) > 1e-9 || math.Abs(worst.Numeric-12) > 1e-4 {
		t.Errorf("checker reported %+v, want the stale gradient 4 against the numeric 12", worst)
	}
}

func TestStore(t *testing.T) {
	values := func(seed int64) []float32 {
		b := NewBuilder(NewStore(tensor.Float32, seed))
		x := must(b.Input("x", 2, 3))
		must(b.Dense("d", x, 4))
		return append([]float32(nil), b.Params.Value("d.w").Data().([]float32)...)
	}
	a, again, other := values(1), values(1), values(2)
	for i := range a {
		if a[i] != again[i] {
			t.Fatalf("seed 1 gave different initial values: %v vs %v", a, again)
		}
		if limit := float32(math.Sqrt(6.0 / 7)); a[i] < -limit || a[i] > limit {
			t.Fatalf("value %v outside the Glorot limit %v", a[i], limit)
		}
	}
	same := true
	for i := range a {
		same = same && a[i] == other[i]
	}
	if same {
		t.Error("seeds 1 and 2 gave the same initial values")
	}

	s := NewStore(tensor.Float32, 1)
	b := &Builder{G: gorgonia.NewGraph(), Params: s}
	x := must(b.Input("x", 2, 3))
	must(b.Dense("d", x, 4))
	if got := s.Names(); strings.Join(got, ",") != "d.w,d.b" || s.Size() != 16 {
		t.Errorf("names %v size %d, want d.w,d.b and 16", got, s.Size())
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"unknown name", s.Set("nope", []float64{1}), `unknown parameter "nope"`},
		{"wrong length", s.Set("d.b", []float64{1}), `parameter "d.b": 1 values for shape (1, 4)`},
		{"shape clash", func() error { _, err := b.Dense("d", x, 5); return err }(), `parameter "d.w": requested shape (3, 5), stored shape (3, 4)`},
		{"bad input rank", func() error { _, err := b.Dense("e", must(b.Input("v", 3)), 5); return err }(), `dense "e": input shape (3), want (batch, features)`},
		{"zero units", func() error { _, err := b.Dense("f", x, 0); return err }(), `dense "f": 0 units`},
		{"unknown activation", func() error { _, err := b.Activate("swish", x); return err }(), `unknown activation "swish"`},
		{"loss shapes", func() error { _, err := b.CrossEntropy(x, must(b.Input("t", 2, 4)), must(b.Input("w", 2))); return err }(), "predictions (2, 3) and targets (2, 4)"},
		{"weight shape", func() error { _, err := b.MSE(x, x, must(b.Input("w3", 3))); return err }(), "weights (3), want (2)"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
	if err := s.Set("d.b", []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if got := s.Value("d.b").Data().([]float32); got[3] != 4 {
		t.Errorf("after Set, d.b = %v", got)
	}
}

func must(n *gorgonia.Node, err error) *gorgonia.Node {
	if err != nil {
		panic(err)
	}
	return n
}

// TestNilNodesAreErrors: a nil node is a bad call, reported as an error,
// never a panic.
func TestNilNodesAreErrors(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", 2, 3))
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"dense", func() error { _, err := b.Dense("d", nil, 3); return err }},
		{"activation", func() error { _, err := b.Activate(ReLU, nil); return err }},
		{"log-softmax", func() error { _, err := b.LogSoftmax(nil); return err }},
		{"cross-entropy", func() error { _, err := b.CrossEntropy(x, nil, nil); return err }},
		{"mse", func() error { _, err := b.MSE(nil, x, nil); return err }},
		{"gradient check", func() error { _, err := CheckGradients(b.G, nil, nil, GradCheckConfig{}); return err }},
	} {
		if err := tc.call(); err == nil || !strings.Contains(err.Error(), "nil") {
			t.Errorf("%s: error %v, want one mentioning the nil node", tc.name, err)
		}
	}
}
