package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/gomtl/gomtl/mtl"
)

// taskScore is one task's test loss and metrics by name: "loss" and
// "accuracy" for classification, "loss", "mae" and "rmse" for regression.
type taskScore map[string]float64

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
