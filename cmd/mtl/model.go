package main

import (
	"flag"
	"fmt"
	"slices"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// modelOptions are the flags that declare the model, shared by train and
// summary: a named trunk shared as --arch says, or a --spec file.
type modelOptions struct {
	trunk   string
	hidden  int
	arch    string
	experts int
	split   int
	spec    string
}

// The values of --arch besides mtl's architecture kinds: hard sharing
// where the second task also reads the first task's probabilities.
const cascadeArch = "cascade"

// The CLI's own trunks (mtl has no such named trunks):
//
//   - mmoe-synth: the network of the MMoE paper's synthetic experiment,
//     scaled down;
//   - loc, for mnist-loc: a small convolutional network whose shared
//     features serve both the digit and its box;
//   - text, for spam: one dense layer over the hashed bag of words. The
//     bag of words is already a fixed-width vector, so this layer is the
//     text encoder; there is no embedding or sequence model.
const (
	mmoeSynthTrunk = "mmoe-synth"
	locTrunk       = "loc"
	textTrunk      = "text"
)

// cliTrunks lists the CLI's own trunks.
var cliTrunks = []string{mmoeSynthTrunk, locTrunk, textTrunk}

// modelFlags are the flags a --spec file replaces.
var modelFlags = []string{"trunk", "hidden", "arch", "experts", "split"}

// register adds the model flags to fs.
func (o *modelOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.trunk, "trunk", "", "the trunk `NAME`, the layers the tasks share: "+orList(trunkNames())+" (default: the dataset's)")
	fs.IntVar(&o.hidden, "hidden", 64, "units of the mlp trunk's Dense ReLU layer (>= 1)")
	fs.StringVar(&o.arch, "arch", mtl.HardArch, "the architecture `ARCH`, how the tasks share the trunk: "+orList(archNames()))
	fs.IntVar(&o.experts, "experts", 0, "`N` shared experts of mmoe, cgc and ple (0: mtl's default, 3 for mmoe and 2 for cgc and ple)")
	fs.IntVar(&o.split, "split", 0, "share the first `K` trunk layers only and copy the rest into each task's head (default: all shared)")
	fs.StringVar(&o.spec, "spec", "", "read the whole model from the JSON spec `FILE` (excludes --trunk, --hidden, --arch, --experts and --split)")
}

// archNames lists the values of --arch.
func archNames() []string { return append(mtl.Archs(), cascadeArch) }

