package callback_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

func mustPlateau(t *testing.T, c callback.ReduceLROnPlateauConfig) *callback.ReduceLROnPlateau {
	t.Helper()
	r, err := callback.NewReduceLROnPlateau(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReduceLROnPlateau records the learning rate at every EpochStart of
// runs that monitor the training loss in mode "max": the loss falls, so
// after epoch 1 no epoch improves. The sequences are worked out by hand
// from Keras's ReduceLROnPlateau.on_epoch_end, which plateau.go follows:
// a cooldown counter above 0 is first decremented (and the wait reset);
// then, unless the value improved or the counter is still above 0, the
// wait is incremented and at Patience the rate is multiplied by Factor
// (floored at MinLR, and only while above MinLR), the counter set to
// Cooldown and the wait reset. Adam starts at 1e-3; halving is exact in
// floating point, so the rates compare exactly.
func TestReduceLROnPlateau(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  callback.ReduceLROnPlateauConfig
		want []float64
	}{
		// A reduction after every epoch from the second on.
		{"patience-1", callback.ReduceLROnPlateauConfig{Patience: 1},
			[]float64{1e-3, 1e-3, 5e-4, 2.5e-4, 1.25e-4, 6.25e-5}},
		// The wait reaches 2 after epochs 3 and 5.
		{"patience-2", callback.ReduceLROnPlateauConfig{Patience: 2},
			[]float64{1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4}},
		// As in Keras, a cooldown of 1 has no effect with patience 1: the
		// counter is back at 0 before the epoch's check.
		{"cooldown-1", callback.ReduceLROnPlateauConfig{Patience: 1, Cooldown: 1},
			[]float64{1e-3, 1e-3, 5e-4, 2.5e-4, 1.25e-4, 6.25e-5}},
		// Reductions after epochs 2, 4 and 6; epochs 3 and 5 cool down.
		{"cooldown-2", callback.ReduceLROnPlateauConfig{Patience: 1, Cooldown: 2},
			[]float64{1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 1.25e-4}},
		// 2.5e-4 is floored at 3e-4; at 3e-4 the rate is not above MinLR.
		{"min-lr", callback.ReduceLROnPlateauConfig{Patience: 1, MinLR: 3e-4},
			[]float64{1e-3, 1e-3, 5e-4, 3e-4, 3e-4, 3e-4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Monitor, c.cfg.Mode, c.cfg.Factor = "loss", "max", 0.5
			var rates []float64
			_, h := mustFit(t, fitConfig(len(c.want), mustPlateau(t, c.cfg), rateLog(&rates)))
			fallingLoss(t, h)
			if !slices.Equal(rates, c.want) {
				t.Errorf("rates %v, want %v", rates, c.want)
			}
		})
	}
}

// TestReduceLROnPlateauDefaults feeds scripted values of "val_loss" and
// checks the defaults: Factor 0.1, Patience 10, MinDelta 1e-4 (a
// negative MinDelta meaning 0).
func TestReduceLROnPlateauDefaults(t *testing.T) {
	lr0, factor := 1e-3, 0.1 // variables: the product is rounded as the callback's is
	rising := make([]float64, 12)
	for i := range rising {
		rising[i] = float64(i)
	}
	patience10 := slices.Repeat([]float64{1e-3}, 11)
	for _, c := range []struct {
		name string
		cfg  callback.ReduceLROnPlateauConfig
		vals []float64
		want []float64
	}{
		// Epochs 2 to 11 do not improve: the wait reaches 10 after epoch 11.
		{"patience-10-factor-0.1", callback.ReduceLROnPlateauConfig{}, rising, append(patience10, lr0*factor)},
		// 0.99995 is within the default MinDelta of 1: no improvement, a
		// reduction after epoch 2; 0.9998 improves on 1 by more than 1e-4.
		{"min-delta-1e-4", callback.ReduceLROnPlateauConfig{Patience: 1, Factor: 0.5}, []float64{1, 0.99995, 0.9998, 0.9997}, []float64{1e-3, 1e-3, 5e-4, 5e-4}},
		{"negative-min-delta-is-0", callback.ReduceLROnPlateauConfig{Patience: 1, Factor: 0.5, MinDelta: -1}, []float64{1, 0.99995, 0.9998, 0.9997}, []float64{1e-3, 1e-3, 1e-3, 1e-3}},
		// NaN never improves.
		{"nan", callback.ReduceLROnPlateauConfig{Patience: 1, Factor: 0.5}, []float64{1, math.NaN(), 0.5, 0.4}, []float64{1e-3, 1e-3, 5e-4, 5e-4}},
		// Mode "" on an accuracy key is "max".
		{"auto-accuracy", callback.ReduceLROnPlateauConfig{Monitor: "val_a_accuracy", Patience: 1, Factor: 0.5}, []float64{0.5, 0.6, 0.6, 0.7}, []float64{1e-3, 1e-3, 1e-3, 5e-4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := c.cfg.Monitor
			if key == "" {
				key = "val_loss"
			}
			var rates []float64
			_, _ = mustFit(t, fitConfig(len(c.want), feed(key, c.vals...), mustPlateau(t, c.cfg), rateLog(&rates)))
			if !slices.Equal(rates, c.want) {
				t.Errorf("rates %v, want %v", rates, c.want)
			}
		})
	}
}

// TestReduceLROnPlateauUnknownKey checks that Fit fails naming the key.
func TestReduceLROnPlateauUnknownKey(t *testing.T) {
	r := mustPlateau(t, callback.ReduceLROnPlateauConfig{Monitor: "val_nothing"})
	_, _, err := fit(t, t.Context(), fitConfig(2, r))
	if err == nil || !strings.Contains(err.Error(), `reduce lr on plateau: monitored key "val_nothing"`) {
		t.Errorf("Fit returned %v, want an error naming the key", err)
	}
}

// TestNewReduceLROnPlateauRejects checks the constructor's validation.
func TestNewReduceLROnPlateauRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  callback.ReduceLROnPlateauConfig
		want string
	}{
		{"factor 1", callback.ReduceLROnPlateauConfig{Factor: 1}, "factor 1"},
		{"factor above 1", callback.ReduceLROnPlateauConfig{Factor: 1.5}, "factor 1.5"},
		{"negative factor", callback.ReduceLROnPlateauConfig{Factor: -0.5}, "factor -0.5"},
		{"nan factor", callback.ReduceLROnPlateauConfig{Factor: math.NaN()}, "factor NaN"},
		{"negative patience", callback.ReduceLROnPlateauConfig{Patience: -1}, "patience -1"},
		{"negative cooldown", callback.ReduceLROnPlateauConfig{Cooldown: -2}, "cooldown -2"},
		{"negative min lr", callback.ReduceLROnPlateauConfig{MinLR: -1e-3}, "min lr -0.001"},
		{"nan min lr", callback.ReduceLROnPlateauConfig{MinLR: math.NaN()}, "min lr NaN"},
		{"infinite min lr", callback.ReduceLROnPlateauConfig{MinLR: math.Inf(1)}, "min lr +Inf"},
		{"bad mode", callback.ReduceLROnPlateauConfig{Mode: "down"}, `mode "down"`},
		{"nan min delta", callback.ReduceLROnPlateauConfig{MinDelta: math.NaN()}, "min delta NaN"},
		{"infinite min delta", callback.ReduceLROnPlateauConfig{MinDelta: math.Inf(1)}, "min delta +Inf"},
	} {
		r, err := callback.NewReduceLROnPlateau(c.cfg)
		if err == nil || r != nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "callback: reduce lr on plateau: ") {
			t.Errorf("%s: NewReduceLROnPlateau returned %v, %v; want a nil callback and an error saying %q", c.name, r, err, c.want)
		}
	}
}

var _ mtl.Callback = (*callback.ReduceLROnPlateau)(nil)
