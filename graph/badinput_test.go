package graph

import (
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// These tests call every Builder and Store method with malformed arguments
// (nil nodes, shapes that do not fit, sizes below one or too large for any
// tensor) and require an error naming the layer or node and the shapes,
// never a panic, and bounded memory: an absurd size is refused before
// anything is allocated.

// badInputMaxAlloc bounds what one malformed call may allocate.
const badInputMaxAlloc = 256 << 20

// guard runs f and returns its error; a panic or an allocation above
// badInputMaxAlloc fails t (the row) instead of crashing the binary.
func guard(t *testing.T, f func() error) (err error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panicked: %v\n%s", r, debug.Stack())
				err = nil
			}
		}()
		err = f()
	}()
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > badInputMaxAlloc {
		t.Errorf("allocated %d MiB, want at most %d MiB", d>>20, badInputMaxAlloc>>20)
	}
	return err
}

func TestBadInputBuilder(t *testing.T) {
	// fresh returns a builder and an input node of the given shape.
	fresh := func(t *testing.T, shape ...int) (*Builder, *gorgonia.Node) {
		b := NewBuilder(NewStore(tensor.Float32, 1))
		x, err := b.Input("x", shape...)
		if err != nil {
			t.Fatal(err)
		}
		return b, x
	}
	var none *gorgonia.Node
	for _, tc := range []struct {
		name string
		call func(t *testing.T) error
		want []string
	}{
		// Inputs and scalars.
		{"input without shape", func(t *testing.T) error { _, err := NewBuilder(NewStore(tensor.Float32, 1)).Input("x"); return err }, []string{`input "x"`, "empty shape"}},
		{"input of zero rows", func(t *testing.T) error {
			_, err := NewBuilder(NewStore(tensor.Float32, 1)).Input("x", 0, 4)
			return err
		}, []string{`input "x"`, "[0 4]", "dimension 0 is 0"}},
		{"input of negative width", func(t *testing.T) error {
			_, err := NewBuilder(NewStore(tensor.Float32, 1)).Input("x", 4, -1)
			return err
		}, []string{`input "x"`, "dimension 1 is -1"}},
		{"absurd input", func(t *testing.T) error {
			_, err := NewBuilder(NewStore(tensor.Float32, 1)).Input("x", 1<<40, 784)
			return err
		}, []string{`input "x"`, "[1099511627776 784]", "MaxElements"}},
		{"input overflowing int", func(t *testing.T) error {
			_, err := NewBuilder(NewStore(tensor.Float32, 1)).Input("x", 1<<40, 1<<40)
			return err
		}, []string{`input "x"`, "1.21e+24 values", "MaxElements"}},
		{"builder without store", func(t *testing.T) error { _, err := NewBuilder(nil).Input("x", 2, 3); return err }, []string{"no parameter store"}},

		// Dense.
		{"dense on nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.Dense("d", none, 4); return err }, []string{`dense "d"`, "input is nil"}},
		{"dense on a vector", func(t *testing.T) error { b, x := fresh(t, 3); _, err := b.Dense("d", x, 4); return err }, []string{`dense "d"`, "input shape (3)"}},
		{"dense with zero units", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Dense("d", x, 0); return err }, []string{`dense "d"`, "0 units"}},
		{"dense with negative units", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Dense("d", x, -5); return err }, []string{`dense "d"`, "-5 units"}},
		{"dense with absurd units", func(t *testing.T) error { b, x := fresh(t, 2, 784); _, err := b.Dense("d", x, 1<<40); return err }, []string{`dense "d"`, "[2 1099511627776]", "MaxElements"}},
		{"dense with too many weights", func(t *testing.T) error { b, x := fresh(t, 1, 784); _, err := b.Dense("d", x, 1<<20); return err }, []string{`parameter "d.w"`, "[784 1048576]", "MaxElements"}},
		{"dense reusing a name with another width", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			if _, err := b.Dense("d", x, 4); err != nil {
				return err
			}
			_, err := b.Dense("d", x, 5)
			return err
		}, []string{`parameter "d.w"`, "(3, 5)", "(3, 4)"}},

		// Convolution and pooling.
		{"conv on nil", func(t *testing.T) error {
			b, _ := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", none, 2, 3, 1, 0)
			return err
		}, []string{`conv2d "c"`, "nil"}},
		{"conv on a matrix", func(t *testing.T) error { b, x := fresh(t, 2, 64); _, err := b.Conv2d("c", x, 2, 3, 1, 0); return err }, []string{`conv2d "c"`, "input shape (2, 64)"}},
		{"conv with zero filters", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 0, 3, 1, 0)
			return err
		}, []string{`conv2d "c"`, "0 filters"}},
		{"conv with zero kernel", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 2, 0, 1, 0)
			return err
		}, []string{`conv2d "c"`, "kernel size 0"}},
		{"conv with zero stride", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 2, 3, 0, 0)
			return err
		}, []string{`conv2d "c"`, "stride 0"}},
		{"conv with negative padding", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 2, 3, 1, -1)
			return err
		}, []string{`conv2d "c"`, "padding -1"}},
		{"conv kernel larger than input", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 2, 9, 1, 0)
			return err
		}, []string{`conv2d "c"`, "kernel 9 larger than input (1, 1, 8, 8)"}},
		{"conv with absurd filters", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 1<<40, 3, 1, 0)
			return err
		}, []string{`conv2d "c": output`, "MaxElements"}},
		{"conv with absurd kernel", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 1, 1<<40, 1, 1<<40)
			return err
		}, []string{`conv2d "c"`, "kernel 1099511627776", "MaxElements"}},
		{"conv with overflowing padding", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 1, 3, 1, math.MaxInt/2)
			return err
		}, []string{`conv2d "c"`, "MaxElements"}},
		{"conv with huge padding", func(t *testing.T) error {
			b, x := fresh(t, 1, 1, 8, 8)
			_, err := b.Conv2d("c", x, 1, 3, 1, 1<<20)
			return err
		}, []string{`conv2d "c": output`, "MaxElements"}},
		{"conv with huge patches", func(t *testing.T) error {
			b, x := fresh(t, 1, 64, 64, 64)
			_, err := b.Conv2d("c", x, 1, 64, 1, 32)
			return err
		}, []string{`conv2d "c": patches`, "MaxElements"}},
		{"maxpool on nil", func(t *testing.T) error { b, _ := fresh(t, 1, 1, 8, 8); _, err := b.MaxPool2d(none, 2, 2); return err }, []string{"max-pool", "nil"}},
		{"maxpool of size 0", func(t *testing.T) error { b, x := fresh(t, 1, 1, 8, 8); _, err := b.MaxPool2d(x, 0, 2); return err }, []string{"max-pool", "window size 0"}},
		{"maxpool of stride -1", func(t *testing.T) error { b, x := fresh(t, 1, 1, 8, 8); _, err := b.MaxPool2d(x, 2, -1); return err }, []string{"max-pool", "stride -1"}},
		{"maxpool larger than input", func(t *testing.T) error { b, x := fresh(t, 1, 1, 8, 8); _, err := b.MaxPool2d(x, 9, 9); return err }, []string{"max-pool", "window 9 larger than input (1, 1, 8, 8)"}},
		{"maxpool on a matrix", func(t *testing.T) error { b, x := fresh(t, 2, 64); _, err := b.MaxPool2d(x, 2, 2); return err }, []string{"max-pool", "input shape (2, 64)"}},
		{"flatten nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.Flatten(none); return err }, []string{"flatten", "nil"}},
		{"flatten a vector", func(t *testing.T) error { b, x := fresh(t, 3); _, err := b.Flatten(x); return err }, []string{"flatten", "input shape (3)"}},
		{"reshape nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.Reshape(none, 6); return err }, []string{"reshape", "nil"}},
		{"reshape to another size", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Reshape(x, 7); return err }, []string{"reshape (2, 3) to (7)", "6 values, want 7"}},
		{"reshape to zero", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Reshape(x, 0, 6); return err }, []string{"reshape (2, 3)", "at least 1"}},
		{"reshape to nothing", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Reshape(x); return err }, []string{"reshape (2, 3)", "no target shape"}},
		{"reshape overflowing int", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			_, err := b.Reshape(x, 1<<40, 1<<40, 1<<40)
			return err
		}, []string{"reshape (2, 3)"}},

		// Dropout and batch normalisation.
		{"dropout on nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, _, err := b.Dropout("d", none, 0.5); return err }, []string{`dropout "d"`, "nil"}},
		{"dropout rate 1", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, _, err := b.Dropout("d", x, 1); return err }, []string{`dropout "d"`, "rate 1"}},
		{"dropout rate -0.5", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, _, err := b.Dropout("d", x, -0.5); return err }, []string{`dropout "d"`, "rate -0.5"}},
		{"dropout rate NaN", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			_, _, err := b.Dropout("d", x, math.NaN())
			return err
		}, []string{`dropout "d"`, "rate NaN"}},
		{"fill nil mask", func(t *testing.T) error { return FillDropoutMask(nil, 0.5, rand.New(rand.NewPCG(1, 2))) }, []string{"mask is nil"}},
		{"fill mask without generator", func(t *testing.T) error { _, x := fresh(t, 2, 3); return FillDropoutMask(x, 0.5, nil) }, []string{`mask "x"`, "generator is nil"}},
		{"fill mask at rate 2", func(t *testing.T) error {
			_, x := fresh(t, 2, 3)
			return FillDropoutMask(x, 2, rand.New(rand.NewPCG(1, 2)))
		}, []string{`mask "x"`, "rate 2"}},
		{"batchnorm on nil", func(t *testing.T) error {
			b, w := fresh(t, 2)
			_, _, err := b.BatchNorm("bn", none, w, true)
			return err
		}, []string{`"bn"`, "nil"}},
		{"batchnorm without row weights", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			_, _, err := b.BatchNorm("bn", x, none, true)
			return err
		}, []string{`"bn"`, "nil"}},
		{"batchnorm with row weights of another batch", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			w, err := b.Input("w", 5)
			if err != nil {
				return err
			}
			_, _, err = b.BatchNorm("bn", x, w, true)
			return err
		}, []string{`"bn"`, "row weights (5)", "want (2)"}},

		// Activations, softmax and losses.
		{"unknown activation", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Activate("swish", x); return err }, []string{`"swish"`}},
		{"activation of nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.Activate(ReLU, none); return err }, []string{"nil"}},
		{"log-softmax of nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.LogSoftmax(none); return err }, []string{"log-softmax", "nil"}},
		{"log-softmax of a vector", func(t *testing.T) error { b, x := fresh(t, 3); _, err := b.LogSoftmax(x); return err }, []string{"log-softmax", "(3)"}},
		{"softmax of nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.Softmax(none); return err }, []string{"softmax", "nil"}},
		{"cross-entropy with nil target", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			w, _ := b.Input("w", 2)
			_, err := b.CrossEntropy(x, none, w)
			return err
		}, []string{"cross-entropy", "nil"}},
		{"cross-entropy with target of other classes", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			y, _ := b.Input("y", 2, 4)
			w, _ := b.Input("w", 2)
			_, err := b.CrossEntropy(x, y, w)
			return err
		}, []string{"cross-entropy", "(2, 3)", "(2, 4)"}},
		{"mse with weights of another batch", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			y, _ := b.Input("y", 2, 3)
			w, _ := b.Input("w", 3)
			_, err := b.MSE(x, y, w)
			return err
		}, []string{"mse", "(3)"}},
		{"huber with nil prediction", func(t *testing.T) error {
			b, y := fresh(t, 2, 3)
			w, _ := b.Input("w", 2)
			_, err := b.Huber(none, y, w, 1)
			return err
		}, []string{"huber", "nil"}},
		{"huber with delta 0", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			y, _ := b.Input("y", 2, 3)
			w, _ := b.Input("w", 2)
			_, err := b.Huber(x, y, w, 0)
			return err
		}, []string{"huber", "delta 0"}},
		{"huber with delta NaN", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			y, _ := b.Input("y", 2, 3)
			w, _ := b.Input("w", 2)
			_, err := b.Huber(x, y, w, math.NaN())
			return err
		}, []string{"huber", "delta NaN"}},
		{"bce with target of other width", func(t *testing.T) error {
			b, x := fresh(t, 2, 1)
			y, _ := b.Input("y", 2, 2)
			w, _ := b.Input("w", 2)
			_, err := b.BCEWithLogits(x, y, w)
			return err
		}, []string{"(2, 1)", "(2, 2)"}},

		// Combining nodes.
		{"concat of nothing", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.Concat(); return err }, []string{"concat"}},
		{"concat with nil", func(t *testing.T) error { b, x := fresh(t, 2, 3); _, err := b.Concat(x, none); return err }, []string{"concat", "nil"}},
		{"concat of other batches", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			y, _ := b.Input("y", 3, 3)
			_, err := b.Concat(x, y)
			return err
		}, []string{"concat", "node 1", "(3, 3)", "want (2, k)"}},
		{"mix no experts", func(t *testing.T) error { b, g := fresh(t, 2, 3); _, err := b.MixExperts(g, nil); return err }, []string{"experts"}},
		{"mix with a gate of other width", func(t *testing.T) error {
			b, g := fresh(t, 2, 3)
			e, _ := b.Input("e", 2, 4)
			_, err := b.MixExperts(g, []*gorgonia.Node{e, e})
			return err
		}, []string{"(2, 3)", "2 experts"}},
		{"mix with nil gate", func(t *testing.T) error {
			b, e := fresh(t, 2, 4)
			_, err := b.MixExperts(none, []*gorgonia.Node{e, e})
			return err
		}, []string{"gate", "nil"}},
		{"cross-stitch of no towers", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.CrossStitch("cs", nil, 0.9); return err }, []string{`"cs"`, "no towers"}},
		{"cross-stitch with nil tower", func(t *testing.T) error {
			b, x := fresh(t, 2, 3)
			_, err := b.CrossStitch("cs", []*gorgonia.Node{x, none}, 0.9)
			return err
		}, []string{`"cs"`, "nil"}},
		{"stop-gradient of nil", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.StopGradient(none); return err }, []string{"stop-gradient", "nil"}},
		{"weighted sum of mismatched lists", func(t *testing.T) error {
			b, _ := fresh(t, 2, 3)
			l, _ := b.Scalar("l", 1)
			_, err := b.WeightedSum([]*gorgonia.Node{l, l}, []*gorgonia.Node{l})
			return err
		}, []string{"2 losses", "1 weights"}},
		{"weighted sum of nothing", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.WeightedSum(nil, nil); return err }, []string{"0 losses and 0 weights"}},
		{"geometric mean of nothing", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.GeometricMean(nil, 1e-8); return err }, []string{"no losses"}},
		{"uncertainty with names of other length", func(t *testing.T) error {
			b, _ := fresh(t, 2, 3)
			l, _ := b.Scalar("l", 1)
			_, _, err := b.UncertaintyWeighted([]string{"a"}, []*gorgonia.Node{l, l}, 0)
			return err
		}, []string{"1 names", "2 losses"}},
		{"mix gradients of nothing", func(t *testing.T) error { b, _ := fresh(t, 2, 3); _, err := b.MixGradients("m", nil, nil); return err }, []string{`"m"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(t, func() error { return tc.call(t) })
			wantError(t, err, tc.want...)
		})
	}
}

func TestBadInputStore(t *testing.T) {
	g := gorgonia.NewGraph()
	for _, tc := range []struct {
		name string
		call func(s *Store) error
		want []string
	}{
		{"parameter of no shape", func(s *Store) error { _, err := s.Node(g, "p", tensor.Shape{}, 1, 1, Zeros); return err }, []string{`parameter "p"`, "empty shape"}},
		{"parameter of zero size", func(s *Store) error { _, err := s.Node(g, "p", tensor.Shape{0, 3}, 1, 1, Zeros); return err }, []string{`parameter "p"`, "[0 3]"}},
		{"parameter of negative size", func(s *Store) error { _, err := s.Node(g, "p", tensor.Shape{3, -3}, 1, 1, Zeros); return err }, []string{`parameter "p"`, "[3 -3]"}},
		{"absurd parameter", func(s *Store) error { _, err := s.Node(g, "p", tensor.Shape{1 << 40}, 1, 1, Zeros); return err }, []string{`parameter "p"`, "[1099511627776]", "MaxElements"}},
		{"parameter overflowing int", func(s *Store) error {
			_, err := s.Node(g, "p", tensor.Shape{1 << 32, 1 << 32, 1 << 32}, 1, 1, Zeros)
			return err
		}, []string{`parameter "p"`, "MaxElements"}},
		{"absurd state", func(s *Store) error { _, err := s.StateNode(g, "p", tensor.Shape{1 << 40}, Zeros); return err }, []string{`parameter "p"`, "MaxElements"}},
		{"parameter asked again with another shape", func(s *Store) error {
			if _, err := s.Node(g, "p", tensor.Shape{2, 3}, 2, 3, Zeros); err != nil {
				return err
			}
			_, err := s.Node(g, "p", tensor.Shape{3, 2}, 2, 3, Zeros)
			return err
		}, []string{`parameter "p"`, "(3, 2)", "(2, 3)"}},
		{"parameter asked as state", func(s *Store) error {
			if _, err := s.Node(g, "p", tensor.Shape{2}, 2, 3, Zeros); err != nil {
				return err
			}
			_, err := s.StateNode(g, "p", tensor.Shape{2}, Zeros)
			return err
		}, []string{`parameter "p" is trainable`}},
		{"parameter without initialiser", func(s *Store) error { _, err := s.Node(g, "p", tensor.Shape{2}, 1, 1, nil); return err }, []string{`parameter "p"`, "initialiser"}},
		{"set unknown parameter", func(s *Store) error { return s.Set("q", []float64{1}) }, []string{`unknown parameter "q"`}},
		{"set too few values", func(s *Store) error {
			if _, err := s.Node(g, "p", tensor.Shape{2, 3}, 2, 3, Zeros); err != nil {
				return err
			}
			return s.Set("p", []float64{1, 2})
		}, []string{`parameter "p"`, "2 values", "(2, 3)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore(tensor.Float32, 1)
			err := guard(t, func() error { return tc.call(s) })
			wantError(t, err, tc.want...)
			if s.Size() > 6 {
				t.Errorf("the store holds %d values after a failed call", s.Size())
			}
		})
	}
}

func TestBadInputGradCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func() error
		want []string
	}{
		{"nil graph", func() error { _, err := CheckGradients(nil, nil, nil, GradCheckConfig{}); return err }, []string{"nil"}},
		{"nil cost", func() error { _, err := CheckGradients(gorgonia.NewGraph(), nil, nil, GradCheckConfig{}); return err }, []string{"cost is nil"}},
		{"nil machine", func() error { _, err := CompareGradients(nil, nil, nil, GradCheckConfig{}); return err }, []string{"machine is nil"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, guard(t, tc.call), tc.want...) })
	}
}

// wantError fails t unless err holds every one of want.
func wantError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