// trunkNames lists the values of --trunk: mtl's named trunks and the
// CLI's own.
func trunkNames() []string {
	names := mtl.TrunkNames()
	for _, n := range cliTrunks {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// namedTrunk returns the trunk called name.
func namedTrunk(name string) (mtl.NamedTrunk, bool) {
	if t, err := mtl.Trunk(name); err == nil {
		return t, true
	}
	switch name {
	case mmoeSynthTrunk:
		return mtl.NamedTrunk{
			Input:  []int{100},
			Shared: []mtl.Layer{mtl.Dense(16, mtl.ReLU)},
			Head:   []mtl.Layer{mtl.Dense(8, mtl.ReLU)},
		}, true
	case locTrunk:
		// 56×56 → conv 5, stride 2 → 26 → conv 3 → 24 → pool → 12 →
		// conv 3 → 10 → pool → 5: 64·5·5 = 1,600 features on a 5×5 grid,
		// each cell seeing 23×23 pixels of the canvas; about 9.5 M
		// multiply-adds per example. Each task reads the grid through a
		// dense layer of its own: a shared dense layer, trained mostly by
		// the digit's larger loss, learns where-invariant features and
		// the box then has too little left to find the digit with.
		// Measured over 15 epochs with a cosine schedule (seed 1): 32
		// filters and no dropout stopped at 94.8% digit accuracy (10
		// epochs, overfitting from epoch 6), dropout 0.3 at 96.4%, and
		// 64 filters with dropout 0.3 reach the bar.
		return mtl.NamedTrunk{
			Input: []int{1, 56, 56},
			Shared: []mtl.Layer{
				mtl.Conv2d(16, 5, mtl.ReLU).WithStride(2),
				mtl.Conv2d(64, 3, mtl.ReLU), mtl.MaxPool(2),
				mtl.Conv2d(64, 3, mtl.ReLU), mtl.MaxPool(2),
				mtl.Flatten(), mtl.Dropout(0.3),
			},
			Head: []mtl.Layer{mtl.Dense(128, mtl.ReLU)},
		}, true
	case textTrunk:
		return mtl.NamedTrunk{
			Input:  []int{datasets.DefaultBOWDim},
			Shared: []mtl.Layer{mtl.Dense(64, mtl.ReLU)},
		}, true
	}
	return mtl.NamedTrunk{}, false
}

// validate checks the model flags given on the command line (set) on
// their own and against d; the errors are usage errors of cmd.
func (o *modelOptions) validate(cmd string, set map[string]bool, d *dataset) error {
	if set["spec"] {
		for _, f := range modelFlags {
			if set[f] {
				return usageErrorf(cmd, "--spec declares the whole model: it excludes --%s", f)
			}
		}
		if o.spec == "" {
			return usageErrorf(cmd, "--spec is empty, want a file")
		}
		return nil
	}
	if d.multiInput() {
		return o.validateMultiInput(cmd, set, d)
	}
	trunk := o.trunkFor(d)
	switch {
	case !slices.Contains(archNames(), o.arch):
		return usageErrorf(cmd, "--arch %q, want %s", o.arch, orList(archNames()))
	case !slices.Contains(trunkNames(), trunk):
		return usageErrorf(cmd, "--trunk %q, want %s", trunk, orList(trunkNames()))
	case o.hidden < 1:
		return usageErrorf(cmd, "--hidden %d, want at least 1", o.hidden)
	case o.hidden > mtl.MaxElements:
		return usageErrorf(cmd, "--hidden %d, want at most %d (mtl.MaxElements)", o.hidden, mtl.MaxElements)
	case set["hidden"] && trunk != "mlp":
		return usageErrorf(cmd, "--hidden sets the width of the mlp trunk; the %s trunk has fixed layers", trunk)
	case o.experts < 0:
		return usageErrorf(cmd, "--experts %d, want 0 (mtl's default) or more", o.experts)
	case o.experts > mtl.MaxLayers:
		return usageErrorf(cmd, "--experts %d, want at most %d (mtl.MaxLayers)", o.experts, mtl.MaxLayers)
	case set["experts"] && !hasExperts(o.arch):
		return usageErrorf(cmd, "--experts is for --arch mmoe, cgc and ple, not %s", o.arch)
	case o.arch == cascadeArch && len(d.tasks) < 2:
		return usageErrorf(cmd, "--arch cascade makes the second task read the first, but dataset %s has %d task", d.name, len(d.tasks))
	}
	return nil
}

// validateMultiInput checks the model flags for the multi-input dataset
// d, whose model is fixed: an encoder per input, then hard sharing.
func (o *modelOptions) validateMultiInput(cmd string, set map[string]bool, d *dataset) error {
	for _, f := range modelFlags {
		if set[f] && f != "arch" {
			return usageErrorf(cmd, "--%s is for datasets of one input: dataset %s has an encoder per input and one shared block (a --spec file declares other layers)", f, d.name)
		}
	}
	if o.arch != mtl.HardArch {
		return usageErrorf(cmd, "--arch %s: dataset %s has an encoder per input, and its model shares one block after them (hard sharing)", o.arch, d.name)
	}
	return nil
}

// trunkFor returns the trunk's name: --trunk, or d's default.
func (o *modelOptions) trunkFor(d *dataset) string {
	if o.trunk != "" {
		return o.trunk
	}
	return d.trunk
}

func hasExperts(arch string) bool {
	return arch == mtl.MMoEArch || arch == mtl.CGCArch || arch == mtl.PLEArch
}

// build returns the model the flags declare for the tasks of d, seeded
// with seed: the --spec file, the trunk shared as --arch says and split
// at --split, or for a multi-input dataset its encoders and shared block. It validates first. A spec file that cannot be read, or
// whose tasks or input are not d's, is an error of the file, not of usage.
func (o *modelOptions) build(cmd string, set map[string]bool, d *dataset, seed int64) (mtl.Spec, error) {
	if err := o.validate(cmd, set, d); err != nil {
		return mtl.Spec{}, err
	}
	if set["spec"] {
		spec, err := readSpec(o.spec, d)
		spec.Seed = seed
		return spec, err
	}
	if d.multiInput() {
		return d.multiInputSpec(seed), nil
	}
	name := o.trunkFor(d)
	trunk, _ := namedTrunk(name)
	trunk, err := fitTrunk(cmd, name, trunk, d)
	if err != nil {
		return mtl.Spec{}, err
	}
	if name == "mlp" {
		trunk.Shared[0].Units = o.hidden
	}
	tasks := slices.Clone(d.tasks)
	if o.arch == cascadeArch {
		tasks[1] = tasks[1].After(tasks[0].Name)
	}
	spec := trunk.Spec(tasks...)
	if o.arch != mtl.HardArch && o.arch != cascadeArch {
		spec.Arch = mtl.Arch{Kind: o.arch, Experts: o.experts}
	}
	spec.Seed = seed
	if set["split"] {
		if n := len(spec.Shared); o.split < 0 || o.split > n {
			return mtl.Spec{}, usageErrorf(cmd, "--split %d is out of range: want 0 to %d, the number of layers of the %s trunk", o.split, n, name)
		}
		if spec, err = spec.SplitAt(o.split); err != nil {
			return mtl.Spec{}, err
		}
	}
	return spec, nil
}

// fitTrunk returns trunk with its input shaped for d's examples. A trunk
// of dense layers takes any width (mlp's 784 becomes 100 on mmoe-synth);
// a trunk that needs images of another shape is a usage error.
func fitTrunk(cmd, name string, trunk mtl.NamedTrunk, d *dataset) (mtl.NamedTrunk, error) {
	if width(trunk.Input) == width(d.input) {
		return trunk, nil
	}
	for _, l := range slices.Concat(trunk.Shared, trunk.Head) {
		if l.Kind != mtl.DenseKind && l.Kind != mtl.DropoutKind && l.Kind != mtl.BatchNormKind {
			return trunk, usageErrorf(cmd, "--trunk %s takes examples of shape %v, but dataset %s has %v", name, trunk.Input, d.name, d.input)
		}
	}
	trunk.Input = []int{width(d.input)}
	return trunk, nil
}

// readSpec reads a spec file and, unless d is nil, checks it against d's
// tasks and example shape.
func readSpec(path string, d *dataset) (mtl.Spec, error) {
	spec, err := mtl.ReadSpecFile(path)
	if err != nil {
		return mtl.Spec{}, err
	}
	if d != nil {
		if err := d.checkSpec(spec); err != nil {
			return mtl.Spec{}, fmt.Errorf("spec file %s: %w", path, err)
		}
	}
	return spec, nil
}

// archOf names spec's architecture as --arch does; a cascade on top of
// another architecture than hard sharing is "<kind>+cascade".
func archOf(spec mtl.Spec) string {
	kind := spec.Arch.Kind
	if kind == "" {
		kind = mtl.HardArch
	}
	for _, t := range spec.Tasks {
		if t.Cascade != nil {
			if kind == mtl.HardArch {
				return cascadeArch
			}
			return kind + "+" + cascadeArch
		}
	}
	return kind
}
