package mtl

import (
	"context"
	"math"

	"github.com/pkg/errors"
)

// A Prediction holds one task's outputs for every input row: class
// probabilities for a classification or binary task, predicted values for
// a regression or box task.
type Prediction struct {
	Task   string      `json:"task"`
	Probs  [][]float32 `json:"probs,omitempty"`  // classification: one row of Classes probabilities per input
	Values [][]float32 `json:"values,omitempty"` // regression, boxes: one row of Outputs values per input
}

// Class returns the most probable class of row i.
func (p *Prediction) Class(i int) int { return argmax(p.Probs[i]) }

// Classes returns the most probable class of every row.
func (p *Prediction) Classes() []int {
	out := make([]int, len(p.Probs))
	for i := range p.Probs {
		out[i] = p.Class(i)
	}
	return out
}

// Predict returns, for each task in spec order, the class probabilities
// (or regression values) of every row of x. Each row must hold one
// example of the model's input width, with finite values.
func (m *Model) Predict(ctx context.Context, x [][]float32) (preds []Prediction, err error) {
	defer recoverPanic(&err, "predict")
	if m == nil {
		return nil, errors.New("mtl: predict: nil model")
	}
	if m.spec.MultiInput() {
		return nil, errors.Errorf("mtl: predict: the model has inputs %v: use PredictInput", m.inputNames())
	}
	return m.predict(ctx, 0, x)
}

// PredictInput is Predict for one input of a multi-input model: it
// returns the predictions of the tasks that read the named input, in spec
// order.
func (m *Model) PredictInput(ctx context.Context, input string, x [][]float32) (preds []Prediction, err error) {
	defer recoverPanic(&err, "predict")
	if m == nil {
		return nil, errors.New("mtl: predict: nil model")
	}
	s := m.spec.input(input)
	if s < 0 {
		return nil, errors.Errorf("mtl: predict: the model has no input %q (its inputs are %v)", input, m.inputNames())
	}
	return m.predict(ctx, s, x)
}

func (m *Model) predict(ctx context.Context, s int, x [][]float32) ([]Prediction, error) {
	in := m.spec.inputs()[s]
	width := in.width()
	if len(x) == 0 {
		return nil, errors.New("mtl: predict: no input rows")
	}
	for i, row := range x {
		if len(row) != width {
			return nil, errors.Errorf("mtl: predict: row %d has %d values, but the model's input %v has width %d", i, len(row), in.Shape, width)
		}
		for j, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, errors.Errorf("mtl: predict: row %d value %d is %v", i, j, v)
			}
		}
	}
	prog, err := m.program(evalBatch, false)
	if err != nil {
		return nil, err
	}
	slot := prog.slots[s]
	for other := range prog.slots {
		prog.clear(other)
	}
	preds := make([]Prediction, len(slot.tasks))
	for p, t := range slot.tasks {
		task := m.spec.Tasks[t]
		preds[p] = Prediction{Task: task.Name}
		if !task.labelled() {
			preds[p].Values = make([][]float32, len(x))
		} else {
			preds[p].Probs = make([][]float32, len(x))
		}
	}
	flat := make([]float32, 0, evalBatch*width)
	rows := make([]int, 0, evalBatch)
	for start := 0; start < len(x); start += evalBatch {
		if err := ctx.Err(); err != nil {
			return nil, errors.Wrapf(err, "mtl: predict stopped at row %d", start)
		}
		flat, rows = flat[:0], rows[:0]
		for i := start; i < min(start+evalBatch, len(x)); i++ {
			flat = append(flat, x[i]...)
			rows = append(rows, i-start)
		}
		prog.load(s, &boundData{features: flat}, rows, false)
		if err := prog.run(); err != nil {
			return nil, errors.WithMessagef(err, "mtl: predicting rows %d to %d", start, start+len(rows)-1)
		}
		for p, t := range slot.tasks {
			task := m.spec.Tasks[t]
			out := prog.outs[t].Value().Data().([]float32)
			k := task.width()
			for i := range rows {
				row := append([]float32(nil), out[i*k:(i+1)*k]...)
				switch task.Kind {
				case RegressKind, BoxKind:
					preds[p].Values[start+i] = row
				case BinaryKind: // one logit z: P(1) = sigmoid(z)
					q := float32(1 / (1 + math.Exp(-float64(row[0]))))
					preds[p].Probs[start+i] = []float32{1 - q, q}
				default: // log-probabilities
					for c := range row {
						row[c] = float32(math.Exp(float64(row[c])))
					}
					preds[p].Probs[start+i] = row
				}
			}
		}
	}
	return preds, nil
}
