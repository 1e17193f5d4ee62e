package graph

import (
	"math"
	"math/rand"
	randv2 "math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestDropoutMask(t *testing.T) {
	const n = 20000
	for _, tc := range []struct {
		name  string
		dtype tensor.Dtype
		rate  float64
	}{
		{"rate 0", tensor.Float64, 0},
		{"rate 0.25", tensor.Float64, 0.25},
		{"rate 0.5", tensor.Float64, 0.5},
		{"rate 0.9", tensor.Float64, 0.9},
		{"rate 0.3 float32", tensor.Float32, 0.3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fillWith := func(seed uint64) []float64 {
				b := NewBuilder(NewStore(tc.dtype, 1))
				x := must(b.Input("x", n/100, 100))
				_, mask, err := b.Dropout("drop", x, tc.rate)
				if err != nil {
					t.Fatal(err)
				}
				if err := FillDropoutMask(mask, tc.rate, randv2.New(randv2.NewPCG(seed, 1))); err != nil {
					t.Fatal(err)
				}
				return valuesOfT(t, mask)
			}
			mask := fillWith(1)
			keep := 1 / (1 - tc.rate)
			if tc.dtype == tensor.Float32 {
				keep = float64(float32(keep))
			}
			zeros := 0
			for i, v := range mask {
				switch v {
				case 0:
					zeros++
				case keep:
				default:
					t.Fatalf("mask[%d] = %v, want 0 or exactly %v", i, v, keep)
				}
			}
			// The share of zeros is a binomial proportion: within five
			// standard deviations sqrt(rate·(1-rate)/n) of rate.
			share, sd := float64(zeros)/n, math.Sqrt(tc.rate*(1-tc.rate)/n)
			if math.Abs(share-tc.rate) > 5*sd {
				t.Errorf("share of zeros %v, want %v ± %v", share, tc.rate, 5*sd)
			}
			if again := fillWith(1); maxAbsDiff(mask, again) != 0 {
				t.Error("the same seed gave a different mask")
			}
			if other := fillWith(2); tc.rate > 0 && maxAbsDiff(mask, other) == 0 {
				t.Error("seeds 1 and 2 gave the same mask")
			}
		})
	}
}

