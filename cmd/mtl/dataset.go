package main

import (
	"fmt"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// A dataset is one value of --dataset: its tasks, the shape of its
// examples, how to load it, and the flag values a run on it uses when the
// user does not give them.
type dataset struct {
	name  string
	about string // one line for the help text
	input []int  // the shape of one example
	// tasks are the dataset's tasks as a spec declares them; a cascade
	// makes tasks[1] read tasks[0].
	tasks []mtl.Task
	// trunk, epochs and batch are the defaults of --trunk, --epochs and
	// --batch.
	trunk         string
	epochs, batch int
	// images: the examples are 28×28 images, so predict --images applies.
	images bool
	// load returns one split, made from src.
	load func(src dataSource, split datasets.Split) (*datasets.Dataset, error)
	// pixel maps a pixel scaled to [0, 1] to the feature the dataset
	// holds for it; nil for the identity.
	pixel func(p float32) float32
}

// dataSource is what a dataset is made from: --data for the MNIST-based
// datasets, the correlation and seed for mmoe-synth.
type dataSource struct {
	dir         string  // --data; empty for the GoMNIST module's copy
	correlation float64 // mmoe-synth: the cosine of the two tasks' weight vectors
	seed        uint64  // mmoe-synth: the seed of the generator
}

// The datasets' names.
const (
	mnistName      = "mnist"
	multiMNISTName = "multimnist"
	mmoeSynthName  = "mmoe-synth"
)

// defaultCorrelation is the default of --correlation (mmoe-synth).
const defaultCorrelation = 0.5

// allDatasets lists the datasets in help order.
func allDatasets() []*dataset {
	return []*dataset{
		{
			name:   mnistName,
			about:  `MNIST digits [1 28 28]: "digit" (10 classes), "parity" (2 classes)`,
			input:  []int{1, 28, 28},
			tasks:  []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)},
			trunk:  "mlp",
			epochs: 5,
			batch:  32,
			images: true,
			load:   loadMNIST,
		},
		{
			name:   multiMNISTName,
			about:  `two overlapping digits [1 28 28]: "left" (10 classes), "right" (10 classes)`,
			input:  []int{1, 28, 28},
			tasks:  []mtl.Task{mtl.Classify("left", 10), mtl.Classify("right", 10)},
			trunk:  "lenet",
			epochs: 10,
			batch:  256,
			images: true,
			load:   loadMultiMNIST,
			pixel:  multiMNISTPixel,
		},
		{
			name:   mmoeSynthName,
			about:  `synthetic regression of Ma et al. 2018 [100]: "t1", "t2" (1 value each)`,
			input:  []int{100},
			tasks:  []mtl.Task{mtl.Regress("t1", 1), mtl.Regress("t2", 1)},
			trunk:  mmoeSynthTrunk,
			epochs: 30,
			batch:  128,
			load:   loadMMoESynth,
		},
	}
}

// lookupDataset returns the dataset called name.
func lookupDataset(name string) (*dataset, bool) {
	for _, d := range allDatasets() {
		if d.name == name {
			return d, true
		}
	}
	return nil, false
}

// datasetNames returns "mnist, multimnist or mmoe-synth".
func datasetNames() string {
	var names []string
	for _, d := range allDatasets() {
		names = append(names, d.name)
	}
	return orList(names)
}

// datasetsHelp returns the dataset table of the help texts.
func datasetsHelp() string {
	var b strings.Builder
	for _, d := range allDatasets() {
		fmt.Fprintf(&b, "  %-11s %s\n", d.name, d.about)
		fmt.Fprintf(&b, "  %-11s defaults: trunk %s, %d epochs, batch %d\n", "", d.trunk, d.epochs, d.batch)
	}
	return b.String()
}

// task returns the dataset's task called name.
func (d *dataset) task(name string) (mtl.Task, bool) {
	for _, t := range d.tasks {
		if t.Name == name {
			return t, true
		}
	}
	return mtl.Task{}, false
}

// taskList returns `"digit" (10 classes), "parity" (2 classes)`.
func (d *dataset) taskList() string {
	var s []string
	for _, t := range d.tasks {
		s = append(s, fmt.Sprintf("%q (%s)", t.Name, taskSize(t)))
	}
	return strings.Join(s, ", ")
}

// taskSize returns "10 classes", "1 regression value" or "2 regression
// values".
func taskSize(t mtl.Task) string {
	switch {
	case t.Kind != mtl.RegressKind:
		return fmt.Sprintf("%d classes", t.Classes)
	case t.Outputs == 1:
		return "1 regression value"
	}
	return fmt.Sprintf("%d regression values", t.Outputs)
}

// checkSpec reports the first task of spec that d lacks, or has with
// another kind or size, and an input width that is not d's. A spec may
// declare a subset of d's tasks.
func (d *dataset) checkSpec(spec mtl.Spec) error {
	for _, t := range spec.Tasks {
		want, ok := d.task(t.Name)
		switch {
		case !ok:
			return fmt.Errorf("task %q is not a task of dataset %s, whose tasks are %s", t.Name, d.name, d.taskList())
		case want.Kind != t.Kind || want.Classes != t.Classes || want.Outputs != t.Outputs:
			return fmt.Errorf("task %q has %s, but in dataset %s it has %s", t.Name, taskSize(t), d.name, taskSize(want))
		}
	}
	if w := width(d.input); spec.Width() != w {
		return fmt.Errorf("input %v has %d values per example, but dataset %s has examples of shape %v (%d values)", spec.Input, spec.Width(), d.name, d.input, w)
	}
	return nil
}

// width returns the product of shape.
func width(shape []int) int {
	w := 1
	for _, d := range shape {
		w *= d
	}
	return w
}

// loadMNIST reads a split of MNIST from src.dir, or from the GoMNIST
// module's copy when it is empty.
func loadMNIST(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	if src.dir == "" {
		return datasets.MNIST(split)
	}
	return datasets.MNISTFrom(src.dir, split)
}

// loadMultiMNIST returns a split of MultiMNIST: datasets.MultiMNIST, or
// with --data the same derivation from the MNIST files of src.dir.
func loadMultiMNIST(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	if src.dir == "" {
		return datasets.MultiMNIST(split)
	}
	mnist, err := datasets.MNISTFrom(src.dir, split)
	if err != nil {
		return nil, err
	}
	d, err := datasets.MultiMNISTFrom(mnist, datasets.MultiMNISTSeed+uint64(split))
	if err != nil {
		return nil, err
	}
	d.Name = "multimnist-" + split.String()
	return d, nil
}

// multiMNISTPixel normalises a pixel in [0, 1] as MultiMNIST's features
// are, in float64 rounded once to float32 as datasets does.
func multiMNISTPixel(p float32) float32 {
	return float32((float64(p) - datasets.MultiMNISTMean) / datasets.MultiMNISTStd)
}

// loadMMoESynth generates the synthetic data with src's correlation and
// seed and returns the split asked for.
func loadMMoESynth(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	train, test, err := datasets.MMoESynthetic(datasets.MMoEConfig{Correlation: src.correlation, Seed: src.seed})
	if err != nil {
		return nil, err
	}
	if split == datasets.Test {
		return test, nil
	}
	return train, nil
}

// orList returns "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
