package datasets

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// pearson returns the Pearson correlation of a and b.
func pearson(a, b []float32) float64 {
	var ma, mb float64
	for i := range a {
		ma += float64(a[i])
		mb += float64(b[i])
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := float64(a[i])-ma, float64(b[i])-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	return sab / math.Sqrt(saa*sbb)
}

func TestMMoESyntheticDefaults(t *testing.T) {
	train, test, err := MMoESynthetic(MMoEConfig{Correlation: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		d    *Dataset
		name string
		len  int
	}{
		{train, "mmoe-synth-train", 10000},
		{test, "mmoe-synth-test", 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			if d.Name != tt.name || d.Len() != tt.len || !slices.Equal(d.Shape, []int{100}) {
				t.Fatalf("got %q with %d examples of shape %v, want %q with %d of [100]", d.Name, d.Len(), d.Shape, tt.name, tt.len)
			}
			// Validate checks that every feature and target is finite.
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			if d.Labels != nil || len(d.Targets) != 2 || d.Targets[0].Task != "t1" || d.Targets[0].Dim != 1 || d.Targets[1].Task != "t2" || d.Targets[1].Dim != 1 {
				t.Fatalf("labels %v and targets %v %v, want targets t1 and t2 of Dim 1 only", d.Labels, d.Targets[0].Task, d.Targets[1].Task)
			}
		})
	}
}

func TestMMoESyntheticDeterminism(t *testing.T) {
	cfg := MMoEConfig{Correlation: 0.7, Dim: 8, Sines: 3, Train: 50, Test: 20, Seed: 4}
	train1, test1, err := MMoESynthetic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	train2, test2, err := MMoESynthetic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(train1, train2) || !reflect.DeepEqual(test1, test2) {
		t.Error("two runs with seed 4 differ")
	}
	cfg.Seed = 5
	train3, _, err := MMoESynthetic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(train1.Features, train3.Features) || slices.Equal(train1.Targets[0].Values, train3.Targets[0].Values) {
		t.Error("seeds 4 and 5 give the same data")
	}
	if slices.Equal(train1.Features[:8], test1.Features[:8]) {
		t.Error("train and test start with the same example")
	}
}

// TestMMoEWeights checks |w1| = |w2| = c and w1·w2 = c²p, the paper's
// construction (section 3.2, step 2).
func TestMMoEWeights(t *testing.T) {
	for _, p := range []float64{1, 0.9, 0.5, 0, -0.5, -1} {
		for _, c := range []float64{1, 2.5} {
			for _, d := range []int{2, 3, 100} {
				cfg := MMoEConfig{Correlation: p, Scale: c, Dim: d, Seed: 7}.withDefaults()
				tasks, err := newMMoETasks(rand.New(rand.NewPCG(cfg.Seed, mmoeStream)), cfg)
				if err != nil {
					t.Fatal(err)
				}
				n1, n2 := math.Sqrt(dotF64(tasks.w1, tasks.w1)), math.Sqrt(dotF64(tasks.w2, tasks.w2))
				dot := dotF64(tasks.w1, tasks.w2)
				if math.Abs(n1-c) > 1e-12*c || math.Abs(n2-c) > 1e-12*c || math.Abs(dot-c*c*p) > 1e-12*c*c {
					t.Errorf("p=%v c=%v d=%d: |w1| = %v, |w2| = %v, w1·w2 = %v; want %v, %v, %v", p, c, d, n1, n2, dot, c, c, c*c*p)
				}
				if len(tasks.alpha) != 10 || len(tasks.beta) != 10 {
					t.Errorf("%d alphas and %d betas, want 10", len(tasks.alpha), len(tasks.beta))
				}
			}
		}
	}
}

// TestMMoERecipe recomputes the noise-free labels from the features with
// the tasks drawn first from the seed, for both splits: the residuals must
// be the noise, standard deviation 0.1, so train and test share the
// weights and sinusoids.
func TestMMoERecipe(t *testing.T) {
	cfg := MMoEConfig{Correlation: 0.3, Dim: 10, Train: 3000, Test: 1000, Seed: 12}.withDefaults()
	train, test, err := MMoESynthetic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := newMMoETasks(rand.New(rand.NewPCG(cfg.Seed, mmoeStream)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var sum, sumSq float64
	var count int
	for _, d := range []*Dataset{train, test} {
		for i := range d.Len() {
			x := d.Features[i*10 : (i+1)*10]
			for k, w := range [][]float64{tasks.w1, tasks.w2} {
				e := float64(d.Targets[k].Values[i]) - tasks.label(w, x)
				if math.Abs(e) > 0.6 {
					t.Fatalf("%s: example %d: task %d: residual %v, over 6 noise standard deviations", d.Name, i, k+1, e)
				}
				sum += e
				sumSq += e * e
				count++
			}
		}
	}
	mean := sum / float64(count)
	std := math.Sqrt(sumSq/float64(count) - mean*mean)
	// 8000 residuals: the sample standard deviation of N(0, 0.1²) is within
	// 0.1 ± 0.004 with overwhelming probability; the mean within ± 0.006.
	if math.Abs(std-0.1) > 0.004 || math.Abs(mean) > 0.006 {
		t.Errorf("residuals have mean %v and standard deviation %v, want 0 and 0.1", mean, std)
	}
}

// TestMMoECorrelation checks the paper's point: the label correlation
// falls as the weights' cosine p falls (Ma et al., section 3.2).
func TestMMoECorrelation(t *testing.T) {
	ps := []float64{1, 0.9, 0.5, 0}
	corr := make([]float64, len(ps))
	for i, p := range ps {
		train, _, err := MMoESynthetic(MMoEConfig{Correlation: p, Train: 5000, Test: 1, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		corr[i] = pearson(train.Targets[0].Values, train.Targets[1].Values)
	}
	t.Logf("Pearson correlation of t1 and t2 for p = %v: %.4f", ps, corr)
	// With p = 1 the tasks differ only by noise of variance 2×0.01, against
	// a label variance of several units.
	if corr[0] < 0.99 {
		t.Errorf("p = 1: correlation %v, want above 0.99", corr[0])
	}
	for i := 1; i < len(ps); i++ {
		if !(corr[i] < corr[i-1]) {
			t.Errorf("correlation %v at p = %v is not below %v at p = %v", corr[i], ps[i], corr[i-1], ps[i-1])
		}
	}
	// With p = 0 the tasks see independent projections of x; 5000 samples
	// give a standard error of about 0.014.
	if math.Abs(corr[3]) > 0.06 {
		t.Errorf("p = 0: correlation %v, want about 0", corr[3])
	}
}

func TestMMoESyntheticBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		cfg    MMoEConfig
		substr string
	}{
		{"correlation above 1", MMoEConfig{Correlation: 1.01}, "correlation 1.01 outside [-1, 1]"},
		{"correlation below -1", MMoEConfig{Correlation: -2}, "correlation -2 outside [-1, 1]"},
		{"NaN correlation", MMoEConfig{Correlation: math.NaN()}, "correlation NaN outside [-1, 1]"},
		{"Inf correlation", MMoEConfig{Correlation: math.Inf(1)}, "correlation +Inf outside [-1, 1]"},
		{"dimension 1", MMoEConfig{Dim: 1}, "dimension 1, want >= 2 for two orthogonal unit vectors (0 means 100)"},
		{"negative dimension", MMoEConfig{Dim: -5}, "dimension -5, want >= 2"},
		{"negative sines", MMoEConfig{Sines: -1}, "-1 sines outside [0, 1048576] (0 means 10)"},
		{"too many sines", MMoEConfig{Sines: 1<<20 + 1}, "1048577 sines outside [0, 1048576]"},
		{"negative scale", MMoEConfig{Scale: -1}, "scale -1, want a positive finite number (0 means 1)"},
		{"NaN scale", MMoEConfig{Scale: math.NaN()}, "scale NaN, want a positive finite number"},
		{"Inf scale", MMoEConfig{Scale: math.Inf(1)}, "scale +Inf, want a positive finite number"},
		{"negative train", MMoEConfig{Train: -1}, "-1 training examples, want >= 0 (0 means 10000)"},
		{"negative test", MMoEConfig{Test: -2}, "-2 test examples, want >= 0 (0 means 2000)"},
		{"too big", MMoEConfig{Dim: 1 << 20, Train: 300}, "300+2000 examples of dimension 1048576 need more than 268435456 feature values"},
		{"overflowing", MMoEConfig{Train: math.MaxInt, Test: math.MaxInt}, "need more than 268435456 feature values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			train, test, err := MMoESynthetic(tt.cfg)
			if train != nil || test != nil || err == nil || !strings.HasPrefix(err.Error(), "datasets: mmoe synthetic: ") || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("MMoESynthetic(%+v) = %v, %v, %v; want an error containing %q", tt.cfg, train, test, err, tt.substr)
			}
		})
	}
}

func TestMMoESyntheticSmall(t *testing.T) {
	// The smallest configuration: two dimensions, one sine, one example each.
	train, test, err := MMoESynthetic(MMoEConfig{Correlation: -1, Dim: 2, Sines: 1, Train: 1, Test: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Dataset{train, test} {
		if err := d.Validate(); err != nil || d.Len() != 1 || d.Width() != 2 {
			t.Errorf("%s: %d examples of width %d (%v)", d.Name, d.Len(), d.Width(), err)
		}
	}
}
