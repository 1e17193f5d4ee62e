package mtl

import "time"

// EventKind tells what an Event reports.
type EventKind int

// The events Fit emits, in order: EpochStart, BatchEnd per step, EpochEnd.
// Callbacks also receive TrainBegin first and TrainEnd last; a Recorder
// does not.
const (
	EpochStart EventKind = iota
	BatchEnd
	EpochEnd
	TrainBegin
	TrainEnd
)

// String returns a lowercase name for k, as used in JSON output.
func (k EventKind) String() string {
	switch k {
	case EpochStart:
		return "epoch_start"
	case BatchEnd:
		return "batch_end"
	case EpochEnd:
		return "epoch_end"
	case TrainBegin:
		return "train_begin"
	case TrainEnd:
		return "train_end"
	}
	return "unknown"
}

// An Event is one report of training progress.
type Event struct {
	Kind   EventKind
	Epoch  int // 1-based; at TrainEnd, the last epoch completed
	Epochs int
	Step   int // 1-based step within the epoch; 0 at EpochStart
	Steps  int // steps per epoch
	// Examples is the number of training examples seen so far this epoch.
	Examples int
	// Loss is the running mean of the total training loss this epoch.
	Loss float64
	// Metrics is the epoch's row of the History (Keras keys), at EpochEnd.
	Metrics map[string]float64
	// Keys lists the keys of Metrics in the History's order, at EpochEnd.
	Keys []string
	// Elapsed is the training time (forward, backward, update) so far
	// this epoch; evaluation is not counted.
	Elapsed time.Duration
}

// A Recorder receives training events. Record is called on the training
// goroutine between steps; it should return quickly.
type Recorder interface {
	Record(Event)
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(Event)

// Record calls f(e).
func (f RecorderFunc) Record(e Event) { f(e) }
