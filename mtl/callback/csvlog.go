package callback

import (
	"fmt"

	"github.com/gomtl/gomtl/mtl"
)

// CSVLogger writes the History as CSV ("epoch,<keys>", one row per epoch)
// to Path at every epoch's end (Keras's CSVLogger). It rewrites the whole
// file from the History each time (History.SaveCSV), so the file is never half written and a resumed run's log
// holds every epoch exactly once.
type CSVLogger struct {
	Path string
}

// OnEvent writes the file at TrainBegin (the epochs a resumed run
// already has) and at every epoch's end.
func (c CSVLogger) OnEvent(t *mtl.Training, e mtl.Event) error {
	if e.Kind != mtl.EpochEnd && e.Kind != mtl.TrainBegin {
		return nil
	}
	if e.Kind == mtl.TrainBegin && t.History().Epochs() == 0 {
		return nil
	}
	if err := t.History().SaveCSV(c.Path); err != nil {
		return fmt.Errorf("csv logger: %w", err)
	}
	return nil
}
