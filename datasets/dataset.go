package datasets

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrEmpty is wrapped by the error Validate returns for a dataset without
// examples.
var ErrEmpty = errors.New("datasets: empty dataset")

// A Dataset is a multi-task supervised dataset held in memory.
type Dataset struct {
	Name     string
	Shape    []int     // shape of one example, e.g. [1 28 28]
	Features []float32 // Len()*Width() values, row-major, one example after another
	Labels   []Labels  // one entry per classification task
	Targets  []Targets // one entry per real-valued task
}

// Labels is the label set of one task.
type Labels struct {
	Task    string
	Classes int
	Values  []int // one class index per example, in [0, Classes), or NoLabel
}

// NoLabel in Labels.Values marks an example that has no label for that
// task (the "hard" task of the spam set labels ham only). Trainers leave
// such examples out of the task's loss and metrics.
const NoLabel = -1

// Labelled returns the number of examples with a label (not NoLabel).
func (l *Labels) Labelled() int {
	n := 0
	for _, v := range l.Values {
		if v != NoLabel {
			n++
		}
	}
	return n
}

// Targets is the real-valued target set of one task (regression, boxes, ...).
type Targets struct {
	Task   string
	Dim    int       // values per example, >= 1 (1 for a scalar target, 4 for a box)
	Values []float32 // Len()*Dim values, example after example
}

// rowsWidth returns n*dim, or false when dim < 1 or the product overflows.
func rowsWidth(n, dim int) (int, bool) {
	if dim < 1 || n < 0 || n > math.MaxInt/dim {
		return 0, false
	}
	return n * dim, true
}

// Len returns the number of examples, len(Features)/Width(), or 0 when
// Width is 0 or d is nil.
func (d *Dataset) Len() int {
	w := d.Width()
	if w == 0 {
		return 0
	}
	return len(d.Features) / w
}

// Width returns the number of features of one example, the product of
// Shape. It is 0 for a nil dataset, an empty Shape, a Shape with a
// dimension below 1, or a product that overflows int; Validate reports
// each of those.
func (d *Dataset) Width() int {
	if d == nil {
		return 0
	}
	w, err := shapeWidth(d.Shape)
	if err != nil {
		return 0
	}
	return w
}

func shapeWidth(shape []int) (int, error) {
	if len(shape) == 0 {
		return 0, errors.New("shape is empty")
	}
	w := 1
	for i, v := range shape {
		if v < 1 {
			return 0, fmt.Errorf("shape %v: dimension %d is %d, want >= 1", shape, i, v)
		}
		if w > math.MaxInt/v {
			return 0, fmt.Errorf("shape %v: width overflows int", shape)
		}
		w *= v
	}
	return w, nil
}

// name returns the dataset's name for errors.
func (d *Dataset) name() string {
	if d.Name == "" {
		return "unnamed dataset"
	}
	return d.Name
}

// Validate checks that d is well formed and returns the first problem found:
// no examples (the error wraps ErrEmpty), an empty Shape or one with a
// dimension below 1, len(Features) not a multiple of Width, a NaN or
// infinite feature, a task without a name or with a name used before (task
// names are unique across Labels and Targets together), Classes below 1, a
// label set whose length is not Len, a label outside [0, Classes), Dim below
// 1, a target set whose length is not Len*Dim, or a NaN or infinite target
// value. Errors name the dataset, the task and the example index.
func (d *Dataset) Validate() error {
	if d == nil {
		return &wrapError{msg: "datasets: nil dataset", err: ErrEmpty}
	}
	if len(d.Features) == 0 {
		return &wrapError{msg: fmt.Sprintf("datasets: %s: empty dataset", d.name()), err: ErrEmpty}
	}
	w, err := shapeWidth(d.Shape)
	if err != nil {
		return fmt.Errorf("datasets: %s: %v", d.name(), err)
	}
	if len(d.Features)%w != 0 {
		return fmt.Errorf("datasets: %s: %d features is not a whole number of examples of width %d (shape %v)", d.name(), len(d.Features), w, d.Shape)
	}
	for i, v := range d.Features {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("datasets: %s: example %d: feature %d is %v", d.name(), i/w, i%w, v)
		}
	}
	n := len(d.Features) / w
	seen := make(map[string]bool, len(d.Labels))
	for i := range d.Labels {
		l := &d.Labels[i]
		if l.Task == "" {
			return fmt.Errorf("datasets: %s: label set %d has no task name", d.name(), i)
		}
		if seen[l.Task] {
			return fmt.Errorf("datasets: %s: task %q: duplicate task name", d.name(), l.Task)
		}
		seen[l.Task] = true
		if l.Classes < 1 {
			return fmt.Errorf("datasets: %s: task %q: %d classes, want >= 1", d.name(), l.Task, l.Classes)
		}
		if len(l.Values) != n {
			return fmt.Errorf("datasets: %s: task %q: %d labels for %d examples", d.name(), l.Task, len(l.Values), n)
		}
		for j, v := range l.Values {
			if (v < 0 || v >= l.Classes) && v != NoLabel {
				return fmt.Errorf("datasets: %s: task %q: example %d: label %d outside [0, %d) (or NoLabel, -1)", d.name(), l.Task, j, v, l.Classes)
			}
		}
	}
	for i := range d.Targets {
		tg := &d.Targets[i]
		if tg.Task == "" {
			return fmt.Errorf("datasets: %s: target set %d has no task name", d.name(), i)
		}
		if seen[tg.Task] {
			return fmt.Errorf("datasets: %s: task %q: duplicate task name", d.name(), tg.Task)
		}
		seen[tg.Task] = true
		if tg.Dim < 1 {
			return fmt.Errorf("datasets: %s: task %q: target dimension %d, want >= 1", d.name(), tg.Task, tg.Dim)
		}
		if want, ok := rowsWidth(n, tg.Dim); !ok || len(tg.Values) != want {
			return fmt.Errorf("datasets: %s: task %q: %d target values for %d examples of dimension %d", d.name(), tg.Task, len(tg.Values), n, tg.Dim)
		}
		for j, v := range tg.Values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("datasets: %s: task %q: example %d: target value %d is %v", d.name(), tg.Task, j/tg.Dim, j%tg.Dim, v)
			}
		}
	}
	return nil
}

