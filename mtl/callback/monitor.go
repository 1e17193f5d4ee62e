package callback

import (
	"fmt"
	"math"

	"github.com/gomtl/gomtl/mtl"
)

// monitor follows one History key and remembers its best value.
type monitor struct {
	key   string
	mode  string // "min" or "max"
	delta float64
}

// newMonitor resolves mode ("" for the key's natural direction, see
// mtl.MonitorMode).
func newMonitor(key, mode string, delta float64) (monitor, error) {
	if key == "" {
		return monitor{}, fmt.Errorf("no monitored key")
	}
	if !(delta >= 0) || math.IsInf(delta, 0) {
		return monitor{}, fmt.Errorf("min delta %v, want a finite value >= 0", delta)
	}
	mode, err := mtl.MonitorMode(key, mode)
	if err != nil {
		return monitor{}, err
	}
	return monitor{key: key, mode: mode, delta: delta}, nil
}

// value returns the monitored value of an epoch's row.
func (m monitor) value(row map[string]float64) (float64, error) {
	v, ok := row[m.key]
	if !ok {
		keys := make([]string, 0, len(row))
		for k := range row {
			keys = append(keys, k)
		}
		return 0, fmt.Errorf("monitored key %q is not in the epoch's metrics %v", m.key, keys)
	}
	return v, nil
}

// improves reports whether v is better than best by more than the delta
// (mtl.Improves).
func (m monitor) improves(v, best float64) bool { return mtl.Improves(m.mode, v, best, m.delta) }
