package mtl

import (
	"context"

	"github.com/gomtl/gomtl/datasets"
	"github.com/pkg/errors"
)

// evalBatch is the batch size of the forward-only program used by Evaluate
// and Predict. Results do not depend on it.
const evalBatch = 256

// A Result is a model's performance on a dataset.
type Result struct {
	Examples int          `json:"examples"`
	Loss     float64      `json:"loss"` // the weighted total, as trained
	Tasks    []TaskResult `json:"tasks"`
}

// Task returns the named task's result.
func (r *Result) Task(name string) (TaskResult, bool) {
	for _, t := range r.Tasks {
		if t.Task == name {
			return t, true
		}
	}
	return TaskResult{}, false
}

// addTo writes r into a History row under Keras keys with a prefix.
func (r *Result) addTo(row map[string]float64, prefix string) {
	row[prefix+"loss"] = r.Loss
	for _, t := range r.Tasks {
		row[prefix+t.Task+"_loss"] = t.Loss
		for _, name := range t.Metrics() {
			row[prefix+t.Task+"_"+name] = t.Metric(name)
		}
	}
}

// Evaluate returns the model's mean loss and metrics per task on data.
func (m *Model) Evaluate(ctx context.Context, data *datasets.Dataset) (res *Result, err error) {
	defer recoverPanic(&err, "evaluate")
	if m == nil {
		return nil, errors.New("mtl: evaluate: nil model")
	}
	b, err := m.bind(data, "evaluation")
	if err != nil {
		return nil, err
	}
	return m.evaluate(ctx, b)
}

// EvaluateInputs is Evaluate for a multi-input model: data maps each
// input's name to its dataset, and each task is scored on the dataset of
// its input. Result.Examples counts the examples of every dataset.
func (m *Model) EvaluateInputs(ctx context.Context, data map[string]*datasets.Dataset) (res *Result, err error) {
	defer recoverPanic(&err, "evaluate")
	if m == nil {
		return nil, errors.New("mtl: evaluate: nil model")
	}
	b, err := m.bindInputs(data, "evaluation")
	if err != nil {
		return nil, err
	}
	return m.evaluate(ctx, b...)
}

// evaluate scores the model on one bound dataset per input, an input at a
// time (the others idle, their tasks' losses 0).
func (m *Model) evaluate(ctx context.Context, data ...*boundData) (*Result, error) {
	prog, err := m.program(evalBatch, false)
	if err != nil {
		return nil, err
	}
	tasks := m.spec.Tasks
	res := &Result{Tasks: make([]TaskResult, len(tasks))}
	losses := make([]float64, len(tasks))
	tallies := make([]tally, len(tasks))
	rows := make([]int, 0, evalBatch)
	for s, d := range data {
		for other := range data {
			prog.clear(other)
		}
		res.Examples += d.n
		for start := 0; start < d.n; start += evalBatch {
			if err := ctx.Err(); err != nil {
				return nil, errors.Wrapf(err, "mtl: evaluation stopped at example %d of %s", start, d.name)
			}
			rows = rows[:0]
			for r := start; r < min(start+evalBatch, d.n); r++ {
				rows = append(rows, r)
			}
			// Task row weights 1/N_t make each batch's loss its share of
			// the task's mean over its N_t labelled examples.
			prog.load(s, d, rows, false)
			if err := prog.run(); err != nil {
				return nil, errors.WithMessagef(err, "mtl: evaluating examples %d to %d of %s", start, start+len(rows)-1, d.name)
			}
			for _, i := range prog.slots[s].tasks {
				losses[i] += prog.loss(i)
				tallies[i].add(prog, i, d, rows)
			}
		}
	}
	for i, t := range tasks {
		res.Tasks[i] = result(t, losses[i], &tallies[i])
		res.Loss += t.weight() * losses[i]
	}
	return res, nil
}
