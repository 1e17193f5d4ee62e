package callback

import (
	"fmt"
	"math"

	"github.com/gomtl/gomtl/mtl"
)

// EarlyStopping stops training when the monitored value has not improved
// for Patience epochs (Keras's EarlyStopping). Build it with
// NewEarlyStopping.
type EarlyStopping struct {
	mon       monitor
	patience  int
	restore   bool
	best      float64
	bestEpoch int
	wait      int
	stopped   int // the epoch training stopped after; 0 if it did not
	weights   *mtl.Weights
}

// EarlyStoppingConfig configures EarlyStopping.
type EarlyStoppingConfig struct {
	Monitor  string  // a History key; "" means "val_loss"
	Mode     string  // "min", "max" or "" (the key's natural direction)
	MinDelta float64 // a change smaller than this is no improvement
	Patience int     // epochs without improvement before stopping (0 or 1: the first)
	// RestoreBestWeights sets the model's weights back to those of the
	// best epoch when training stops early.
	RestoreBestWeights bool
}

// NewEarlyStopping returns the callback c describes.
func NewEarlyStopping(c EarlyStoppingConfig) (*EarlyStopping, error) {
	if c.Monitor == "" {
		c.Monitor = "val_loss"
	}
	mon, err := newMonitor(c.Monitor, c.Mode, c.MinDelta)
	if err != nil {
		return nil, fmt.Errorf("callback: early stopping: %w", err)
	}
	if c.Patience < 0 {
		return nil, fmt.Errorf("callback: early stopping: patience %d, want >= 0", c.Patience)
	}
	return &EarlyStopping{mon: mon, patience: c.Patience, restore: c.RestoreBestWeights, best: math.NaN()}, nil
}

// OnEvent checks the monitored value at every epoch's end.
func (e *EarlyStopping) OnEvent(t *mtl.Training, ev mtl.Event) error {
	if ev.Kind != mtl.EpochEnd {
		return nil
	}
	v, err := e.mon.value(ev.Metrics)
	if err != nil {
		return fmt.Errorf("early stopping: %w", err)
	}
	if e.mon.improves(v, e.best) {
		e.best, e.bestEpoch, e.wait = v, ev.Epoch, 0
		if e.restore {
			e.weights = t.Model().CopyWeights()
		}
		return nil
	}
	e.wait++
	if e.wait >= max(e.patience, 1) {
		e.stopped = ev.Epoch
		t.Stop()
		if e.restore && e.weights != nil {
			return t.Model().SetWeights(e.weights)
		}
	}
	return nil
}

// StoppedEpoch returns the epoch after which training was stopped, or 0.
func (e *EarlyStopping) StoppedEpoch() int { return e.stopped }

// Best returns the best monitored value seen and its epoch (NaN, 0 before
// the first epoch ends).
func (e *EarlyStopping) Best() (float64, int) { return e.best, e.bestEpoch }

type earlyState struct {
	Best                     float64
	BestEpoch, Wait, Stopped int
	Weights                  []byte
}

// MarshalBinary saves the state a resumed run needs.
func (e *EarlyStopping) MarshalBinary() ([]byte, error) {
	s := earlyState{Best: e.best, BestEpoch: e.bestEpoch, Wait: e.wait, Stopped: e.stopped}
	if e.weights != nil {
		var err error
		if s.Weights, err = e.weights.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	return encodeState("early stopping", s)
}

// UnmarshalBinary restores what MarshalBinary saved.
func (e *EarlyStopping) UnmarshalBinary(data []byte) error {
	var s earlyState
	if err := decodeState("early stopping", data, &s); err != nil {
		return err
	}
	if s.BestEpoch < 0 || s.Wait < 0 || s.Stopped < 0 {
		return fmt.Errorf("callback: early stopping: decoding state: best epoch %d, wait %d, stopped epoch %d, want values >= 0", s.BestEpoch, s.Wait, s.Stopped)
	}
	var w *mtl.Weights
	if s.Weights != nil {
		w = &mtl.Weights{}
		if err := w.UnmarshalBinary(s.Weights); err != nil {
			return fmt.Errorf("callback: early stopping: decoding state: %w", err)
		}
	}
	e.best, e.bestEpoch, e.wait, e.stopped, e.weights = s.Best, s.BestEpoch, s.Wait, s.Stopped, w
	return nil
}
