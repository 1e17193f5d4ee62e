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
	// trunk, epochs, batch and schedule are the defaults of --trunk,
	// --epochs, --batch and --lr-schedule.
	trunk         string
	epochs, batch int
	schedule      string
	// images: the examples are images [1 H W], so predict --images
	// applies (and predict --draw, with a box task).
	images bool
	// seeded: --seed also seeds the data (its generation or its split),
	// and eval and predict read the seed back from the run.
	seeded bool
	// dataDir: --data names the folder the data is read from.
	dataDir bool
	// load returns one split, made from src.
	load func(src dataSource, split datasets.Split) (*datasets.Dataset, error)
	// pixel maps a pixel scaled to [0, 1] to the feature the dataset
	// holds for it; nil for the identity.
	pixel func(p float32) float32
	// classes names the classes of each class task, when the data has
	// names (csv): label i of task t is classes[t][i].
	classes map[string][]string
	// inputs and shared make a multi-input dataset (mnist+spam): each
	// input reads a dataset of its own through an encoder, the shared
	// layers follow every encoder (hard sharing), and each task names the
	// input it reads (mtl.Task.Input). input, trunk, load, images and
	// pixel are then unset; see inputs.go.
	inputs []datasetInput
	shared []mtl.Layer
}

// dataSource is what a dataset is made from: --data for the MNIST-based
// datasets and spam (for mnist+spam, MNIST), the correlation for
// mmoe-synth, the seed for the seeded datasets, and the file and its
// columns for csv.
type dataSource struct {
	dir         string     // --data; empty for the default copy
	correlation float64    // mmoe-synth: the cosine of the two tasks' weight vectors
	seed        uint64     // mmoe-synth, mnist-loc, spam, mnist+spam, csv: the seed of the generator or of the split
	csv         *csvSource // csv: the file, its tasks and features, and once read its data
}

// The datasets' names; a csv dataset is named csvPrefix + its file.
const (
	mnistName      = "mnist"
	multiMNISTName = "multimnist"
	mmoeSynthName  = "mmoe-synth"
	mnistLocName   = "mnist-loc"
	spamName       = "spam"
	mnistSpamName  = "mnist+spam"
	csvPrefix      = "csv:"
)

// defaultCorrelation is the default of --correlation (mmoe-synth).
const defaultCorrelation = 0.5

// mnistLocTestSeed is what datasets.MNISTLoc XORs into the seed of the
// test split (its documentation gives the value; datasets does not export
// it), so that --data derives the same test split from MNIST files.
const mnistLocTestSeed uint64 = 0x9e3779b97f4a7c15

// allDatasets lists the datasets in help order; the last one, csv, stands
// for every csv:PATH.
func allDatasets() []*dataset {
	mnist := &dataset{
		name:    mnistName,
		about:   `MNIST digits [1 28 28]: "digit" (10 classes), "parity" (2 classes)`,
		input:   []int{1, 28, 28},
		tasks:   []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)},
		trunk:   "mlp",
		epochs:  5,
		batch:   32,
		images:  true,
		dataDir: true,
		load:    loadMNIST,
	}
	spam := &dataset{
		name:    spamName,
		about:   fmt.Sprintf(`SpamAssassin mail as hashed words [%d]: "spam", "hard" (binary; hard: ham only)`, datasets.DefaultBOWDim),
		input:   []int{datasets.DefaultBOWDim},
		tasks:   []mtl.Task{mtl.Binary("spam"), mtl.Binary("hard")},
		trunk:   textTrunk,
		epochs:  5,
		batch:   64,
		seeded:  true,
		dataDir: true,
		load:    spamLoader(),
	}
	return []*dataset{
		mnist,
		{
			name:    multiMNISTName,
			about:   `two overlapping digits [1 28 28]: "left" (10 classes), "right" (10 classes)`,
			input:   []int{1, 28, 28},
			tasks:   []mtl.Task{mtl.Classify("left", 10), mtl.Classify("right", 10)},
			trunk:   "lenet",
			epochs:  10,
			batch:   256,
			images:  true,
			dataDir: true,
			load:    loadMultiMNIST,
			pixel:   multiMNISTPixel,
		},
		{
			name:   mmoeSynthName,
			about:  `synthetic regression of Ma et al. 2018 [100]: "t1", "t2" (1 value each)`,
			input:  []int{100},
			tasks:  []mtl.Task{mtl.Regress("t1", 1), mtl.Regress("t2", 1)},
			trunk:  mmoeSynthTrunk,
			epochs: 30,
			batch:  128,
			seeded: true,
			load:   loadMMoESynth,
		},
		{
			name:  mnistLocName,
			about: `a digit on a cluttered canvas [1 56 56]: "digit" (10 classes), "box" (x0 y0 x1 y1)`,
			input: []int{1, 56, 56},
			// The box's smooth-L1 loss on coordinates in [0, 1] is a
			// hundredth of the digit's cross-entropy or less; weighted 10,
			// it still shapes the shared convolutions (measured at 300
			// steps on 24,000 examples: mean IoU 0.57 against 0.48 at
			// weight 1, digit accuracy 0.73 against 0.75).
			tasks:    []mtl.Task{mtl.Classify("digit", 10), mtl.Box("box").WithWeight(10)},
			trunk:    locTrunk,
			epochs:   15,
			batch:    128,
			schedule: "cosine",
			images:   true,
			seeded:   true,
			dataDir:  true,
			load:     loadMNISTLoc,
		},
		spam,
		newMNISTSpam(mnist, spam),
		newCSVDataset("PATH"),
	}
}

