package optim

import (
	"runtime"
	"sync"
)

// parallelFrom is the number of values from which a step splits its
// parameters across the cores. Below it a goroutine costs more than it
// saves; above it the update (a square root and a division per value)
// was a third of a seed-model step at batch 32 on one core. Adam's AVX2
// kernel (adam_amd64.s) made its update nine times faster; splitting it
// from this size still holds its own (seed model, batch 32 and 256:
// within noise of one goroutine), and RMSProp runs in Go.
const parallelFrom = 1 << 14

// workersFor is how many goroutines share an update of params: one per
// parallelFrom values, at most one per core. Steps call their update
// directly below 2: the closure handed to forChunks escapes to the heap,
// and small models (GradNorm's task weights) step without allocating.
func workersFor(params [][]float32) int {
	return min(runtime.GOMAXPROCS(0), totalLen(params)/parallelFrom)
}

func totalLen(params [][]float32) int {
	total := 0
	for _, p := range params {
		total += len(p)
	}
	return total
}

// forChunks calls f(i, lo, hi) over ranges covering every params[i],
// spread over workers goroutines: worker w takes the values
// [w·total/workers, (w+1)·total/workers) of the parameters laid end to
// end. Each value is updated by exactly one call, with the same
// arithmetic whatever the split, so results do not depend on it.
func forChunks(params [][]float32, workers int, f func(i, lo, hi int)) {
	total := totalLen(params)
	var wg sync.WaitGroup
	run := func(w int) {
		lo, hi := w*total/workers, (w+1)*total/workers
		at := 0
		for i, p := range params {
			a, b := max(lo-at, 0), min(hi-at, len(p))
			if a < b {
				f(i, a, b)
			}
			at += len(p)
		}
	}
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w)
		}()
	}
	run(0)
	wg.Wait()
}
