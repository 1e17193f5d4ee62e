package callback

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomtl/gomtl/mtl"
)

// CSVLogger writes the History as CSV ("epoch,<keys>", one row per epoch)
// to Path at every epoch's end (Keras's CSVLogger). It rewrites the whole
// file from the History each time, under a temporary name renamed into
// place, so the file is never half written and a resumed run's log
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
	var b bytes.Buffer
	if err := t.History().WriteCSV(&b); err != nil {
		return err
	}
	if err := writeFile(c.Path, b.Bytes()); err != nil {
		return fmt.Errorf("csv logger: %w", err)
	}
	return nil
}

// writeFile writes data to a temporary file beside path and renames it
// into place.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}
