package mtl

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// mmoe is the multi-gate mixture of experts (Ma et al. 2018): N experts,
// each a copy of Spec.Shared reading the input, and per task a softmax
// gate (one dense layer on the flattened input) that mixes them.
func (n *network) mmoe() ([]*gorgonia.Node, error) {
	experts := make([]*gorgonia.Node, n.spec.Arch.experts())
	for k := range experts {
		e, err := n.expert(fmt.Sprintf("expert.%d", k), n.spec.Shared, n.x(), n.allTasks())
		if err != nil {
			return nil, err
		}
		experts[k] = e
	}
	reps := make([]*gorgonia.Node, len(n.spec.Tasks))
	for i, t := range n.spec.Tasks {
		r, err := n.gate(t.Name+".gate", n.x(), experts, []string{t.Name})
		if err != nil {
			return nil, err
		}
		reps[i] = r
	}
	return reps, nil
}

// ple is progressive layered extraction (Tang et al. 2020); cgc is its
// one-level case. At each level every task has TaskExperts experts of its
// own and all tasks share Experts experts; a task's gate mixes its own and
// the shared experts. Below the top level a shared gate mixes every expert
// into the input of the next level's shared experts. First-level experts
// have the layers of Spec.Shared; later levels have Arch.Upper.
func (n *network) ple() ([]*gorgonia.Node, error) {
	a := n.spec.Arch
	tasks := n.spec.Tasks
	taskIn := make([]*gorgonia.Node, len(tasks))
	for i := range taskIn {
		taskIn[i] = n.x()
	}
	sharedIn := n.x()
	layers := n.spec.Shared
	for lv := 0; lv < a.levels(); lv++ {
		prefix := ""
		if a.kind() == PLEArch {
			prefix = fmt.Sprintf("level%d.", lv)
		}
		own := make([][]*gorgonia.Node, len(tasks))
		for i, t := range tasks {
			for k := 0; k < a.taskExperts(); k++ {
				e, err := n.expert(fmt.Sprintf("%s%s.expert.%d", prefix, t.Name, k), layers, taskIn[i], []string{t.Name})
				if err != nil {
					return nil, err
				}
				own[i] = append(own[i], e)
			}
		}
		var shared []*gorgonia.Node
		for k := 0; k < a.experts(); k++ {
			e, err := n.expert(fmt.Sprintf("%sshared.expert.%d", prefix, k), layers, sharedIn, n.allTasks())
			if err != nil {
				return nil, err
			}
			shared = append(shared, e)
		}
		next := make([]*gorgonia.Node, len(tasks))
		var all []*gorgonia.Node
		for i, t := range tasks {
			r, err := n.gate(fmt.Sprintf("%s%s.gate", prefix, t.Name), taskIn[i], append(append([]*gorgonia.Node(nil), own[i]...), shared...), []string{t.Name})
			if err != nil {
				return nil, err
			}
			next[i] = r
			all = append(all, own[i]...)
		}
		if lv < a.levels()-1 {
			r, err := n.gate(prefix+"shared.gate", sharedIn, append(all, shared...), n.allTasks())
			if err != nil {
				return nil, err
			}
			sharedIn = r
		}
		taskIn = next
		if layers = a.Upper; len(layers) == 0 {
			layers = []Layer{Dense(shared[0].Shape()[1], ReLU)}
		}
	}
	return taskIn, nil
}

// expert builds one expert and flattens its output so experts can be
// mixed.
func (n *network) expert(prefix string, layers []Layer, in *gorgonia.Node, owners []string) (*gorgonia.Node, error) {
	if len(layers) == 0 {
		return nil, errors.Errorf("mtl: expert %s has no layers (Spec.Shared, or Arch.Upper for upper levels)", prefix)
	}
	h, err := n.stack(prefix, layers, in, owners)
	if err != nil {
		return nil, err
	}
	return n.b.Flatten(h)
}

// gate mixes experts with a softmax over one dense layer of the flattened
// input in.
func (n *network) gate(name string, in *gorgonia.Node, experts []*gorgonia.Node, owners []string) (*gorgonia.Node, error) {
	before := n.b.Params.Size()
	flat, err := n.b.Flatten(in)
	if err != nil {
		return nil, errors.WithMessagef(err, "mtl: gate %s", name)
	}
	logits, err := n.b.Dense(name, flat, len(experts))
	if err != nil {
		return nil, errors.WithMessagef(err, "mtl: gate %s", name)
	}
	weights, err := n.b.Softmax(logits)
	if err != nil {
		return nil, errors.WithMessagef(err, "mtl: gate %s", name)
	}
	mixed, err := n.b.MixExperts(weights, experts)
	if err != nil {
		return nil, errors.WithMessagef(err, "mtl: gate %s", name)
	}
	n.record(name, "gate", mixed, n.b.Params.Size()-before, owners)
	return mixed, nil
}