// lookupDataset returns the dataset called name: one of allDatasets, or
// csv:PATH for any PATH that is not empty.
func lookupDataset(name string) (*dataset, bool) {
	if path, ok := strings.CutPrefix(name, csvPrefix); ok {
		if path == "" {
			return nil, false
		}
		return newCSVDataset(path), true
	}
	for _, d := range allDatasets() {
		if d.name == name {
			return d, true
		}
	}
	return nil, false
}

// datasetNames returns "mnist, multimnist, ..., mnist+spam or csv:PATH".
func datasetNames() string {
	var names []string
	for _, d := range allDatasets() {
		names = append(names, d.name)
	}
	return orList(names)
}

// seededNames returns "mmoe-synth, mnist-loc, spam, mnist+spam and csv",
// the datasets whose data --seed seeds.
func seededNames() string {
	var names []string
	for _, d := range allDatasets() {
		if d.seeded {
			names = append(names, strings.TrimSuffix(d.name, ":PATH"))
		}
	}
	return andList(names)
}

// dataDirNames returns "mnist, multimnist, mnist-loc, spam and
// mnist+spam", the datasets that --data applies to.
func dataDirNames() string {
	var names []string
	for _, d := range allDatasets() {
		if d.dataDir {
			names = append(names, d.name)
		}
	}
	return andList(names)
}

// datasetsHelp returns the dataset table of the help texts.
func datasetsHelp() string {
	var b strings.Builder
	for _, d := range allDatasets() {
		fmt.Fprintf(&b, "  %-11s %s\n", d.name, d.about)
		schedule := ""
		if d.schedule != "" {
			schedule = ", learning rate schedule " + d.schedule
		}
		fmt.Fprintf(&b, "  %-11s defaults: %s, %d epochs, batch %d%s\n", "", d.modelAbout(), d.epochs, d.batch, schedule)
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

// taskSize returns "10 classes", "2 classes (binary)", "a box (4
// values)", "1 regression value" or "2 regression values".
func taskSize(t mtl.Task) string {
	switch {
	case t.Kind == mtl.BinaryKind:
		return fmt.Sprintf("%d classes (binary)", t.Classes)
	case t.Kind == mtl.BoxKind:
		return fmt.Sprintf("a box (%d values)", t.Outputs)
	case t.Kind != mtl.RegressKind:
		return fmt.Sprintf("%d classes", t.Classes)
	case t.Outputs == 1:
		return "1 regression value"
	}
	return fmt.Sprintf("%d regression values", t.Outputs)
}

// checkSpec reports inputs of spec that are not d's (see checkInputs),
// the first task of spec that d lacks, or has with another kind or size
// or reading another input, and an input width that is not d's. A spec
// may declare a subset of d's tasks.
func (d *dataset) checkSpec(spec mtl.Spec) error {
	if err := d.checkInputs(spec); err != nil {
		return err
	}
	for _, t := range spec.Tasks {
		want, ok := d.task(t.Name)
		switch {
		case !ok:
			return fmt.Errorf("task %q is not a task of dataset %s, whose tasks are %s", t.Name, d.name, d.taskList())
		case want.Kind != t.Kind || want.Classes != t.Classes || want.Outputs != t.Outputs:
			return fmt.Errorf("task %q has %s, but in dataset %s it has %s", t.Name, taskSize(t), d.name, taskSize(want))
		case want.Input != t.Input:
			return fmt.Errorf("task %q reads input %q, but in dataset %s it reads %q", t.Name, t.Input, d.name, want.Input)
		}
	}
	if d.multiInput() {
		return nil
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

// loadMNISTLoc returns a split of mnist-loc seeded by src.seed:
// datasets.MNISTLoc, or with --data the same derivation from the MNIST
// files of src.dir.
func loadMNISTLoc(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	cfg := datasets.MNISTLocConfig{Seed: src.seed}
	if src.dir == "" {
		return datasets.MNISTLoc(split, cfg)
	}
	mnist, err := datasets.MNISTFrom(src.dir, split)
	if err != nil {
		return nil, err
	}
	if split == datasets.Test {
		cfg.Seed ^= mnistLocTestSeed
	}
	d, err := datasets.MNISTLocFrom(mnist, cfg)
	if err != nil {
		return nil, err
	}
	d.Name = mnistLocName + "-" + split.String()
	return d, nil
}

// spamLoader returns the load function of spam: it reads the corpus from
// src.dir (default: datasets.SpamDir, where make data puts it) once, on
// the first call, and makes each split from it with src.seed.
func spamLoader() func(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	var corpus *datasets.SpamCorpus
	return func(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
		if corpus == nil {
			c, err := datasets.SpamAssassin(src.dir)
			if err != nil {
				return nil, err
			}
			corpus = c
		}
		return datasets.SpamFrom(corpus, split, datasets.SpamConfig{Seed: src.seed})
	}
}

// orList returns "a, b or c".
func orList(names []string) string {
	return joinList(names, " or ")
}

// andList returns "a, b and c".
func andList(names []string) string {
	return joinList(names, " and ")
}

// joinList returns "a, b<last>c".
func joinList(names []string, last string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + last + names[len(names)-1]
}
