package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// benchOptions are the flags of mtl bench.
type benchOptions struct {
	methods string
	archs   string
	seeds   int
	fitFlags
	trunk   string
	hidden  int
	experts int
	out     string
	shard   string
	data    dataOptions
	set     map[string]bool
}

func benchCommand() command {
	return command{
		name:     "bench",
		synopsis: "--out DIR [--dataset NAME] [--methods LIST] [--archs LIST] [--seeds K] [--shard i/n] [flags]\n       mtl bench merge --out DIR SHARD_DIR...\n       mtl bench speed --out DIR [--rounds 3] [--epochs 2] [--workloads LIST]",
		summary:  "train a grid of balancing methods × architectures × seeds and tabulate it",
		doc: `Train every method of --methods on every architecture of --archs with the
seeds 1 to --seeds, evaluate each run on the test set, and tabulate the
mean and sample standard deviation over the seeds of each task's test
metric, with Δm% against the single-task baselines.

A method is a weighting of the task losses, which trains with the plain
sum of the gradients, a combiner of the task gradients, which trains with
the static task weights, or stl:

  weightings  ` + strings.Join(weighting.Names, ", ") + `
  combiners   ` + strings.Join(combine.Names, ", ") + `, ` + mtl.MGDAUB + `
  stl         for each task, a model of that task alone (the trunk and the
              task's head, hard sharing, whatever --archs says), trained
              with the same flags: the single-task baselines

mgda-ub needs hard sharing of one input: the grid leaves it out on other
architectures, and results.md says so. Seed k seeds the weights, the
shuffling, the method's own draws (rlw, pcgrad) and the data of the
seeded datasets (` + seededNames() + `),
as mtl train --seed k does: a run trains and scores as mtl train --seed k
--val-split 0 --weighting M (or --combine M) does.

The metric of a task is its test accuracy (classification and binary
tasks), mean absolute error (regression; lower is better) or mean IoU
(boxes), after the last epoch. Δm% = (1/T) Σ_t (−1)^l_t (M_m,t − M_stl,t) /
M_stl,t × 100, l_t = 1 where lower is better, over the means of the same
seeds (LibMTL's convention: higher is better, 0 is as good as stl); rows
have it only when --methods has stl.

Each run writes DIR/runs/<arch>/<method>/seed<k>.json (stl:
DIR/runs/hard/stl/<task>/seed<k>.json) as it finishes; a rerun skips the
runs whose file is there, so an interrupted bench resumes. A file of
another configuration (other --epochs, say) is an error: use another
--out. Then results.json, results.md and results.png summarise the grid.

--shard i/n (1 <= i <= n) trains only the runs whose index in the grid's
fixed order (seed, then method, then task or architecture) is i-1 modulo
n, and writes no results; "mtl bench merge --out DIR SHARD_DIR..." gathers
the shards' runs into DIR, refusing duplicates of different
configurations and shards of different benches, and writes the results:
the same rows as one unsharded bench, times aside.

Datasets:
` + datasetsHelp(),
		args: true,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &benchOptions{}
			o.register(fs)
			return func(ctx context.Context) error {
				o.set = setFlags(fs)
				if fs.NArg() > 0 {
					sub := fs.Arg(0)
					if sub != "merge" && sub != "speed" {
						return usageErrorf("bench", "unexpected argument %q (flags start with -; the subcommands are merge and speed)", sub)
					}
					for f := range o.set {
						if f != "json" {
							return usageErrorf("bench", "--%s is a flag of mtl bench, not of mtl bench %s", f, sub)
						}
					}
					if sub == "speed" {
						return runSpeed(ctx, e, fs.Args()[1:])
					}
					return runMerge(ctx, e, fs.Args()[1:])
				}
				return o.run(ctx, e)
			}
		},
	}
}