// LabelsFor returns the label set of the named task, a pointer into
// d.Labels. An unknown task is an error listing the tasks d has, labels and
// targets; a task with real-valued targets is an error that says so.
func (d *Dataset) LabelsFor(task string) (*Labels, error) {
	if d == nil {
		return nil, errors.New("datasets: nil dataset has no tasks")
	}
	for i := range d.Labels {
		if d.Labels[i].Task == task {
			return &d.Labels[i], nil
		}
	}
	for _, tg := range d.Targets {
		if tg.Task == task {
			return nil, fmt.Errorf("datasets: %s: task %q has real-valued targets, not class labels (see TargetsFor)", d.name(), task)
		}
	}
	return nil, d.noTask(task)
}

// TargetsFor returns the target set of the named task, a pointer into
// d.Targets. An unknown task is an error listing the tasks d has, labels and
// targets; a task with class labels is an error that says so.
func (d *Dataset) TargetsFor(task string) (*Targets, error) {
	if d == nil {
		return nil, errors.New("datasets: nil dataset has no tasks")
	}
	for i := range d.Targets {
		if d.Targets[i].Task == task {
			return &d.Targets[i], nil
		}
	}
	for _, l := range d.Labels {
		if l.Task == task {
			return nil, fmt.Errorf("datasets: %s: task %q has class labels, not real-valued targets (see LabelsFor)", d.name(), task)
		}
	}
	return nil, d.noTask(task)
}

// noTask returns the error for a task d does not have, listing the tasks it
// has: label sets first, then target sets, each in order.
func (d *Dataset) noTask(task string) error {
	tasks := make([]string, 0, len(d.Labels)+len(d.Targets))
	for _, l := range d.Labels {
		tasks = append(tasks, fmt.Sprintf("%q", l.Task))
	}
	for _, tg := range d.Targets {
		tasks = append(tasks, fmt.Sprintf("%q", tg.Task))
	}
	have := "no tasks"
	if len(tasks) > 0 {
		have = "tasks: " + strings.Join(tasks, ", ")
	}
	return fmt.Errorf("datasets: %s: no task %q (%s)", d.name(), task, have)
}

// Subset returns a new dataset holding copies of the examples at idx, in
// that order; an index may repeat. An index outside [0, Len) is an error, as
// is a label set whose length is not Len or a target set whose length is not
// Len*Dim. An empty idx gives a dataset with no examples. The result has d's
// name and shares no memory with d.
func (d *Dataset) Subset(idx []int) (*Dataset, error) {
	if d == nil {
		return nil, errors.New("datasets: subset of nil dataset")
	}
	n, w := d.Len(), d.Width()
	if err := d.checkTaskLengths(n); err != nil {
		return nil, err
	}
	for pos, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("datasets: %s: subset index %d (position %d) outside [0, %d)", d.name(), i, pos, n)
		}
	}
	out := d.emptyLike(d.Name, len(idx))
	for _, i := range idx {
		out.Features = append(out.Features, d.Features[i*w:(i+1)*w]...)
		for t := range d.Labels {
			out.Labels[t].Values = append(out.Labels[t].Values, d.Labels[t].Values[i])
		}
		for t, tg := range d.Targets {
			out.Targets[t].Values = append(out.Targets[t].Values, tg.Values[i*tg.Dim:(i+1)*tg.Dim]...)
		}
	}
	return out, nil
}

