package mtl

import (
	"fmt"
	"slices"
	"strconv"
)

// metricHeads names the metrics as the result tables head their columns.
var metricHeads = map[string]string{
	"accuracy": "accuracy", "auc": "ROC AUC", "mae": "MAE", "rmse": "RMSE", "iou": "mean IoU", "iou50": "IoU ≥ 0.5",
}

// table returns one row per task: its name, kind, labelled examples,
// loss and the metrics of its kind, under columns for every metric any
// task has ("" where a task's kind has no such metric).
func (r *Result) table() *table {
	var metrics []string
	for _, tr := range r.Tasks {
		for _, m := range tr.Metrics() {
			if !slices.Contains(metrics, m) {
				metrics = append(metrics, m)
			}
		}
	}
	t := &table{
		caption: fmt.Sprintf("%d examples, weighted loss %s", r.Examples, num(r.Loss)),
		head:    []string{"task", "kind", "examples", "loss"},
	}
	for _, m := range metrics {
		t.head = append(t.head, metricHeads[m])
	}
	for _, tr := range r.Tasks {
		row := []string{tr.Task, tr.Kind, strconv.Itoa(tr.Examples), num(tr.Loss)}
		for _, m := range metrics {
			if slices.Contains(tr.Metrics(), m) {
				row = append(row, num(tr.Metric(m)))
			} else {
				row = append(row, "")
			}
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// HTML renders the result as an HTML table, one row per task with its
// loss and metrics to four decimals (accuracy as a fraction), below a
// line giving the examples and the weighted total loss. Notebooks show
// it.
func (r *Result) HTML() (s string) {
	defer recoverHTML(&s, "result table")
	if r == nil {
		return errorHTML("mtl: result table: no result")
	}
	return r.table().html()
}

// String renders the result as HTML does, as aligned text.
func (r *Result) String() string {
	if r == nil {
		return "mtl: no result"
	}
	return r.table().text()
}
