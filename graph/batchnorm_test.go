package graph

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bnShapes are the inputs the batch-norm tests run on: a matrix and
// images, each with a last row of padding.
var bnShapes = []struct {
	name  string
	shape []int
}{
	{"matrix", []int{4, 3}},
	{"images", []int{3, 2, 3, 2}},
}

// bnWeights returns row weights that sum to 1 over all rows but the last,
// which is padding with weight 0: 1/2, 1/4, 1/8, ... and the remainder.
func bnWeights(batch int) []float64 {
	w := make([]float64, batch)
	left := 1.0
	for i := 0; i < batch-2; i++ {
		w[i] = left / 2
		left -= w[i]
	}
	w[batch-2] = left
	return w
}

// refBatchStats computes by direct loops the weighted mean and biased
// variance per feature (axis 1) of x shaped (batch, F) or (batch, C, H, W).
func refBatchStats(x []float64, shape []int, w []float64) (mean, variance []float64) {
	batch, f := shape[0], shape[1]
	per := len(x) / (batch * f)
	mean, variance = make([]float64, f), make([]float64, f)
	for i := 0; i < batch; i++ {
		for c := 0; c < f; c++ {
			for k := 0; k < per; k++ {
				mean[c] += w[i] * x[(i*f+c)*per+k] / float64(per)
			}
		}
	}
	for i := 0; i < batch; i++ {
		for c := 0; c < f; c++ {
			for k := 0; k < per; k++ {
				d := x[(i*f+c)*per+k] - mean[c]
				variance[c] += w[i] * d * d / float64(per)
			}
		}
	}
	return mean, variance
}

// bnNet builds x → BatchNorm → weighted MSE against a random target, the
// loss giving padding rows weight 0 as the mtl trainer's does.
type bnNet struct {
	b         *Builder
	x, w, y   *gorgonia.Node
	cost      *gorgonia.Node
	stats     *BatchNormStats
	batch, nf int
}

func newBNNet(t *testing.T, shape []int, seed int64) *bnNet {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", shape...))
	fill(t, x, rng)
	w := must(b.Input("w", shape[0]))
	setValues(t, w, bnWeights(shape[0])...)
	y, stats, err := b.BatchNorm("bn", x, w, true)
	if err != nil {
		t.Fatal(err)
	}
	// Non-trivial gamma and beta, so that their gradients and the scaling
	// are exercised.
	randomParam(t, b.Params, "bn.gamma", rng)
	randomParam(t, b.Params, "bn.beta", rng)
	flat := must(b.Flatten(y))
	target := must(b.Input("target", flat.Shape()...))
	fill(t, target, rng)
	cost := must(b.MSE(must(b.Activate(Tanh, flat)), target, w))
	return &bnNet{b: b, x: x, w: w, y: y, cost: cost, stats: stats, batch: shape[0], nf: shape[1]}
}

