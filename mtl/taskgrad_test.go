package mtl

import (
	"math"
	"testing"

	"github.com/gomtl/gomtl/graph"
)

// TestTaskGradients proves the per-task gradient scheme on three-task
// models of every architecture: each task's program differentiates that
// task's loss alone (checked against central finite differences), reaches
// exactly the parameters that loss depends on, and the weighted sum of the
// per-task gradients equals the gradient of the total program.
func TestTaskGradients(t *testing.T) {
	for _, tc := range archCases() {
		t.Run(tc.name, func(t *testing.T) {
			const batch, n = 7, 5
			d := threeTasks(8, tc.spec.Input, 11)
			total := float64TaskBatch(t, tc.spec, d, batch, n, -1)
			if err := total.run64(); err != nil {
				t.Fatal(err)
			}
			sum := make([][]float64, len(total.params))
			for i, g := range total.grads64() {
				sum[i] = make([]float64, len(g))
			}
			for task, tk := range tc.spec.Tasks {
				p := float64TaskBatch(t, tc.spec, d, batch, n, task)
				worst, err := graph.CompareGradients(p.vm, p.total, p.params, graph.GradCheckConfig{})
				if err != nil {
					t.Fatal(err)
				}
				if worst.RelErr > 1e-6 {
					t.Errorf("task %q: worst mismatch %+v", tk.Name, worst)
				}
				if err := p.run64(); err != nil {
					t.Fatal(err)
				}
				for j, g := range p.grads64() {
					for k, v := range g {
						sum[p.paramIndex[j]][k] += tk.weight() * v
					}
				}
			}
			for i, g := range total.grads64() {
				for k := range g {
					if math.Abs(g[k]-sum[i][k]) > 1e-9*math.Max(1, math.Abs(g[k])) {
						t.Fatalf("parameter %s element %d: total gradient %v, Σ w_t·g_t %v", total.params[i].Name(), k, g[k], sum[i][k])
					}
				}
			}
		})
	}
}

// run64 runs a float64 program once.
func (p *program) run64() error {
	p.vm.Reset()
	return p.vm.RunAll()
}

// grads64 copies a float64 program's gradients.
func (p *program) grads64() [][]float64 {
	var out [][]float64
	for _, n := range p.params {
		g, err := n.Grad()
		if err != nil {
			panic(err)
		}
		out = append(out, append([]float64(nil), g.Data().([]float64)...))
	}
	return out
}

// TestRepGradients proves MGDA-UB's one-pass program: with the mixture
// weights alpha fixed, its gradients (heads scaled by alpha) equal those of
// the total Σ_t alpha_t·w_t·L_t, whose program the finite-difference
// checks above cover; the representation gradients it mixes give a
// Gramian of the tasks' gradients at the representation.
func TestRepGradients(t *testing.T) {
	spec := threeTaskSpec([]int{6}, Arch{}, Dense(5, ReLU), Dropout(0.25), Dense(4, Tanh))
	d := threeTasks(8, spec.Input, 11)
	for _, alpha := range [][]float64{{0.3, 0.5, 0.2}, {1, 0, 2}} {
		rep := float64TaskBatch(t, spec, d, 7, 5, repTask)
		var gram [][]float64
		rep.repWeigh = func(g [][]float64) ([]float64, error) {
			gram = g
			return alpha, nil
		}
		if err := rep.run64(); err != nil {
			t.Fatal(err)
		}
		got := rep.grads64()
		for j, task := range rep.headTask {
			if task >= 0 {
				for k := range got[j] {
					got[j][k] *= alpha[task]
				}
			}
		}
		total := float64TaskBatch(t, spec, d, 7, 5, -1)
		w := make([]float64, len(alpha))
		for i, tk := range spec.Tasks {
			w[i] = alpha[i] * tk.weight()
		}
		if err := total.setTaskWeights(w); err != nil {
			t.Fatal(err)
		}
		if err := total.run64(); err != nil {
			t.Fatal(err)
		}
		want := total.grads64()
		if len(want) != len(got) {
			t.Fatalf("%d gradients, want %d", len(got), len(want))
		}
		for i := range want {
			for k := range want[i] {
				if math.Abs(got[i][k]-want[i][k]) > 1e-10*math.Max(1, math.Abs(want[i][k])) {
					t.Fatalf("alpha %v: %s element %d: %v, want %v", alpha, total.params[i].Name(), k, got[i][k], want[i][k])
				}
			}
		}
		// The Gramian the weigher saw is that of the taps' gradients, each
		// task's weighted gradient at the representation.
		var taps [][]float64
		for _, n := range rep.net.taps {
			g, err := n.Grad()
			if err != nil {
				t.Fatal(err)
			}
			taps = append(taps, g.Data().([]float64))
		}
		for i := range taps {
			if len(gram) != len(taps) {
				t.Fatalf("gram of %d tasks, want %d", len(gram), len(taps))
			}
			for j := range taps {
				want := 0.0
				for k := range taps[i] {
					want += taps[i][k] * taps[j][k]
				}
				if want == 0 && i == j {
					t.Errorf("task %d's representation gradient is zero", i)
				}
				if math.Abs(gram[i][j]-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Errorf("gram[%d][%d] = %v, want %v", i, j, gram[i][j], want)
				}
			}
		}
	}
}