// Head returns a copy of the first n examples, or of the whole dataset when
// n <= 0 or n >= Len. It shares no memory with d. Head of a nil dataset is
// nil; label and target sets shorter than n examples are copied as far as
// they go (a target set with Dim below 1 is copied whole).
func (d *Dataset) Head(n int) *Dataset {
	if d == nil {
		return nil
	}
	if n <= 0 || n >= d.Len() {
		out := d.emptyLike(d.Name, 0)
		out.Features = append([]float32(nil), d.Features...)
		for t, l := range d.Labels {
			out.Labels[t].Values = append([]int(nil), l.Values...)
		}
		for t, tg := range d.Targets {
			out.Targets[t].Values = append([]float32(nil), tg.Values...)
		}
		return out
	}
	out := d.emptyLike(d.Name, n)
	out.Features = append(out.Features, d.Features[:n*d.Width()]...)
	for t, l := range d.Labels {
		out.Labels[t].Values = append(out.Labels[t].Values, l.Values[:min(n, len(l.Values))]...)
	}
	for t, tg := range d.Targets {
		k, ok := rowsWidth(n, tg.Dim)
		if !ok {
			k = len(tg.Values)
		}
		out.Targets[t].Values = append(out.Targets[t].Values, tg.Values[:min(k, len(tg.Values))]...)
	}
	return out
}

// SplitTail splits d as Keras's validation_split does: the last
// round(fraction*Len) examples, taken before any shuffling, are the
// validation set and the rest the training set. The fraction must be in
// [0, 1). (Keras computes the training count as floor((1-fraction)*Len),
// which can give one more validation example when fraction*Len is not
// whole.) A fraction of 0 gives a copy of d as train and a nil val. For a
// positive fraction, a split that leaves either side empty is an error.
// Both results are copies; train keeps d's name and val is named
// d.Name+"-val".
func (d *Dataset) SplitTail(fraction float64) (train, val *Dataset, err error) {
	if d == nil {
		return nil, nil, errors.New("datasets: split of nil dataset")
	}
	if !(fraction >= 0 && fraction < 1) {
		return nil, nil, fmt.Errorf("datasets: %s: validation fraction %v outside [0, 1)", d.name(), fraction)
	}
	n := d.Len()
	if err := d.checkTaskLengths(n); err != nil {
		return nil, nil, err
	}
	if fraction == 0 {
		return d.Head(0), nil, nil
	}
	k := int(math.Round(fraction * float64(n)))
	if k == 0 || k == n {
		return nil, nil, fmt.Errorf("datasets: %s: validation fraction %v of %d examples leaves %d for training and %d for validation", d.name(), fraction, n, n-k, k)
	}
	return d.rows(d.Name, 0, n-k), d.rows(d.Name+"-val", n-k, n), nil
}

// rows copies examples [lo, hi); the caller has checked the bounds and the
// label and target lengths.
func (d *Dataset) rows(name string, lo, hi int) *Dataset {
	w := d.Width()
	out := d.emptyLike(name, hi-lo)
	out.Features = append(out.Features, d.Features[lo*w:hi*w]...)
	for t, l := range d.Labels {
		out.Labels[t].Values = append(out.Labels[t].Values, l.Values[lo:hi]...)
	}
	for t, tg := range d.Targets {
		out.Targets[t].Values = append(out.Targets[t].Values, tg.Values[lo*tg.Dim:hi*tg.Dim]...)
	}
	return out
}

// emptyLike returns a dataset with d's shape and tasks, no examples, and
// room for n.
func (d *Dataset) emptyLike(name string, n int) *Dataset {
	out := &Dataset{
		Name:     name,
		Shape:    append([]int(nil), d.Shape...),
		Features: make([]float32, 0, n*d.Width()),
		Labels:   make([]Labels, len(d.Labels)),
	}
	for t, l := range d.Labels {
		out.Labels[t] = Labels{Task: l.Task, Classes: l.Classes, Values: make([]int, 0, n)}
	}
	if d.Targets != nil {
		out.Targets = make([]Targets, len(d.Targets))
	}
	for t, tg := range d.Targets {
		k, ok := rowsWidth(n, tg.Dim)
		if !ok {
			k = 0
		}
		out.Targets[t] = Targets{Task: tg.Task, Dim: tg.Dim, Values: make([]float32, 0, min(k, len(tg.Values)))}
	}
	return out
}

// checkTaskLengths checks that every label set has n labels and every
// target set n*Dim values.
func (d *Dataset) checkTaskLengths(n int) error {
	for _, l := range d.Labels {
		if len(l.Values) != n {
			return fmt.Errorf("datasets: %s: task %q: %d labels for %d examples", d.name(), l.Task, len(l.Values), n)
		}
	}
	for _, tg := range d.Targets {
		if tg.Dim < 1 {
			return fmt.Errorf("datasets: %s: task %q: target dimension %d, want >= 1", d.name(), tg.Task, tg.Dim)
		}
		if want, ok := rowsWidth(n, tg.Dim); !ok || len(tg.Values) != want {
			return fmt.Errorf("datasets: %s: task %q: %d target values for %d examples of dimension %d", d.name(), tg.Task, len(tg.Values), n, tg.Dim)
		}
	}
	return nil
}

// wrapError is an error with its own text that wraps a sentinel, so that
// the text need not repeat the sentinel's.
type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }
