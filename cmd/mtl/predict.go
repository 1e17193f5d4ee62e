package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// defaultFirst is how many images predict shows without --index or --first.
const defaultFirst = 10

// predictOptions are the flags of mtl predict.
type predictOptions struct {
	model  string
	images string
	index  string
	first  int
	data   dataOptions
	set    map[string]bool // the flags given on the command line
}

func predictCommand() command {
	return command{
		name:     "predict",
		synopsis: "--model DIR [--index 0,1,2 | --first N] [--images FILE] [flags]",
		summary:  "predict test examples, or images of an IDX file, with a saved model",
		doc: `Load a model saved by "mtl train" and print, for each chosen example and
task, the predicted class with its probability (classification) or the
predicted values (regression), beside the true labels or targets.
Examples come from the test set of the dataset the run folder's
summary.json records, or mnist for a bare model folder (--dataset and
the other data flags override it). With --images they come from an IDX
file of uint8 images [N 28 28] (the MNIST format, raw or gzipped), which
has no labels; this is for models of 28×28 images only, and the pixels
are scaled as the dataset's are. Without --index or --first, the first
10 examples are shown.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &predictOptions{}
			fs.StringVar(&o.model, "model", "", "the saved model: a run `DIR` of mtl train, or its model/ folder (required)")
			o.data.register(fs, true)
			fs.StringVar(&o.images, "images", "", "predict the 28×28 images of the IDX `FILE` instead of the test set")
			fs.StringVar(&o.index, "index", "", "comma-separated example `indices`, from 0, such as 0,1,2")
			fs.IntVar(&o.first, "first", defaultFirst, "predict the first `N` examples")
			return func(ctx context.Context) error {
				o.set = setFlags(fs)
				return o.run(ctx, e)
			}
		},
	}
}

// predictionLine is one example's output with --json.
type predictionLine struct {
	MessageType string                    `json:"message_type"` // "prediction"
	Index       int                       `json:"index"`
	Predictions map[string]taskPrediction `json:"predictions"`
	Labels      map[string]int            `json:"labels,omitempty"`  // classification; absent for --images
	Targets     map[string][]float32      `json:"targets,omitempty"` // regression
}

// taskPrediction is one task's prediction for one example: a class and
// its probability, or regression values.
type taskPrediction struct {
	Class       int       `json:"class"`
	Probability float32   `json:"probability"` // of Class
	Probs       []float32 `json:"probs"`       // of every class
	Values      []float32 `json:"values"`      // regression
}

// MarshalJSON writes the fields of the task's kind only.
func (p taskPrediction) MarshalJSON() ([]byte, error) {
	if p.Probs == nil {
		return json.Marshal(struct {
			Values []float32 `json:"values"`
		}{p.Values})
	}
	return json.Marshal(struct {
		Class       int       `json:"class"`
		Probability float32   `json:"probability"`
		Probs       []float32 `json:"probs"`
	}{p.Class, p.Probability, p.Probs})
}

// validate checks the flag combination and returns the requested
// indices, or nil for the first o.first images.
func (o *predictOptions) validate() ([]int, error) {
	switch {
	case o.model == "":
		return nil, usageErrorf("predict", "--model DIR is required")
	case o.set["index"] && o.set["first"]:
		return nil, usageErrorf("predict", "--index and --first exclude each other")
	case o.set["images"] && o.set["data"]:
		return nil, usageErrorf("predict", "--images and --data exclude each other")
	case o.first < 1:
		return nil, usageErrorf("predict", "--first %d, want at least 1", o.first)
	case !o.set["index"]:
		return nil, nil
	}
	return parseIndices(o.index)
}

// parseIndices parses "0,1,2".
func parseIndices(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || i < 0 {
			return nil, usageErrorf("predict", "--index %q: %q is not an index (a whole number from 0)", s, f)
		}
		out = append(out, i)
	}
	return out, nil
}

func (o *predictOptions) run(ctx context.Context, e *env) error {
	indices, err := o.validate()
	if err != nil {
		return err
	}
	d, src, err := o.data.forRun("predict", o.model, o.set)
	if err != nil {
		return err
	}
	m, err := loadModel(o.model)
	if err != nil {
		return err
	}
	spec := m.Spec()
	width := spec.Width()
	var rows [][]float32
	var truth *datasets.Dataset
	if o.images != "" {
		switch {
		case width != 28*28:
			return usageErrorf("predict", "--images reads 28×28 images, but the model's input is %v", spec.Input)
		case !d.images:
			return usageErrorf("predict", "--images reads 28×28 images, but dataset %s has none", d.name)
		}
		if rows, err = readImages(o.images, width, d.pixel); err != nil {
			return err
		}
	} else {
		if err := checkModel(m, o.model, d); err != nil {
			return err
		}
		test, err := d.load(src, datasets.Test)
		if err != nil {
			return err
		}
		for i := range test.Len() {
			rows = append(rows, test.Features[i*width:(i+1)*width])
		}
		truth = test
	}
	if indices == nil {
		for i := range min(o.first, len(rows)) {
			indices = append(indices, i)
		}
	}
	noun := "examples"
	if d.images {
		noun = "images"
	}
	x := make([][]float32, len(indices))
	for k, i := range indices {
		if i >= len(rows) {
			return usageErrorf("predict", "--index %d is out of range: there are %d %s", i, len(rows), noun)
		}
		x[k] = rows[i]
	}
	preds, err := m.Predict(ctx, x)
	if err != nil {
		return err
	}
	out := make([]predictionLine, len(indices))
	for k, i := range indices {
		out[k] = predictionFor(i, k, preds, truth)
	}
	if e.json {
		for _, line := range out {
			if err := e.emit(line); err != nil {
				return err
			}
		}
		return nil
	}
	return writePredictions(e, out, spec.Tasks, truth != nil)
}

// predictionFor assembles the output for example i, row k of preds, with
// its labels and targets from truth unless truth is nil.
func predictionFor(i, k int, preds []mtl.Prediction, truth *datasets.Dataset) predictionLine {
	line := predictionLine{MessageType: "prediction", Index: i, Predictions: map[string]taskPrediction{}}
	for _, p := range preds {
		if p.Probs == nil {
			line.Predictions[p.Task] = taskPrediction{Values: p.Values[k]}
			continue
		}
		c := p.Class(k)
		line.Predictions[p.Task] = taskPrediction{Class: c, Probability: p.Probs[k][c], Probs: p.Probs[k]}
	}
	if truth == nil {
		return line
	}
	for _, l := range truth.Labels {
		if _, ok := line.Predictions[l.Task]; ok && i < len(l.Values) {
			if line.Labels == nil {
				line.Labels = map[string]int{}
			}
			line.Labels[l.Task] = l.Values[i]
		}
	}
	for _, tg := range truth.Targets {
		if _, ok := line.Predictions[tg.Task]; ok && (i+1)*tg.Dim <= len(tg.Values) {
			if line.Targets == nil {
				line.Targets = map[string][]float32{}
			}
			line.Targets[tg.Task] = tg.Values[i*tg.Dim : (i+1)*tg.Dim]
		}
	}
	return line
}

// writePredictions prints a table: per example, each task's class and its
// probability or its predicted values, then the true labels and targets
// when there are any.
func writePredictions(e *env, lines []predictionLine, tasks []mtl.Task, withTruth bool) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "index")
	for _, t := range tasks {
		if t.Kind == mtl.RegressKind {
			fmt.Fprintf(tw, "\t%s", t.Name)
		} else {
			fmt.Fprintf(tw, "\t%s\tp(%s)", t.Name, t.Name)
		}
	}
	if withTruth {
		for _, t := range tasks {
			fmt.Fprintf(tw, "\ttrue %s", t.Name)
		}
	}
	fmt.Fprintln(tw)
	for _, line := range lines {
		fmt.Fprint(tw, line.Index)
		for _, t := range tasks {
			p := line.Predictions[t.Name]
			if t.Kind == mtl.RegressKind {
				fmt.Fprintf(tw, "\t%s", formatValues(p.Values))
			} else {
				fmt.Fprintf(tw, "\t%d\t%.4f", p.Class, p.Probability)
			}
		}
		if withTruth {
			for _, t := range tasks {
				if v, ok := line.Labels[t.Name]; ok {
					fmt.Fprintf(tw, "\t%d", v)
				} else if v, ok := line.Targets[t.Name]; ok {
					fmt.Fprintf(tw, "\t%s", formatValues(v))
				} else {
					fmt.Fprint(tw, "\t-")
				}
			}
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// formatValues returns "0.1234", or "0.1234 -2.5000" for several values.
func formatValues(v []float32) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(float64(x), 'f', 4, 32)
	}
	return strings.Join(s, " ")
}
