package mtl

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// CheckpointConfig asks Fit to save the whole training state (weights,
// optimiser, weighting and combiner state, the shuffle and dropout
// generators, the epoch in progress and the history) into Dir, so that
// Checkpoint.Resume continues the run exactly where it stopped. Its zero
// value saves nothing.
//
// A checkpoint is written at the end of every epoch, every EverySteps
// steps when set, when training stops early (a cancelled context, a
// Callback's Stop) and when it ends. Files are named step-NNNNNNNNN.ckpt
// by the steps taken since the run began, written durably (a temporary
// file, fsync, rename, fsync of the folder), and the oldest are removed
// so that Keep remain. With Monitor set, the state at the end of the
// epoch with the best value of that History key is also kept, as
// best.ckpt.
type CheckpointConfig struct {
	Dir        string `json:"dir,omitempty"`
	EverySteps int    `json:"every_steps,omitempty"` // 0: at epoch ends only
	Keep       int    `json:"keep,omitempty"`        // 0: 3
	// Monitor is the History key that best.ckpt follows, such as
	// "val_loss" or "val_digit_accuracy"; "" keeps no best.
	Monitor string `json:"monitor,omitempty"`
	// Mode is "min" or "max"; "" picks "max" for accuracy, AUC and IoU
	// keys and "min" for the others (losses, errors).
	Mode string `json:"mode,omitempty"`
}

// DefaultKeep is the number of checkpoints kept when Keep is 0.
const DefaultKeep = 3

// BestCheckpoint is the file name of the best checkpoint in a
// checkpoint folder.
const BestCheckpoint = "best.ckpt"

const (
	ckptPrefix = "step-"
	ckptSuffix = ".ckpt"
)

// withDefaults fills the zero fields and checks the rest against the
// History keys the run will record.
func (c CheckpointConfig) withDefaults(keys []string) (CheckpointConfig, error) {
	if c.Dir == "" {
		return c, nil
	}
	if c.Keep == 0 {
		c.Keep = DefaultKeep
	}
	switch {
	case c.EverySteps < 0:
		return c, errors.Errorf("mtl: fit: checkpoint every %d steps", c.EverySteps)
	case c.Keep < 0:
		return c, errors.Errorf("mtl: fit: keep %d checkpoints", c.Keep)
	case c.Monitor != "" && !slices.Contains(keys, c.Monitor):
		return c, errors.Errorf("mtl: fit: checkpoint monitor %q is not recorded (the history keys are %s)", c.Monitor, strings.Join(keys, ", "))
	}
	mode, err := MonitorMode(c.Monitor, c.Mode)
	if err != nil {
		return c, errors.WithMessage(err, "mtl: fit: checkpoint")
	}
	c.Mode = mode
	return c, nil
}

// MonitorMode resolves the direction in which a History key improves:
// mode "min" or "max" as given, or "" for the key's natural direction,
// "max" for accuracy, AUC and IoU keys and "min" for the others (losses,
// errors), as Keras's mode="auto". Checkpoints and package callback use it.
func MonitorMode(key, mode string) (string, error) {
	switch mode {
	case "min", "max":
		return mode, nil
	case "":
		for _, s := range []string{"accuracy", "auc", "iou", "iou50"} {
			if strings.HasSuffix(key, s) {
				return "max", nil
			}
		}
		return "min", nil
	}
	return "", errors.Errorf("mode %q, want min, max or \"\"", mode)
}

// Improves reports whether v improves on best by more than delta in mode
// ("min" or "max"). NaN never improves; any number improves on a NaN
// best (none yet).
func Improves(mode string, v, best, delta float64) bool {
	switch {
	case math.IsNaN(v):
		return false
	case math.IsNaN(best):
		return true
	case mode == "max":
		return v > best+delta
	}
	return v < best-delta
}

// ckptName is the file name of the checkpoint after steps steps.
func ckptName(steps int) string { return fmt.Sprintf("%s%09d%s", ckptPrefix, steps, ckptSuffix) }

// ckptSteps parses a checkpoint file name; ok is false for other files.
func ckptSteps(name string) (steps int, ok bool) {
	if !strings.HasPrefix(name, ckptPrefix) || !strings.HasSuffix(name, ckptSuffix) {
		return 0, false
	}
	digits := strings.TrimSuffix(strings.TrimPrefix(name, ckptPrefix), ckptSuffix)
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	steps, err := strconv.Atoi(digits) // decimal: fmt.Sscan would read the leading zeros as octal
	return steps, err == nil
}

// listCheckpoints returns the checkpoint files of dir, newest first.
func listCheckpoints(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type file struct {
		name  string
		steps int
	}
	var files []file
	for _, e := range entries {
		if s, ok := ckptSteps(e.Name()); ok {
			files = append(files, file{e.Name(), s})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].steps > files[j].steps })
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Join(dir, f.name)
	}
	return names, nil
}

// A checkpointer writes a run's checkpoints and keeps the last few.
type checkpointer struct {
	cfg  CheckpointConfig
	best float64 // the monitored value of best.ckpt; NaN before one
}

func newCheckpointer(cfg CheckpointConfig) (*checkpointer, error) {
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, errors.Wrap(err, "mtl: fit: checkpoint folder")
	}
	return &checkpointer{cfg: cfg, best: math.NaN()}, nil
}

// save writes d as the checkpoint of its step and removes the oldest
// beyond Keep. With row set (an epoch's end), it also replaces best.ckpt
// when the monitored value improved.
func (c *checkpointer) save(d *checkpointData, row map[string]float64) error {
	improved := false
	if row != nil && c.cfg.Monitor != "" {
		if v := row[c.cfg.Monitor]; Improves(c.cfg.Mode, v, c.best, 0) {
			c.best, improved = v, true
		}
	}
	d.Best, d.HasBest = c.best, !math.IsNaN(c.best)
	raw, err := encodeCheckpoint(d)
	if err != nil {
		return err
	}
	path := filepath.Join(c.cfg.Dir, ckptName(d.Steps))
	if err := writeFileDurable(path, raw); err != nil {
		return errors.Wrapf(err, "writing checkpoint %s", path)
	}
	if improved {
		best := filepath.Join(c.cfg.Dir, BestCheckpoint)
		if err := writeFileDurable(best, raw); err != nil {
			return errors.Wrapf(err, "writing checkpoint %s", best)
		}
	}
	return c.prune()
}

// prune removes the oldest checkpoints beyond Keep, and temporary files
// a crash left behind.
func (c *checkpointer) prune() error {
	names, err := listCheckpoints(c.cfg.Dir)
	if err != nil {
		return errors.Wrap(err, "listing checkpoints")
	}
	for _, old := range names[min(c.cfg.Keep, len(names)):] {
		if err := os.Remove(old); err != nil {
			return errors.Wrap(err, "removing an old checkpoint")
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(c.cfg.Dir, ".*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
	return nil
}
