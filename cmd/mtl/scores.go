package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/gomtl/gomtl/mtl"
)

// taskScore is one task's loss and accuracy on the test set.
type taskScore struct {
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
}

// scores maps each task of res to its score.
func scores(res *mtl.Result) map[string]taskScore {
	out := make(map[string]taskScore, len(res.Tasks))
	for _, t := range res.Tasks {
		out[t.Task] = taskScore{Loss: t.Loss, Accuracy: t.Accuracy}
	}
	return out
}

// writeScores prints res as a table, one row per task, then the total.
func writeScores(w io.Writer, res *mtl.Result) error {
	fmt.Fprintf(w, "Test set, %d examples:\n", res.Examples)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  task\tloss\taccuracy")
	for _, t := range res.Tasks {
		fmt.Fprintf(tw, "  %s\t%.4f\t%.4f\n", t.Task, t.Loss, t.Accuracy)
	}
	fmt.Fprintf(tw, "  total\t%.4f\n", res.Loss)
	return tw.Flush()
}