func TestBatchNormGradients(t *testing.T) {
	for _, tc := range bnShapes {
		t.Run(tc.name, func(t *testing.T) {
			net := newBNNet(t, tc.shape, 11)
			wrt := trainableNodes(net.b, net.x)
			if len(wrt) != 3 {
				t.Fatalf("found %d nodes to check, want x, gamma and beta", len(wrt))
			}
			worst, err := CheckGradients(net.b.G, net.cost, wrt, GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

// TestBatchNormEvalGradients checks the inference form, which normalises
// with the (here non-trivial) running statistics, with respect to x, gamma
// and beta.
func TestBatchNormEvalGradients(t *testing.T) {
	for _, tc := range bnShapes {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(16))
			b := NewBuilder(NewStore(tensor.Float64, 1))
			x := must(b.Input("x", tc.shape...))
			fill(t, x, rng)
			y, _, err := b.BatchNorm("bn", x, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"bn.gamma", "bn.beta", "bn.running_mean"} {
				randomParam(t, b.Params, name, rng)
			}
			rv := make([]float64, tc.shape[1])
			for c := range rv {
				rv[c] = 0.5 + rng.Float64()
			}
			if err := b.Params.Set("bn.running_var", rv); err != nil {
				t.Fatal(err)
			}
			worst, err := CheckGradients(b.G, squaresCost(t, b, y, rng), trainableNodes(b, x), GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

// TestBatchNormPadding: the padding row (weight 0) changes neither the real
// rows' outputs nor any gradient, and receives a zero gradient itself.
func TestBatchNormPadding(t *testing.T) {
	for _, tc := range bnShapes {
		t.Run(tc.name, func(t *testing.T) {
			type result struct{ y, gx, gGamma, gBeta []float64 }
			run := func(padValue float64) result {
				net := newBNNet(t, tc.shape, 12)
				xv := net.x.Value().Data().([]float64)
				per := len(xv) / net.batch
				for i := (net.batch - 1) * per; i < len(xv); i++ {
					xv[i] = padValue + float64(i)
				}
				gamma, beta := net.b.G.ByName("bn.gamma")[0], net.b.G.ByName("bn.beta")[0]
				if _, err := gorgonia.Grad(net.cost, net.x, gamma, beta); err != nil {
					t.Fatal(err)
				}
				runOnce(t, net.b.G)
				grad := func(n *gorgonia.Node) []float64 {
					g, err := n.Grad()
					if err != nil {
						t.Fatal(err)
					}
					return append([]float64(nil), g.Data().([]float64)...)
				}
				return result{float64s(t, net.y), grad(net.x), grad(gamma), grad(beta)}
			}
			a, b := run(0), run(50)
			per := len(a.y) / tc.shape[0]
			real := (tc.shape[0] - 1) * per
			for _, c := range []struct {
				name string
				a, b []float64
			}{
				{"real rows' outputs", a.y[:real], b.y[:real]},
				{"real rows' input gradient", a.gx[:real], b.gx[:real]},
				{"gamma gradient", a.gGamma, b.gGamma},
				{"beta gradient", a.gBeta, b.gBeta},
			} {
				if d := maxAbsDiff(c.a, c.b); d > 1e-12 {
					t.Errorf("%s changed by %g when the padding row changed", c.name, d)
				}
			}
			for i, g := range append(a.gx[real:], b.gx[real:]...) {
				if g != 0 {
					t.Fatalf("padding row gradient [%d] = %g, want 0", i, g)
				}
			}
		})
	}
}

// TestBatchNormTrainValues: with gamma 1 and beta 0 the output has, per
// feature, weighted mean 0 and weighted variance v/(v+eps), where v is the
// batch variance computed by refBatchStats; the watched batch statistics
// equal refBatchStats; Update moves the running statistics as specified.
func TestBatchNormTrainValues(t *testing.T) {
	const momentum = 0.1
	for _, tc := range bnShapes {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(13))
			b := NewBuilder(NewStore(tensor.Float64, 1))
			x := must(b.Input("x", tc.shape...))
			fill(t, x, rng)
			w := must(b.Input("w", tc.shape[0]))
			wv := bnWeights(tc.shape[0])
			setValues(t, w, wv...)
			y, stats, err := b.BatchNorm("bn", x, w, true)
			if err != nil {
				t.Fatal(err)
			}
			runOnce(t, b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(nodesAsAny(stats.Nodes())...))

			xv := float64s(t, x)
			mean, variance := refBatchStats(xv, tc.shape, wv)
			if d := maxAbsDiff(valuesOfT(t, stats.Nodes()[0]), mean); d > 1e-12 {
				t.Errorf("batch mean %v, want %v", valuesOfT(t, stats.Nodes()[0]), mean)
			}
			if d := maxAbsDiff(valuesOfT(t, stats.Nodes()[1]), variance); d > 1e-12 {
				t.Errorf("batch variance %v, want %v", valuesOfT(t, stats.Nodes()[1]), variance)
			}
			yMean, yVar := refBatchStats(float64s(t, y), tc.shape, wv)
			for c := range yMean {
				want := variance[c] / (variance[c] + BatchNormEpsilon)
				if math.Abs(yMean[c]) > 1e-12 || math.Abs(yVar[c]-want) > 1e-12 {
					t.Errorf("feature %d: output mean %g variance %g, want 0 and %g", c, yMean[c], yVar[c], want)
				}
			}

			n := tc.shape[0] - 1 // real rows
			m := n * len(xv) / (tc.shape[0] * tc.shape[1])
			if err := stats.Update(n, momentum); err != nil {
				t.Fatal(err)
			}
			runMean, runVar := paramValues(b.Params, "bn.running_mean"), paramValues(b.Params, "bn.running_var")
			for c := range mean {
				// From zeros and ones: 0.9·0 + 0.1·mean, 0.9·1 + 0.1·var·m/(m-1).
				wantMean := momentum * mean[c]
				wantVar := (1 - momentum) + momentum*variance[c]*float64(m)/float64(m-1)
				if math.Abs(runMean[c]-wantMean) > 1e-12 || math.Abs(runVar[c]-wantVar) > 1e-12 {
					t.Errorf("feature %d: running mean %g variance %g, want %g and %g", c, runMean[c], runVar[c], wantMean, wantVar)
				}
			}
		})
	}
}

func nodesAsAny(ns []*gorgonia.Node) []interface{} {
	out := make([]interface{}, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}

// TestBatchNormUpdateOneRow: with one real row a matrix's running
// variance stays put (its unbiased variance is undefined) while the mean
// still moves; images have H·W values per channel even in one row.
func TestBatchNormUpdateOneRow(t *testing.T) {
	for _, tc := range []struct {
		name       string
		shape      []int
		varChanges bool
	}{
		{"matrix", []int{2, 3}, false},
		{"images", []int{2, 2, 2, 2}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(14))
			b := NewBuilder(NewStore(tensor.Float64, 1))
			x := must(b.Input("x", tc.shape...))
			fill(t, x, rng)
			w := must(b.Input("w", tc.shape[0]))
			setValues(t, w, 1, 0)
			_, stats, err := b.BatchNorm("bn", x, w, true)
			if err != nil {
				t.Fatal(err)
			}
			runOnce(t, b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(nodesAsAny(stats.Nodes())...))
			if err := stats.Update(1, 0.5); err != nil {
				t.Fatal(err)
			}
			mean, variance := paramValues(b.Params, "bn.running_mean"), paramValues(b.Params, "bn.running_var")
			for c := range mean {
				if mean[c] == 0 {
					t.Errorf("feature %d: running mean did not move", c)
				}
				if changed := variance[c] != 1; changed != tc.varChanges {
					t.Errorf("feature %d: running variance %g, want changed = %v", c, variance[c], tc.varChanges)
				}
			}
		})
	}
}

// TestBatchNormEval: a graph built with train unset normalises with the
// Store's running statistics, y = gamma·(x-rm)/sqrt(rv+eps)+beta computed
// here element by element, and shares them with a training graph.
func TestBatchNormEval(t *testing.T) {
	for _, tc := range bnShapes {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(15))
			s := NewStore(tensor.Float64, 1)
			train := &Builder{G: gorgonia.NewGraph(), Params: s}
			tx := must(train.Input("x", tc.shape...))
			tw := must(train.Input("w", tc.shape[0]))
			if _, _, err := train.BatchNorm("bn", tx, tw, true); err != nil {
				t.Fatal(err)
			}
			nf := tc.shape[1]
			rm, rv := randomParam(t, s, "bn.running_mean", rng), make([]float64, nf)
			gamma, beta := randomParam(t, s, "bn.gamma", rng), randomParam(t, s, "bn.beta", rng)
			for c := range rv {
				rv[c] = 0.5 + rng.Float64()
			}
			if err := s.Set("bn.running_var", rv); err != nil {
				t.Fatal(err)
			}

			b := &Builder{G: gorgonia.NewGraph(), Params: s}
			x := must(b.Input("x", tc.shape...))
			fill(t, x, rng)
			y, stats, err := b.BatchNorm("bn", x, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			if stats != nil {
				t.Error("inference BatchNorm returned stats")
			}
			// Three runs: no op may write into the Store's tensors (an
			// in-place variance + eps would drift the running variance).
			vm := gorgonia.NewTapeMachine(b.G)
			defer vm.Close()
			for run := 0; run < 3; run++ {
				vm.Reset()
				if err := vm.RunAll(); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range []struct {
				name string
				want []float64
			}{{"bn.running_mean", rm}, {"bn.running_var", rv}, {"bn.gamma", gamma}, {"bn.beta", beta}} {
				if got := paramValues(s, p.name); maxAbsDiff(got, p.want) != 0 {
					t.Errorf("after three runs %s = %v, want it unchanged at %v", p.name, got, p.want)
				}
			}
			xv, got := float64s(t, x), float64s(t, y)
			per := len(xv) / (tc.shape[0] * nf)
			for i, v := range xv {
				c := i / per % nf
				want := gamma[c]*(v-rm[c])/math.Sqrt(rv[c]+1e-5) + beta[c] // PyTorch's eps
				if math.Abs(got[i]-want) > 1e-12 {
					t.Fatalf("y[%d] = %g, want %g", i, got[i], want)
				}
			}
			if strings.Join(s.TrainableNames(), ",") != "bn.gamma,bn.beta" {
				t.Errorf("trainable names %v, want bn.gamma,bn.beta", s.TrainableNames())
			}
		})
	}
}

// TestBatchNormFloat32 trains in float32 as the mtl trainer does: the
// watched statistics survive the tape machine and Update moves the
// running statistics.
func TestBatchNormFloat32(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float32, 1))
	x := must(b.Input("x", 4, 1, 2, 2))
	w := must(b.Input("w", 4))
	copy(x.Value().Data().([]float32), []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, 100, 100, 100})
	copy(w.Value().Data().([]float32), []float32{1.0 / 3, 1.0 / 3, 1.0 / 3, 0})
	h, stats, err := b.BatchNorm("bn", x, w, true)
	if err != nil {
		t.Fatal(err)
	}
	h = must(b.Conv2d("conv", h, 1, 1, 1, 0)) // later ops reuse the statistics' memory
	must(b.Activate(ReLU, h))
	runOnce(t, b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(nodesAsAny(stats.Nodes())...))
	if err := stats.Update(3, 1); err != nil {
		t.Fatal(err)
	}
	// The 12 real values 1..12 have mean 6.5 and unbiased variance 13.
	mean, variance := paramValues(b.Params, "bn.running_mean"), paramValues(b.Params, "bn.running_var")
	if math.Abs(mean[0]-6.5) > 1e-5 || math.Abs(variance[0]-13) > 1e-4 {
		t.Errorf("running mean %v variance %v, want 6.5 and 13", mean, variance)
	}
}
