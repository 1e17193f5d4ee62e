package main

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gomtl/gomtl/mtl"
)

// fakeClock advances only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// epochKeys are the keys of a full row of metrics, in History order.
var epochKeys = []string{"loss", "digit_loss", "digit_accuracy", "parity_loss", "parity_accuracy",
	"val_loss", "val_digit_loss", "val_digit_accuracy", "val_parity_loss", "val_parity_accuracy"}

// epochMetrics is a full row of metrics, with and without "val_".
func epochMetrics() map[string]float64 {
	m := map[string]float64{}
	for i, k := range epochKeys[:5] {
		m[k] = 0.1 * float64(i+1)
		m["val_"+k] = 0.01 * float64(i+1)
	}
	return m
}

// feed sends one epoch of steps events, the clock moving by tick before
// each step.
func feed(rec mtl.Recorder, clock *fakeClock, epoch, epochs, steps int, tick time.Duration) {
	rec.Record(mtl.Event{Kind: mtl.EpochStart, Epoch: epoch, Epochs: epochs, Steps: steps})
	for s := 1; s <= steps; s++ {
		clock.t = clock.t.Add(tick)
		rec.Record(mtl.Event{Kind: mtl.BatchEnd, Epoch: epoch, Epochs: epochs, Step: s, Steps: steps, Loss: 1 / float64(s)})
	}
	rec.Record(mtl.Event{Kind: mtl.EpochEnd, Epoch: epoch, Epochs: epochs, Steps: steps, Metrics: epochMetrics(), Keys: epochKeys})
}

// The bar redraws at most every barInterval, whatever the step rate, and
// always draws the last step.
func TestBarThrottle(t *testing.T) {
	tests := []struct {
		name      string
		steps     int
		tick      time.Duration
		wantDraws int
	}{
		// 2000 steps in 2 s: a draw at step 1, then every 100 ms, and the last step.
		{"fast steps", 2000, time.Millisecond, 21},
		// Every step is slower than the interval: every step is drawn.
		{"slow steps", 5, time.Second, 5},
		{"one step", 1, time.Millisecond, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			clock := &fakeClock{t: time.Unix(0, 0)}
			p := newBarProgress(&out, clock.now, 0)
			feed(p, clock, 1, 3, tt.steps, tt.tick)
			p.Close()
			s := out.String()
			if got := strings.Count(s, "\r"); got != tt.wantDraws {
				t.Errorf("%d draws, want %d:\n%q", got, tt.wantDraws, s)
			}
			lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
			if len(lines) != 3 || lines[0] != "Epoch 1/3" {
				t.Fatalf("want a header, a bar and a metrics line:\n%q", s)
			}
			if full := "100% [==============================]"; !strings.Contains(lines[1], full) ||
				!strings.Contains(lines[1], "loss: ") || !strings.HasSuffix(lines[1], "\x1b[0K") {
				t.Errorf("the last draw is not a full bar with the loss: %q", lines[1])
			}
			if want := "s - loss: 0.1000 - digit_loss: 0.2000"; !strings.Contains(lines[2], want) ||
				!strings.HasSuffix(lines[2], "val_parity_accuracy: 0.0500") {
				t.Errorf("metrics line %q", lines[2])
			}
		})
	}
}

// A bar cut short (an interrupt) gets its line ended by Close.
func TestBarClose(t *testing.T) {
	var out strings.Builder
	clock := &fakeClock{t: time.Unix(0, 0)}
	p := newBarProgress(&out, clock.now, 0)
	p.Record(mtl.Event{Kind: mtl.EpochStart, Epoch: 1, Epochs: 1, Steps: 10})
	p.Record(mtl.Event{Kind: mtl.BatchEnd, Epoch: 1, Epochs: 1, Step: 1, Steps: 10, Loss: 2})
	p.Close()
	if s := out.String(); !strings.Contains(s, "(1/10)") || !strings.HasSuffix(s, "\x1b[0K\n") {
		t.Errorf("output %q, want a bar at 1/10 and a newline", s)
	}
}

func TestLineProgress(t *testing.T) {
	var out strings.Builder
	clock := &fakeClock{t: time.Unix(0, 0)}
	p := newProgress(&env{stderr: &out, now: clock.now})
	feed(p, clock, 1, 2, 500, 10*time.Millisecond)
	feed(p, clock, 2, 2, 500, 10*time.Millisecond)
	p.Close()
	want := "Epoch 1/2 - 5.0s - " + formatMetrics(epochKeys, epochMetrics()) + "\n" +
		"Epoch 2/2 - 5.0s - " + formatMetrics(epochKeys, epochMetrics()) + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestJSONProgress(t *testing.T) {
	var out strings.Builder
	clock := &fakeClock{t: time.Unix(0, 0)}
	p := newProgress(&env{stdout: &out, now: clock.now, json: true, tty: true})
	feed(p, clock, 1, 1, 3, 250*time.Millisecond)
	var got statusLine
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	want := statusLine{MessageType: "status", Epoch: 1, Epochs: 1, Seconds: 0.75, Metrics: epochMetrics()}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// A value JSON cannot hold (the AUC of one class) is null in summary.json,
// the status lines and history.json, and reads back as NaN.
func TestNonFiniteJSON(t *testing.T) {
	s := taskScore{"loss": 0.5, "auc": math.NaN()}
	b, err := json.Marshal(map[string]taskScore{"hard": s})
	if err != nil || string(b) != `{"hard":{"auc":null,"loss":0.5}}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	var back map[string]taskScore
	if err := json.Unmarshal(b, &back); err != nil || !math.IsNaN(back["hard"]["auc"]) || back["hard"]["loss"] != 0.5 {
		t.Errorf("unmarshal: %v, %v", back, err)
	}
	b, err = json.Marshal(statusLine{MessageType: "status", Metrics: statusMetrics{"hard_auc": math.Inf(1)}})
	if err != nil || !strings.Contains(string(b), `"metrics":{"hard_auc":null}`) {
		t.Errorf("status line: %s, %v", b, err)
	}
	hist := &mtl.History{Keys: []string{"loss", "hard_auc"}, Metrics: map[string][]float64{"loss": {1, 0.5}, "hard_auc": {math.NaN(), 0.75}}}
	b, err = json.Marshal(hist)
	if err != nil || !strings.Contains(string(b), `"hard_auc":[null,0.75]`) || !strings.Contains(string(b), `"keys":["loss","hard_auc"]`) {
		t.Errorf("history: %s, %v", b, err)
	}
}
