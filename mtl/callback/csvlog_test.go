package callback_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

// historyCSV returns h as History.WriteCSV writes it.
func historyCSV(t *testing.T, h *mtl.History) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := h.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCSVLogger checks that after Fit the file is the History's CSV, byte
// for byte, and that every epoch's end rewrote it with the rows so far.
func TestCSVLogger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.csv")
	var lines []int // the file's lines after every epoch
	watch := mtl.CallbackFunc(func(_ *mtl.Training, e mtl.Event) error {
		switch e.Kind {
		case mtl.TrainBegin:
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("at a fresh run's TrainBegin: %v, want no file yet", err)
			}
		case mtl.EpochEnd:
			lines = append(lines, bytes.Count(readFile(t, path), []byte("\n")))
		}
		return nil
	})
	_, h := mustFit(t, fitConfig(3, callback.CSVLogger{Path: path}, watch))
	got, want := readFile(t, path), historyCSV(t, h)
	if !bytes.Equal(got, want) {
		t.Errorf("log file:\n%s\nwant History.WriteCSV's:\n%s", got, want)
	}
	if !bytes.HasPrefix(got, []byte("epoch,loss,a_loss,a_accuracy,")) {
		t.Errorf("log file starts %q, want the header epoch,loss,...", got[:min(len(got), 40)])
	}
	if wantLines := []int{2, 3, 4}; !slices.Equal(lines, wantLines) {
		t.Errorf("lines after each epoch %v, want %v", lines, wantLines)
	}
	if tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(tmps) != 0 {
		t.Errorf("temporary files left behind: %v", tmps)
	}
}

// TestCSVLoggerResume stops a run partway through epoch 3 (its context
// cancelled at step 2, with checkpoints on) and resumes it with a fresh
// CSVLogger at the same path: the file then equals the uninterrupted
// run's, every epoch once. With the file removed before resuming, the
// resumed run's TrainBegin writes the epochs it already has.
func TestCSVLoggerResume(t *testing.T) {
	refPath := filepath.Join(t.TempDir(), "ref.csv")
	_, href := mustFit(t, fitConfig(5, callback.CSVLogger{Path: refPath}))
	ref := readFile(t, refPath)

	path, dir := filepath.Join(t.TempDir(), "log.csv"), t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stop := mtl.CallbackFunc(func(_ *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.BatchEnd && e.Epoch == 3 && e.Step == 2 {
			cancel()
		}
		return nil
	})
	cfg := fitConfig(5, callback.CSVLogger{Path: path}, stop)
	cfg.Checkpoint = mtl.CheckpointConfig{Dir: dir}
	if _, _, err := fit(t, ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("Fit returned %v, want context.Canceled", err)
	}
	// The log holds the header and epochs 1 and 2.
	if got, want := readFile(t, path), ref[:nthLine(ref, 3)]; !bytes.Equal(got, want) {
		t.Errorf("log after the stop:\n%s\nwant:\n%s", got, want)
	}
	c, err := mtl.OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Epoch != 3 || c.Step != 2 {
		t.Fatalf("newest checkpoint at epoch %d step %d, want epoch 3 step 2", c.Epoch, c.Step)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	atBegin := mtl.CallbackFunc(func(_ *mtl.Training, e mtl.Event) error {
		if e.Kind != mtl.TrainBegin {
			return nil
		}
		if got, want := readFile(t, path), ref[:nthLine(ref, 3)]; !bytes.Equal(got, want) {
			t.Errorf("log at the resumed run's TrainBegin:\n%s\nwant:\n%s", got, want)
		}
		return nil
	})
	_, h, err := c.Resume(t.Context(), trainData(), mtl.ResumeOptions{Callbacks: []mtl.Callback{callback.CSVLogger{Path: path}, atBegin}})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); !bytes.Equal(got, ref) {
		t.Errorf("log after resuming:\n%s\nwant the uninterrupted run's:\n%s", got, ref)
	}
	if got := historyCSV(t, h); !bytes.Equal(got, historyCSV(t, href)) {
		t.Errorf("resumed history:\n%s\nwant:\n%s", got, historyCSV(t, href))
	}
}

// nthLine returns the offset just past the n-th newline of b.
func nthLine(b []byte, n int) int {
	off := 0
	for range n {
		off += bytes.IndexByte(b[off:], '\n') + 1
	}
	return off
}

// TestCSVLoggerBadPath checks that a file that cannot be written fails
// Fit, naming the logger.
func TestCSVLoggerBadPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", "log.csv")
	_, h, err := fit(t, t.Context(), fitConfig(2, callback.CSVLogger{Path: path}))
	if err == nil || !strings.Contains(err.Error(), "csv logger: ") || !strings.Contains(err.Error(), "no-such-folder") {
		t.Errorf("Fit returned %v, want a csv logger error naming the folder", err)
	}
	if h.Epochs() != 1 {
		t.Errorf("%d epochs recorded, want 1", h.Epochs())
	}
}

var _ mtl.Callback = callback.CSVLogger{}
