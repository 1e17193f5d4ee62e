package optim

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestHandComputedSteps checks two updates of p = 1 with gradients 0.5
// then -0.25 against values worked out by hand from each update rule.
func TestHandComputedSteps(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want [2]float64
	}{
		// p1 = 1 - 0.1·0.5 = 0.95; p2 = 0.95 + 0.1·0.25 = 0.975.
		{"sgd", Config{Name: SGDName, LearningRate: 0.1}, [2]float64{0.95, 0.975}},
		// v1 = 0.5, p1 = 0.95; v2 = 0.9·0.5 - 0.25 = 0.2, p2 = 0.93.
		{"momentum", Config{Name: MomentumName, LearningRate: 0.1}, [2]float64{0.95, 0.93}},
		// s1 = 0.1·0.25 = 0.025, p1 = 1 - 0.1·0.5/√0.025 = 0.683772;
		// s2 = 0.0225 + 0.00625 = 0.02875, p2 = p1 + 0.1·0.25/√0.02875 = 0.831213.
		{"rmsprop", Config{Name: RMSPropName, LearningRate: 0.1, Epsilon: 1e-12}, [2]float64{0.6837722, 0.8312132}},
		// Step 1: m̂ = g, v̂ = g², p1 = 1 - 0.1 = 0.9.
		// Step 2: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225;
		// m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031;
		// p2 = 0.9 - 0.1·0.1052632/0.3952254 = 0.8733663 (float32 rounding moves the 7th digit).
		{"adam", Config{LearningRate: 0.1, Epsilon: 1e-12}, [2]float64{0.9, 0.8733663}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			p := []float32{1}
			for i, g := range []float32{0.5, -0.25} {
				if err := opt.Step([][]float32{p}, [][]float32{{g}}); err != nil {
					t.Fatal(err)
				}
				if math.Abs(float64(p[0])-tc.want[i]) > 1e-6 {
					t.Errorf("after step %d p = %.7f, want %.7f", i+1, p[0], tc.want[i])
				}
			}
		})
	}
}

// TestAdamMatchesGorgonia runs our Adam and Gorgonia's AdamSolver side by
// side on the same gradients; the two must agree to float32 rounding.
func TestAdamMatchesGorgonia(t *testing.T) {
	init := []float32{0.3, -1.2, 2.5, 0.01}
	grads := [][]float32{{0.1, -0.2, 0.3, 0}, {1, 1, -1, 0.5}, {-0.3, 0.02, 0.4, -2}}

	ours := append([]float32(nil), init...)
	adam, _ := New(Config{LearningRate: 0.01})

	g := gorgonia.NewGraph()
	w := gorgonia.NewVector(g, tensor.Float32, gorgonia.WithShape(len(init)), gorgonia.WithName("w"),
		gorgonia.WithValue(tensor.New(tensor.WithBacking(append([]float32(nil), init...)))))
	solver := gorgonia.NewAdamSolver(gorgonia.WithLearnRate(0.01))
	for _, grad := range grads {
		if err := adam.Step([][]float32{ours}, [][]float32{append([]float32(nil), grad...)}); err != nil {
			t.Fatal(err)
		}
		gv := tensor.New(tensor.WithBacking(append([]float32(nil), grad...)))
		if err := solver.Step([]gorgonia.ValueGrad{valueGrad{w, gv}}); err != nil {
			t.Fatal(err)
		}
	}
	theirs := w.Value().Data().([]float32)
	for i := range ours {
		if math.Abs(float64(ours[i]-theirs[i])) > 1e-6 {
			t.Errorf("element %d: ours %v, gorgonia %v", i, ours[i], theirs[i])
		}
	}
}

type valueGrad struct {
	n *gorgonia.Node
	g gorgonia.Value
}

func (v valueGrad) Value() gorgonia.Value         { return v.n.Value() }
func (v valueGrad) Grad() (gorgonia.Value, error) { return v.g, nil }

// TestMinimisesQuadratic runs each optimiser on f(p) = Σ (p_i - c_i)²
// and asserts it ends near the minimum c.
func TestMinimisesQuadratic(t *testing.T) {
	target := []float32{1, -2, 0.5}
	for _, name := range []string{AdamName, SGDName, MomentumName, RMSPropName} {
		t.Run(name, func(t *testing.T) {
			opt, err := New(Config{Name: name, LearningRate: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			p, g := make([]float32, 3), make([]float32, 3)
			for step := 0; step < 3000; step++ {
				for i := range p {
					g[i] = 2 * (p[i] - target[i])
				}
				if err := opt.Step([][]float32{p}, [][]float32{g}); err != nil {
					t.Fatal(err)
				}
			}
			for i := range p {
				if math.Abs(float64(p[i]-target[i])) > 0.02 {
					t.Errorf("p = %v, want about %v", p, target)
					break
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown", Config{Name: "lbfgs"}, `unknown optimizer "lbfgs"`},
		{"negative rate", Config{LearningRate: -1}, "learning rate -1"},
		{"nan rate", Config{LearningRate: math.NaN()}, "learning rate NaN"},
		{"beta1 of one", Config{Beta1: 1}, "beta1 1"},
		{"momentum above one", Config{Name: MomentumName, Momentum: 1.5}, "momentum 1.5"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	opt, _ := New(Config{})
	if err := opt.Step([][]float32{{1, 2}}, [][]float32{{1}}); err == nil || !strings.Contains(err.Error(), "parameter 0 has 2 values but its gradient 1") {
		t.Errorf("mismatched gradient: error %v", err)
	}
	if err := opt.Step([][]float32{{1, 2}}, [][]float32{{1, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := opt.Step([][]float32{{1, 2}, {3}}, [][]float32{{1, 1}, {1}}); err == nil || !strings.Contains(err.Error(), "the first step had 1") {
		t.Errorf("changed parameter list: error %v", err)
	}
}

// TestSplitStepsMatchSerial checks that an update split across the cores
// (parameters large enough for forChunks) gives the same bits as the
// same update on one core.
func TestSplitStepsMatchSerial(t *testing.T) {
	sizes := []int{3, 40000, 7, parallelFrom + 1, 1}
	fill := func(seed float32) [][]float32 {
		out := make([][]float32, len(sizes))
		for i, n := range sizes {
			out[i] = make([]float32, n)
			for j := range out[i] {
				out[i][j] = seed * float32((j*7+i)%13-6) / 5
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		opt  func() Optimizer
	}{
		{"adam", func() Optimizer { return &Adam{LearningRate: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7} }},
		{"rmsprop", func() Optimizer { return &RMSProp{LearningRate: 0.01, Rho: 0.9, Epsilon: 1e-7} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			split, serial := fill(1), fill(1)
			a, b := tc.opt(), tc.opt()
			for step := 0; step < 3; step++ {
				grads := fill(float32(step + 2))
				if err := a.Step(split, grads); err != nil {
					t.Fatal(err)
				}
				procs := runtime.GOMAXPROCS(1) // workersFor then keeps the update on one core
				err := b.Step(serial, grads)
				runtime.GOMAXPROCS(procs)
				if err != nil {
					t.Fatal(err)
				}
			}
			for i := range split {
				for j := range split[i] {
					if split[i][j] != serial[i][j] {
						t.Fatalf("param %d[%d]: split %v, serial %v", i, j, split[i][j], serial[i][j])
					}
				}
			}
		})
	}
}
