package callback_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

// TestLearningRateScheduler records the rate at every EpochStart after a
// scheduler: StepDecay(1e-2, 0.5, 2) halves 1e-2 every 2 epochs (exact in
// floating point), and ExponentialDecay and CosineDecay give their
// formulas' values, computed here the way schedule.go documents them.
func TestLearningRateScheduler(t *testing.T) {
	exp := make([]float64, 5)
	for i := range exp {
		exp[i] = 1e-2 * math.Pow(0.9, float64(i))
	}
	cos := make([]float64, 6)
	for i := range cos {
		frac := math.Min(float64(i)/4, 1)
		cos[i] = 1e-4 + (1e-2-1e-4)*(1+math.Cos(math.Pi*frac))/2
	}
	for _, c := range []struct {
		name  string
		sched callback.Schedule
		want  []float64
	}{
		{"step", callback.StepDecay(1e-2, 0.5, 2), []float64{1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3, 2.5e-3}},
		{"exponential", callback.ExponentialDecay(1e-2, 0.9), exp},
		{"cosine", callback.CosineDecay(1e-2, 1e-4, 4), cos},
		// A schedule may use the previous epoch's rate (Keras's
		// lr * 0.5 after epoch 2); the first epoch sees Adam's 1e-3.
		{"previous-rate", func(epoch int, lr float64) float64 {
			if epoch > 2 {
				return lr * 0.5
			}
			return lr
		}, []float64{1e-3, 1e-3, 5e-4, 2.5e-4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rates []float64
			mustFit(t, fitConfig(len(c.want), callback.LearningRateScheduler{Schedule: c.sched}, rateLog(&rates)))
			if !slices.Equal(rates, c.want) {
				t.Errorf("rates %v, want %v", rates, c.want)
			}
		})
	}
}

// TestSchedules checks the schedules against values worked out by hand
// (to 1e-15), including their edge cases.
func TestSchedules(t *testing.T) {
	const tol = 1e-15
	h := math.Sqrt2 / 2
	for _, c := range []struct {
		name  string
		sched callback.Schedule
		want  []float64 // epochs 1, 2, ...
	}{
		{"step", callback.StepDecay(1e-2, 0.5, 2), []float64{1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3}},
		{"step-every-3", callback.StepDecay(0.1, 0.1, 3), []float64{0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001}},
		{"step-every-0-is-1", callback.StepDecay(1, 0.5, 0), []float64{1, 0.5, 0.25}},
		{"exponential", callback.ExponentialDecay(1e-2, 0.9), []float64{1e-2, 9e-3, 8.1e-3, 7.29e-3, 6.561e-3}},
		// min + (init-min)(1+cos(π(e-1)/4))/2 with init 1e-2, min 1e-4;
		// from epoch 5 on, the minimum.
		{"cosine", callback.CosineDecay(1e-2, 1e-4, 4), []float64{
			1e-2, 1e-4 + 9.9e-3*(1+h)/2, 1e-4 + 9.9e-3/2, 1e-4 + 9.9e-3*(1-h)/2, 1e-4, 1e-4}},
		{"cosine-epochs-0-is-1", callback.CosineDecay(1, 0, 0), []float64{1, 0, 0}},
	} {
		for i, want := range c.want {
			if got := c.sched(i+1, 123); math.Abs(got-want) > tol {
				t.Errorf("%s: epoch %d: rate %v, want %v", c.name, i+1, got, want)
			}
		}
	}
}

// TestLearningRateSchedulerRejects checks that a schedule giving a rate
// that is not a finite value > 0 fails Fit at that epoch's start, naming
// the epoch, with the epochs before it recorded.
func TestLearningRateSchedulerRejects(t *testing.T) {
	at := func(epoch int, bad float64) callback.Schedule {
		return func(e int, lr float64) float64 {
			if e == epoch {
				return bad
			}
			return lr
		}
	}
	for _, c := range []struct {
		name  string
		sched callback.Schedule
		want  string
		done  int // epochs recorded
	}{
		{"zero", at(3, 0), "learning rate scheduler: epoch 3: mtl: set learning rate 0", 2},
		{"nan", at(1, math.NaN()), "learning rate scheduler: epoch 1: mtl: set learning rate NaN", 0},
		{"negative", at(2, -1e-3), "learning rate scheduler: epoch 2: mtl: set learning rate -0.001", 1},
		{"infinite", at(2, math.Inf(1)), "learning rate scheduler: epoch 2: mtl: set learning rate +Inf", 1},
		{"nil", nil, "learning rate scheduler: nil schedule", 0},
	} {
		_, h, err := fit(t, t.Context(), fitConfig(4, callback.LearningRateScheduler{Schedule: c.sched}))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Fit returned %v, want an error saying %q", c.name, err, c.want)
		}
		if h.Epochs() != c.done {
			t.Errorf("%s: %d epochs recorded, want %d", c.name, h.Epochs(), c.done)
		}
	}
}

var _ mtl.Callback = callback.LearningRateScheduler{}
