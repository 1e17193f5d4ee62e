package mtl

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// BenchmarkMMoESynthetic reproduces the finding of Ma et al. (KDD 2018,
// section 3.2) on their synthetic data: the less related the two
// regression tasks (the lower the cosine p of their weight vectors), the
// more MMoE gains over a shared-bottom model of the same size (the
// paper's: a shared bottom of about 113 units against 8 experts of 16;
// here 128 against 8 × 16, towers of 8). For each p and seed it trains
// both for 10 epochs on 50,000 examples (with 10,000 both overfit and
// held-out loss says more about regularisation than about sharing) and
// reports the mean held-out loss (MSE of t1 plus MSE of t2 on 2,000
// examples) and MMoE's relative gain, paired by seed (same data, same
// seed). It is a benchmark because it trains 24 models; run it with
//
//	go test ./mtl -run '^$' -bench MMoESynthetic -benchtime 1x -v
//
// GOMTL_MMOE_EPOCHS sets the epochs (default 10), GOMTL_MMOE_SEEDS the
// seeds (default 3), GOMTL_MMOE_P the correlations, comma-separated
// (default 1,0.9,0.5,0), so that a longer run can be split over
// processes, GOMTL_MMOE_SCHEDULE=cosine anneals the learning rate to 0
// over the epochs (default constant), and GOMTL_MMOE_SCALE sets the
// data's scale c (default 1; a larger c makes the sinusoids of the labels
// faster, the functions harder to fit).
func BenchmarkMMoESynthetic(b *testing.B) {
	const examples = 50000
	epochs, seeds := envCount(b, "GOMTL_MMOE_EPOCHS", 10), envCount(b, "GOMTL_MMOE_SEEDS", 3)
	scale := 1.0
	if v := os.Getenv("GOMTL_MMOE_SCALE"); v != "" {
		c, err := strconv.ParseFloat(v, 64)
		if err != nil || !(c > 0) {
			b.Fatalf("GOMTL_MMOE_SCALE=%q, want a positive number", v)
		}
		scale = c
	}
	var schedule []Callback
	switch v := os.Getenv("GOMTL_MMOE_SCHEDULE"); v {
	case "":
	case "cosine":
		schedule = append(schedule, CallbackFunc(func(t *Training, e Event) error {
			if e.Kind != EpochStart {
				return nil
			}
			return t.SetLearningRate(1e-3 * (1 + math.Cos(math.Pi*float64(e.Epoch-1)/float64(epochs))) / 2)
		}))
	default:
		b.Fatalf("GOMTL_MMOE_SCHEDULE=%q, want cosine or nothing", v)
	}
	ps := []float64{1, 0.9, 0.5, 0}
	if v := os.Getenv("GOMTL_MMOE_P"); v != "" {
		ps = nil
		for _, f := range strings.Split(v, ",") {
			p, err := strconv.ParseFloat(f, 64)
			if err != nil || p < -1 || p > 1 {
				b.Fatalf("GOMTL_MMOE_P=%q, want correlations in [-1, 1]", v)
			}
			ps = append(ps, p)
		}
	}
	tasks := []Task{Regress("t1", 1).WithHead(Dense(8, ReLU)), Regress("t2", 1).WithHead(Dense(8, ReLU))}
	// Like budgets: 12,928 parameters below the towers in both, plus
	// 1,616 in MMoE's gates.
	sharedBottom := Spec{Input: []int{100}, Shared: []Layer{Dense(128, ReLU)}, Tasks: tasks}
	mmoe := Spec{Input: []int{100}, Arch: Arch{Kind: MMoEArch, Experts: 8}, Shared: []Layer{Dense(16, ReLU)}, Tasks: tasks}
	for i := 0; i < b.N; i++ {
		b.Logf("%-11s  %-13s  %-13s  %s", "correlation", "shared-bottom", "mmoe", "mmoe gain")
		for _, p := range ps {
			var hard, moe, gains []float64
			for seed := 1; seed <= seeds; seed++ {
				train, test, err := datasets.MMoESynthetic(datasets.MMoEConfig{Correlation: p, Scale: scale, Seed: uint64(seed), Train: examples})
				if err != nil {
					b.Fatal(err)
				}
				for _, run := range []struct {
					spec Spec
					out  *[]float64
				}{{sharedBottom, &hard}, {mmoe, &moe}} {
					run.spec.Seed = int64(seed)
					m := MustNew(run.spec)
					if _, err := m.Fit(context.Background(), train, FitConfig{Epochs: epochs, BatchSize: 128, Seed: int64(seed), Callbacks: schedule}); err != nil {
						b.Fatal(err)
					}
					res, err := m.Evaluate(context.Background(), test)
					if err != nil {
						b.Fatal(err)
					}
					*run.out = append(*run.out, res.Loss)
				}
				gains = append(gains, (hard[seed-1]-moe[seed-1])/hard[seed-1])
			}
			h, hs := meanSD(hard)
			m, ms := meanSD(moe)
			gain, gs := meanSD(gains)
			b.Logf("%-11.1f  %.4f±%.4f  %.4f±%.4f  %+.1f%% ± %.1f", p, h, hs, m, ms, 100*gain, 100*gs)
			b.ReportMetric(100*gain, fmt.Sprintf("gain%%_p=%.1f", p))
		}
	}
}

// envCount reads a positive count from the environment variable name,
// def when it is unset.
func envCount(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q, want a positive count", name, v)
	}
	return n
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
