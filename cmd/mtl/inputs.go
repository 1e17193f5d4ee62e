package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// A datasetInput is one input of a multi-input dataset: the name the
// model gives it, the dataset its examples and labels are a split of, and
// the encoder that reads them before the shared layers.
type datasetInput struct {
	name    string
	from    *dataset
	encoder []mtl.Layer
	// ownData: --data is not for this input, which reads its dataset's
	// default source (spam: $GOMTL_SPAM_DIR, else .data/, where make data
	// puts the corpus).
	ownData bool
}

// The inputs of mnist+spam.
const (
	imageInput = "image"
	textInput  = "text"
)

// newMNISTSpam returns mnist+spam, image and text classification in one
// model: the input "image" reads MNIST (from --data) for the task "digit",
// the input "text" reads the spam set (split by --seed) for the task
// "spam". Each input has a Dense(64, ReLU) encoder and one Dense(64, ReLU)
// block follows both; spam's "hard" task is left out, so that each input
// has one task. The image encoder is a dense layer on the flattened
// image, not LeNet's convolutions, which keeps a step cheap: it costs
// about a fifth of the text encoder's 4096×64 kernel.
func newMNISTSpam(mnist, spam *dataset) *dataset {
	return &dataset{
		name: mnistSpamName,
		about: fmt.Sprintf(`"image" (MNIST %v): "digit" (10 classes); "text" (spam's words %v): "spam" (binary)`,
			mnist.input, spam.input),
		tasks: []mtl.Task{mtl.Classify("digit", 10).WithInput(imageInput), mtl.Binary("spam").WithInput(textInput)},
		inputs: []datasetInput{
			{name: imageInput, from: mnist, encoder: []mtl.Layer{mtl.Dense(64, mtl.ReLU)}},
			{name: textInput, from: spam, encoder: []mtl.Layer{mtl.Dense(64, mtl.ReLU)}, ownData: true},
		},
		shared:  []mtl.Layer{mtl.Dense(64, mtl.ReLU)},
		epochs:  5,
		batch:   32,
		seeded:  true,
		dataDir: true,
	}
}

// multiInput reports whether d has inputs of its own, each with its data.
func (d *dataset) multiInput() bool { return len(d.inputs) > 0 }

// inputNamed returns d's input called name.
func (d *dataset) inputNamed(name string) (datasetInput, bool) {
	for _, in := range d.inputs {
		if in.name == name {
			return in, true
		}
	}
	return datasetInput{}, false
}

// inputSpecs returns d's inputs as a spec declares them: each with the
// shape of its dataset's examples and its encoder.
func (d *dataset) inputSpecs() []mtl.InputSpec {
	var out []mtl.InputSpec
	for _, in := range d.inputs {
		out = append(out, mtl.InputSpec{Name: in.name, Shape: slices.Clone(in.from.input), Encoder: slices.Clone(in.encoder)})
	}
	return out
}

// multiInputSpec returns the model of the multi-input dataset d, seeded
// with seed: its inputs with their encoders, its shared layers and a head
// per task (hard sharing).
func (d *dataset) multiInputSpec(seed int64) mtl.Spec {
	return mtl.Spec{Inputs: d.inputSpecs(), Shared: slices.Clone(d.shared), Tasks: slices.Clone(d.tasks), Seed: seed}
}

// modelAbout returns the default model of the help's dataset table:
// "trunk mlp", or the encoders and shared block of a multi-input dataset.
func (d *dataset) modelAbout() string {
	if !d.multiInput() {
		return "trunk " + d.trunk
	}
	return fmt.Sprintf("an encoder per input and a shared block, %s each", layersText(d.shared))
}

// layersText returns "Dense(64, ReLU)" for dense layers, else their
// kinds.
func layersText(layers []mtl.Layer) string {
	var s []string
	for _, l := range layers {
		if l.Kind == mtl.DenseKind && l.Activation == mtl.ReLU {
			s = append(s, fmt.Sprintf("Dense(%d, ReLU)", l.Units))
		} else {
			s = append(s, l.Kind)
		}
	}
	return joinList(s, ", ")
}

