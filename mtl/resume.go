package mtl

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/pkg/errors"
)

// A Checkpoint is a saved training state, read by OpenCheckpoint.
type Checkpoint struct {
	// Path is the file the state was read from.
	Path string
	// Epoch is the epoch in progress (1-based) and Step the number of its
	// steps done; Step is 0 between epochs.
	Epoch, Step int
	// Steps counts the steps taken since the run began.
	Steps int
	// Done reports that training had ended: every epoch ran, or a
	// callback stopped it.
	Done bool
	// Config is the run's FitConfig, without the fields a checkpoint
	// cannot hold (ValidationData, Recorder, Callbacks).
	Config FitConfig
	// Skipped lists the newer checkpoints of the folder that could not be
	// used, each with the reason (a truncated or damaged file).
	Skipped []string

	data *checkpointData
}

// OpenCheckpoint reads a checkpoint. path is a checkpoint file, or a
// folder (CheckpointConfig.Dir) whose newest good checkpoint is used: a
// truncated or damaged file is detected by its checksum, listed in
// Skipped, and the one before it is tried. With no good checkpoint the
// error names every file and what is wrong with it.
func OpenCheckpoint(path string) (c *Checkpoint, err error) {
	defer recoverPanic(&err, "open checkpoint %s", path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, errors.Wrap(err, "mtl: open checkpoint")
	}
	if !fi.IsDir() {
		d, err := readCheckpointFile(path)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: checkpoint %s", path)
		}
		return newCheckpoint(path, d, nil)
	}
	files, err := listCheckpoints(path)
	if err != nil {
		return nil, errors.Wrap(err, "mtl: open checkpoint")
	}
	if len(files) == 0 {
		return nil, errors.Errorf("mtl: no checkpoint in %s (want files named %s)", path, ckptName(0))
	}
	var skipped []string
	for _, f := range files {
		d, err := readCheckpointFile(f)
		if err == nil {
			if c, err = newCheckpoint(f, d, skipped); err == nil {
				return c, nil
			}
		}
		skipped = append(skipped, f+": "+strings.TrimPrefix(err.Error(), "mtl: "))
	}
	return nil, errors.Errorf("mtl: no good checkpoint in %s:\n\t%s", path, strings.Join(skipped, "\n\t"))
}

// newCheckpoint checks d's header fields and wraps it.
func newCheckpoint(path string, d *checkpointData, skipped []string) (*Checkpoint, error) {
	c := &Checkpoint{Path: path, Epoch: d.Epoch.Epoch, Step: d.Epoch.Step, Steps: d.Steps, Done: d.Done, Skipped: skipped, data: d}
	if err := json.Unmarshal(d.Config, &c.Config); err != nil {
		return nil, errors.Wrap(err, "mtl: checkpoint: fit config")
	}
	return c, nil
}

// History returns a copy of the history saved with the checkpoint.
func (c *Checkpoint) History() *History {
	h := c.data.History
	h.Keys = slices.Clone(h.Keys)
	h.Metrics = make(map[string][]float64, len(c.data.History.Metrics))
	for k, v := range c.data.History.Metrics {
		h.Metrics[k] = slices.Clone(v)
	}
	return &h
}

// Model returns a new model with the checkpoint's spec and weights.
func (c *Checkpoint) Model() (m *Model, err error) {
	defer recoverPanic(&err, "checkpoint model")
	var spec Spec
	if err := json.Unmarshal(c.data.Spec, &spec); err != nil {
		return nil, errors.Wrapf(err, "mtl: checkpoint %s: spec", c.Path)
	}
	if m, err = New(spec); err != nil {
		return nil, errors.WithMessagef(err, "mtl: checkpoint %s", c.Path)
	}
	names := m.params.Names()
	if len(names) != len(c.data.Params) {
		return nil, errors.Errorf("mtl: checkpoint %s: %d parameters saved, but the spec builds %d", c.Path, len(c.data.Params), len(names))
	}
	for i, p := range c.data.Params {
		v := m.params.Value(names[i])
		if p.Name != names[i] || !slices.Equal(p.Shape, []int(v.Shape())) || len(p.Data) != v.Shape().TotalSize() {
			return nil, errors.Errorf("mtl: checkpoint %s: parameter %d is %q %v (%d values), but the spec builds %q %v",
				c.Path, i, p.Name, p.Shape, len(p.Data), names[i], []int(v.Shape()))
		}
	}
	for i, p := range c.data.Params {
		copy(m.params.Value(names[i]).Data().([]float32), p.Data)
	}
	return m, nil
}

