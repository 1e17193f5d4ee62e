package mtl

import (
	"math"
	"math/rand"
	randv2 "math/rand/v2"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/graph"
	"gorgonia.org/tensor"
)

// threeTasks returns n examples of the given shape with three learnable
// tasks: "a" (3 classes, the argmax of the first three features), "b" (2
// classes, whether features 3 and 4 sum above zero) and "c" (regression,
// two values: x0 - x1 and sin(x2)).
func threeTasks(n int, shape []int, seed int64) *datasets.Dataset {
	w := 1
	for _, d := range shape {
		w *= d
	}
	rng := rand.New(rand.NewSource(seed))
	d := &datasets.Dataset{Name: "three-tasks", Shape: shape, Features: make([]float32, n*w),
		Labels:  []datasets.Labels{{Task: "a", Classes: 3, Values: make([]int, n)}, {Task: "b", Classes: 2, Values: make([]int, n)}},
		Targets: []datasets.Targets{{Task: "c", Dim: 2, Values: make([]float32, 2*n)}}}
	for i := 0; i < n; i++ {
		x := d.Features[i*w : (i+1)*w]
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		d.Labels[0].Values[i] = argmax(x[:3])
		if x[3]+x[4] > 0 {
			d.Labels[1].Values[i] = 1
		}
		d.Targets[0].Values[2*i] = x[0] - x[1]
		d.Targets[0].Values[2*i+1] = float32(math.Sin(float64(x[2])))
	}
	return d
}

// threeTaskSpec is a small spec for threeTasks data with the given body.
func threeTaskSpec(input []int, arch Arch, shared ...Layer) Spec {
	return Spec{Input: input, Arch: arch, Shared: shared, Seed: 4, Tasks: []Task{
		Classify("a", 3).WithHead(Dense(4, Tanh)),
		Classify("b", 2).WithWeight(0.6),
		Regress("c", 2).WithWeight(1.3).WithHead(Dense(3, ReLU)),
	}}
}

// archCases are small instances of every architecture, used by the
// gradient checks and the save/load tests.
func archCases() []struct {
	name string
	spec Spec
} {
	flat := []int{6}
	image := []int{1, 6, 6}
	conv := []Layer{Conv2d(2, 3, ReLU), MaxPool(2), Dense(5, Tanh)}
	withCascade := func(s Spec, c Cascade) Spec {
		s.Tasks[1].Cascade = &c
		return s
	}
	split, _ := threeTaskSpec(image, Arch{}, Conv2d(2, 3, Tanh).WithPadding(1), BatchNorm(), MaxPool(2), Dropout(0.3), Dense(4, ReLU)).SplitAt(2)
	return []struct {
		name string
		spec Spec
	}{
		{"hard", threeTaskSpec(flat, Arch{}, Dense(5, ReLU), Dropout(0.25), Dense(4, Tanh))},
		{"hard-conv-split", split},
		{"cross-stitch", threeTaskSpec(flat, Arch{Kind: CrossStitchArch}, Dense(5, Tanh), BatchNorm(), Dense(4, Sigmoid))},
		{"cross-stitch-conv", threeTaskSpec(image, Arch{Kind: CrossStitchArch}, conv...)},
		{"mmoe", threeTaskSpec(flat, Arch{Kind: MMoEArch, Experts: 3}, Dense(5, Tanh))},
		{"mmoe-conv", threeTaskSpec(image, Arch{Kind: MMoEArch, Experts: 2}, conv...)},
		{"cgc", threeTaskSpec(flat, Arch{Kind: CGCArch, Experts: 2, TaskExperts: 2}, Dense(4, Tanh))},
		{"ple", threeTaskSpec(flat, Arch{Kind: PLEArch, Experts: 2, Levels: 3}, Dense(4, Tanh))},
		{"cascade-values", withCascade(threeTaskSpec(flat, Arch{}, Dense(5, Tanh)), Cascade{From: "c"})},
		{"cascade-probs", withCascade(threeTaskSpec(flat, Arch{}, Dense(5, Tanh)), Cascade{From: "a"})},
		{"cascade-hidden", withCascade(threeTaskSpec(flat, Arch{Kind: MMoEArch}, Dense(5, Tanh)), Cascade{From: "a", Output: HiddenOutput})},
	}
}