// TestDropoutValues: the mask starts as ones (no dropout) and y = x ⊙ mask
// once filled.
func TestDropoutValues(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", 2, 3))
	setValues(t, x, 1, 2, 3, 4, 5, 6)
	y, mask, err := b.Dropout("drop", x, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if mask.Name() != "drop.mask" || !mask.Shape().Eq(x.Shape()) {
		t.Errorf("mask %q of shape %v, want drop.mask of shape %v", mask.Name(), mask.Shape(), x.Shape())
	}
	vm := gorgonia.NewTapeMachine(b.G)
	defer vm.Close()
	for _, tc := range []struct {
		name string
		mask []float64
		want []float64
	}{
		{"unfilled", nil, []float64{1, 2, 3, 4, 5, 6}},
		{"filled", []float64{0, 2, 2, 0, 0, 2}, []float64{0, 4, 6, 0, 0, 12}},
	} {
		if tc.mask != nil {
			setValues(t, mask, tc.mask...)
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		if got := float64s(t, y); maxAbsDiff(got, tc.want) != 0 {
			t.Errorf("%s: y = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDropoutGradients(t *testing.T) {
	const batch, in, hidden, classes = 4, 5, 6, 3
	rng := rand.New(rand.NewSource(20))
	b := NewBuilder(NewStore(tensor.Float64, 21))
	x := must(b.Input("x", batch, in))
	fill(t, x, rng)
	target := must(b.Input("target", batch, classes))
	oneHot(target, rng)
	w := must(b.Input("w", batch))
	setValues(t, w, 0.25, 0.25, 0.5, 0)
	h := must(b.Activate(Tanh, must(b.Dense("hidden", x, hidden))))
	h, mask, err := b.Dropout("drop", h, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if err := FillDropoutMask(mask, 0.5, randv2.New(randv2.NewPCG(3, 4))); err != nil {
		t.Fatal(err)
	}
	cost := must(b.CrossEntropy(must(b.LogSoftmax(must(b.Dense("out", h, classes)))), target, w))
	worst, err := CheckGradients(b.G, cost, trainableNodes(b, x), GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if worst.RelErr > 1e-6 {
		t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
	}
}

// TestStopGradient: for cost = Σx² + Σ StopGradient(x)³ the symbolic
// gradient is 2x, f's alone, while finite differences of the cost see
// 2x + 3x² (so the checker must report a mismatch); for a scalar,
// d(l·StopGradient(l))/dx = l·dl/dx instead of 2l·dl/dx.
func TestStopGradient(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", 2, 2))
	xv := []float64{0.5, -1, 1.5, 2}
	setValues(t, x, xv...)
	sg := must(b.StopGradient(x))
	G := gorgonia.Must
	f := G(gorgonia.Sum(G(gorgonia.Square(x))))
	cost := G(gorgonia.Add(f, G(gorgonia.Sum(G(gorgonia.Cube(sg))))))
	worst, err := CheckGradients(b.G, cost, []*gorgonia.Node{x}, GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	runOnce(t, b.G) // the checker's last run was at a perturbed x
	grad, err := x.Grad()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(xv))
	for i, v := range xv {
		want[i] = 2 * v
	}
	if got := grad.Data().([]float64); maxAbsDiff(got, want) > 1e-12 {
		t.Errorf("dcost/dx = %v, want f's gradient 2x = %v", got, want)
	}
	if got := float64s(t, sg); maxAbsDiff(got, xv) != 0 {
		t.Errorf("StopGradient(x) = %v, want x = %v", got, xv)
	}
	if worst.RelErr < 0.1 {
		t.Errorf("finite differences agreed with the stopped gradient: %+v", worst)
	}

	b = NewBuilder(NewStore(tensor.Float64, 1))
	x = must(b.Input("x", 3))
	setValues(t, x, 1, 2, 3)
	l := G(gorgonia.Sum(G(gorgonia.Square(x)))) // l = 14, dl/dx = 2x
	cost = G(gorgonia.Mul(l, must(b.StopGradient(l))))
	if _, err := gorgonia.Grad(cost, x); err != nil {
		t.Fatal(err)
	}
	runOnce(t, b.G)
	if grad, err = x.Grad(); err != nil {
		t.Fatal(err)
	}
	if got, want := grad.Data().([]float64), []float64{28, 56, 84}; maxAbsDiff(got, want) > 1e-12 {
		t.Errorf("d(l·StopGradient(l))/dx = %v, want l·2x = %v", got, want)
	}
}

// TestStopGradientChecked: values pass through StopGradient, so gradients
// of parameters used after it check against finite differences.
func TestStopGradientChecked(t *testing.T) {
	rng := rand.New(rand.NewSource(22))
	b := NewBuilder(NewStore(tensor.Float64, 23))
	x := must(b.Input("x", 3, 4))
	fill(t, x, rng)
	h := must(b.StopGradient(must(b.Activate(Tanh, must(b.Dense("frozen", x, 3))))))
	y := must(b.Dense("head", h, 2))
	cost := squaresCost(t, b, y, rng)
	head := append(b.G.ByName("head.w"), b.G.ByName("head.b")...)
	worst, err := CheckGradients(b.G, cost, head, GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if worst.RelErr > 1e-6 {
		t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
	}
	// Nothing reaches the frozen layer, which gorgonia.Grad reports.
	if _, err := gorgonia.Grad(cost, b.G.ByName("frozen.w")[0]); err == nil {
		t.Error("Grad through StopGradient succeeded, want a non-differentiable error")
	}
}

func TestStoreState(t *testing.T) {
	s := NewStore(tensor.Float32, 1)
	b := &Builder{G: gorgonia.NewGraph(), Params: s}
	x := must(b.Input("x", 2, 3))
	must(b.Dense("d", x, 4))
	if _, _, err := b.BatchNorm("bn", must(b.Input("h", 2, 4)), must(b.Input("w", 2)), true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"names", strings.Join(s.Names(), ","), "d.w,d.b,bn.gamma,bn.beta,bn.running_mean,bn.running_var"},
		{"trainable names", strings.Join(s.TrainableNames(), ","), "d.w,d.b,bn.gamma,bn.beta"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	for name, want := range map[string]bool{"d.w": true, "bn.gamma": true, "bn.running_var": false, "nope": false} {
		if got := s.Trainable(name); got != want {
			t.Errorf("Trainable(%q) = %v, want %v", name, got, want)
		}
	}
	for _, tc := range []struct {
		name string
		want float64
	}{
		{"bn.gamma", 1}, {"bn.beta", 0}, {"bn.running_mean", 0}, {"bn.running_var", 1},
	} {
		for _, v := range paramValues(s, tc.name) {
			if v != tc.want {
				t.Errorf("%s starts at %v, want all %v", tc.name, paramValues(s, tc.name), tc.want)
				break
			}
		}
	}
	if err := s.Set("bn.running_mean", []float64{1, 2, 3, 4}); err != nil {
		t.Errorf("Set on state: %v", err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"state as trainable", func() error { _, err := s.Node(b.G, "bn.running_mean", tensor.Shape{1, 4}, 4, 4, Zeros); return err }(), `"bn.running_mean" is state, requested as trainable`},
		{"trainable as state", func() error { _, err := s.StateNode(b.G, "d.b", tensor.Shape{1, 4}, Zeros); return err }(), `"d.b" is trainable, requested as state`},
		{"state shape", func() error { _, err := s.StateNode(b.G, "bn.running_var", tensor.Shape{4}, Ones); return err }(), `"bn.running_var": requested shape (4), stored shape (1, 4)`},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func TestLayerErrors(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	img := must(b.Input("img", 2, 3, 4, 4))
	mat := must(b.Input("mat", 2, 5))
	vec := must(b.Input("vec", 2))
	cube := must(b.Input("cube", 2, 3, 4))
	conv := func(x *gorgonia.Node, filters, kernel, stride, padding int) error {
		_, err := b.Conv2d("c", x, filters, kernel, stride, padding)
		return err
	}
	pool := func(x *gorgonia.Node, size, stride int) error { _, err := b.MaxPool2d(x, size, stride); return err }
	reshape := func(x *gorgonia.Node, shape ...int) error { _, err := b.Reshape(x, shape...); return err }
	dropout := func(rate float64) error { _, _, err := b.Dropout("drop", mat, rate); return err }
	bn := func(x, w *gorgonia.Node) error { _, _, err := b.BatchNorm("bn", x, w, true); return err }
	_, mask, err := b.Dropout("ok", mat, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	rng := randv2.New(randv2.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"conv rank", conv(cube, 2, 3, 1, 0), `conv2d "c": input shape (2, 3, 4), want (batch, channels, height, width)`},
		{"conv kernel too large", conv(img, 2, 5, 1, 0), `conv2d "c": kernel 5 larger than input (2, 3, 4, 4) padded by 0`},
		{"conv kernel too large padded", conv(img, 2, 7, 1, 1), `kernel 7 larger than input (2, 3, 4, 4) padded by 1`},
		{"conv zero filters", conv(img, 0, 3, 1, 0), `conv2d "c": 0 filters`},
		{"conv zero kernel", conv(img, 2, 0, 1, 0), `conv2d "c": kernel size 0`},
		{"conv zero stride", conv(img, 2, 3, 0, 0), `conv2d "c": stride 0`},
		{"conv negative padding", conv(img, 2, 3, 1, -1), `conv2d "c": padding -1`},
		{"pool rank", pool(mat, 2, 2), `max-pool: input shape (2, 5), want (batch, channels, height, width)`},
		{"pool zero size", pool(img, 0, 1), `max-pool: window size 0`},
		{"pool zero stride", pool(img, 2, 0), `max-pool: stride 0`},
		{"pool window too large", pool(img, 5, 1), `max-pool: window 5 larger than input (2, 3, 4, 4)`},
		{"flatten vector", func() error { _, err := b.Flatten(vec); return err }(), `flatten: input shape (2), want (batch, d1, ...)`},
		{"reshape size", reshape(mat, 3, 3), `reshape (2, 5) to (3, 3): 10 values, want 9`},
		{"reshape zero", reshape(mat, 0, 10), `reshape (2, 5) to (0, 10): sizes must be at least 1`},
		{"reshape nothing", reshape(mat), `reshape (2, 5): no target shape`},
		{"dropout negative rate", dropout(-0.1), `dropout "drop": rate -0.1, want 0 <= rate < 1`},
		{"dropout rate 1", dropout(1), `dropout "drop": rate 1, want 0 <= rate < 1`},
		{"dropout rate NaN", dropout(math.NaN()), `dropout "drop": rate NaN`},
		{"mask rate 1", FillDropoutMask(mask, 1, rng), `dropout mask "ok.mask": rate 1, want 0 <= rate < 1`},
		{"mask nil rng", FillDropoutMask(mask, 0.5, nil), `dropout mask "ok.mask": random generator is nil`},
		{"batch-norm rank", bn(cube, vec), `batch-norm "bn": input shape (2, 3, 4), want (batch, features) or (batch, channels, height, width)`},
		{"batch-norm weights", bn(mat, must(b.Input("w3", 3))), `batch-norm "bn": row weights (3), want (2)`},
		{"batch-norm weights rank", bn(mat, mat), `batch-norm "bn": row weights (2, 5), want (2)`},
		{"batch-norm update rows", func() error {
			_, stats, err := b.BatchNorm("bn2", mat, vec, true)
			if err != nil {
				return err
			}
			return stats.Update(0, 0.1)
		}(), `batch-norm "bn2" update: 0 real rows`},
		{"batch-norm update momentum", func() error {
			_, stats, err := b.BatchNorm("bn3", mat, vec, true)
			if err != nil {
				return err
			}
			return stats.Update(2, 1.5)
		}(), `batch-norm "bn3" update: momentum 1.5, want 0 <= momentum <= 1`},
		{"batch-norm update before a run", func() error {
			_, stats, err := b.BatchNorm("bn4", mat, vec, true)
			if err != nil {
				return err
			}
			return stats.Update(2, 0.1)
		}(), `batch-norm "bn4" update: batch mean has no value: run the machine first`},
		{"batch-norm update of inference stats", (*BatchNormStats)(nil).Update(2, 0.1), `stats are nil`},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

// TestLayerNilNodes: a nil node is a bad call, reported as an error that
// says so, never a panic.
func TestLayerNilNodes(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", 2, 3))
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"conv2d", func() error { _, err := b.Conv2d("c", nil, 2, 3, 1, 0); return err }},
		{"max-pool", func() error { _, err := b.MaxPool2d(nil, 2, 2); return err }},
		{"flatten", func() error { _, err := b.Flatten(nil); return err }},
		{"reshape", func() error { _, err := b.Reshape(nil, 2, 3); return err }},
		{"dropout", func() error { _, _, err := b.Dropout("d", nil, 0.5); return err }},
		{"dropout mask", func() error { return FillDropoutMask(nil, 0.5, randv2.New(randv2.NewPCG(1, 2))) }},
		{"batch-norm input", func() error { _, _, err := b.BatchNorm("bn", nil, nil, true); return err }},
		{"batch-norm weights", func() error { _, _, err := b.BatchNorm("bn", x, nil, true); return err }},
		{"stop-gradient", func() error { _, err := b.StopGradient(nil); return err }},
	} {
		if err := tc.call(); err == nil || !strings.Contains(err.Error(), "nil") {
			t.Errorf("%s: error %v, want one mentioning the nil node", tc.name, err)
		}
	}
}