// register adds the flags of mtl bench to fs.
func (o *benchOptions) register(fs *flag.FlagSet) {
	o.data.register(fs, false)
	fs.StringVar(&o.methods, "methods", strings.Join(defaultMethods, ","), "the methods `LIST`, comma-separated: "+orList(benchMethods()))
	fs.StringVar(&o.archs, "archs", "", "the architectures `LIST`, comma-separated: "+orList(archNames())+" (default: hard, and the rows name no architecture)")
	fs.IntVar(&o.seeds, "seeds", 3, "train each cell with the seeds 1 to `K` (at most 1000)")
	fs.IntVar(&o.epochs, "epochs", 0, "number of epochs (>= 1; default: the dataset's)")
	fs.IntVar(&o.batch, "batch", 0, "batch size (>= 1; default: the dataset's)")
	fs.Float64Var(&o.lr, "lr", 0.001, "learning rate (> 0)")
	fs.StringVar(&o.optimizer, "optimizer", optim.AdamName, "optimizer: adam, sgd, momentum or rmsprop")
	fs.IntVar(&o.limit, "limit", 0, "train on the first `N` training examples only (0: all)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "evaluate on the first `N` test examples only (0: all)")
	fs.Float64Var(&o.valSplit, "val-split", 0, "fraction of the training examples, from the end, held out for validation, in [0, 1) (nothing is selected on it)")
	fs.StringVar(&o.trunk, "trunk", "", "the trunk `NAME`: "+orList(trunkNames())+" (default: the dataset's)")
	fs.IntVar(&o.hidden, "hidden", 64, "units of the mlp trunk's Dense ReLU layer (>= 1)")
	fs.IntVar(&o.experts, "experts", 0, "`N` shared experts of mmoe, cgc and ple (0: mtl's default)")
	fs.StringVar(&o.out, "out", "", "the bench folder `DIR` (required)")
	fs.StringVar(&o.shard, "shard", "", "train shard `i/n` of the grid only, 1 <= i <= n, and write no results")
}

// A benchPlan is a validated bench: the dataset, the grid and the shard.
type benchPlan struct {
	o        *benchOptions
	d        *dataset
	manifest *benchManifest
	keys     []runKey
	shard    int // 0: unsharded
	shards   int
	// src is the data source of the seed srcSeed (0: none yet), kept
	// because a csv file is read to make one.
	src     dataSource
	srcSeed int
}

// validate checks the flags on their own; the errors are usage errors.
func (o *benchOptions) validate() error {
	switch {
	case o.out == "" || strings.TrimSpace(o.out) == "":
		return usageErrorf("bench", "--out DIR is required: the bench folder, which a rerun resumes")
	case o.seeds < 1 || o.seeds > maxBenchSeeds:
		return usageErrorf("bench", "--seeds %d, want 1 to %d", o.seeds, maxBenchSeeds)
	}
	return o.fitFlags.validate("bench")
}

// prepare resolves the dataset and its defaults, checks the flags, builds
// every architecture's model once (so that a bad flag fails before any
// training) and lays out the grid.
func (o *benchOptions) prepare() (*benchPlan, error) {
	d, err := o.data.choose("bench", o.set)
	if err != nil {
		return nil, err
	}
	if !o.set["epochs"] {
		o.epochs = d.epochs
	}
	if !o.set["batch"] {
		o.batch = d.batch
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	p := &benchPlan{o: o, d: d}
	if o.set["shard"] {
		if p.shard, p.shards, err = parseShard("bench", o.shard); err != nil {
			return nil, err
		}
	}
	methods, err := parseList("bench", "methods", o.methods, benchMethods())
	if err != nil {
		return nil, err
	}
	var archs []string
	if o.set["archs"] {
		if archs, err = parseList("bench", "archs", o.archs, archNames()); err != nil {
			return nil, err
		}
	}
	m := &benchManifest{
		Dataset: d.name, Methods: methods, Archs: archs, Seeds: o.seeds,
		Epochs: o.epochs, Batch: o.batch, Optimizer: o.optimizer, LR: o.lr,
		Limit: o.limit, TestLimit: o.testLimit, ValSplit: o.valSplit,
		Experts: o.experts, Data: o.data.data,
	}
	p.manifest = m
	if d.isCSV() {
		// The file's columns give the tasks; every seed reads it again.
		if _, err := p.source(1); err != nil {
			return nil, err
		}
		m.CSV = &csvOptionsRec{Tasks: o.data.csv.tasks, Features: o.data.csv.features, TestFraction: o.data.csv.testFraction}
	}
	if d.name == mmoeSynthName {
		m.Correlation = &o.data.correlation
	}
	if !d.multiInput() {
		m.Trunk = o.modelOptions(mtl.HardArch).trunkFor(d)
		if m.Trunk == "mlp" {
			m.Hidden = o.hidden
		}
	}
	if o.set["experts"] && !slices.ContainsFunc(archs, hasExperts) {
		return nil, usageErrorf("bench", "--experts is for --archs mmoe, cgc and ple")
	}
	for _, t := range d.tasks {
		m.Tasks = append(m.Tasks, newBenchTask(t))
	}
	for _, arch := range m.archList() {
		if d.multiInput() && arch != mtl.HardArch {
			return nil, usageErrorf("bench", "--archs %s: dataset %s has an encoder per input, and its model shares one block after them (hard sharing only)", arch, d.name)
		}
		spec, err := p.archSpec(arch, 1)
		if err != nil {
			return nil, err
		}
		if why := mgdaUBMisfit(spec); why != "" && slices.Contains(methods, mtl.MGDAUB) {
			m.Excluded = append(m.Excluded, excludedCell{Arch: arch, Method: mtl.MGDAUB, Reason: why})
		}
	}
	p.keys = m.grid()
	if len(p.keys) == 0 {
		return nil, usageErrorf("bench", "the grid is empty: %s", m.Excluded[0].Reason)
	}
	return p, nil
}

// mgdaUBMisfit returns why mgda-ub cannot train spec, or "": it needs one
// shared representation, so hard sharing of a single input without a
// cascade (mtl's rule, Spec.singleRepresentation; Fit refuses the rest).
func mgdaUBMisfit(spec mtl.Spec) string {
	switch {
	case archOf(spec) != mtl.HardArch:
		return fmt.Sprintf("mgda-ub needs hard sharing, not %s", archOf(spec))
	case spec.MultiInput():
		return "mgda-ub needs a single-input model"
	case len(spec.Shared) == 0:
		return "mgda-ub needs shared layers"
	}
	return ""
}

// modelOptions returns the model flags for arch.
func (o *benchOptions) modelOptions(arch string) *modelOptions {
	return &modelOptions{trunk: o.trunk, hidden: o.hidden, arch: arch, experts: o.experts}
}

// archSpec returns the multi-task model of arch, seeded with seed.
func (p *benchPlan) archSpec(arch string, seed int) (mtl.Spec, error) {
	set := map[string]bool{
		"trunk":   p.o.set["trunk"],
		"hidden":  p.o.set["hidden"],
		"experts": p.o.set["experts"] && hasExperts(arch),
	}
	return p.o.modelOptions(arch).build("bench", set, p.d, int64(seed))
}

// runConfig returns the model and training configuration of run k.
func (p *benchPlan) runConfig(k runKey, src dataSource) (benchRunConfig, error) {
	spec, err := p.archSpec(k.arch, k.seed)
	if err != nil {
		return benchRunConfig{}, err
	}
	fit := p.o.fitFlags.fitConfig(int64(k.seed))
	// As mtl train --weighting and --combine set them.
	switch {
	case k.method == stlMethod:
		spec = singleTask(spec, k.task)
	case isWeighting(k.method):
		spec.Weighting = weightingConfig(k.method, int64(k.seed))
	default:
		fit.Combine = combineConfig(k.method, int64(k.seed))
	}
	rc := benchRunConfig{Dataset: p.d.name, Data: src.dir, TestLimit: p.o.testLimit, Spec: spec, Fit: fit, Trunk: p.manifest.Trunk}
	if p.manifest.Correlation != nil {
		rc.Correlation = &src.correlation
	}
	if src.csv != nil {
		rc.CSV = &src.csv.cfg
	}
	return rc, nil
}

// singleTask returns spec with the task called name only, and of a
// multi-input spec only the inputs that task reads.
func singleTask(spec mtl.Spec, name string) mtl.Spec {
	spec.Tasks = slices.DeleteFunc(slices.Clone(spec.Tasks), func(t mtl.Task) bool { return t.Name != name })
	if spec.MultiInput() {
		spec.Inputs = slices.DeleteFunc(slices.Clone(spec.Inputs), func(in mtl.InputSpec) bool {
			return !slices.ContainsFunc(spec.Tasks, func(t mtl.Task) bool { return t.Input == in.Name })
		})
	}
	return spec
}

// source returns what the data of seed is made from: the seed is the
// data's for the seeded datasets, and a csv file is read (giving the
// dataset its tasks).
func (p *benchPlan) source(seed int) (dataSource, error) {
	if p.srcSeed == seed {
		return p.src, nil
	}
	src := dataSource{dir: p.o.data.data, correlation: p.o.data.correlation, seed: uint64(seed)}
	if !p.d.seeded {
		src.seed = 1 // unused; one source for every seed
	}
	if p.d.isCSV() {
		var err error
		if src.csv, err = p.o.data.openCSV("bench", p.d, src.seed); err != nil {
			return dataSource{}, err
		}
	}
	p.src, p.srcSeed = src, seed
	return src, nil
}

// benchData holds the splits of one data seed, loaded on first use.
type benchData struct {
	seed        uint64
	loaded      bool
	train, test map[string]*datasets.Dataset
}

// splits returns the training and test splits of src, loading them when
// src's seed is not the one loaded. A split holds every input of the
// dataset; inputsOf picks a model's.
func (p *benchPlan) splits(b *benchData, src dataSource, seed int) error {
	if b.loaded && b.seed == src.seed {
		return nil
	}
	b.train, b.test, b.loaded = nil, nil, false // let the old seed's data go first
	full, err := p.archSpec(mtl.HardArch, seed)
	if err != nil {
		return err
	}
	if b.train, err = p.d.loadSplit(src, full, datasets.Train, 0); err != nil { // FitConfig.Limit applies --limit
		return err
	}
	if b.test, err = p.d.loadSplit(src, full, datasets.Test, p.o.testLimit); err != nil {
		return err
	}
	b.seed, b.loaded = src.seed, true
	return nil
}

// inputsOf returns the part of split that spec reads: all of it for a
// single-input model, its inputs' data for a multi-input one.
func inputsOf(split map[string]*datasets.Dataset, spec mtl.Spec) map[string]*datasets.Dataset {
	if !spec.MultiInput() {
		return split
	}
	out := map[string]*datasets.Dataset{}
	for _, in := range spec.Inputs {
		out[in.Name] = split[in.Name]
	}
	return out
}

// run trains the grid (or the shard's part of it), skipping finished
// runs, then writes the results of an unsharded bench. It checks every
// run's file before it writes or trains anything, so that a rerun with
// other flags fails at once and leaves the folder as it was.
func (o *benchOptions) run(ctx context.Context, e *env) error {
	p, err := o.prepare()
	if err != nil {
		return err
	}
	m := p.manifest
	todo := make([]int, len(p.keys))
	for i := range todo {
		todo[i] = i
	}
	if p.shard > 0 {
		m.Shard = fmt.Sprintf("%d/%d", p.shard, p.shards)
		todo = shardOf(p.keys, p.shard, p.shards)
	}
	rep := newBenchReporter(e, len(p.keys), len(m.Archs) > 0)
	jobs := make([]benchJob, len(todo))
	for j, i := range todo {
		if jobs[j], err = p.job(i, rep); err != nil {
			return err
		}
	}
	if err := writeBenchJSON(o.out, benchFile, m); err != nil {
		return err
	}
	rep.start(m, len(todo), o.out)
	var data benchData
	tally := benchTally{Runs: len(p.keys), Here: len(todo)}
	for _, job := range jobs {
		if job.done {
			rep.skipped(job.i, job.k)
			tally.Skipped++
			continue
		}
		if err := p.train(ctx, e, rep, &data, job); err != nil {
			return fmt.Errorf("bench: %s: %w", job.k.label(true), err)
		}
		tally.Trained++
	}
	if p.shard > 0 {
		return rep.shardDone(o.out, m.Shard, tally)
	}
	res, md, err := writeResults(o.out, m)
	if err != nil {
		return err
	}
	return rep.done(o.out, tally, res, md)
}

// A benchJob is run number i of the grid, k, with its configuration,
// and done when its file holds it finished.
type benchJob struct {
	i    int
	k    runKey
	src  dataSource
	rc   benchRunConfig
	cfg  json.RawMessage // rc, marshalled
	done bool
}

// job returns run i of the grid, done when its file holds a finished run
// of the same configuration. A file of another configuration is an error;
// a damaged one is trained again (rep notes it).
func (p *benchPlan) job(i int, rep *benchReporter) (benchJob, error) {
	k := p.keys[i]
	src, err := p.source(k.seed)
	if err != nil {
		return benchJob{}, err
	}
	rc, err := p.runConfig(k, src)
	if err != nil {
		return benchJob{}, err
	}
	cfg, err := json.Marshal(rc)
	if err != nil {
		return benchJob{}, fmt.Errorf("bench: %s: recording the configuration: %w", k.label(true), err)
	}
	job := benchJob{i: i, k: k, src: src, rc: rc, cfg: cfg}
	old, err := readRun(p.o.out, k, p.manifest.Tasks)
	switch {
	case err == nil && sameConfig(old.Config, cfg):
		job.done = true
	case err == nil:
		return benchJob{}, fmt.Errorf("bench: %s holds a run of another configuration (other flags or code): use another --out, or delete the file to train it again",
			filepath.Join(p.o.out, filepath.FromSlash(k.path())))
	case errors.Is(err, errInvalidRun):
		rep.note(fmt.Sprintf("%v: training it again", err))
	case !errors.Is(err, fs.ErrNotExist):
		return benchJob{}, err
	}
	return job, nil
}

// train trains and evaluates job's run and writes its file.
func (p *benchPlan) train(ctx context.Context, e *env, rep *benchReporter, data *benchData, job benchJob) error {
	k, rc := job.k, job.rc
	rep.begin(job.i, k)
	if err := p.splits(data, job.src, k.seed); err != nil {
		return err
	}
	model, err := mtl.New(rc.Spec)
	if err != nil {
		return err
	}
	fit := rc.Fit
	var prog progress
	if e.tty && !e.json {
		prog = newBarProgress(e.stderr, e.now, e.width)
		fit.Recorder = prog
	}
	hist, err := trainOn(ctx, model, inputsOf(data.train, rc.Spec), fit)
	if prog != nil {
		prog.Close()
	}
	if err != nil {
		return err
	}
	res, err := evaluateOn(ctx, model, inputsOf(data.test, rc.Spec))
	if err != nil {
		return err
	}
	run := benchRun{
		Arch: k.arch, Method: k.method, Task: k.task, Seed: k.seed,
		Epochs:  hist.Epochs(),
		Test:    scores(res),
		Seconds: hist.TrainSeconds,
		Params:  model.NumParams(),
		Config:  job.cfg,
	}
	if err := writeBenchJSON(p.o.out, k.path(), run); err != nil {
		return err
	}
	rep.finish(job.i, k, &run, p.manifest.Tasks)
	return nil
}