// float64Batch compiles spec in float64 for batch rows and loads the first
// n examples of d into it (padding the rest), filling dropout masks from a
// seeded generator.
func float64Batch(t *testing.T, spec Spec, d *datasets.Dataset, batch, n int) *program {
	t.Helper()
	return float64TaskBatch(t, spec, d, batch, n, -1)
}

// float64TaskBatch is float64Batch for the training program whose cost is
// task's loss alone (the total when task is -1).
func float64TaskBatch(t *testing.T, spec Spec, d *datasets.Dataset, batch, n, task int) *program {
	t.Helper()
	m, err := newModel(spec, tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.taskProgram(batch, true, task)
	if err != nil {
		t.Fatal(err)
	}
	bd, err := m.bind(d, "test")
	if err != nil {
		t.Fatal(err)
	}
	x := p.slots[0].x.Value().Data().([]float64)
	for i, v := range d.Features[:n*d.Width()] {
		x[i] = float64(v)
	}
	w := p.slots[0].rowW.Value().Data().([]float64)
	for i := 0; i < n; i++ {
		w[i] = 1 / float64(n)
	}
	for task, tk := range spec.Tasks {
		target := p.targets[task].Value().Data().([]float64)
		tw := p.taskRow[task].Value().Data().([]float64)
		k := tk.width()
		labelled := 0
		for i := 0; i < n; i++ {
			if bd.has(task, i) {
				labelled++
			}
		}
		for i := 0; i < n; i++ {
			switch {
			case !bd.has(task, i):
				continue
			case bd.targets[task] != nil:
				for j := 0; j < k; j++ {
					target[i*k+j] = float64(bd.targets[task][i*k+j])
				}
			case tk.Kind == BinaryKind:
				target[i] = float64(bd.labels[task][i])
			default:
				target[i*k+bd.labels[task][i]] = 1
			}
			tw[i] = 1 / float64(labelled)
		}
	}
	rng := randv2.New(randv2.NewPCG(1, 2))
	for _, mask := range p.net.masks {
		if err := graph.FillDropoutMask(mask.node, mask.rate, rng); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestArchitectureGradients checks the symbolic gradient of the whole
// compiled training program of every architecture (three tasks: two
// classifications and a regression; padded partial batch; dropout with a
// fixed mask; batch statistics) against central finite differences.
func TestArchitectureGradients(t *testing.T) {
	for _, tc := range archCases() {
		t.Run(tc.name, func(t *testing.T) {
			d := threeTasks(8, tc.spec.Input, 5)
			p := float64Batch(t, tc.spec, d, 7, 5) // 5 real rows, 2 padding rows
			worst, err := graph.CompareGradients(p.vm, p.total, p.params, graph.GradCheckConfig{MaxPerParam: 12, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

// TestCascadeStopGradient: with StopGradient the downstream loss does not
// train the upstream head, so the upstream head's gradients do not depend
// on the downstream task's loss weight; without it they do. (A
// finite-difference check cannot test this: the numeric derivative sees
// the path the symbolic one deliberately cuts.)
func TestCascadeStopGradient(t *testing.T) {
	for _, stop := range []bool{true, false} {
		spec := threeTaskSpec([]int{6}, Arch{}, Dense(5, Tanh))
		spec.Tasks[1].Cascade = &Cascade{From: "a", StopGradient: stop}
		p := float64Batch(t, spec, threeTasks(8, spec.Input, 5), 6, 6)
		grads := func(wb float64) []float64 {
			if err := p.setTaskWeights([]float64{1, wb, 1.3}); err != nil {
				t.Fatal(err)
			}
			p.vm.Reset()
			if err := p.vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			var out []float64
			for _, n := range p.params {
				if n.Name() == "a.out.w" || n.Name() == "a.head.0.w" {
					g, err := n.Grad()
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, g.Data().([]float64)...)
				}
			}
			return out
		}
		with, without := grads(0.6), grads(0)
		diff := 0.0
		for i := range with {
			diff = math.Max(diff, math.Abs(with[i]-without[i]))
		}
		if stop && diff > 1e-12 {
			t.Errorf("stop gradient: upstream head gradients change by %v with the downstream weight, want 0", diff)
		}
		if !stop && diff < 1e-6 {
			t.Errorf("end-to-end cascade: upstream head gradients change by only %v with the downstream weight", diff)
		}
	}
}

// has reports whether example r has a label or target for task t.
func (d *boundData) has(t, r int) bool {
	return d.labels == nil || d.labels[t] == nil || d.labels[t][r] != datasets.NoLabel
}
