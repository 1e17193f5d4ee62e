package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/gomtl/gomtl/mtl"
)

// A progress renders training events. Close ends the display; it is
// called once Fit returns, even after an error or an interrupt.
type progress interface {
	mtl.Recorder
	Close()
}

// newProgress returns the display that suits e: JSON status lines with
// --json, a progress bar on a terminal, otherwise one line per epoch.
func newProgress(e *env) progress {
	switch {
	case e.json:
		return &jsonProgress{e: e, start: e.now()}
	case e.tty:
		return newBarProgress(e.stderr, e.now, e.width)
	}
	return &lineProgress{w: e.stderr, now: e.now, start: e.now()}
}

// lineProgress prints exactly one line per epoch.
type lineProgress struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
}

func (p *lineProgress) Record(ev mtl.Event) {
	switch ev.Kind {
	case mtl.EpochStart:
		p.start = p.now()
	case mtl.EpochEnd:
		fmt.Fprintf(p.w, "Epoch %d/%d - %.1fs - %s\n", ev.Epoch, ev.Epochs,
			p.now().Sub(p.start).Seconds(), formatMetrics(ev.Keys, ev.Metrics))
	}
}

func (p *lineProgress) Close() {}

// statusLine is the JSON line printed after each epoch with --json.
type statusLine struct {
	MessageType  string        `json:"message_type"` // "status"
	Epoch        int           `json:"epoch"`
	Epochs       int           `json:"epochs"`
	Seconds      float64       `json:"seconds"`       // the epoch's wall time, validation included
	TrainSeconds float64       `json:"train_seconds"` // forward, backward and update only
	Metrics      statusMetrics `json:"metrics"`
}

// statusMetrics is an epoch's row of the history; in JSON a value that is
// not finite (an AUC over one class) is null.
type statusMetrics map[string]float64

// MarshalJSON writes m with null for the values that are not finite.
func (m statusMetrics) MarshalJSON() ([]byte, error) { return marshalMetrics(m) }

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (m *statusMetrics) UnmarshalJSON(b []byte) error {
	return unmarshalMetrics((*map[string]float64)(m), b)
}

// jsonProgress prints a status line per epoch on stdout.
type jsonProgress struct {
	e     *env
	start time.Time
}

func (p *jsonProgress) Record(ev mtl.Event) {
	switch ev.Kind {
	case mtl.EpochStart:
		p.start = p.e.now()
	case mtl.EpochEnd:
		p.e.emit(statusLine{
			MessageType:  "status",
			Epoch:        ev.Epoch,
			Epochs:       ev.Epochs,
			Seconds:      roundMillis(p.e.now().Sub(p.start).Seconds()),
			TrainSeconds: roundMillis(ev.Elapsed.Seconds()),
			Metrics:      ev.Metrics,
		})
	}
}

func (p *jsonProgress) Close() {}

func roundMillis(s float64) float64 { return math.Round(s*1000) / 1000 }

// formatMetrics returns "loss: 0.2412 - digit_loss: 0.3011 - ...".
// keys gives the order, as in mtl.Event.Keys.
func formatMetrics(keys []string, metrics map[string]float64) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" - ")
		}
		fmt.Fprintf(&b, "%s: %.4f", k, metrics[k])
	}
	return b.String()
}
