package mtl

import (
	"github.com/gomtl/gomtl/datasets"
	"github.com/pkg/errors"
)

// boundData is a dataset checked against a model: its features, and each
// task's labels (classification) or targets (regression) in the order of
// the spec's tasks.
type boundData struct {
	name     string
	features []float32
	n        int
	labels   [][]int     // per task; nil for regression tasks
	targets  [][]float32 // per task; nil for classification tasks
}

// bind checks that d fits the model: valid, non-empty, examples of the
// input width, and for every task labels with the task's class count or
// targets with its output count.
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
	tasks := m.spec.Tasks
	b := &boundData{name: d.Name, features: d.Features, n: d.Len(), labels: make([][]int, len(tasks)), targets: make([][]float32, len(tasks))}
	for i, t := range tasks {
		if t.Kind == RegressKind {
			v, err := d.TargetsFor(t.Name)
			if err != nil {
				return nil, errors.WithMessagef(err, "mtl: %s data: regression task %q", role, t.Name)
			}
			if v.Dim != t.Outputs {
				return nil, errors.Errorf("mtl: %s data %q: task %q has %d values per example, but the model's task predicts %d", role, d.Name, t.Name, v.Dim, t.Outputs)
			}
			b.targets[i] = v.Values
			continue
		}
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

// load fills p's input tensors with the examples rows of d: features,
// targets (one-hot classes or regression values), and row weights
// rowWeight on real rows and 0 on the padding rows after them. d's labels
// and targets may be nil (prediction).
func (p *program) load(d *boundData, width int, rows []int, rowWeight float32) {
	for i, r := range rows {
		copy(p.xData[i*width:(i+1)*width], d.features[r*width:(r+1)*width])
	}
	clear(p.xData[len(rows)*width:])
	for t, data := range p.targetData {
		clear(data)
		k := len(data) / p.batch
		switch {
		case d.labels != nil && d.labels[t] != nil:
			for i, r := range rows {
				data[i*k+d.labels[t][r]] = 1
			}
		case d.targets != nil && d.targets[t] != nil:
			for i, r := range rows {
				copy(data[i*k:(i+1)*k], d.targets[t][r*k:(r+1)*k])
			}
		}
	}
	for i := range p.rowWData {
		p.rowWData[i] = 0
		if i < len(rows) {
			p.rowWData[i] = rowWeight
		}
	}
}
