package mtl

import (
	"math"

	"github.com/pkg/errors"
)

// A Callback observes training and may steer it, as a Keras callback
// does: FitConfig.Callbacks are called in order on the training goroutine
// with TrainBegin, then per epoch EpochStart, BatchEnd after every step and
// EpochEnd (after validation, with the epoch's History row in
// Event.Metrics), and TrainEnd when training ends without error. An error
// stops training and is returned by Fit. Package mtl/callback has the
// usual ones (early stopping, learning-rate schedules, ...).
//
// A callback that keeps state across epochs (a patience counter, say)
// should implement encoding.BinaryMarshaler and
// encoding.BinaryUnmarshaler: checkpoints then save its state and a
// resumed run restores it, so that the run continues as if it had never
// stopped. A callback value serves one run.
type Callback interface {
	OnEvent(t *Training, e Event) error
}

// CallbackFunc adapts a function to the Callback interface.
type CallbackFunc func(t *Training, e Event) error

// OnEvent calls f(t, e).
func (f CallbackFunc) OnEvent(t *Training, e Event) error { return f(t, e) }

// Training is the handle a Callback steers training through.
type Training struct {
	t *trainer
}

// Model returns the model being trained.
func (tr *Training) Model() *Model { return tr.t.m }

// History returns the history so far: one row per completed epoch.
func (tr *Training) History() *History { return tr.t.hist }

// Steps returns the number of steps taken since the run began.
func (tr *Training) Steps() int { return tr.t.step0 }

// Stop ends training after the current step, or after the current epoch
// when called at EpochEnd. Fit then returns the history of the completed
// epochs and no error; an epoch stopped partway is not recorded.
func (tr *Training) Stop() { tr.t.stopReq = true }

// Stopping reports whether Stop has been called.
func (tr *Training) Stopping() bool { return tr.t.stopReq }

// LearningRate returns the learning rate of the coming steps.
func (tr *Training) LearningRate() float64 { return tr.t.opt.Rate() }

// SetLearningRate sets the learning rate of the coming steps. Checkpoints
// save it with the optimiser's state.
func (tr *Training) SetLearningRate(lr float64) error {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return errors.Errorf("mtl: set learning rate %v, want a finite value > 0", lr)
	}
	tr.t.opt.SetRate(lr)
	return nil
}
