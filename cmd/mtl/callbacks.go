package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

// checkpointsDir is the folder of a run's training checkpoints.
const checkpointsDir = "checkpoints"

// callbackOptions are the flags of mtl train that add callbacks and set
// the checkpoints.
type callbackOptions struct {
	checkpointEvery int
	keep            int
	monitor         string
	earlyStop       int
	minDelta        float64
	restoreBest     bool
	reduceLR        int
	lrFactor        float64
	minLR           float64
	lrSchedule      string
}

func (c *callbackOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&c.checkpointEvery, "checkpoint-every", 0, "also checkpoint the training state every `N` steps (0: at epoch ends only)")
	fs.IntVar(&c.keep, "keep", mtl.DefaultKeep, "keep the last `N` checkpoints (and best.ckpt, the best by --monitor)")
	fs.StringVar(&c.monitor, "monitor", "", "the history `KEY` that best.ckpt, --early-stop and --reduce-lr follow (default: val_loss, or loss with --val-split 0)")
	fs.IntVar(&c.earlyStop, "early-stop", 0, "stop when --monitor has not improved for `N` epochs (0: off)")
	fs.Float64Var(&c.minDelta, "min-delta", 0, "a change of --monitor smaller than `X` is no improvement (--early-stop; --reduce-lr uses 1e-4 when 0)")
	fs.BoolVar(&c.restoreBest, "restore-best", false, "with --early-stop, end with the weights of the best epoch")
	fs.IntVar(&c.reduceLR, "reduce-lr", 0, "multiply the learning rate by --lr-factor when --monitor has not improved for `N` epochs (0: off)")
	fs.Float64Var(&c.lrFactor, "lr-factor", 0.1, "the factor of --reduce-lr, in (0, 1)")
	fs.Float64Var(&c.minLR, "min-lr", 0, "--reduce-lr never goes below this rate")
	fs.StringVar(&c.lrSchedule, "lr-schedule", "", "set the learning rate each epoch: step:EVERY:FACTOR, exp:GAMMA or cosine[:MIN] (from --lr)")
}

// validate checks the flags; the errors are usage errors.
func (c *callbackOptions) validate(lr float64) error {
	switch {
	case c.checkpointEvery < 0:
		return usageErrorf("train", "--checkpoint-every %d, want 0 (epoch ends) or more", c.checkpointEvery)
	case c.keep < 1:
		return usageErrorf("train", "--keep %d, want at least 1", c.keep)
	case c.earlyStop < 0:
		return usageErrorf("train", "--early-stop %d, want 0 (off) or more", c.earlyStop)
	case c.reduceLR < 0:
		return usageErrorf("train", "--reduce-lr %d, want 0 (off) or more", c.reduceLR)
	case !(c.minDelta >= 0) || math.IsInf(c.minDelta, 0):
		return usageErrorf("train", "--min-delta %v, want a finite value >= 0", c.minDelta)
	case !(c.lrFactor > 0 && c.lrFactor < 1):
		return usageErrorf("train", "--lr-factor %v, want a value in (0, 1)", c.lrFactor)
	case !(c.minLR >= 0) || math.IsInf(c.minLR, 0):
		return usageErrorf("train", "--min-lr %v, want a finite value >= 0", c.minLR)
	}
	if _, err := parseSchedule(c.lrSchedule, lr, 1); err != nil {
		return usageErrorf("train", "--lr-schedule %q: %v", c.lrSchedule, err)
	}
	return nil
}

// monitorKey is --monitor, or its default for a run with or without
// validation.
func (c *callbackOptions) monitorKey(valSplit float64) string {
	switch {
	case c.monitor != "":
		return c.monitor
	case valSplit > 0:
		return "val_loss"
	}
	return "loss"
}

// checkpointConfig is where and how often the run checkpoints.
func (c *callbackOptions) checkpointConfig(dir string, valSplit float64) mtl.CheckpointConfig {
	return mtl.CheckpointConfig{Dir: dir, EverySteps: c.checkpointEvery, Keep: c.keep, Monitor: c.monitorKey(valSplit)}
}

// callbacks builds the callbacks the flags ask for, always in the same
// order (a resumed run hands their saved states back by position): NaN
// checks, the history.csv log, then the schedule, plateau and early
// stopping.
func (c *callbackOptions) callbacks(historyCSV string, lr float64, epochs int, valSplit float64) ([]mtl.Callback, error) {
	cbs := []mtl.Callback{callback.TerminateOnNaN{}, callback.CSVLogger{Path: historyCSV}}
	if c.lrSchedule != "" {
		s, err := parseSchedule(c.lrSchedule, lr, epochs)
		if err != nil {
			return nil, usageErrorf("train", "--lr-schedule %q: %v", c.lrSchedule, err)
		}
		cbs = append(cbs, callback.LearningRateScheduler{Schedule: s})
	}
	key := c.monitorKey(valSplit)
	if c.reduceLR > 0 {
		r, err := callback.NewReduceLROnPlateau(callback.ReduceLROnPlateauConfig{Monitor: key, Patience: c.reduceLR,
			Factor: c.lrFactor, MinDelta: c.minDelta, MinLR: c.minLR})
		if err != nil {
			return nil, usageErrorf("train", "%v", err)
		}
		cbs = append(cbs, r)
	}
	if c.earlyStop > 0 {
		es, err := callback.NewEarlyStopping(callback.EarlyStoppingConfig{Monitor: key, Patience: c.earlyStop,
			MinDelta: c.minDelta, RestoreBestWeights: c.restoreBest})
		if err != nil {
			return nil, usageErrorf("train", "%v", err)
		}
		cbs = append(cbs, es)
	}
	return cbs, nil
}

// parseSchedule reads --lr-schedule for a run starting at rate lr.
func parseSchedule(spec string, lr float64, epochs int) (callback.Schedule, error) {
	if spec == "" {
		return nil, nil
	}
	parts := strings.Split(spec, ":")
	nums := make([]float64, len(parts)-1)
	for i, p := range parts[1:] {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		nums[i] = v
	}
	switch {
	case parts[0] == "step" && len(nums) == 2 && nums[0] >= 1 && nums[0] == math.Trunc(nums[0]) && nums[1] > 0:
		return callback.StepDecay(lr, nums[1], int(nums[0])), nil
	case parts[0] == "exp" && len(nums) == 1 && nums[0] > 0:
		return callback.ExponentialDecay(lr, nums[0]), nil
	case parts[0] == "cosine" && len(nums) == 0:
		return callback.CosineDecay(lr, 0, epochs), nil
	case parts[0] == "cosine" && len(nums) == 1 && nums[0] >= 0 && nums[0] < lr:
		return callback.CosineDecay(lr, nums[0], epochs), nil
	}
	return nil, fmt.Errorf("want step:EVERY:FACTOR (EVERY a whole number >= 1, FACTOR > 0), exp:GAMMA (> 0) or cosine[:MIN] (0 <= MIN < --lr)")
}
