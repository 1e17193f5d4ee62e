package mtl

import (
	"testing"
	"time"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// The cost of a balancing method per training step, as a ratio to a
// plain step (the weighted sum, one backward pass) measured in the same
// benchmark, steps interleaved: "x_plain" is the method's time per step
// over the plain one's. Per-task combiners cost about one backward pass
// per task; MGDA-UB one pass plus its small mixing op.
func BenchmarkBalanceCostSeedMLP(b *testing.B) {
	train, _ := mnist(b)
	benchmarkBalanceCost(b, seedSpec(), train, 256)
}

func BenchmarkBalanceCostMultiMNISTLeNet(b *testing.B) {
	train, _ := mnist(b)
	multi, err := datasets.MultiMNISTFrom(train.Head(4096), 1)
	if err != nil {
		b.Fatal(err)
	}
	spec := LeNet().Spec(Classify("left", 10), Classify("right", 10))
	benchmarkBalanceCost(b, spec, multi, 256)
}

func benchmarkBalanceCost(b *testing.B, spec Spec, data *datasets.Dataset, batch int) {
	for _, tc := range []struct {
		name     string
		w        string
		c        string
		diagnose int
	}{
		{"gradnorm", weighting.GradNormName, "", 0},
		{"uw", weighting.UWName, "", 0},
		{"pcgrad", "", combine.PCGradName, 0},
		{"mgda", "", combine.MGDAName, 0},
		{"mgda-ub", "", MGDAUB, 0},
		{"diagnose-every-10", "", "", 10},
	} {
		b.Run(tc.name, func(b *testing.B) {
			plain := benchTrainer(b, spec, data, FitConfig{BatchSize: batch})
			s := spec
			s.Weighting = weighting.Config{Name: tc.w}
			method := benchTrainer(b, s, data, FitConfig{BatchSize: batch, Combine: combine.Config{Name: tc.c}, Diagnose: tc.diagnose})
			var tPlain, tMethod time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tPlain += timeStep(b, plain)
				tMethod += timeStep(b, method)
			}
			b.ReportMetric(tMethod.Seconds()/tPlain.Seconds(), "x_plain")
			b.ReportMetric(float64(b.N*batch)/tMethod.Seconds(), "samples/s")
		})
	}
}

func benchTrainer(b *testing.B, spec Spec, data *datasets.Dataset, cfg FitConfig) *trainer {
	cfg, err := cfg.withDefaults()
	if err != nil {
		b.Fatal(err)
	}
	t, err := MustNew(spec).newTrainer(map[string]*datasets.Dataset{"": data}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return t
}

func timeStep(b *testing.B, t *trainer) time.Duration {
	t.next(0)
	start := time.Now()
	if err := t.step(1); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
