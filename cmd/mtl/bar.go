package main

import (
	"fmt"
	"io"
	"time"

	"github.com/gomtl/gomtl/mtl"
	"github.com/schollz/progressbar/v3"
)

// barInterval is the least time between two redraws of a progress bar:
// Fit reports every step, which can be thousands of times a second.
const barInterval = 100 * time.Millisecond

// barProgress draws a Keras-like progress bar per epoch on a terminal:
//
//	Epoch 1/5
//	 100% [==============================] (1500/1500) [4s] loss: 0.3120
//	4.6s - loss: 0.3120 - digit_loss: 0.2795 - ... - val_parity_accuracy: 0.9755
type barProgress struct {
	w     io.Writer
	now   func() time.Time
	width int // of the bar itself, in characters
	mute  *muteWriter
	bar   *progressbar.ProgressBar // this epoch's; nil between epochs
	start time.Time                // of this epoch
	drawn time.Time                // of the last redraw
	open  bool                     // a bar is on screen and its line not ended
}

// newBarProgress returns a bar display on w, a terminal cols columns wide
// (0 if unknown).
func newBarProgress(w io.Writer, now func() time.Time, cols int) *barProgress {
	width := 30
	if cols > 0 {
		width = min(width, max(10, cols-48)) // room for the count, times and loss
	}
	return &barProgress{w: w, now: now, width: width, mute: &muteWriter{w: w}}
}

func (p *barProgress) Record(ev mtl.Event) {
	switch ev.Kind {
	case mtl.EpochStart:
		p.Close()
		fmt.Fprintf(p.w, "Epoch %d/%d\n", ev.Epoch, ev.Epochs)
		p.start, p.drawn = p.now(), time.Time{}
		p.bar = progressbar.NewOptions(ev.Steps,
			progressbar.OptionSetWriter(p.mute),
			progressbar.OptionUseANSICodes(true), // redraw in place, no blanking
			progressbar.OptionSetTheme(progressbar.ThemeASCII),
			progressbar.OptionSetWidth(p.width),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionShowDescriptionAtLineEnd(),
		)
	case mtl.BatchEnd:
		if p.bar == nil {
			return
		}
		now := p.now()
		if ev.Step < ev.Steps && now.Sub(p.drawn) < barInterval {
			return // the last step is always drawn, so the bar ends full
		}
		p.drawn = now
		p.draw(ev.Step, ev.Loss)
	case mtl.EpochEnd:
		p.Close()
		fmt.Fprintf(p.w, "%.1fs - %s\n", p.now().Sub(p.start).Seconds(), formatMetrics(ev.Keys, ev.Metrics))
	}
}

// draw redraws the bar at step with the running loss. Describe and Set
// each redraw; the first is muted so that an update is one redraw.
func (p *barProgress) draw(step int, loss float64) {
	p.mute.muted = true
	p.bar.Describe(fmt.Sprintf("loss: %.4f", loss))
	p.mute.muted = false
	p.bar.Set(step)
	p.open = true
}

// Close ends the line of a bar left on screen.
func (p *barProgress) Close() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
	p.bar = nil
}

// muteWriter drops writes while muted.
type muteWriter struct {
	w     io.Writer
	muted bool
}

func (m *muteWriter) Write(b []byte) (int, error) {
	if m.muted {
		return len(b), nil
	}
	return m.w.Write(b)
}
