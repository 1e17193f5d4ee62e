package mtl

import (
	"github.com/gomtl/gomtl/datasets"
	"github.com/pkg/errors"
)

// boundData is a dataset checked against a model: its features, and each
// task's labels (classification) or targets (regression, boxes) in the
// order of the spec's tasks.
type boundData struct {
	name     string
	features []float32
	n        int
	labels   [][]int     // per task; nil for target tasks; NoLabel marks a missing label
	targets  [][]float32 // per task; nil for label tasks
	counts   []int       // per task: examples with a label or target
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
	b := &boundData{name: d.Name, features: d.Features, n: d.Len(),
		labels: make([][]int, len(tasks)), targets: make([][]float32, len(tasks)), counts: make([]int, len(tasks))}
	for i, t := range tasks {
		if !t.labelled() {
			v, err := d.TargetsFor(t.Name)
			if err != nil {
				return nil, errors.WithMessagef(err, "mtl: %s data: %s task %q", role, t.Kind, t.Name)
			}
			if v.Dim != t.Outputs {
				return nil, errors.Errorf("mtl: %s data %q: task %q has %d values per example, but the model's task predicts %d", role, d.Name, t.Name, v.Dim, t.Outputs)
			}
			b.targets[i], b.counts[i] = v.Values, b.n
			continue
		}
		l, err := d.LabelsFor(t.Name)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: %s data: task %q", role, t.Name)
		}
		if l.Classes != t.Classes {
			return nil, errors.Errorf("mtl: %s data %q: task %q has %d classes, but the model's task has %d", role, d.Name, t.Name, l.Classes, t.Classes)
		}
		b.labels[i], b.counts[i] = l.Values, l.Labelled()
	}
	return b, nil
}

// has reports whether example r has a label or target for task t.
func (d *boundData) has(t, r int) bool {
	return d.labels == nil || d.labels[t] == nil || d.labels[t][r] != datasets.NoLabel
}

// load fills p's input tensors with the examples rows of d: features,
// targets (one-hot classes, 0/1 for binary tasks, real values otherwise),
// the batch row weights (1/len(rows) on real rows, 0 on padding) and each
// task's row weights. A task's row weights are 0 on examples without a
// label for it; on the others they are 1/(their number in rows) when
// perBatch is set (training: each task's loss is its mean over the batch)
// and 1/(their number in d) otherwise (evaluation: the batches' losses add
// up to the mean over d). d's labels and targets may be nil (prediction).
// It records in p.counts how many rows each task has.
func (p *program) load(d *boundData, width int, rows []int, perBatch bool) {
	for i, r := range rows {
		copy(p.xData[i*width:(i+1)*width], d.features[r*width:(r+1)*width])
	}
	clear(p.xData[len(rows)*width:])
	for i := range p.rowWData {
		p.rowWData[i] = 0
		if i < len(rows) {
			p.rowWData[i] = 1 / float32(len(rows))
		}
	}
	for t, data := range p.targetData {
		clear(data)
		k := len(data) / p.batch
		binary := p.kinds[t] == BinaryKind
		for i, r := range rows {
			switch {
			case d.targets != nil && d.targets[t] != nil:
				copy(data[i*k:(i+1)*k], d.targets[t][r*k:(r+1)*k])
			case !d.has(t, r) || d.labels == nil || d.labels[t] == nil:
			case binary:
				data[i] = float32(d.labels[t][r])
			default:
				data[i*k+d.labels[t][r]] = 1
			}
		}
		w := p.taskRowWData[t]
		clear(w)
		n := 0
		for i, r := range rows {
			if d.has(t, r) {
				w[i] = 1
				n++
			}
		}
		p.counts[t] = n
		total := n
		if !perBatch && d.counts != nil {
			total = d.counts[t]
		}
		for i := range rows {
			if w[i] != 0 {
				w[i] = 1 / float32(total)
			}
		}
	}
}
