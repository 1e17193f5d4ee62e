package mtl

import (
	"encoding/json"
	"math"
)

// metricNames lists the metrics of a task kind, as History and summary
// keys use them ("<task>_accuracy", "<task>_mae", ...).
func metricNames(kind string) []string {
	if kind == RegressKind {
		return []string{"mae", "rmse"}
	}
	return []string{"accuracy"}
}

// A tally accumulates one task's metrics over batches.
type tally struct {
	examples int
	hits     int     // classification: rows whose most probable class is the label
	absErr   float64 // regression: Σ |prediction - target| over every value
	sqErr    float64 // regression: Σ (prediction - target)²
	values   int     // regression: number of values summed
}

// add scores the first len(rows) rows of task t's output from p's last
// run against d's labels or targets for rows.
func (a *tally) add(p *program, t int, d *boundData, rows []int) {
	out := p.outs[t].Value().Data().([]float32)
	k := len(out) / p.batch
	a.examples += len(rows)
	if d.targets[t] != nil {
		want := d.targets[t]
		for i, r := range rows {
			for j := 0; j < k; j++ {
				e := float64(out[i*k+j] - want[r*k+j])
				a.absErr += math.Abs(e)
				a.sqErr += e * e
			}
		}
		a.values += len(rows) * k
		return
	}
	labels := d.labels[t]
	for i, r := range rows {
		if argmax(out[i*k:(i+1)*k]) == labels[r] {
			a.hits++
		}
	}
}

// metric returns the named metric of the tally.
func (a *tally) metric(name string) float64 {
	switch name {
	case "accuracy":
		return float64(a.hits) / float64(max(a.examples, 1))
	case "mae":
		return a.absErr / float64(max(a.values, 1))
	case "rmse":
		return math.Sqrt(a.sqErr / float64(max(a.values, 1)))
	}
	return math.NaN()
}

// TaskResult is one task's loss and metrics on a dataset: accuracy for
// classification, mean absolute error and root mean squared error (over
// every predicted value) for regression.
type TaskResult struct {
	Task     string
	Kind     string
	Loss     float64
	Accuracy float64 // classification
	MAE      float64 // regression
	RMSE     float64 // regression
}

// Metric returns the named metric ("loss", "accuracy", "mae" or "rmse").
func (r TaskResult) Metric(name string) float64 {
	switch name {
	case "loss":
		return r.Loss
	case "accuracy":
		return r.Accuracy
	case "mae":
		return r.MAE
	case "rmse":
		return r.RMSE
	}
	return math.NaN()
}

// Metrics returns the names of the task's metrics besides its loss.
func (r TaskResult) Metrics() []string { return metricNames(r.Kind) }

// MarshalJSON writes the task, its kind, its loss and the metrics of its
// kind only.
func (r TaskResult) MarshalJSON() ([]byte, error) {
	m := map[string]any{"task": r.Task, "kind": r.Kind, "loss": r.Loss}
	for _, name := range r.Metrics() {
		m[name] = r.Metric(name)
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *TaskResult) UnmarshalJSON(b []byte) error {
	var v struct {
		Task, Kind                string
		Loss, Accuracy, MAE, RMSE float64
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = TaskResult{Task: v.Task, Kind: v.Kind, Loss: v.Loss, Accuracy: v.Accuracy, MAE: v.MAE, RMSE: v.RMSE}
	return nil
}

// result fills a TaskResult for task from its loss and tally.
func result(task Task, loss float64, a *tally) TaskResult {
	return TaskResult{Task: task.Name, Kind: task.Kind, Loss: loss, Accuracy: a.metric("accuracy"), MAE: a.metric("mae"), RMSE: a.metric("rmse")}
}
