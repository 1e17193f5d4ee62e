package callback_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

// nanAt returns a callback that sets key in epoch's row to NaN.
func nanAt(key string, epoch int) mtl.Callback {
	return mtl.CallbackFunc(func(_ *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochEnd && e.Epoch == epoch {
			e.Metrics[key] = math.NaN()
		}
		return nil
	})
}

// TestTerminateOnNaN makes epoch 2's validation loss NaN in the row the
// callbacks share and checks that Fit fails with ErrNonFinite, naming the
// key and the epoch. The History keeps epoch 2's row as recorded before
// the callbacks ran (finite), so it has 2 epochs.
func TestTerminateOnNaN(t *testing.T) {
	_, h, err := fit(t, t.Context(), fitConfig(4, nanAt("val_loss", 2), callback.TerminateOnNaN{}))
	if !errors.Is(err, mtl.ErrNonFinite) {
		t.Fatalf("Fit returned %v, want an error wrapping mtl.ErrNonFinite", err)
	}
	if !strings.Contains(err.Error(), "terminate on nan: epoch 2: val_loss is NaN") {
		t.Errorf("error %q does not name val_loss and epoch 2", err)
	}
	if h.Epochs() != 2 {
		t.Errorf("%d epochs recorded, want 2", h.Epochs())
	}
	if v, _ := h.Last("val_loss"); math.IsNaN(v) {
		t.Errorf("the History's epoch 2 val_loss is %v, want the finite value recorded before the callbacks ran", v)
	}
}

// TestTerminateOnNaNCheckpoint checks which checkpoint a run stopped by
// TerminateOnNaN leaves: the checkpoint of an epoch's end is written after
// its callbacks, so epoch 2's is never written, and the newest is epoch
// 1's end (epoch 2 in progress, step 0, one epoch of History).
func TestTerminateOnNaNCheckpoint(t *testing.T) {
	dir := t.TempDir()
	cfg := fitConfig(4, nanAt("val_loss", 2), callback.TerminateOnNaN{})
	cfg.Checkpoint = mtl.CheckpointConfig{Dir: dir}
	if _, _, err := fit(t, t.Context(), cfg); !errors.Is(err, mtl.ErrNonFinite) {
		t.Fatalf("Fit returned %v, want an error wrapping mtl.ErrNonFinite", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{filepath.Join(dir, "step-000000005.ckpt")}; !slices.Equal(files, want) {
		t.Errorf("checkpoint folder holds %v, want only %v (epoch 1's end)", files, want)
	}
	c, err := mtl.OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Epoch != 2 || c.Step != 0 || c.Steps != stepsPerEpoch || c.Done || c.History().Epochs() != 1 {
		t.Errorf("newest checkpoint: epoch %d step %d, %d steps, done %v, %d epochs of history; want epoch 2 step 0, %d steps, not done, 1 epoch",
			c.Epoch, c.Step, c.Steps, c.Done, c.History().Epochs(), stepsPerEpoch)
	}
}

// TestTerminateOnNaNEvents checks TerminateOnNaN on events built by hand:
// the running loss at BatchEnd, every listed key of an EpochEnd row, and
// a NaN AUC (one class in the epoch's examples) let through.
func TestTerminateOnNaNEvents(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	row := func(k string, v float64) mtl.Event {
		return mtl.Event{Kind: mtl.EpochEnd, Epoch: 3, Keys: []string{"loss", k}, Metrics: map[string]float64{"loss": 1, k: v}}
	}
	for _, c := range []struct {
		name string
		ev   mtl.Event
		want string // "": no error
	}{
		{"batch nan", mtl.Event{Kind: mtl.BatchEnd, Epoch: 2, Step: 3, Loss: nan}, "terminate on nan: epoch 2 step 3: training loss NaN"},
		{"batch -inf", mtl.Event{Kind: mtl.BatchEnd, Epoch: 1, Step: 1, Loss: -inf}, "terminate on nan: epoch 1 step 1: training loss -Inf"},
		{"batch finite", mtl.Event{Kind: mtl.BatchEnd, Epoch: 1, Step: 1, Loss: 1e300}, ""},
		{"task loss inf", row("b_loss", inf), "terminate on nan: epoch 3: b_loss is +Inf"},
		{"accuracy nan", row("val_a_accuracy", nan), "terminate on nan: epoch 3: val_a_accuracy is NaN"},
		{"auc nan", row("b_auc", nan), ""},
		{"val auc nan", row("val_b_auc", nan), ""},
		{"auc inf", row("b_auc", inf), "terminate on nan: epoch 3: b_auc is +Inf"},
		{"unlisted key", mtl.Event{Kind: mtl.EpochEnd, Epoch: 1, Keys: []string{"loss"}, Metrics: map[string]float64{"loss": 1, "x": nan}}, ""},
		{"epoch start", mtl.Event{Kind: mtl.EpochStart, Epoch: 1, Loss: nan}, ""},
		{"train end", mtl.Event{Kind: mtl.TrainEnd, Epoch: 1, Loss: nan}, ""},
	} {
		err := callback.TerminateOnNaN{}.OnEvent(nil, c.ev)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", c.name, err)
		case c.want != "" && (err == nil || err.Error() != c.want+": "+mtl.ErrNonFinite.Error() || !errors.Is(err, mtl.ErrNonFinite)):
			t.Errorf("%s: %v, want %q wrapping mtl.ErrNonFinite", c.name, err, c.want)
		}
	}
}

// TestTerminateOnNaNResume checks that the checkpoint left by a run that
// TerminateOnNaN stopped resumes: without the NaN, the resumed run ends
// as a run never stopped would.
func TestTerminateOnNaNResume(t *testing.T) {
	ref, href := mustFit(t, fitConfig(3, callback.TerminateOnNaN{}))
	dir := t.TempDir()
	cfg := fitConfig(3, nanAt("val_loss", 2), callback.TerminateOnNaN{})
	cfg.Checkpoint = mtl.CheckpointConfig{Dir: dir}
	if _, _, err := fit(t, t.Context(), cfg); !errors.Is(err, mtl.ErrNonFinite) {
		t.Fatalf("Fit returned %v, want an error wrapping mtl.ErrNonFinite", err)
	}
	c, err := mtl.OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, h, err := c.Resume(t.Context(), trainData(), mtl.ResumeOptions{Dir: dir, Callbacks: []mtl.Callback{mtl.CallbackFunc(noop), callback.TerminateOnNaN{}}})
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, "resumed", ref, m, href, h)
	if _, err := os.Stat(filepath.Join(dir, "step-000000015.ckpt")); err != nil {
		t.Errorf("the resumed run wrote no final checkpoint: %v", err)
	}
}

func noop(*mtl.Training, mtl.Event) error { return nil }

var _ mtl.Callback = callback.TerminateOnNaN{}
