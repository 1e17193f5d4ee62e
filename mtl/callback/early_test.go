package callback_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

func mustEarlyStopping(t *testing.T, c callback.EarlyStoppingConfig) *callback.EarlyStopping {
	t.Helper()
	es, err := callback.NewEarlyStopping(c)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestEarlyStoppingPatience monitors the training loss in mode "max":
// the loss falls, so nothing improves after epoch 1, the wait reaches
// the patience after epoch 1+patience and training stops there, without
// error. Patience 0 stops at the first epoch without improvement, as 1
// does (Keras: wait >= patience, with wait >= 1 by then).
func TestEarlyStoppingPatience(t *testing.T) {
	for _, c := range []struct {
		patience, want int
	}{{0, 2}, {1, 2}, {2, 3}, {4, 5}} {
		es := mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: "loss", Mode: "max", Patience: c.patience})
		_, h := mustFit(t, fitConfig(7, es))
		fallingLoss(t, h)
		if got := h.Epochs(); got != c.want {
			t.Errorf("patience %d: trained %d epochs, want %d", c.patience, got, c.want)
		}
		if got := es.StoppedEpoch(); got != c.want {
			t.Errorf("patience %d: StoppedEpoch %d, want %d", c.patience, got, c.want)
		}
		if best, epoch := es.Best(); best != h.Metrics["loss"][0] || epoch != 1 {
			t.Errorf("patience %d: Best() = %v, %d; want epoch 1's loss %v, 1", c.patience, best, epoch, h.Metrics["loss"][0])
		}
	}
}

// TestEarlyStoppingRestoreBestWeights checks that the weights after an
// early stop are those of the best epoch, bit for bit: under "max" on a
// falling loss that is epoch 1, so a fresh 1-epoch run with the same seed
// ends with the same weights. Without RestoreBestWeights they are the
// last epoch's, and with it but no early stop they are left alone.
func TestEarlyStoppingRestoreBestWeights(t *testing.T) {
	cfg := callback.EarlyStoppingConfig{Monitor: "loss", Mode: "max", Patience: 2, RestoreBestWeights: true}
	es := mustEarlyStopping(t, cfg)
	m, h := mustFit(t, fitConfig(6, es))
	fallingLoss(t, h)
	if h.Epochs() != 3 || es.StoppedEpoch() != 3 {
		t.Fatalf("trained %d epochs, stopped after %d; want 3 and 3", h.Epochs(), es.StoppedEpoch())
	}
	one, _ := mustFit(t, fitConfig(1))
	if !reflect.DeepEqual(m.CopyWeights(), one.CopyWeights()) {
		t.Error("restored weights differ from those of a 1-epoch run")
	}

	cfg.RestoreBestWeights = false
	last, _ := mustFit(t, fitConfig(6, mustEarlyStopping(t, cfg)))
	three, _ := mustFit(t, fitConfig(3))
	if !reflect.DeepEqual(last.CopyWeights(), three.CopyWeights()) {
		t.Error("without RestoreBestWeights, the weights differ from those of a 3-epoch run")
	}
	if reflect.DeepEqual(last.CopyWeights(), one.CopyWeights()) {
		t.Error("the weights after 3 epochs equal those after 1: the comparison above proves nothing")
	}

	// Mode "min" on a falling loss: no early stop, nothing restored.
	es = mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: "loss", Mode: "min", Patience: 1, RestoreBestWeights: true})
	m, h = mustFit(t, fitConfig(3, es))
	if h.Epochs() != 3 || es.StoppedEpoch() != 0 {
		t.Errorf("mode min: trained %d epochs, stopped after %d; want 3 and 0", h.Epochs(), es.StoppedEpoch())
	}
	if !reflect.DeepEqual(m.CopyWeights(), three.CopyWeights()) {
		t.Error("mode min, no early stop: the weights differ from those of a plain 3-epoch run")
	}
}

// TestEarlyStoppingMinDelta checks that a fall in the loss smaller than
// MinDelta is no improvement: with a MinDelta larger than the loss
// itself, mode "min" stops after 1+patience epochs; with none it does not.
func TestEarlyStoppingMinDelta(t *testing.T) {
	for _, c := range []struct {
		delta float64
		want  int
	}{{100, 3}, {0, 5}} {
		es := mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: "loss", Mode: "min", MinDelta: c.delta, Patience: 2})
		_, h := mustFit(t, fitConfig(5, es))
		if h.Epochs() != c.want {
			t.Errorf("min delta %v: trained %d epochs, want %d (loss %v)", c.delta, h.Epochs(), c.want, h.Metrics["loss"])
		}
		wantStop := c.want
		if c.want == 5 {
			wantStop = 0
		}
		if es.StoppedEpoch() != wantStop {
			t.Errorf("min delta %v: StoppedEpoch %d, want %d", c.delta, es.StoppedEpoch(), wantStop)
		}
	}
}

