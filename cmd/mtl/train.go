package main

import (
	"context"
	"flag"
	"math"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/optim"
)

// trainOptions are the flags of mtl train.
type trainOptions struct {
	epochs    int
	batch     int
	lr        float64
	optimizer string
	hidden    int
	seed      int64
	limit     int
	valSplit  float64
	data      string
	out       string
}

func trainCommand() command {
	return command{
		name:     "train",
		synopsis: "[flags]",
		summary:  "train the seed model (digit + parity) and evaluate it on the test set",
		doc: `Train a model with one shared Dense(--hidden, ReLU) layer and two softmax
heads, "digit" and "parity", on the MNIST training set, holding out its
last --val-split for validation, then evaluate it on the 10,000 test images.
The defaults are the seed example: Adam at 1e-3, batch 32, 5 epochs.

Writes summary.json, history.json, history.csv, curves.png and model/ into
--out, or into a new folder runs/<UTC time>[-N] of the working directory.
The same --seed gives the same weights and test metrics.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &trainOptions{}
			fs.IntVar(&o.epochs, "epochs", 5, "number of epochs (>= 1)")
			fs.IntVar(&o.batch, "batch", 32, "batch size (>= 1)")
			fs.Float64Var(&o.lr, "lr", 0.001, "learning rate (> 0)")
			fs.StringVar(&o.optimizer, "optimizer", optim.AdamName, "optimizer: adam, sgd, momentum or rmsprop")
			fs.IntVar(&o.hidden, "hidden", 64, "units of the shared Dense ReLU layer (>= 1)")
			fs.Int64Var(&o.seed, "seed", 1, "seed of the initial weights and of the shuffling (>= 0)")
			fs.IntVar(&o.limit, "limit", 0, "train on the first `N` training examples only, validation included (0: all)")
			fs.Float64Var(&o.valSplit, "val-split", 0.2, "fraction of the training examples, from the end, held out for validation, in [0, 1)")
			fs.StringVar(&o.data, "data", "", "read MNIST from `DIR`, a folder with the four MNIST files (default: the GoMNIST module's copy)")
			fs.StringVar(&o.out, "out", "", "write the run into `DIR` (default: runs/<UTC time>)")
			return func(ctx context.Context) error { return o.run(ctx, e) }
		},
	}
}

// validate checks the flag values; the errors are usage errors.
func (o *trainOptions) validate() error {
	switch {
	case o.epochs < 1:
		return usageErrorf("train", "--epochs %d, want at least 1", o.epochs)
	case o.batch < 1:
		return usageErrorf("train", "--batch %d, want at least 1", o.batch)
	case !(o.lr > 0) || math.IsInf(o.lr, 0):
		return usageErrorf("train", "--lr %v, want a finite value > 0", o.lr)
	case !isOptimizer(o.optimizer):
		return usageErrorf("train", "--optimizer %q, want adam, sgd, momentum or rmsprop", o.optimizer)
	case o.hidden < 1:
		return usageErrorf("train", "--hidden %d, want at least 1", o.hidden)
	case o.seed < 0:
		return usageErrorf("train", "--seed %d, want at least 0", o.seed)
	case o.limit < 0:
		return usageErrorf("train", "--limit %d, want 0 (all) or more", o.limit)
	case !(o.valSplit >= 0 && o.valSplit < 1):
		return usageErrorf("train", "--val-split %v, want a fraction in [0, 1)", o.valSplit)
	case o.out != "" && strings.TrimSpace(o.out) == "":
		return usageErrorf("train", "--out %q is blank", o.out)
	}
	return nil
}

func isOptimizer(name string) bool {
	switch name {
	case optim.AdamName, optim.SGDName, optim.MomentumName, optim.RMSPropName:
		return true
	}
	return false
}

// spec returns the model the flags describe.
func (o *trainOptions) spec() mtl.Spec {
	return mtl.Spec{
		Input:  []int{784},
		Shared: []mtl.Layer{mtl.Dense(o.hidden, mtl.ReLU)},
		Tasks:  []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)},
		Seed:   o.seed,
	}
}

// fitConfig returns the training configuration the flags describe.
func (o *trainOptions) fitConfig(rec mtl.Recorder) mtl.FitConfig {
	return mtl.FitConfig{
		Epochs:          o.epochs,
		BatchSize:       o.batch,
		ValidationSplit: o.valSplit,
		Limit:           o.limit,
		Seed:            o.seed,
		Optimizer:       optim.Config{Name: o.optimizer, LearningRate: o.lr},
		Recorder:        rec,
	}
}

// run trains, saves the model, history and curves, evaluates on the test
// set, writes summary.json and reports.
func (o *trainOptions) run(ctx context.Context, e *env) (err error) {
	if err := o.validate(); err != nil {
		return err
	}
	dir, err := newRunDir(o.out, e.now())
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			dir.discard()
		}
	}()
	train, err := loadMNIST(o.data, datasets.Train)
	if err != nil {
		return err
	}
	test, err := loadMNIST(o.data, datasets.Test)
	if err != nil {
		return err
	}
	m, err := mtl.New(o.spec())
	if err != nil {
		return err
	}
	prog := newProgress(e)
	cfg := o.fitConfig(prog)
	hist, err := m.Fit(ctx, train, cfg)
	prog.Close()
	if err != nil {
		return err
	}
	if err := writeRun(dir, m, hist); err != nil {
		return err
	}
	res, err := m.Evaluate(ctx, test)
	if err != nil {
		return err
	}
	sum := newSummary(o, m, cfg, hist, res)
	if err := dir.writeJSON(summaryFile, sum); err != nil {
		return err
	}
	return reportRun(e, dir.path, sum, res)
}

// taskNames lists the spec's task names in order.
func taskNames(spec mtl.Spec) []string {
	names := make([]string, len(spec.Tasks))
	for i, t := range spec.Tasks {
		names[i] = t.Name
	}
	return names
}
