package mtl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// resumeCase is a small training run whose checkpoints are resumed.
type resumeCase struct {
	name string
	spec Spec
	cfg  FitConfig
	data map[string]*datasets.Dataset // "" for a single-input model
}

func resumeCases() []resumeCase {
	plain := syntheticSpec()
	regular := syntheticSpec()
	regular.Shared = []Layer{Dense(16, ReLU), BatchNorm(), Dropout(0.3), Dense(8, Tanh)}
	dwa := syntheticSpec()
	dwa.Weighting = weighting.Config{Name: weighting.DWAName}
	gradnorm := syntheticSpec()
	gradnorm.Weighting = weighting.Config{Name: weighting.GradNormName}
	rlw := syntheticSpec()
	rlw.Weighting = weighting.Config{Name: weighting.RLWName, Seed: 5}
	uw := syntheticSpec()
	uw.Weighting = weighting.Config{Name: weighting.UWName}
	single := map[string]*datasets.Dataset{"": synthetic(150, 1)}
	base := FitConfig{Epochs: 3, BatchSize: 16, ValidationSplit: 0.2, Seed: 4}
	with := func(f func(*FitConfig)) FitConfig {
		c := base
		f(&c)
		return c
	}
	return []resumeCase{
		{"adam", plain, base, single},
		{"momentum", plain, with(func(c *FitConfig) { c.Optimizer = optim.Config{Name: optim.MomentumName} }), single},
		{"rmsprop-no-val", plain, with(func(c *FitConfig) { c.Optimizer = optim.Config{Name: optim.RMSPropName}; c.ValidationSplit = 0 }), single},
		{"batchnorm-dropout", regular, base, single},
		{"dwa", dwa, base, single},
		{"gradnorm-diagnose", gradnorm, with(func(c *FitConfig) { c.Diagnose = 2 }), single},
		{"rlw", rlw, base, single},
		{"uw", uw, base, single},
		{"pcgrad", plain, with(func(c *FitConfig) { c.Combine = combine.Config{Name: combine.PCGradName, Seed: 2} }), single},
		{"mgda-ub", plain, with(func(c *FitConfig) { c.Combine = combine.Config{Name: MGDAUB} }), single},
		{"multi-input", twoInputSpec(), base, twoInputData(120, 2)},
	}
}

// fitRun trains a fresh model of rc with checkpoints in dir.
func (rc resumeCase) fit(t *testing.T, ctx context.Context, dir string, every int) (*Model, *History, error) {
	t.Helper()
	m := MustNew(rc.spec)
	cfg := rc.cfg
	cfg.Checkpoint = CheckpointConfig{Dir: dir, EverySteps: every, Keep: 1000}
	var h *History
	var err error
	if d, ok := rc.data[""]; ok {
		h, err = m.Fit(ctx, d, cfg)
	} else {
		h, err = m.FitInputs(ctx, rc.data, cfg)
	}
	return m, h, err
}

func (rc resumeCase) resume(c *Checkpoint, dir string) (*Model, *History, error) {
	opts := ResumeOptions{Dir: dir}
	if d, ok := rc.data[""]; ok {
		return c.Resume(context.Background(), d, opts)
	}
	return c.ResumeInputs(context.Background(), rc.data, opts)
}

// sameRun fails unless the two runs ended with identical weights and
// histories (training time aside).
func sameRun(t *testing.T, what string, m1, m2 *Model, h1, h2 *History) {
	t.Helper()
	w1, w2 := m1.CopyWeights(), m2.CopyWeights()
	if !reflect.DeepEqual(w1, w2) {
		t.Errorf("%s: weights differ from the uninterrupted run's", what)
	}
	if !slices.Equal(h1.Keys, h2.Keys) || !reflect.DeepEqual(h1.Metrics, h2.Metrics) || h1.TrainExamples != h2.TrainExamples ||
		!reflect.DeepEqual(h1.Conflict, h2.Conflict) {
		t.Errorf("%s: history differs:\n got %v\nwant %v", what, h2.Metrics, h1.Metrics)
	}
}

