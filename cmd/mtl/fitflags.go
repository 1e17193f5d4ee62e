package main

import (
	"math"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// fitFlags are the training flags mtl train and mtl bench share.
type fitFlags struct {
	epochs    int
	batch     int
	lr        float64
	optimizer string
	limit     int
	testLimit int
	valSplit  float64
}

// validate checks the flag values for command cmd; the errors are usage
// errors.
func (f *fitFlags) validate(cmd string) error {
	switch {
	case f.epochs < 1:
		return usageErrorf(cmd, "--epochs %d, want at least 1", f.epochs)
	case f.batch < 1:
		return usageErrorf(cmd, "--batch %d, want at least 1", f.batch)
	case f.batch > mtl.MaxElements:
		return usageErrorf(cmd, "--batch %d, want at most %d", f.batch, mtl.MaxElements)
	case !(f.lr > 0) || math.IsInf(f.lr, 0):
		return usageErrorf(cmd, "--lr %v, want a finite value > 0", f.lr)
	case !isOptimizer(f.optimizer):
		return usageErrorf(cmd, "--optimizer %q, want adam, sgd, momentum or rmsprop", f.optimizer)
	case f.limit < 0:
		return usageErrorf(cmd, "--limit %d, want 0 (all) or more", f.limit)
	case f.testLimit < 0:
		return usageErrorf(cmd, "--test-limit %d, want 0 (all) or more", f.testLimit)
	case !(f.valSplit >= 0 && f.valSplit < 1):
		return usageErrorf(cmd, "--val-split %v, want a fraction in [0, 1)", f.valSplit)
	}
	return nil
}

// fitConfig returns the training configuration of the flags with seed.
func (f *fitFlags) fitConfig(seed int64) mtl.FitConfig {
	return mtl.FitConfig{
		Epochs:          f.epochs,
		BatchSize:       f.batch,
		ValidationSplit: f.valSplit,
		Limit:           f.limit,
		Seed:            seed,
		Optimizer:       optim.Config{Name: f.optimizer, LearningRate: f.lr},
	}
}

// weightingConfig is the weighting a method name selects: static stays
// the zero Config, and rlw's draws are seeded by seed.
func weightingConfig(name string, seed int64) weighting.Config {
	switch name {
	case weighting.StaticName:
		return weighting.Config{}
	case weighting.RLWName:
		return weighting.Config{Name: name, Seed: uint64(seed)}
	}
	return weighting.Config{Name: name}
}

// combineConfig is the combiner a method name selects: sum stays the
// zero Config, any other is seeded by seed.
func combineConfig(name string, seed int64) combine.Config {
	if name == combine.SumName {
		return combine.Config{}
	}
	return combine.Config{Name: name, Seed: uint64(seed)}
}
