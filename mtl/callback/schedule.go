package callback

import (
	"fmt"
	"math"

	"github.com/gomtl/gomtl/mtl"
)

// A Schedule returns the learning rate of an epoch (1-based) given the
// rate of the previous one.
type Schedule func(epoch int, lr float64) float64

// LearningRateScheduler sets the learning rate at the start of every
// epoch from its Schedule (Keras's LearningRateScheduler, with 1-based
// epochs). It is stateless: a resumed run computes the same rates.
type LearningRateScheduler struct {
	Schedule Schedule
}

// OnEvent sets the epoch's rate at EpochStart.
func (s LearningRateScheduler) OnEvent(t *mtl.Training, ev mtl.Event) error {
	if ev.Kind != mtl.EpochStart {
		return nil
	}
	if s.Schedule == nil {
		return fmt.Errorf("learning rate scheduler: nil schedule")
	}
	lr := s.Schedule(ev.Epoch, t.LearningRate())
	if err := t.SetLearningRate(lr); err != nil {
		return fmt.Errorf("learning rate scheduler: epoch %d: %w", ev.Epoch, err)
	}
	return nil
}

// StepDecay multiplies the initial rate by factor every `every` epochs:
// lr = initial · factor^⌊(epoch-1)/every⌋.
func StepDecay(initial, factor float64, every int) Schedule {
	return func(epoch int, _ float64) float64 {
		return initial * math.Pow(factor, float64((epoch-1)/max(every, 1)))
	}
}

// ExponentialDecay multiplies the initial rate by gamma every epoch:
// lr = initial · gamma^(epoch-1).
func ExponentialDecay(initial, gamma float64) Schedule {
	return func(epoch int, _ float64) float64 {
		return initial * math.Pow(gamma, float64(epoch-1))
	}
}

// CosineDecay anneals the initial rate to minimum over epochs epochs along
// half a cosine: lr = minimum + (initial-minimum)(1+cos(π(epoch-1)/epochs))/2.
func CosineDecay(initial, minimum float64, epochs int) Schedule {
	return func(epoch int, _ float64) float64 {
		frac := math.Min(float64(epoch-1)/float64(max(epochs, 1)), 1)
		return minimum + (initial-minimum)*(1+math.Cos(math.Pi*frac))/2
	}
}
