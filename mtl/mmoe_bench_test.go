package mtl

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// BenchmarkMMoESynthetic reproduces the finding of Ma et al. (KDD 2018,
// section 3.2) on their synthetic data: the less related the two
// regression tasks (the lower the cosine p of their weight vectors), the
// more MMoE gains over a shared-bottom model of the same size. For each p
// and seed it trains both for mmoeEpochs on 10,000 examples and reports
// the mean held-out loss (MSE of t1 plus MSE of t2 on 2,000 examples) and
// the relative gain of MMoE. It is a benchmark because it trains 24
// models; run it with
//
//	go test ./mtl -run '^$' -bench MMoESynthetic -benchtime 1x -v
func BenchmarkMMoESynthetic(b *testing.B) {
	const seeds, mmoeEpochs = 3, 30
	tasks := []Task{Regress("t1", 1).WithHead(Dense(8, ReLU)), Regress("t2", 1).WithHead(Dense(8, ReLU))}
	// Equal budgets: 12,928 parameters below the towers in both.
	sharedBottom := Spec{Input: []int{100}, Shared: []Layer{Dense(128, ReLU)}, Tasks: tasks}
	mmoe := Spec{Input: []int{100}, Arch: Arch{Kind: MMoEArch, Experts: 8}, Shared: []Layer{Dense(16, ReLU)}, Tasks: tasks}
	for i := 0; i < b.N; i++ {
		b.Logf("%-11s  %-13s  %-13s  %s", "correlation", "shared-bottom", "mmoe", "mmoe gain")
		for _, p := range []float64{1, 0.9, 0.5, 0} {
			var hard, moe []float64
			for seed := 1; seed <= seeds; seed++ {
				train, test, err := datasets.MMoESynthetic(datasets.MMoEConfig{Correlation: p, Seed: uint64(seed)})
				if err != nil {
					b.Fatal(err)
				}
				for _, run := range []struct {
					spec Spec
					out  *[]float64
				}{{sharedBottom, &hard}, {mmoe, &moe}} {
					run.spec.Seed = int64(seed)
					m := MustNew(run.spec)
					if _, err := m.Fit(context.Background(), train, FitConfig{Epochs: mmoeEpochs, BatchSize: 128, Seed: int64(seed)}); err != nil {
						b.Fatal(err)
					}
					res, err := m.Evaluate(context.Background(), test)
					if err != nil {
						b.Fatal(err)
					}
					*run.out = append(*run.out, res.Loss)
				}
			}
			h, hs := meanSD(hard)
			m, ms := meanSD(moe)
			gain := (h - m) / h
			b.Logf("%-11.1f  %.4f±%.4f  %.4f±%.4f  %+.1f%%", p, h, hs, m, ms, 100*gain)
			b.ReportMetric(100*gain, fmt.Sprintf("gain%%_p=%.1f", p))
		}
	}
}

func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(max(len(xs)-1, 1)))
}