// TestResumeIsExact resumes every checkpoint of small runs (after every
// step, mid-epoch and at epoch ends) and checks that each resumed run ends
// bit-identical to the uninterrupted run: weights, history, conflicts.
func TestResumeIsExact(t *testing.T) {
	for _, rc := range resumeCases() {
		t.Run(rc.name, func(t *testing.T) {
			dir := t.TempDir()
			m1, h1, err := rc.fit(t, context.Background(), dir, 1)
			if err != nil {
				t.Fatal(err)
			}
			files, err := listCheckpoints(dir)
			if err != nil || len(files) < 10 {
				t.Fatalf("%d checkpoints (%v), want one per step", len(files), err)
			}
			// The newest is the finished run; resume a spread of the others.
			for i, f := range files[1:] {
				if i%4 != 0 && i != len(files)-2 {
					continue
				}
				c, err := OpenCheckpoint(f)
				if err != nil {
					t.Fatal(err)
				}
				m2, h2, err := rc.resume(c, t.TempDir())
				if err != nil {
					t.Fatalf("resume from %s: %v", filepath.Base(f), err)
				}
				sameRun(t, "resumed from "+filepath.Base(f), m1, m2, h1, h2)
			}
		})
	}
}

// TestCancelWritesCheckpoint cancels a run partway through an epoch,
// checks that Fit wrote a checkpoint of the last step and reports the
// cancellation, and that resuming finishes the run exactly.
func TestCancelWritesCheckpoint(t *testing.T) {
	rc := resumeCases()[3] // batch norm and dropout
	ref, h1, err := rc.fit(t, context.Background(), t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	rc.cfg.Callbacks = []Callback{CallbackFunc(func(tr *Training, e Event) error {
		if e.Kind == BatchEnd && e.Epoch == 2 && e.Step == 3 {
			cancel()
		}
		return nil
	})}
	_, _, err = rc.fit(t, ctx, dir, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fit returned %v, want context.Canceled", err)
	}
	c, err := OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Epoch != 2 || c.Step != 3 || c.Done {
		t.Fatalf("checkpoint at epoch %d step %d (done %v), want epoch 2 step 3", c.Epoch, c.Step, c.Done)
	}
	rc.cfg.Callbacks = nil
	m2, h2, err := rc.resume(c, dir)
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, "resumed after cancel", ref, m2, h1, h2)
}

// TestCorruptCheckpoints damages the newest checkpoints and checks that
// the previous good one is used and the damaged ones are reported, and
// that with no good one the error names every file.
func TestCorruptCheckpoints(t *testing.T) {
	rc := resumeCases()[0]
	dir := t.TempDir()
	if _, _, err := rc.fit(t, context.Background(), dir, 0); err != nil {
		t.Fatal(err)
	}
	files, err := listCheckpoints(dir) // one per epoch end
	if err != nil || len(files) != 3 {
		t.Fatalf("%d checkpoints (%v), want 3", len(files), err)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	damage := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", raw[:len(raw)/2], "truncated"},
		{"flipped", flipByte(raw, len(raw)/2), "checksum mismatch"},
		{"empty", nil, "truncated"},
		{"foreign", []byte(strings.Repeat("x", 100)), "not a gomtl checkpoint"},
		{"version", append([]byte(CheckpointMagic+"\x09\x00\x00\x00"), raw[20:]...), "format version 9"},
	}
	for _, d := range damage {
		if err := os.WriteFile(files[0], d.data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := OpenCheckpoint(dir)
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		if c.Path != files[1] || len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0], d.want) {
			t.Errorf("%s: opened %s, skipped %q; want %s and a skipped file saying %q", d.name, c.Path, c.Skipped, files[1], d.want)
		}
	}
	for _, f := range files {
		if err := os.WriteFile(f, raw[:10], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = OpenCheckpoint(dir)
	if err == nil {
		t.Fatal("no good checkpoint, but OpenCheckpoint succeeded")
	}
	for _, f := range files {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not name %s", err, f)
		}
	}
	if _, err := OpenCheckpoint(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("empty folder: %v, want a 'no checkpoint' error", err)
	}
}

