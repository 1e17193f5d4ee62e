package mtl

import (
	"github.com/gomtl/gomtl/datasets"
	"github.com/pkg/errors"
)

// boundData is a dataset checked against a model: its features, and each
// task's labels in the order of the spec's tasks.
type boundData struct {
	name     string
	features []float32
	n        int
	labels   [][]int
}

// bind checks that d fits the model: valid, non-empty, examples of the
// input width, and labels for every task with the task's class count.
func (m *Model) bind(d *datasets.Dataset, role string) (*boundData, error) {
	if d == nil {
		return nil, errors.Errorf("mtl: %s data is nil", role)
	}
	if err := d.Validate(); err != nil {
		return nil, errors.WithMessagef(err, "mtl: %s data", role)
	}
	if d.Width() != m.spec.Width() {
		return nil, errors.Errorf("mtl: %s data %q: examples of shape %v (width %d), but the model's input is %v (width %d)",
			role, d.Name, d.Shape, d.Width(), m.spec.Input, m.spec.Width())
	}
	b := &boundData{name: d.Name, features: d.Features, n: d.Len(), labels: make([][]int, len(m.spec.Tasks))}
	for i, t := range m.spec.Tasks {
		l, err := d.LabelsFor(t.Name)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: %s data: task %q", role, t.Name)
		}
		if l.Classes != t.Classes {
			return nil, errors.Errorf("mtl: %s data %q: task %q has %d classes, but the model's task has %d", role, d.Name, t.Name, l.Classes, t.Classes)
		}
		b.labels[i] = l.Values
	}
	return b, nil
}
