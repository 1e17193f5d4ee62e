package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// trainOptions are the flags of mtl train.
type trainOptions struct {
	fitFlags
	seed      int64
	weighting string
	combine   string
	diagnose  int
	out       string
	resume    string          // --resume: the run folder to continue
	args      []string        // the flags as given, saved for --resume
	callbacks callbackOptions // checkpoints, early stopping, schedules
	data      dataOptions
	model     modelOptions
	set       map[string]bool // the flags given on the command line
	src       dataSource      // what the data is made from, set by prepare
}

func trainCommand() command {
	return command{
		name:     "train",
		synopsis: "[--dataset NAME] [--trunk NAME] [--arch ARCH | --spec FILE] [flags]",
		summary:  "train a multi-task model and evaluate it on the test set",
		doc: `Train a multi-task model on the training set of --dataset, holding out
its last --val-split for validation, then evaluate it on the test set.
The model is a named --trunk whose layers the tasks share as --arch says
(hard: one trunk and a head per task; cross-stitch: a tower per task,
mixed; mmoe, cgc, ple: experts and gates; cascade: hard sharing where the
second task also reads the first task's probabilities), split at --split,
or the model a --spec file declares (see cmd/mtl/examples).

Datasets:
` + datasetsHelp() + `
With no flags this is the seed example: MNIST, one shared Dense(64, ReLU)
layer (--hidden) and the heads "digit" and "parity", Adam at 1e-3, batch
32, 5 epochs.

csv:PATH reads a CSV file with a header row: --tasks names the task
columns and their kinds (classify, binary or regression), --features the
input columns (default: all others), --test-fraction the rows held out
for the test set. The features are standardised by the training rows'
means and standard deviations, saved in the run's csv.json for eval and
predict. spam needs the SpamAssassin corpus: run make data first.

mnist+spam is image and text classification in one model, with two
inputs, each with its own data: "image" (MNIST) read by "digit", and
"text" (spam's hashed words, split by --seed) read by "spam". Each input
has a Dense(64, ReLU) encoder and both then go through one shared
Dense(64, ReLU) block (hard sharing, so --arch, --trunk, --hidden,
--experts and --split do not apply; a --spec file may declare other
layers). Every step takes one batch of --batch examples from each
input's training set and trains on the weighted sum of all the tasks'
losses; an epoch is one pass over the larger set (MNIST), and the
smaller (spam) is reshuffled and started again whenever it runs out, so
its examples are seen several times per epoch. --limit, --test-limit
and --val-split apply to each input's set, and each task is scored on
its input's test set.

--weighting chooses how the task losses are weighted step by step
(static: each task's weight; ew, uw, dwa, gradnorm, rlw, gls; see package
mtl/weighting), and overrides a --spec file's weighting. --combine
chooses how the tasks' gradients on the shared parameters are merged
(sum: the gradient of the weighted total; pcgrad, mgda, cagrad, nash,
imtl, aligned, upgrad, see package mtl/combine; mgda-ub: MGDA on the
shared representation, hard sharing only). Every method but sum and
mgda-ub takes one backward pass per task and step. Pairs that do not
compose, such as uw with a combiner, are refused before training.
--diagnose N measures the tasks' gradients on the shared parameters
every N steps (each measurement costs a backward pass per task unless
the combiner computes them anyway) and writes their norms and pairwise
cosines to conflict.csv and conflict.png; summary.json then has a
"conflict" object with each pair's mean cosine, share of negative
cosines and minimum.

The training state is checkpointed into checkpoints/ of the run folder
at every epoch's end (--checkpoint-every N adds one every N steps), the
last --keep of them kept, plus best.ckpt, the epoch best by --monitor.
Ctrl-C (SIGINT) stops after the current step, writes a checkpoint and
exits with 130. mtl train --resume DIR continues the run in DIR from its
newest good checkpoint (a damaged one is reported and skipped), with the
flags it was started with (saved in train.json), and ends with exactly
the weights, history and test metrics of the run had it never stopped.
--early-stop, --reduce-lr and --lr-schedule add Keras's EarlyStopping,
ReduceLROnPlateau and LearningRateScheduler; a loss or metric that is
NaN or infinite stops the run with an error naming it.

Writes summary.json, history.json, history.csv (after every epoch),
curves.png, model/, train.json and checkpoints/ (and csv.json for csv
data, conflict.csv and conflict.png with --diagnose) into --out, or into
a new folder runs/<UTC time>[-N] of the working directory. The same
--seed gives the same weights, data and test metrics.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &trainOptions{}
			o.register(fs)
			return func(ctx context.Context) error {
				o.set = setFlags(fs)
				if o.set["resume"] {
					ro, err := resumeOptions(o.resume, o.set, e)
					if err != nil {
						return err
					}
					return ro.run(ctx, e)
				}
				o.args = savedArgs(fs)
				return o.run(ctx, e)
			}
		},
	}
}

// register adds the flags of mtl train to fs.
func (o *trainOptions) register(fs *flag.FlagSet) {
	o.data.register(fs, false)
	o.model.register(fs)
	fs.IntVar(&o.epochs, "epochs", 0, "number of epochs (>= 1; default: the dataset's)")
	fs.IntVar(&o.batch, "batch", 0, "batch size (>= 1; default: the dataset's)")
	fs.Float64Var(&o.lr, "lr", 0.001, "learning rate (> 0)")
	fs.StringVar(&o.optimizer, "optimizer", optim.AdamName, "optimizer: adam, sgd, momentum or rmsprop")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the initial weights, of the shuffling and of the data of "+seededNames()+" (>= 0)")
	fs.IntVar(&o.limit, "limit", 0, "train on the first `N` training examples only, validation included, of each input for mnist+spam (0: all)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "evaluate on the first `N` test examples only, of each input for mnist+spam (0: all)")
	fs.Float64Var(&o.valSplit, "val-split", 0.2, "fraction of the training examples, from the end, held out for validation, in [0, 1)")
	fs.StringVar(&o.weighting, "weighting", weighting.StaticName, "how the task losses are weighted, `NAME`: "+orList(weighting.Names)+"; overrides a --spec file's weighting, keeping its parameters when it names the same method")
	fs.StringVar(&o.combine, "combine", combine.SumName, "how the tasks' gradients on the shared parameters are merged, `NAME`: "+orList(combinerNames()))
	fs.IntVar(&o.diagnose, "diagnose", 0, "every `N` steps, record the tasks' gradient norms and cosines on the shared parameters into conflict.csv and conflict.png (0: off)")
	fs.StringVar(&o.out, "out", "", "write the run into `DIR` (default: runs/<UTC time>)")
	fs.StringVar(&o.resume, "resume", "", "continue the run in `DIR` from its newest good checkpoint, with its saved flags")
	o.callbacks.register(fs)
}

// combinerNames lists the values of --combine: combine's methods and
// mtl's mgda-ub.
func combinerNames() []string {
	return append(slices.Clone(combine.Names), mtl.MGDAUB)
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// withDefaults fills the flags the user left out with d's defaults.
func (o *trainOptions) withDefaults(d *dataset) {
	if !o.set["epochs"] {
		o.epochs = d.epochs
	}
	if !o.set["batch"] {
		o.batch = d.batch
	}
	if !o.set["lr-schedule"] {
		o.callbacks.lrSchedule = d.schedule
	}
}

// validate checks the flag values; the errors are usage errors.
func (o *trainOptions) validate() error {
	if err := o.fitFlags.validate("train"); err != nil {
		return err
	}
	switch {
	case o.seed < 0:
		return usageErrorf("train", "--seed %d, want at least 0", o.seed)
	case !slices.Contains(weighting.Names, o.weighting):
		return usageErrorf("train", "--weighting %q, want %s", o.weighting, orList(weighting.Names))
	case !slices.Contains(combinerNames(), o.combine):
		return usageErrorf("train", "--combine %q, want %s", o.combine, orList(combinerNames()))
	case o.diagnose < 0:
		return usageErrorf("train", "--diagnose %d, want 0 (off) or a number of steps", o.diagnose)
	case o.out != "" && strings.TrimSpace(o.out) == "":
		return usageErrorf("train", "--out %q is blank", o.out)
	}
	return o.callbacks.validate(o.lr)
}

func isOptimizer(name string) bool {
	switch name {
	case optim.AdamName, optim.SGDName, optim.MomentumName, optim.RMSPropName:
		return true
	}
	return false
}

// fitConfig returns the training configuration the flags describe. The
// default combiner, sum, stays the zero Config, as before --combine
// existed; any other is seeded by --seed.
func (o *trainOptions) fitConfig(rec mtl.Recorder) mtl.FitConfig {
	cfg := o.fitFlags.fitConfig(o.seed)
	cfg.Diagnose = o.diagnose
	cfg.Recorder = rec
	cfg.Combine = combineConfig(o.combine, o.seed)
	return cfg
}

// setWeighting sets spec's weighting to --weighting: always without a
// --spec file, and over the file's when the flag is given. A file's
// parameters (dwa's temperature, say) are kept when it names the same
// method. The default, static, stays the zero Config, and rlw's draws are
// seeded by --seed.
func (o *trainOptions) setWeighting(spec *mtl.Spec) {
	if o.set["spec"] && !o.set["weighting"] {
		return
	}
	if spec.Weighting.WithDefaults().Name == o.weighting {
		return
	}
	spec.Weighting = weightingConfig(o.weighting, o.seed)
}

// prepare resolves the dataset, fills in its defaults, checks the flags,
// reads a csv file (whose columns give the tasks and the input) and
// builds the spec: everything before the run folder and the rest of the
// data.
func (o *trainOptions) prepare() (*dataset, mtl.Spec, error) {
	d, err := o.data.choose("train", o.set)
	if err != nil {
		return nil, mtl.Spec{}, err
	}
	o.withDefaults(d)
	if err := o.validate(); err != nil {
		return nil, mtl.Spec{}, err
	}
	o.src = dataSource{dir: o.data.data, correlation: o.data.correlation, seed: uint64(o.seed)}
	if d.isCSV() {
		if o.src.csv, err = o.data.openCSV("train", d, o.src.seed); err != nil {
			return nil, mtl.Spec{}, err
		}
	}
	spec, err := o.model.build("train", o.set, d, o.seed)
	if err != nil {
		return nil, mtl.Spec{}, err
	}
	o.setWeighting(&spec)
	return d, spec, nil
}

// run trains, saves the model, history and curves, evaluates on the test
// set, writes summary.json and reports.
func (o *trainOptions) run(ctx context.Context, e *env) (err error) {
	d, spec, err := o.prepare()
	if err != nil {
		return err
	}
	dir, err := newRunDir(o.out, e.now())
	if err != nil {
		return err
	}
	if o.resume != "" {
		dir.created = false // a resumed run's folder is never removed
	}
	defer func() {
		if err != nil {
			if o.resume == "" {
				dir.discardUnresumable()
			}
			dir.discard()
		}
	}()
	src := o.src
	train, err := d.loadSplit(src, spec, datasets.Train, 0) // FitConfig.Limit applies --limit
	if err != nil {
		return err
	}
	test, err := d.loadSplit(src, spec, datasets.Test, o.testLimit)
	if err != nil {
		return err
	}
	prog := newProgress(e)
	cfg := o.fitConfig(prog)
	cfg.Checkpoint = o.callbacks.checkpointConfig(dir.file(checkpointsDir), o.valSplit)
	if cfg.Callbacks, err = o.callbacks.callbacks(dir.file(historyCSVFile), o.lr, o.epochs, o.valSplit); err != nil {
		return err
	}
	m, hist, err := o.train(ctx, e, dir, spec, train, cfg)
	prog.Close()
	if err != nil {
		return err
	}
	if err := writeRun(dir, m, hist); err != nil {
		return err
	}
	if src.csv != nil {
		if err := dir.writeJSON(csvInfoFile, src.csv.stats); err != nil {
			return err
		}
	}
	res, err := evaluateOn(ctx, m, test)
	if err != nil {
		return err
	}
	sum := newSummary(o, d, src, m, cfg, hist, res)
	if err := dir.writeJSON(summaryFile, sum); err != nil {
		return err
	}
	return reportRun(e, dir.path, sum, res)
}

// train trains a new model on train, or with --resume continues the run
// from the newest good checkpoint of its folder.
func (o *trainOptions) train(ctx context.Context, e *env, dir *runDir, spec mtl.Spec, train map[string]*datasets.Dataset, cfg mtl.FitConfig) (*mtl.Model, *mtl.History, error) {
	if o.resume == "" {
		m, err := mtl.New(spec)
		if err != nil {
			return nil, nil, err
		}
		// A run that fails before its first checkpoint (a bad flag pair,
		// say) removes train.json again: see discardUnresumable.
		if err := writeRunArgs(dir, o.args); err != nil {
			return nil, nil, err
		}
		hist, err := trainOn(ctx, m, train, cfg)
		return m, hist, err
	}
	c, err := mtl.OpenCheckpoint(cfg.Checkpoint.Dir)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range c.Skipped {
		fmt.Fprintf(e.stderr, "mtl: skipped a damaged checkpoint: %s\n", s)
	}
	if !e.json {
		if c.Done {
			fmt.Fprintf(e.stderr, "The run had finished (%s); writing its outputs again\n", c.Path)
		} else {
			fmt.Fprintf(e.stderr, "Resuming from %s (epoch %d, %d of its steps done)\n", c.Path, c.Epoch, c.Step)
		}
	}
	opts := mtl.ResumeOptions{Recorder: cfg.Recorder, Callbacks: cfg.Callbacks}
	if spec.MultiInput() {
		return c.ResumeInputs(ctx, train, opts)
	}
	return c.Resume(ctx, train[""], opts)
}
