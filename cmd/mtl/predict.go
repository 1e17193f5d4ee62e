package main

import (
	"context"
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
	data   string
	images string
	index  string
	first  int
	set    map[string]bool // the flags given on the command line
}

func predictCommand() command {
	return command{
		name:     "predict",
		synopsis: "--model DIR [--index 0,1,2 | --first N] [--images FILE] [flags]",
		summary:  "predict MNIST test images, or images of an IDX file, with a saved model",
		doc: `Load a model saved by "mtl train" and print, for each chosen image, the
predicted class of every task with its probability, and the true labels.
Images come from the MNIST test set, or with --images from an IDX file of
uint8 images [N 28 28] (the MNIST format, raw or gzipped), which has no
labels. Without --index or --first, the first 10 images are shown.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &predictOptions{}
			fs.StringVar(&o.model, "model", "", "the saved model: a run `DIR` of mtl train, or its model/ folder (required)")
			fs.StringVar(&o.data, "data", "", "read the MNIST test set from `DIR`, a folder with the MNIST files (default: the GoMNIST module's copy)")
			fs.StringVar(&o.images, "images", "", "predict the images of the IDX `FILE` instead of the test set")
			fs.StringVar(&o.index, "index", "", "comma-separated image `indices`, from 0, such as 0,1,2")
			fs.IntVar(&o.first, "first", defaultFirst, "predict the first `N` images")
			return func(ctx context.Context) error {
				o.set = map[string]bool{}
				fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
				return o.run(ctx, e)
			}
		},
	}
}

// predictionLine is one image's output with --json.
type predictionLine struct {
	MessageType string                    `json:"message_type"` // "prediction"
	Index       int                       `json:"index"`
	Predictions map[string]taskPrediction `json:"predictions"`
	Labels      map[string]int            `json:"labels,omitempty"` // absent for --images
}

// taskPrediction is one task's prediction for one image.
type taskPrediction struct {
	Class       int       `json:"class"`
	Probability float32   `json:"probability"` // of Class
	Probs       []float32 `json:"probs"`       // of every class
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
	m, err := loadModel(o.model)
	if err != nil {
		return err
	}
	width := m.Spec().Width()
	var rows [][]float32
	var labels []datasets.Labels
	if o.images != "" {
		if rows, err = readImages(o.images, width); err != nil {
			return err
		}
	} else {
		test, err := loadMNIST(o.data, datasets.Test)
		if err != nil {
			return err
		}
		for i := range test.Len() {
			rows = append(rows, test.Features[i*width:(i+1)*width])
		}
		labels = test.Labels
	}
	if indices == nil {
		for i := range min(o.first, len(rows)) {
			indices = append(indices, i)
		}
	}
	x := make([][]float32, len(indices))
	for k, i := range indices {
		if i >= len(rows) {
			return usageErrorf("predict", "--index %d is out of range: there are %d images", i, len(rows))
		}
		x[k] = rows[i]
	}
	preds, err := m.Predict(ctx, x)
	if err != nil {
		return err
	}
	out := make([]predictionLine, len(indices))
	for k, i := range indices {
		out[k] = predictionFor(i, k, preds, labels)
	}
	if e.json {
		for _, line := range out {
			if err := e.emit(line); err != nil {
				return err
			}
		}
		return nil
	}
	return writePredictions(e, out, taskNames(m.Spec()), labels != nil)
}

// predictionFor assembles the output for image i, row k of preds.
func predictionFor(i, k int, preds []mtl.Prediction, labels []datasets.Labels) predictionLine {
	line := predictionLine{MessageType: "prediction", Index: i, Predictions: map[string]taskPrediction{}}
	for _, p := range preds {
		c := p.Class(k)
		line.Predictions[p.Task] = taskPrediction{Class: c, Probability: p.Probs[k][c], Probs: p.Probs[k]}
	}
	for _, l := range labels {
		if _, ok := line.Predictions[l.Task]; ok && i < len(l.Values) {
			if line.Labels == nil {
				line.Labels = map[string]int{}
			}
			line.Labels[l.Task] = l.Values[i]
		}
	}
	return line
}

// writePredictions prints a table: per image, each task's class and its
// probability, then the true labels when there are any.
func writePredictions(e *env, lines []predictionLine, tasks []string, withLabels bool) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "index")
	for _, t := range tasks {
		fmt.Fprintf(tw, "\t%s\tp(%s)", t, t)
	}
	if withLabels {
		for _, t := range tasks {
			fmt.Fprintf(tw, "\ttrue %s", t)
		}
	}
	fmt.Fprintln(tw)
	for _, line := range lines {
		fmt.Fprint(tw, line.Index)
		for _, t := range tasks {
			p := line.Predictions[t]
			fmt.Fprintf(tw, "\t%d\t%.4f", p.Class, p.Probability)
		}
		if withLabels {
			for _, t := range tasks {
				if v, ok := line.Labels[t]; ok {
					fmt.Fprintf(tw, "\t%d", v)
				} else {
					fmt.Fprint(tw, "\t-")
				}
			}
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