// TestEarlyStoppingScripted feeds scripted values of the monitored key and
// checks where training stops and what is best, worked out by hand from
// Keras's rule: improvement is v < best-delta (min) or v > best+delta
// (max); the wait counts epochs since the last one, and training stops
// when it reaches max(patience, 1). NaN never improves.
func TestEarlyStoppingScripted(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name      string
		key, mode string
		delta     float64
		patience  int
		vals      []float64
		stopped   int // 0: ran all len(vals) epochs
		best      float64
		bestEpoch int
	}{
		{"min", "val_loss", "min", 0, 2, []float64{5, 4, 4.5, 4.2, 3}, 4, 4, 2},
		{"min-wait-resets", "val_loss", "min", 0, 2, []float64{5, 6, 4, 6, 3, 6}, 0, 3, 5},
		{"max", "val_loss", "max", 0, 1, []float64{1, 2, 2, 1}, 3, 2, 2},
		{"min-equal-is-no-improvement", "val_loss", "min", 0, 2, []float64{5, 5, 5, 4}, 3, 5, 1},
		{"delta", "val_loss", "min", 0.5, 1, []float64{5, 4.6, 3}, 2, 5, 1},
		{"delta-enough", "val_loss", "min", 0.5, 1, []float64{5, 4.4, 3}, 0, 3, 3},
		{"nan-never-improves", "val_loss", "min", 0, 2, []float64{5, nan, 4, 3}, 0, 3, 4},
		{"nan-waits", "val_loss", "min", 0, 2, []float64{5, nan, nan, 3}, 3, 5, 1},
		{"auto-accuracy-is-max", "val_x_accuracy", "", 0, 1, []float64{0.5, 0.6, 0.7, 0.8}, 0, 0.8, 4},
		{"auto-loss-is-min", "val_x_loss", "", 0, 1, []float64{0.5, 0.6, 0.7, 0.8}, 2, 0.5, 1},
		{"auto-auc-is-max", "x_auc", "", 0, 1, []float64{0.5, 0.4}, 2, 0.5, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			es := mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: c.key, Mode: c.mode, MinDelta: c.delta, Patience: c.patience})
			_, h := mustFit(t, fitConfig(len(c.vals), feed(c.key, c.vals...), es))
			wantEpochs := c.stopped
			if wantEpochs == 0 {
				wantEpochs = len(c.vals)
			}
			if h.Epochs() != wantEpochs || es.StoppedEpoch() != c.stopped {
				t.Errorf("trained %d epochs, stopped after %d; want %d and %d", h.Epochs(), es.StoppedEpoch(), wantEpochs, c.stopped)
			}
			if best, epoch := es.Best(); best != c.best || epoch != c.bestEpoch {
				t.Errorf("Best() = %v, %d; want %v, %d", best, epoch, c.best, c.bestEpoch)
			}
		})
	}
}

// TestEarlyStoppingUnknownKey checks that a monitored key the history does
// not record fails Fit at the first epoch's end, naming the key.
func TestEarlyStoppingUnknownKey(t *testing.T) {
	for _, c := range []struct {
		monitor, want string
		val           bool
	}{{"val_nothing", `"val_nothing"`, true}, {"", `"val_loss"`, false}} {
		es := mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: c.monitor})
		cfg := fitConfig(3, es)
		if !c.val {
			cfg.ValidationSplit = 0
		}
		_, h, err := fit(t, t.Context(), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "early stopping") {
			t.Errorf("monitor %q: Fit returned %v, want an early stopping error naming %s", c.monitor, err, c.want)
		}
		if h.Epochs() != 1 {
			t.Errorf("monitor %q: %d epochs recorded, want 1 (the row is recorded before the callbacks run)", c.monitor, h.Epochs())
		}
	}
}

// TestNewEarlyStoppingRejects checks the constructor's validation.
func TestNewEarlyStoppingRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  callback.EarlyStoppingConfig
		want string
	}{
		{"negative patience", callback.EarlyStoppingConfig{Patience: -1}, "patience -1"},
		{"bad mode", callback.EarlyStoppingConfig{Mode: "maximum"}, `mode "maximum"`},
		{"nan delta", callback.EarlyStoppingConfig{MinDelta: math.NaN()}, "min delta NaN"},
		{"negative delta", callback.EarlyStoppingConfig{MinDelta: -0.1}, "min delta -0.1"},
		{"infinite delta", callback.EarlyStoppingConfig{MinDelta: math.Inf(1)}, "min delta +Inf"},
	} {
		es, err := callback.NewEarlyStopping(c.cfg)
		if err == nil || es != nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "callback: early stopping: ") {
			t.Errorf("%s: NewEarlyStopping returned %v, %v; want a nil callback and an error saying %q", c.name, es, err, c.want)
		}
	}
	if _, err := callback.NewEarlyStopping(callback.EarlyStoppingConfig{}); err != nil {
		t.Errorf("zero config: %v", err)
	}
}

var _ mtl.Callback = (*callback.EarlyStopping)(nil)
