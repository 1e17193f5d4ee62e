package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gomtl/gomtl/mtl"
)

// The files of a run folder.
const (
	runsDir         = "runs"
	summaryFile     = "summary.json"
	historyJSONFile = "history.json"
	historyCSVFile  = "history.csv"
	curvesFile      = "curves.png"
	conflictCSVFile = "conflict.csv" // with --diagnose
	conflictPNGFile = "conflict.png" // with --diagnose
	modelDir        = "model"
)

// A runDir is the folder a training run writes into.
type runDir struct {
	path string
	// created: this run made the folder, so it removes it again if it
	// fails before writing anything into it.
	created bool
}

// newRunDir makes the folder out, or without out a new folder
// runs/<UTC time>[-N] in the working directory.
func newRunDir(out string, now time.Time) (*runDir, error) {
	if out != "" {
		_, statErr := os.Stat(out)
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, fmt.Errorf("output folder: %w", err)
		}
		return &runDir{path: out, created: errors.Is(statErr, fs.ErrNotExist)}, nil
	}
	if err := os.MkdirAll(runsDir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	base := filepath.Join(runsDir, now.UTC().Format("20060102-150405"))
	for n := 1; n <= 1000; n++ {
		path := base
		if n > 1 {
			path = fmt.Sprintf("%s-%d", base, n)
		}
		err := os.Mkdir(path, 0o755)
		if err == nil {
			return &runDir{path: path, created: true}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("output folder: %w", err)
		}
	}
	return nil, fmt.Errorf("output folder: %s and 999 numbered variants are taken", base)
}

// discard removes the folder if this run made it and it is still empty.
func (d *runDir) discard() {
	if d.created {
		os.Remove(d.path) // fails, as it should, when the folder is not empty
	}
}

// file returns the path of the named file in the folder.
func (d *runDir) file(name string) string { return filepath.Join(d.path, name) }

// writeFile writes data to the named file under a temporary name, then
// renames it into place, so that no file is ever left half written.
func (d *runDir) writeFile(name string, data []byte) error {
	path := d.file(name)
	tmp, err := os.CreateTemp(d.path, "."+name+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes files private
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeJSON writes v, indented, to the named file.
func (d *runDir) writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", d.file(name), err)
	}
	return d.writeFile(name, append(b, '\n'))
}

// writeRun saves what training produced: the model, the history as JSON
// and CSV, the learning curves and, when training measured them, the
// gradient conflicts.
func writeRun(d *runDir, m *mtl.Model, hist *mtl.History) error {
	if err := m.Save(d.file(modelDir)); err != nil {
		return err
	}
	if err := d.writeJSON(historyJSONFile, hist); err != nil {
		return err
	}
	var csv bytes.Buffer
	if err := hist.WriteCSV(&csv); err != nil {
		return err
	}
	if err := d.writeFile(historyCSVFile, csv.Bytes()); err != nil {
		return err
	}
	png, err := curvesPNG(hist, m.Spec().Tasks)
	if err != nil {
		return err
	}
	if err := d.writeFile(curvesFile, png); err != nil {
		return err
	}
	if hist.Conflict != nil {
		return writeConflict(d, hist.Conflict)
	}
	return nil
}

// writeConflict saves the gradient-conflict samples as CSV and as a plot.
func writeConflict(d *runDir, c *mtl.Conflict) error {
	var csv bytes.Buffer
	if err := c.WriteCSV(&csv); err != nil {
		return err
	}
	if err := d.writeFile(conflictCSVFile, csv.Bytes()); err != nil {
		return err
	}
	png, err := c.DrawPNG()
	if err != nil {
		return err
	}
	return d.writeFile(conflictPNGFile, png)
}
