package callback

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gomtl/gomtl/mtl"
)

// ModelCheckpoint saves the model (Model.Save: spec and weights, loadable
// with mtl.Load) at the end of every epoch, or only when the monitored
// value improved (Keras's ModelCheckpoint). It saves the model, not the
// training state: for resumable runs use mtl.FitConfig.Checkpoint. Build
// it with NewModelCheckpoint.
type ModelCheckpoint struct {
	cfg  ModelCheckpointConfig
	mon  monitor
	best float64
}

// ModelCheckpointConfig configures ModelCheckpoint.
type ModelCheckpointConfig struct {
	// Dir is the folder to save into; "{epoch}" in it is replaced by the
	// epoch number, so that every epoch gets its own folder.
	Dir string
	// BestOnly saves only when Monitor improved on every earlier epoch.
	BestOnly bool
	Monitor  string // a History key; "" means "val_loss"
	Mode     string // "min", "max" or ""
}

// NewModelCheckpoint returns the callback c describes.
func NewModelCheckpoint(c ModelCheckpointConfig) (*ModelCheckpoint, error) {
	if strings.TrimSpace(c.Dir) == "" {
		return nil, fmt.Errorf("callback: model checkpoint: no folder")
	}
	if c.Monitor == "" {
		c.Monitor = "val_loss"
	}
	mon, err := newMonitor(c.Monitor, c.Mode, 0)
	if err != nil {
		return nil, fmt.Errorf("callback: model checkpoint: %w", err)
	}
	return &ModelCheckpoint{cfg: c, mon: mon, best: math.NaN()}, nil
}

// OnEvent saves the model at every epoch's end, or when it improved.
func (c *ModelCheckpoint) OnEvent(t *mtl.Training, ev mtl.Event) error {
	if ev.Kind != mtl.EpochEnd {
		return nil
	}
	if c.cfg.BestOnly {
		v, err := c.mon.value(ev.Metrics)
		if err != nil {
			return fmt.Errorf("model checkpoint: %w", err)
		}
		if !c.mon.improves(v, c.best) {
			return nil
		}
		c.best = v
	}
	return t.Model().Save(strings.ReplaceAll(c.cfg.Dir, "{epoch}", strconv.Itoa(ev.Epoch)))
}

// MarshalBinary saves the best value so far.
func (c *ModelCheckpoint) MarshalBinary() ([]byte, error) {
	return encodeState("model checkpoint", c.best)
}

// UnmarshalBinary restores what MarshalBinary saved.
func (c *ModelCheckpoint) UnmarshalBinary(data []byte) error {
	var best float64
	if err := decodeState("model checkpoint", data, &best); err != nil {
		return err
	}
	c.best = best
	return nil
}
