package callback

import (
	"fmt"
	"math"

	"github.com/gomtl/gomtl/mtl"
)

// ReduceLROnPlateau multiplies the learning rate by Factor when the
// monitored value has not improved for Patience epochs (Keras's
// ReduceLROnPlateau). Build it with NewReduceLROnPlateau.
type ReduceLROnPlateau struct {
	mon      monitor
	cfg      ReduceLROnPlateauConfig
	best     float64
	wait     int
	cooldown int // epochs of cooldown left
}

// ReduceLROnPlateauConfig configures ReduceLROnPlateau; zero fields take
// Keras's defaults.
type ReduceLROnPlateauConfig struct {
	Monitor  string  // a History key; "" means "val_loss"
	Mode     string  // "min", "max" or ""
	Factor   float64 // in (0, 1); 0 means 0.1
	Patience int     // epochs without improvement; 0 means 10
	MinDelta float64 // 0 means 1e-4; a negative value means 0
	Cooldown int     // epochs to wait after a reduction before counting again
	MinLR    float64 // the rate is never reduced below this
}

// NewReduceLROnPlateau returns the callback c describes.
func NewReduceLROnPlateau(c ReduceLROnPlateauConfig) (*ReduceLROnPlateau, error) {
	if c.Monitor == "" {
		c.Monitor = "val_loss"
	}
	if c.Factor == 0 {
		c.Factor = 0.1
	}
	if c.Patience == 0 {
		c.Patience = 10
	}
	switch {
	case c.MinDelta == 0:
		c.MinDelta = 1e-4
	case c.MinDelta < 0:
		c.MinDelta = 0
	}
	switch {
	case !(c.Factor > 0 && c.Factor < 1):
		return nil, fmt.Errorf("callback: reduce lr on plateau: factor %v, want a value in (0, 1)", c.Factor)
	case c.Patience < 0 || c.Cooldown < 0:
		return nil, fmt.Errorf("callback: reduce lr on plateau: patience %d, cooldown %d, want >= 0", c.Patience, c.Cooldown)
	case !(c.MinLR >= 0) || math.IsInf(c.MinLR, 0):
		return nil, fmt.Errorf("callback: reduce lr on plateau: min lr %v, want a finite value >= 0", c.MinLR)
	}
	mon, err := newMonitor(c.Monitor, c.Mode, c.MinDelta)
	if err != nil {
		return nil, fmt.Errorf("callback: reduce lr on plateau: %w", err)
	}
	return &ReduceLROnPlateau{mon: mon, cfg: c, best: math.NaN()}, nil
}

// OnEvent checks the monitored value at every epoch's end.
func (r *ReduceLROnPlateau) OnEvent(t *mtl.Training, ev mtl.Event) error {
	if ev.Kind != mtl.EpochEnd {
		return nil
	}
	v, err := r.mon.value(ev.Metrics)
	if err != nil {
		return fmt.Errorf("reduce lr on plateau: %w", err)
	}
	if r.cooldown > 0 {
		r.cooldown--
		r.wait = 0
	}
	switch {
	case r.mon.improves(v, r.best):
		r.best, r.wait = v, 0
	case r.cooldown == 0:
		r.wait++
		if r.wait >= r.cfg.Patience {
			if lr := t.LearningRate(); lr > r.cfg.MinLR {
				if err := t.SetLearningRate(math.Max(lr*r.cfg.Factor, r.cfg.MinLR)); err != nil {
					return err
				}
				r.cooldown, r.wait = r.cfg.Cooldown, 0
			}
		}
	}
	return nil
}

type plateauState struct {
	Best           float64
	Wait, Cooldown int
}

// MarshalBinary saves the state a resumed run needs.
func (r *ReduceLROnPlateau) MarshalBinary() ([]byte, error) {
	return encodeState("reduce lr on plateau", plateauState{r.best, r.wait, r.cooldown})
}

// UnmarshalBinary restores what MarshalBinary saved.
func (r *ReduceLROnPlateau) UnmarshalBinary(data []byte) error {
	var s plateauState
	if err := decodeState("reduce lr on plateau", data, &s); err != nil {
		return err
	}
	if s.Wait < 0 || s.Cooldown < 0 {
		return fmt.Errorf("callback: reduce lr on plateau: decoding state: wait %d, cooldown %d, want values >= 0", s.Wait, s.Cooldown)
	}
	r.best, r.wait, r.cooldown = s.Best, s.Wait, s.Cooldown
	return nil
}