// inputsText returns `"image" [1 28 28] and "text" [4096]`.
func inputsText(inputs []mtl.InputSpec) string {
	var s []string
	for _, in := range inputs {
		s = append(s, fmt.Sprintf("%q %v", in.Name, in.Shape))
	}
	return andList(s)
}

// checkInputs reports a spec whose inputs are not d's: one input where d
// has several or the reverse, an input d lacks, or one of another width.
// A spec may declare a subset of d's inputs.
func (d *dataset) checkInputs(spec mtl.Spec) error {
	switch {
	case d.multiInput() && !spec.MultiInput():
		return fmt.Errorf("input %v: dataset %s has the inputs %s, each with its own data (a spec declares them in inputs)", spec.Input, d.name, inputsText(d.inputSpecs()))
	case !d.multiInput() && spec.MultiInput():
		return fmt.Errorf("inputs %s: dataset %s has one input, of shape %v (a spec declares it in input)", inputsText(spec.Inputs), d.name, d.input)
	}
	for _, in := range spec.Inputs {
		want, ok := d.inputNamed(in.Name)
		if !ok {
			return fmt.Errorf("input %q is not an input of dataset %s, whose inputs are %s", in.Name, d.name, inputsText(d.inputSpecs()))
		}
		if w, shape := width(want.from.input), want.from.input; width(in.Shape) != w {
			return fmt.Errorf("input %q has shape %v (%d values per example), but in dataset %s it has shape %v (%d values)", in.Name, in.Shape, width(in.Shape), d.name, shape, w)
		}
	}
	return nil
}

// load returns a split of the input's dataset, made from src (with the
// dataset's default source for an input that reads its own data).
func (in datasetInput) load(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	if in.ownData {
		src.dir = ""
	}
	return in.from.load(src, split)
}

// loadSplit returns a split of d as the model of spec reads it, made from
// src: {"": the split} for a single-input model, or the split of each of
// spec's inputs by input name. A limit above 0 keeps the first limit
// examples of each.
func (d *dataset) loadSplit(src dataSource, spec mtl.Spec, split datasets.Split, limit int) (map[string]*datasets.Dataset, error) {
	var inputs []datasetInput
	if !spec.MultiInput() {
		inputs = []datasetInput{{from: d}}
	}
	for _, s := range spec.Inputs {
		in, ok := d.inputNamed(s.Name)
		if !ok {
			return nil, fmt.Errorf("dataset %s has no input %q", d.name, s.Name)
		}
		inputs = append(inputs, in)
	}
	out := make(map[string]*datasets.Dataset, len(inputs))
	for _, in := range inputs {
		data, err := in.load(src, split)
		if err != nil {
			return nil, err
		}
		if limit > 0 {
			data = data.Head(limit)
		}
		out[in.name] = data
	}
	return out, nil
}

// trainOn trains m on data, a split of loadSplit: every step of a
// multi-input model takes one batch from every input's data, and an epoch
// is one pass over the largest (mtl.Model.FitInputs).
func trainOn(ctx context.Context, m *mtl.Model, data map[string]*datasets.Dataset, cfg mtl.FitConfig) (*mtl.History, error) {
	if m.Spec().MultiInput() {
		return m.FitInputs(ctx, data, cfg)
	}
	return m.Fit(ctx, data[""], cfg)
}

// evaluateOn scores m on data, a split of loadSplit: each task on the
// data of its input. Result.Examples counts the examples of every input.
func evaluateOn(ctx context.Context, m *mtl.Model, data map[string]*datasets.Dataset) (*mtl.Result, error) {
	if m.Spec().MultiInput() {
		return m.EvaluateInputs(ctx, data)
	}
	return m.Evaluate(ctx, data[""])
}

// inputTasks returns the tasks of spec that read the named input.
func inputTasks(spec mtl.Spec, input string) []mtl.Task {
	var out []mtl.Task
	for _, t := range spec.Tasks {
		if t.Input == input {
			out = append(out, t)
		}
	}
	return out
}

// inputNames returns `"image" or "text"`, the inputs of spec.
func inputNames(spec mtl.Spec) string {
	var s []string
	for _, in := range spec.Inputs {
		s = append(s, fmt.Sprintf("%q", in.Name))
	}
	return orList(s)
}
