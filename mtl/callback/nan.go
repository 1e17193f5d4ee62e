package callback

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomtl/gomtl/mtl"
)

// TerminateOnNaN stops training with an error as soon as a loss or metric
// is NaN or infinite (Keras's TerminateOnNaN): the running training loss
// after every step, and every value of an epoch's row, validation
// included, naming the key (and so the task) and the epoch. The trainer
// itself already refuses a step whose task loss is not finite, before the
// update, naming the task and the step; this callback adds the checks on
// metrics and validation values. An AUC that is NaN is let through: it
// means that the epoch's examples held one class only (see mtl.History),
// not that training diverged. The last checkpoint written before the
// error stays the newest.
type TerminateOnNaN struct{}

// OnEvent checks the values of e.
func (TerminateOnNaN) OnEvent(_ *mtl.Training, e mtl.Event) error {
	switch e.Kind {
	case mtl.BatchEnd:
		if bad(e.Loss) {
			return fmt.Errorf("terminate on nan: epoch %d step %d: training loss %v: %w", e.Epoch, e.Step, e.Loss, mtl.ErrNonFinite)
		}
	case mtl.EpochEnd:
		for _, k := range e.Keys {
			v := e.Metrics[k]
			if math.IsNaN(v) && strings.HasSuffix(k, "_auc") {
				continue
			}
			if bad(v) {
				return fmt.Errorf("terminate on nan: epoch %d: %s is %v: %w", e.Epoch, k, v, mtl.ErrNonFinite)
			}
		}
	}
	return nil
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
