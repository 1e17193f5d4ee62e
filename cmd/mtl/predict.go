package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
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
	input  string
	images string
	draw   string
	index  string
	first  int
	data   dataOptions
	set    map[string]bool // the flags given on the command line
}

func predictCommand() command {
	return command{
		name:     "predict",
		synopsis: "--model DIR [--input NAME] [--index 0,1,2 | --first N] [--images FILE] [--draw DIR] [flags]",
		summary:  "predict test examples, or images of an IDX file, with a saved model",
		doc: `Load a model saved by "mtl train" and print, for each chosen example and
task, the predicted class with its probability (classification), the
probability of class 1 (binary), the predicted values (regression) or
the predicted box (x0 y0 x1 y1, fractions of the image's width and
height), beside the true labels or targets and, for a box, the IoU of
the two boxes. An example without a label for a task (spam's "hard" on
spam) shows "-". Classes of a csv file show by name.

Examples come from the test set of the dataset the run folder's
summary.json records, or mnist for a bare model folder (--dataset and
the other data flags override it). With --images they come from an IDX
file of uint8 images [N H W] (the MNIST format, raw or gzipped) of the
dataset's image size, 28×28 or 56×56 for mnist-loc, which has no labels;
this is for models of images only, and the pixels are scaled as the
dataset's are. Without --index or --first, the first 10 examples are
shown.

A multi-input model (mnist+spam) predicts one input at a time: --input
names it (image or text), and the examples and the tasks shown are that
input's: its test set (or, for image, --images) and the tasks that read
it.

--draw DIR writes each example of a model with a box task as a PNG into
DIR: the image 4× larger in grey, the true box in green and the
predicted box in red, named after the example's index and the IoU
(00007-iou0.83.png); with --images, which has no true boxes, the
predicted box only (00007.png).
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &predictOptions{}
			fs.StringVar(&o.model, "model", "", "the saved model: a run `DIR` of mtl train, or its model/ folder (required)")
			o.data.register(fs, true)
			fs.StringVar(&o.input, "input", "", "multi-input models: predict the examples of input `NAME` (mnist+spam: image or text; required)")
			fs.StringVar(&o.images, "images", "", "predict the images of the IDX `FILE` instead of the test set (28×28, or 56×56 for mnist-loc)")
			fs.StringVar(&o.draw, "draw", "", "write each image with its true and predicted boxes as a PNG into `DIR` (models with a box task)")
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
	Labels      map[string]int            `json:"labels,omitempty"`      // classification, binary; absent for --images and unlabelled examples
	LabelNames  map[string]string         `json:"label_names,omitempty"` // the classes of Labels by name, when the data names them (csv)
	Targets     map[string][]float32      `json:"targets,omitempty"`     // regression, boxes
	IoU         map[string]float32        `json:"iou,omitempty"`         // boxes: of the predicted and the true box
	Drawing     string                    `json:"drawing,omitempty"`     // --draw: the PNG file
}

// taskPrediction is one task's prediction for one example: a class and
// its probability, or regression values (a box's four).
type taskPrediction struct {
	Class       int       `json:"class"`
	Name        string    `json:"name"`        // of Class, when the data names its classes (csv)
	Probability float32   `json:"probability"` // of Class
	Probs       []float32 `json:"probs"`       // of every class
	Values      []float32 `json:"values"`      // regression, boxes
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
		Name        string    `json:"name,omitempty"`
		Probability float32   `json:"probability"`
		Probs       []float32 `json:"probs"`
	}{p.Class, p.Name, p.Probability, p.Probs})
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
	case o.set["draw"] && strings.TrimSpace(o.draw) == "":
		return nil, usageErrorf("predict", "--draw %q is blank, want a folder", o.draw)
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
	if o.images == "" || spec.MultiInput() {
		// A multi-input model needs its dataset's inputs even for
		// --images: the image input's shape and pixel scale.
		if err := checkModel(m, o.model, d); err != nil {
			return err
		}
	}
	v, err := o.view(d, spec)
	if err != nil {
		return err
	}
	w := width(v.shape)
	if o.draw != "" {
		if err := checkDraw(v.d, v.tasks); err != nil {
			return err
		}
	}
	var rows [][]float32
	var truth *datasets.Dataset
	if o.images != "" {
		shape, side := []int{1, 28, 28}, "28×28"
		if v.d.images {
			shape, side = v.d.input, fmt.Sprintf("%d×%d", v.d.input[1], v.d.input[2])
		}
		switch {
		case w != width(shape):
			return usageErrorf("predict", "--images reads %s images, but the model's input%s is %v", side, v.about(), v.shape)
		case !v.d.images:
			return usageErrorf("predict", "--images reads %s images, but dataset %s has none", side, v.d.name)
		}
		if rows, err = readImages(o.images, shape, v.d.pixel); err != nil {
			return err
		}
	} else {
		test, err := v.load(src, datasets.Test)
		if err != nil {
			return err
		}
		for i := range test.Len() {
			rows = append(rows, test.Features[i*w:(i+1)*w])
		}
		truth = test
	}
	if indices == nil {
		for i := range min(o.first, len(rows)) {
			indices = append(indices, i)
		}
	}
	noun := "examples"
	if v.d.images {
		noun = "images"
	}
	x := make([][]float32, len(indices))
	for k, i := range indices {
		if i >= len(rows) {
			return usageErrorf("predict", "--index %d is out of range: there are %d %s", i, len(rows), noun)
		}
		x[k] = rows[i]
	}
	var preds []mtl.Prediction
	if v.input != "" {
		preds, err = m.PredictInput(ctx, v.input, x)
	} else {
		preds, err = m.Predict(ctx, x)
	}
	if err != nil {
		return err
	}
	out := make([]predictionLine, len(indices))
	for k, i := range indices {
		out[k] = predictionFor(i, k, v.tasks, preds, truth, v.d.classes)
	}
	if o.draw != "" {
		if err := drawPredictions(o.draw, v.d.input, x, out, v.tasks); err != nil {
			return err
		}
	}
	if e.json {
		for _, line := range out {
			if err := e.emit(line); err != nil {
				return err
			}
		}
		return nil
	}
	if err := writePredictions(e, out, v.tasks, truth != nil, v.d.classes); err != nil {
		return err
	}
	if o.draw != "" {
		_, err = fmt.Fprintf(e.stdout, "Drawings: %d PNG files in %s\n", len(out), filepath.Clean(o.draw))
	}
	return err
}

// A predictView is what predict reads and shows: the dataset the
// examples come from, the model's input they feed and its shape, and the
// tasks that read it. For a multi-input model it is the input --input
// names; otherwise the dataset and the model's only input.
type predictView struct {
	d     *dataset
	input string // the input's name; "" for a single-input model
	shape []int
	tasks []mtl.Task
	load  func(src dataSource, split datasets.Split) (*datasets.Dataset, error)
}

// about returns ` "text"` for a multi-input model's input, else "".
func (v predictView) about() string {
	if v.input == "" {
		return ""
	}
	return fmt.Sprintf(" %q", v.input)
}

// view resolves --input against spec, the model's, and d, its dataset,
// whose inputs checkModel has checked for a multi-input model; the
// errors are usage errors.
func (o *predictOptions) view(d *dataset, spec mtl.Spec) (predictView, error) {
	if !spec.MultiInput() {
		if o.set["input"] {
			return predictView{}, usageErrorf("predict", "--input is for models of several inputs; the model has one, %v", spec.Input)
		}
		return predictView{d: d, shape: spec.Input, tasks: spec.Tasks, load: d.load}, nil
	}
	if !o.set["input"] {
		return predictView{}, usageErrorf("predict", "--input is required: the model has the inputs %s, each with its own examples", inputsText(spec.Inputs))
	}
	for _, in := range spec.Inputs {
		if in.Name == o.input {
			from, _ := d.inputNamed(in.Name) // checkModel found each of spec's inputs in d
			return predictView{d: from.from, input: in.Name, shape: in.Shape, tasks: inputTasks(spec, in.Name), load: from.load}, nil
		}
	}
	return predictView{}, usageErrorf("predict", "--input %q, want %s (the model's inputs)", o.input, inputNames(spec))
}

// predictionFor assembles the output for example i, row k of preds, with
// its labels and targets from truth unless truth is nil, and the IoU of
// each box task; classes names the classes of the tasks that have names.
func predictionFor(i, k int, tasks []mtl.Task, preds []mtl.Prediction, truth *datasets.Dataset, classes map[string][]string) predictionLine {
	line := predictionLine{MessageType: "prediction", Index: i, Predictions: map[string]taskPrediction{}}
	for _, p := range preds {
		if p.Probs == nil {
			line.Predictions[p.Task] = taskPrediction{Values: p.Values[k]}
			continue
		}
		c := p.Class(k)
		line.Predictions[p.Task] = taskPrediction{Class: c, Name: className(classes, p.Task, c), Probability: p.Probs[k][c], Probs: p.Probs[k]}
	}
	if truth == nil {
		return line
	}
	for _, l := range truth.Labels {
		if _, ok := line.Predictions[l.Task]; ok && i < len(l.Values) && l.Values[i] != datasets.NoLabel {
			if line.Labels == nil {
				line.Labels = map[string]int{}
			}
			line.Labels[l.Task] = l.Values[i]
			if name := className(classes, l.Task, l.Values[i]); name != "" {
				if line.LabelNames == nil {
					line.LabelNames = map[string]string{}
				}
				line.LabelNames[l.Task] = name
			}
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
	for _, t := range tasks {
		want, ok := line.Targets[t.Name]
		if got := line.Predictions[t.Name].Values; t.Kind == mtl.BoxKind && ok && len(got) == 4 && len(want) == 4 {
			if line.IoU == nil {
				line.IoU = map[string]float32{}
			}
			line.IoU[t.Name] = datasets.IoU([4]float32(got), [4]float32(want))
		}
	}
	return line
}

// className returns the name of class c of task, or "" when the task's
// classes have no names.
func className(classes map[string][]string, task string, c int) string {
	if names := classes[task]; c >= 0 && c < len(names) {
		return names[c]
	}
	return ""
}

// classText returns the name of class c of task, or c.
func classText(classes map[string][]string, task string, c int) string {
	if name := className(classes, task, c); name != "" {
		return name
	}
	return strconv.Itoa(c)
}

// writePredictions prints a table: per example, each task's class and its
// probability (of class 1 for a binary task) or its predicted values,
// then the true labels and targets when there are any, then the IoU of
// each box task.
func writePredictions(e *env, lines []predictionLine, tasks []mtl.Task, withTruth bool, classes map[string][]string) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "index")
	for _, t := range tasks {
		switch t.Kind {
		case mtl.RegressKind, mtl.BoxKind:
			fmt.Fprintf(tw, "\t%s", t.Name)
		case mtl.BinaryKind:
			fmt.Fprintf(tw, "\t%s\tp(%s=%s)", t.Name, t.Name, classText(classes, t.Name, 1))
		default:
			fmt.Fprintf(tw, "\t%s\tp(%s)", t.Name, t.Name)
		}
	}
	if withTruth {
		for _, t := range tasks {
			fmt.Fprintf(tw, "\ttrue %s", t.Name)
		}
		for _, t := range tasks {
			if t.Kind == mtl.BoxKind {
				fmt.Fprintf(tw, "\tiou(%s)", t.Name)
			}
		}
	}
	fmt.Fprintln(tw)
	for _, line := range lines {
		fmt.Fprint(tw, line.Index)
		for _, t := range tasks {
			p := line.Predictions[t.Name]
			switch t.Kind {
			case mtl.RegressKind, mtl.BoxKind:
				fmt.Fprintf(tw, "\t%s", formatValues(p.Values))
			case mtl.BinaryKind:
				fmt.Fprintf(tw, "\t%s\t%.4f", classText(classes, t.Name, p.Class), p.Probs[1])
			default:
				fmt.Fprintf(tw, "\t%s\t%.4f", classText(classes, t.Name, p.Class), p.Probability)
			}
		}
		if withTruth {
			for _, t := range tasks {
				if v, ok := line.Labels[t.Name]; ok {
					fmt.Fprintf(tw, "\t%s", classText(classes, t.Name, v))
				} else if v, ok := line.Targets[t.Name]; ok {
					fmt.Fprintf(tw, "\t%s", formatValues(v))
				} else {
					fmt.Fprint(tw, "\t-")
				}
			}
			for _, t := range tasks {
				if t.Kind != mtl.BoxKind {
					continue
				}
				if v, ok := line.IoU[t.Name]; ok {
					fmt.Fprintf(tw, "\t%.4f", v)
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