func flipByte(b []byte, i int) []byte {
	c := slices.Clone(b)
	c[i] ^= 0x40
	return c
}

// TestResumeRefusesOtherData checks that a checkpoint is not resumed on
// data other than its run's, nor with missing validation data.
func TestResumeRefusesOtherData(t *testing.T) {
	rc := resumeCases()[0]
	dir := t.TempDir()
	if _, _, err := rc.fit(t, context.Background(), dir, 0); err != nil {
		t.Fatal(err)
	}
	c, err := OpenCheckpoint(filepath.Join(dir, ckptName(8)))
	if err != nil {
		t.Fatal(err)
	}
	other := synthetic(150, 2)
	if _, _, err := c.Resume(context.Background(), other, ResumeOptions{Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("other data: %v, want a 'differs' error", err)
	}
	if _, _, err := c.Resume(context.Background(), rc.data[""], ResumeOptions{Dir: t.TempDir(), ValidationData: other}); err == nil {
		t.Error("validation data the run did not have: no error")
	}
	if _, _, err := c.ResumeInputs(context.Background(), twoInputData(10, 1), ResumeOptions{Dir: t.TempDir()}); err == nil {
		t.Error("multi-input data for a single-input model: no error")
	}
}

// TestKeepAndBest checks retention: Keep checkpoints remain, and best.ckpt
// holds the epoch with the lowest validation loss.
func TestKeepAndBest(t *testing.T) {
	rc := resumeCases()[0]
	rc.cfg.Epochs = 4
	dir := t.TempDir()
	m := MustNew(rc.spec)
	cfg := rc.cfg
	cfg.Checkpoint = CheckpointConfig{Dir: dir, EverySteps: 2, Keep: 2, Monitor: "val_loss"}
	h, err := m.Fit(context.Background(), rc.data[""], cfg)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := listCheckpoints(dir)
	if len(files) != 2 {
		t.Errorf("%d checkpoints kept, want 2: %v", len(files), files)
	}
	best, err := OpenCheckpoint(filepath.Join(dir, BestCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	vals := h.Metrics["val_loss"]
	bestEpoch := 0
	for i, v := range vals {
		if v < vals[bestEpoch] {
			bestEpoch = i
		}
	}
	if got := best.History().Epochs(); got != bestEpoch+1 {
		t.Errorf("best.ckpt holds %d epochs, want the best epoch %d (val_loss %v)", got, bestEpoch+1, vals)
	}
	cfg.Checkpoint.Monitor = "val_nothing"
	if _, err := MustNew(rc.spec).Fit(context.Background(), rc.data[""], cfg); err == nil || !strings.Contains(err.Error(), "val_nothing") {
		t.Errorf("unknown monitor: %v", err)
	}
}

// TestCheckpointOrder checks that a folder's checkpoints are found and
// ordered by their step numbers, zero-padded decimals (an octal reading
// of "000000008" once skipped checkpoints and resumed from older ones).
func TestCheckpointOrder(t *testing.T) {
	dir := t.TempDir()
	steps := []int{8, 1158, 9, 678, 500, 10, 1000}
	for _, s := range steps {
		if err := os.WriteFile(filepath.Join(dir, ckptName(s)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, other := range []string{BestCheckpoint, "step-12x.ckpt", "step-.ckpt", ".step-000000001.ckpt.123.tmp", "step-000000003.ckpt.bak"} {
		if err := os.WriteFile(filepath.Join(dir, other), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := listCheckpoints(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, f := range files {
		s, ok := ckptSteps(filepath.Base(f))
		if !ok {
			t.Fatalf("listed %s, which is not a checkpoint name", f)
		}
		got = append(got, s)
	}
	if want := []int{1158, 1000, 678, 500, 10, 9, 8}; !slices.Equal(got, want) {
		t.Errorf("checkpoints in order %v, want %v", got, want)
	}
}
