package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"

	"github.com/gomtl/gomtl/mtl"
)

// taskScore is one task's test loss and metrics by name: "loss" and
// "accuracy" for classification, "loss", "accuracy" and "auc" for binary
// tasks, "loss", "mae" and "rmse" for regression, "loss", "iou" (mean
// IoU) and "iou50" (the share of boxes with IoU >= 0.5) for boxes. In
// JSON a value that is not finite (the AUC of a test set with one class
// only) is null.
type taskScore map[string]float64

// MarshalJSON writes s with null for the values that are not finite.
func (s taskScore) MarshalJSON() ([]byte, error) { return marshalMetrics(s) }

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (s *taskScore) UnmarshalJSON(b []byte) error {
	return unmarshalMetrics((*map[string]float64)(s), b)
}

// marshalMetrics writes m as a JSON object with null for the values that
// are not finite, which JSON cannot hold.
func marshalMetrics(m map[string]float64) ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = finiteOrNil(v)
	}
	return json.Marshal(out)
}

// unmarshalMetrics reads what marshalMetrics writes into *dst, null as
// NaN.
func unmarshalMetrics(dst *map[string]float64, b []byte) error {
	var raw map[string]*float64
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*dst = nil
		return nil
	}
	m := make(map[string]float64, len(raw))
	for k, v := range raw {
		m[k] = math.NaN()
		if v != nil {
			m[k] = *v
		}
	}
	*dst = m
	return nil
}

// finiteOrNil returns v, or nil when it is NaN or infinite.
func finiteOrNil(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// scores maps each task of res to its score.
func scores(res *mtl.Result) map[string]taskScore {
	out := make(map[string]taskScore, len(res.Tasks))
	for _, t := range res.Tasks {
		s := taskScore{"loss": t.Loss}
		for _, name := range t.Metrics() {
			s[name] = t.Metric(name)
		}
		out[t.Task] = s
	}
	return out
}

// writeScores prints res as a table, one row per task with its loss and
// the metrics of its kind ("-" under another kind's), then the total.
func writeScores(w io.Writer, res *mtl.Result) error {
	var metrics []string
	for _, t := range res.Tasks {
		for _, name := range t.Metrics() {
			if !slices.Contains(metrics, name) {
				metrics = append(metrics, name)
			}
		}
	}
	fmt.Fprintf(w, "Test set, %d examples:\n", res.Examples)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "  task\tloss")
	for _, name := range metrics {
		fmt.Fprintf(tw, "\t%s", name)
	}
	fmt.Fprintln(tw)
	for _, t := range res.Tasks {
		fmt.Fprintf(tw, "  %s\t%.4f", t.Task, t.Loss)
		for _, name := range metrics {
			if slices.Contains(t.Metrics(), name) {
				fmt.Fprintf(tw, "\t%.4f", t.Metric(name))
			} else {
				fmt.Fprint(tw, "\t-")
			}
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "  total\t%.4f\n", res.Loss)
	return tw.Flush()
}
