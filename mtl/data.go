package mtl

import (
	"runtime"

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

// bind checks that d fits a single-input model; see bindInput.
func (m *Model) bind(d *datasets.Dataset, role string) (*boundData, error) {
	if m.spec.MultiInput() {
		return nil, errors.Errorf("mtl: %s data: the model has inputs %v, each with its own dataset (use the ...Inputs methods)", role, m.inputNames())
	}
	return m.bindInput(d, role, 0)
}

// bindInput checks that d fits the model's input s: valid, non-empty,
// examples of the input's width, and for every task reading s labels with
// the task's class count or targets with its output count. The other
// tasks get no labels.
func (m *Model) bindInput(d *datasets.Dataset, role string, s int) (*boundData, error) {
	in := m.spec.inputs()[s]
	if in.Name != "" {
		role += " data for input " + in.Name
	} else {
		role += " data"
	}
	if d == nil {
		return nil, errors.Errorf("mtl: %s is nil", role)
	}
	if err := d.Validate(); err != nil {
		return nil, errors.WithMessagef(err, "mtl: %s", role)
	}
	if d.Width() != in.width() {
		return nil, errors.Errorf("mtl: %s %q: examples of shape %v (width %d), but the model's input is %v (width %d)",
			role, d.Name, d.Shape, d.Width(), in.Shape, in.width())
	}
	tasks := m.spec.Tasks
	b := &boundData{name: d.Name, features: d.Features, n: d.Len(),
		labels: make([][]int, len(tasks)), targets: make([][]float32, len(tasks)), counts: make([]int, len(tasks))}
	inputs := m.spec.taskInputs()
	for i, t := range tasks {
		if inputs[i] != s {
			continue
		}
		if !t.labelled() {
			v, err := d.TargetsFor(t.Name)
			if err != nil {
				return nil, errors.WithMessagef(err, "mtl: %s: %s task %q", role, t.Kind, t.Name)
			}
			if v.Dim != t.Outputs {
				return nil, errors.Errorf("mtl: %s %q: task %q has %d values per example, but the model's task predicts %d", role, d.Name, t.Name, v.Dim, t.Outputs)
			}
			b.targets[i], b.counts[i] = v.Values, b.n
			continue
		}
		l, err := d.LabelsFor(t.Name)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: %s: task %q", role, t.Name)
		}
		if l.Classes != t.Classes {
			return nil, errors.Errorf("mtl: %s %q: task %q has %d classes, but the model's task has %d", role, d.Name, t.Name, l.Classes, t.Classes)
		}
		b.labels[i], b.counts[i] = l.Values, l.Labelled()
	}
	return b, nil
}

// inputNames lists the model's input names.
func (m *Model) inputNames() []string {
	var names []string
	for _, in := range m.spec.inputs() {
		names = append(names, in.Name)
	}
	return names
}

// bindInputs binds one dataset per input of the model, keyed by input
// name; every input needs one.
func (m *Model) bindInputs(data map[string]*datasets.Dataset, role string) ([]*boundData, error) {
	for name := range data {
		if m.spec.input(name) < 0 {
			return nil, errors.Errorf("mtl: %s data for input %q: the model has no such input (its inputs are %v)", role, name, m.inputNames())
		}
	}
	var out []*boundData
	for s, in := range m.spec.inputs() {
		d, ok := data[in.Name]
		if !ok {
			return nil, errors.Errorf("mtl: no %s data for input %q", role, in.Name)
		}
		b, err := m.bindInput(d, role, s)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// load fills the tensors of p's slot s with the examples rows of d:
// features, the batch row weights (1/len(rows) on real rows, 0 on
// padding), and for each task reading s its targets (one-hot classes, 0/1
// for binary tasks, real values otherwise) and row weights. A task's row
// weights are 0 on examples without a label for it; on the others they
// are 1/(their number in rows) when perBatch is set (training: each task's
// loss is its mean over the batch) and 1/(their number in d) otherwise
// (evaluation: the batches' losses add up to the mean over d). d's labels
// and targets may be nil (prediction). It records in p.counts how many
// rows each task has.
func (p *program) load(s int, d *boundData, rows []int, perBatch bool) {
	sl := p.slots[s]
	width := sl.width
	gatherRows(sl.xData, d.features, rows, width)
	clear(sl.xData[len(rows)*width:])
	for i := range sl.rowWData {
		sl.rowWData[i] = 0
		if i < len(rows) {
			sl.rowWData[i] = 1 / float32(len(rows))
		}
	}
	for _, t := range sl.tasks {
		data := p.targetData[t]
		clear(data)
		k := len(data) / p.batch
		binary := p.kinds[t] == BinaryKind
		var labels []int
		if d.labels != nil {
			labels = d.labels[t]
		}
		var targets []float32
		if d.targets != nil {
			targets = d.targets[t]
		}
		w := p.taskRowWData[t]
		clear(w)
		n := 0
		// One pass, each row's label read once: in a shuffled dataset
		// every read misses the cache.
		for i, r := range rows {
			labelled := labels == nil || labels[r] != datasets.NoLabel
			switch {
			case targets != nil:
				copy(data[i*k:(i+1)*k], targets[r*k:(r+1)*k])
			case labels == nil || !labelled:
			case binary:
				data[i] = float32(labels[r])
			default:
				data[i*k+labels[r]] = 1
			}
			if labelled {
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

// clear empties slot s: no rows, so its tasks' losses are 0 (evaluating
// one input of a multi-input model while the others sit idle).
func (p *program) clear(s int) {
	sl := p.slots[s]
	clear(sl.xData)
	clear(sl.rowWData)
	for _, t := range sl.tasks {
		clear(p.targetData[t])
		clear(p.taskRowWData[t])
		p.counts[t] = 0
	}
}

// gatherFrom is the number of values from which gatherRows splits its
// copy over two cores.
const gatherFrom = 1 << 16

// gatherRows copies the rows of src (width values each) listed in rows
// into dst, one after another. A gather from a shuffled dataset waits on
// memory more than it computes; from gatherFrom values, two goroutines
// overlap those waits.
func gatherRows(dst, src []float32, rows []int, width int) {
	if len(rows)*width < gatherFrom || runtime.GOMAXPROCS(0) < 2 {
		copyRows(dst, src, rows, width, 0, len(rows))
		return
	}
	half := len(rows) / 2
	done := make(chan struct{})
	go func() {
		copyRows(dst, src, rows, width, half, len(rows))
		close(done)
	}()
	copyRows(dst, src, rows, width, 0, half)
	<-done
}

// copyRows copies rows[lo:hi] of src into rows lo to hi of dst.
func copyRows(dst, src []float32, rows []int, width, lo, hi int) {
	for i := lo; i < hi; i++ {
		r := rows[i]
		copy(dst[i*width:(i+1)*width], src[r*width:(r+1)*width])
	}
}
