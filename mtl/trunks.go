package mtl

import (
	"sort"

	"github.com/pkg/errors"
)

// A NamedTrunk is a ready-made network body: the shared layers, the hidden
// layers of each task's head, and the input shape it was designed for.
type NamedTrunk struct {
	Input  []int
	Shared []Layer
	Head   []Layer
}

// LeNet is the network of Sener & Koltun 2018 for MultiMNIST: conv
// 10@5×5 → max-pool 2 → ReLU → conv 20@5×5 → max-pool 2 → ReLU → flatten
// (320) → dense 50 → ReLU shared, and per task dense 50 → ReLU before the
// output layer. The spec gives the ReLU to the convolutions, which have
// an activation field where pooling has none; max-pooling and ReLU
// commute, and the network applies it after the pooling, on a quarter of
// the values (see network.stack).
func LeNet() NamedTrunk {
	return NamedTrunk{
		Input: []int{1, 28, 28},
		Shared: []Layer{
			Conv2d(10, 5, ReLU), MaxPool(2),
			Conv2d(20, 5, ReLU), MaxPool(2),
			Flatten(), Dense(50, ReLU),
		},
		Head: []Layer{Dense(50, ReLU)},
	}
}

// MLP is the seed article's network: one shared Dense(64, ReLU) layer on
// a flat 784-pixel input, and no hidden head layers.
func MLP() NamedTrunk {
	return NamedTrunk{Input: []int{784}, Shared: []Layer{Dense(64, ReLU)}}
}

var namedTrunks = map[string]func() NamedTrunk{"lenet": LeNet, "mlp": MLP}

// Trunk returns the named trunk: "lenet" or "mlp".
func Trunk(name string) (NamedTrunk, error) {
	f, ok := namedTrunks[name]
	if !ok {
		return NamedTrunk{}, errors.Errorf("mtl: unknown trunk %q (want one of %v)", name, TrunkNames())
	}
	return f(), nil
}

// TrunkNames lists the named trunks.
func TrunkNames() []string {
	var names []string
	for n := range namedTrunks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Spec returns a spec with this trunk's input and shared layers, and each
// task given the trunk's head layers (before any it already has).
func (n NamedTrunk) Spec(tasks ...Task) Spec {
	s := Spec{Input: append([]int(nil), n.Input...), Shared: cloneLayers(n.Shared)}
	for _, t := range tasks {
		t = t.clone()
		t.Head = append(cloneLayers(n.Head), t.Head...)
		s.Tasks = append(s.Tasks, t)
	}
	return s
}
