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
// (or regression values) of every row of x. Each row must hold one example of the model's input
// width, with finite values.
func (m *Model) Predict(ctx context.Context, x [][]float32) (preds []Prediction, err error) {
	defer recoverPanic(&err, "predict")
	width := m.spec.Width()
	if len(x) == 0 {
		return nil, errors.New("mtl: predict: no input rows")
	}
	for i, row := range x {
		if len(row) != width {
			return nil, errors.Errorf("mtl: predict: row %d has %d values, but the model's input %v has width %d", i, len(row), m.spec.Input, width)
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
	preds = make([]Prediction, len(m.spec.Tasks))
	for t, task := range m.spec.Tasks {
		preds[t] = Prediction{Task: task.Name}
		if !task.labelled() {
			preds[t].Values = make([][]float32, len(x))
		} else {
			preds[t].Probs = make([][]float32, len(x))
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
		prog.load(&boundData{features: flat}, width, rows, false)
		if err := prog.run(); err != nil {
			return nil, errors.WithMessagef(err, "mtl: predicting rows %d to %d", start, start+len(rows)-1)
		}
		for t, task := range m.spec.Tasks {
			out := prog.outs[t].Value().Data().([]float32)
			k := task.width()
			for i := range rows {
				row := append([]float32(nil), out[i*k:(i+1)*k]...)
				switch task.Kind {
				case RegressKind, BoxKind:
					preds[t].Values[start+i] = row
				case BinaryKind: // one logit z: P(1) = sigmoid(z)
					p := float32(1 / (1 + math.Exp(-float64(row[0]))))
					preds[t].Probs[start+i] = []float32{1 - p, p}
				default: // log-probabilities
					for c := range row {
						row[c] = float32(math.Exp(float64(row[c])))
					}
					preds[t].Probs[start+i] = row
				}
			}
		}
	}
	return preds, nil
}
