package mtl

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// crossStitchSelf is the initial weight of a tower on itself in every
// cross-stitch unit; the rest of each row of α is spread evenly over the
// other towers (Misra et al. 2016 start from 0.9 / 0.1 for two tasks).
const crossStitchSelf = 0.9

// crossStitch gives every task a tower with the layers of Spec.Shared and
// joins the towers after every layer that computes something (not after
// flatten or dropout) with a cross-stitch unit: one learned T×T matrix per
// layer (not per channel), started near the identity.
func (n *network) crossStitch() ([]*gorgonia.Node, error) {
	tasks := n.spec.Tasks
	hs := make([]*gorgonia.Node, len(tasks))
	for i := range hs {
		hs[i] = n.x()
	}
	for j, l := range n.spec.Shared {
		for i, t := range tasks {
			h, err := n.layer(fmt.Sprintf("tower.%s.%d", t.Name, j), l, hs[i], []string{t.Name})
			if err != nil {
				return nil, err
			}
			hs[i] = h
		}
		if l.Kind == FlattenKind || l.Kind == DropoutKind || len(tasks) < 2 {
			continue
		}
		name := fmt.Sprintf("cross_stitch.%d", j)
		before := n.b.Params.Size()
		mixed, err := n.b.CrossStitch(name, hs, crossStitchSelf)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: cross-stitch unit after shared layer %d", j)
		}
		hs = mixed
		n.record(name, "cross-stitch", hs[0], n.b.Params.Size()-before, n.allTasks())
	}
	return hs, nil
}
