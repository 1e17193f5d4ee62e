package mtl

import (
	"runtime"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// TestNoMemoryGrowthPerStep trains 3,000 steps and checks that the live
// heap after the last 2,500 has not grown: every step's allocations are
// garbage, nothing accumulates (the tape machine, the watched outputs and
// the optimiser state are all reused).
func TestNoMemoryGrowthPerStep(t *testing.T) {
	m := MustNew(syntheticSpec())
	cfg, _ := FitConfig{BatchSize: 32}.withDefaults()
	tr, err := m.newTrainer(map[string]*datasets.Dataset{"": synthetic(320, 1)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	steps := func(n int) uint64 {
		for i := 0; i < n; i++ {
			tr.next(0)
			if err := tr.step(1); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := steps(500)
	after := steps(2500)
	if grown := int64(after) - int64(before); grown > 256<<10 {
		t.Errorf("live heap grew by %d bytes over 2,500 steps (from %d to %d)", grown, before, after)
	}
}