// ResumeOptions supplies what a checkpoint cannot hold.
type ResumeOptions struct {
	// Epochs, when set, changes the number of epochs of the run: more
	// continues a finished (or stopped) run.
	Epochs int
	// ValidationData must be given again when the run validated on
	// FitConfig.ValidationData.
	ValidationData *datasets.Dataset
	// Recorder and Callbacks are as in FitConfig. Callbacks must be the
	// run's callbacks, in the same order, freshly built: those with a
	// saved state get it back.
	Recorder  Recorder
	Callbacks []Callback
	// Dir is the folder the resumed run writes its checkpoints into; ""
	// is the folder of the checkpoint.
	Dir string
}

// Resume continues the run saved in c on data, the run's training data
// (the same examples: a fingerprint of them is checked), and returns the
// model and the run's whole history. Resumed from any checkpoint of a run
// with a fixed seed, the final weights, history (training time aside) and
// metrics equal those of the run had it never stopped. A checkpoint of a
// finished run returns its model and history without training, unless
// opts.Epochs asks for more epochs.
func (c *Checkpoint) Resume(ctx context.Context, data *datasets.Dataset, opts ResumeOptions) (m *Model, hist *History, err error) {
	defer recoverPanic(&err, "resume")
	return c.resume(ctx, map[string]*datasets.Dataset{"": data}, opts, false)
}

// ResumeInputs is Resume for a multi-input model: data maps each input's
// name to its training dataset, as in FitInputs.
func (c *Checkpoint) ResumeInputs(ctx context.Context, data map[string]*datasets.Dataset, opts ResumeOptions) (m *Model, hist *History, err error) {
	defer recoverPanic(&err, "resume")
	return c.resume(ctx, data, opts, true)
}

func (c *Checkpoint) resume(ctx context.Context, data map[string]*datasets.Dataset, opts ResumeOptions, multi bool) (*Model, *History, error) {
	m, err := c.Model()
	if err != nil {
		return nil, nil, err
	}
	switch {
	case m.spec.MultiInput() && !multi:
		return nil, nil, errors.Errorf("mtl: resume: the model has inputs %v, each with its own dataset: use ResumeInputs", m.inputNames())
	case c.data.HasValidationData && opts.ValidationData == nil:
		return nil, nil, errors.New("mtl: resume: the run validated on FitConfig.ValidationData: pass it as ResumeOptions.ValidationData")
	case !c.data.HasValidationData && opts.ValidationData != nil:
		return nil, nil, errors.New("mtl: resume: the run had no ValidationData; ResumeOptions.ValidationData would change its history")
	case opts.Epochs < 0:
		return nil, nil, errors.Errorf("mtl: resume: %d epochs", opts.Epochs)
	}
	cfg := c.Config
	cfg.ValidationData, cfg.Recorder, cfg.Callbacks = opts.ValidationData, opts.Recorder, opts.Callbacks
	cfg.Checkpoint.Dir = opts.Dir
	if cfg.Checkpoint.Dir == "" {
		cfg.Checkpoint.Dir = filepath.Dir(c.Path)
	}
	extend := opts.Epochs > cfg.Epochs
	if opts.Epochs > 0 {
		cfg.Epochs = opts.Epochs
	}
	hist := &History{}
	t, err := m.prepareFit(data, cfg, hist)
	if err != nil {
		return nil, hist, err
	}
	if err := t.restore(c.data); err != nil {
		return nil, hist, errors.WithMessagef(err, "mtl: resume from %s", c.Path)
	}
	if extend {
		t.stopReq = false
	} else if c.Done {
		return m, hist, nil
	}
	return m, hist, t.run(ctx)
}
