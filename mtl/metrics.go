package mtl

import (
	"encoding/json"
	"math"
	"sort"

	"github.com/gomtl/gomtl/datasets"
)

// metricNames lists the metrics of a task kind, as History and summary
// keys use them ("<task>_accuracy", "<task>_mae", ...).
func metricNames(kind string) []string {
	switch kind {
	case RegressKind:
		return []string{"mae", "rmse"}
	case BinaryKind:
		return []string{"accuracy", "auc"}
	case BoxKind:
		return []string{"iou", "iou50"}
	}
	return []string{"accuracy"}
}

// A tally accumulates one task's metrics over batches. Examples without a
// label for the task are left out.
type tally struct {
	examples int     // examples with a label or target
	hits     int     // classification: rows whose most probable class is the label
	absErr   float64 // regression: Σ |prediction - target| over every value
	sqErr    float64 // regression: Σ (prediction - target)²
	values   int     // regression: number of values summed
	iou      float64 // boxes: Σ IoU
	iou50    int     // boxes: rows with IoU ≥ 0.5
	scores   []float32
	positive []bool // binary: each row's logit and label, for the AUC
}

// add scores the rows of task t's output from p's last run against d's
// labels or targets.
func (a *tally) add(p *program, t int, d *boundData, rows []int) {
	out := p.outs[t].Value().Data().([]float32)
	k := len(out) / p.batch
	switch p.kinds[t] {
	case RegressKind:
		want := d.targets[t]
		for i, r := range rows {
			for j := 0; j < k; j++ {
				e := float64(out[i*k+j] - want[r*k+j])
				a.absErr += math.Abs(e)
				a.sqErr += e * e
			}
		}
		a.values += len(rows) * k
		a.examples += len(rows)
	case BoxKind:
		want := d.targets[t]
		for i, r := range rows {
			iou := datasets.IoU([4]float32(out[i*4:i*4+4]), [4]float32(want[r*4:r*4+4]))
			a.iou += float64(iou)
			if iou >= 0.5 {
				a.iou50++
			}
		}
		a.examples += len(rows)
	case BinaryKind:
		labels := d.labels[t]
		for i, r := range rows {
			if labels[r] == datasets.NoLabel {
				continue
			}
			a.examples++
			pos := labels[r] == 1
			if (out[i] > 0) == pos {
				a.hits++
			}
			a.scores = append(a.scores, out[i])
			a.positive = append(a.positive, pos)
		}
	default:
		labels := d.labels[t]
		for i, r := range rows {
			if labels[r] == datasets.NoLabel {
				continue
			}
			a.examples++
			if argmax(out[i*k:(i+1)*k]) == labels[r] {
				a.hits++
			}
		}
	}
}

// metric returns the named metric of the tally.
func (a *tally) metric(name string) float64 {
	switch name {
	case "accuracy":
		return float64(a.hits) / float64(max(a.examples, 1))
	case "auc":
		return rocAUC(a.scores, a.positive)
	case "mae":
		return a.absErr / float64(max(a.values, 1))
	case "rmse":
		return math.Sqrt(a.sqErr / float64(max(a.values, 1)))
	case "iou":
		return a.iou / float64(max(a.examples, 1))
	case "iou50":
		return float64(a.iou50) / float64(max(a.examples, 1))
	}
	return math.NaN()
}

// rocAUC returns the area under the ROC curve of scores against labels:
// the probability that a random positive scores above a random negative,
// ties counting one half (the Mann-Whitney U statistic over n⁺·n⁻). It
// is NaN when one class is absent.
func rocAUC(scores []float32, positive []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return scores[idx[i]] < scores[idx[j]] })
	var rankSum float64
	var pos int
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of the 1-based ranks i+1 .. j
		for _, k := range idx[i:j] {
			if positive[k] {
				rankSum += rank
				pos++
			}
		}
		i = j
	}
	neg := len(scores) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

// TaskResult is one task's loss and metrics on a dataset, over the
// examples with a label for the task: accuracy for classification,
// accuracy and ROC-AUC for binary tasks, mean absolute error and root mean
// squared error (over every predicted value) for regression, mean IoU and
// the share of boxes with IoU ≥ 0.5 for boxes.
type TaskResult struct {
	Task     string
	Kind     string
	Examples int // examples with a label for the task
	Loss     float64
	Accuracy float64 // classification, binary
	AUC      float64 // binary; NaN when one class is absent
	MAE      float64 // regression
	RMSE     float64 // regression
	IoU      float64 // boxes: mean IoU
	IoU50    float64 // boxes: share with IoU ≥ 0.5
}

// Metric returns the named metric: "loss" or one of Metrics().
func (r TaskResult) Metric(name string) float64 {
	switch name {
	case "loss":
		return r.Loss
	case "accuracy":
		return r.Accuracy
	case "auc":
		return r.AUC
	case "mae":
		return r.MAE
	case "rmse":
		return r.RMSE
	case "iou":
		return r.IoU
	case "iou50":
		return r.IoU50
	}
	return math.NaN()
}

// Metrics returns the names of the task's metrics besides its loss.
func (r TaskResult) Metrics() []string { return metricNames(r.Kind) }

// MarshalJSON writes the task, its kind, its example count, its loss and
// the metrics of its kind only; a non-finite value is written as null.
func (r TaskResult) MarshalJSON() ([]byte, error) {
	m := map[string]any{"task": r.Task, "kind": r.Kind, "examples": r.Examples, "loss": finiteOrNil(r.Loss)}
	for _, name := range r.Metrics() {
		m[name] = finiteOrNil(r.Metric(name))
	}
	return json.Marshal(m)
}

func finiteOrNil(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

// UnmarshalJSON reads what MarshalJSON writes (null as NaN).
func (r *TaskResult) UnmarshalJSON(b []byte) error {
	var v struct {
		Task, Kind                                 string
		Examples                                   int
		Loss, Accuracy, AUC, MAE, RMSE, IoU, IoU50 *float64
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	get := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	*r = TaskResult{Task: v.Task, Kind: v.Kind, Examples: v.Examples, Loss: get(v.Loss), Accuracy: get(v.Accuracy), AUC: get(v.AUC),
		MAE: get(v.MAE), RMSE: get(v.RMSE), IoU: get(v.IoU), IoU50: get(v.IoU50)}
	return nil
}

// result fills a TaskResult for task from its loss and tally; metrics of
// other kinds stay zero.
func result(task Task, loss float64, a *tally) TaskResult {
	r := TaskResult{Task: task.Name, Kind: task.Kind, Examples: a.examples, Loss: loss}
	for _, name := range metricNames(task.Kind) {
		switch v := a.metric(name); name {
		case "accuracy":
			r.Accuracy = v
		case "auc":
			r.AUC = v
		case "mae":
			r.MAE = v
		case "rmse":
			r.RMSE = v
		case "iou":
			r.IoU = v
		case "iou50":
			r.IoU50 = v
		}
	}
	return r
}
