package mtl

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// balanceMethods lists every weighting with the sum, then every combiner
// with static weights: the rows of mtl bench.
func balanceMethods() []struct {
	name string
	w    weighting.Config
	c    combine.Config
} {
	var out []struct {
		name string
		w    weighting.Config
		c    combine.Config
	}
	for _, w := range weighting.Names {
		out = append(out, struct {
			name string
			w    weighting.Config
			c    combine.Config
		}{w, weighting.Config{Name: w}, combine.Config{}})
	}
	for _, c := range append(combine.Names[1:], MGDAUB) {
		out = append(out, struct {
			name string
			w    weighting.Config
			c    combine.Config
		}{c, weighting.Config{}, combine.Config{Name: c}})
	}
	return out
}

// TestBalanceMethodsLearnMNIST trains the seed model (digit + parity)
// with every weighting and every combiner on 3,000 MNIST examples for two
// epochs and asserts held-out accuracy above a floor (measured values in
// the log; plain training reaches about 0.87 / 0.91 here).
func TestBalanceMethodsLearnMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 16 models")
	}
	train, test := mnist(t)
	for _, tc := range balanceMethods() {
		t.Run(tc.name, func(t *testing.T) {
			spec := seedSpec()
			spec.Seed = 2
			spec.Weighting = tc.w
			m := MustNew(spec)
			hist, err := m.Fit(context.Background(), train, FitConfig{Epochs: 2, Limit: 3000, Seed: 2, Combine: tc.c})
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Evaluate(context.Background(), test.Head(1000))
			if err != nil {
				t.Fatal(err)
			}
			digit, _ := res.Task("digit")
			parity, _ := res.Task("parity")
			t.Logf("%s: digit %.3f parity %.3f, %.0f samples/s", tc.name, digit.Accuracy, parity.Accuracy, hist.SamplesPerSecond())
			if digit.Accuracy < 0.75 || parity.Accuracy < 0.8 {
				t.Errorf("digit %.3f, parity %.3f, want >= 0.75 and >= 0.8", digit.Accuracy, parity.Accuracy)
			}
		})
	}
}

// TestUncertaintyWeightingIsSaved trains with uw, checks the log-variances
// moved from their start and come back from Save and Load.
func TestUncertaintyWeightingIsSaved(t *testing.T) {
	spec := syntheticSpec()
	spec.Weighting = weighting.Config{Name: weighting.UWName}
	m := MustNew(spec)
	if _, err := m.Fit(context.Background(), synthetic(200, 1), FitConfig{Epochs: 3, Optimizer: optim.Config{LearningRate: 0.05}}); err != nil {
		t.Fatal(err)
	}
	name := uwPrefix + "a.log_var"
	v := m.params.Value(name)
	if v == nil {
		t.Fatalf("no parameter %q in %v", name, m.Params())
	}
	got := v.Data().([]float32)[0]
	if got == float32(uwInit) {
		t.Errorf("%s = %v, still its initial value", name, got)
	}
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b := back.params.Value(name).Data().([]float32)[0]; b != got {
		t.Errorf("loaded %s = %v, saved %v", name, b, got)
	}
}

// TestDiagnose records gradient conflicts every 4 steps and checks their
// shape and range; digit and parity share most of their signal, so their
// mean cosine is expected positive.
func TestDiagnose(t *testing.T) {
	train, _ := mnist(t)
	for _, c := range []string{"", combine.PCGradName} {
		m := MustNew(seedSpec())
		hist, err := m.Fit(context.Background(), train, FitConfig{Limit: 640, BatchSize: 32, Diagnose: 4, Combine: combine.Config{Name: c}})
		if err != nil {
			t.Fatal(err)
		}
		conf := hist.Conflict
		if conf == nil || len(conf.Samples) != 5 {
			t.Fatalf("combiner %q: conflict %+v, want 5 samples (20 steps / 4)", c, conf)
		}
		for _, s := range conf.Samples {
			if s.Step%4 != 0 || s.Norms[0] <= 0 || s.Norms[1] <= 0 || math.Abs(s.Cosine[0][0]-1) > 1e-9 ||
				math.Abs(s.Cosine[0][1]) > 1 || s.Cosine[0][1] != s.Cosine[1][0] {
				t.Errorf("combiner %q: bad sample %+v", c, s)
			}
		}
		pairs := conf.Pairs()
		if len(pairs) != 1 || pairs[0].A != "digit" || pairs[0].B != "parity" || pairs[0].ConflictShare < 0 || pairs[0].ConflictShare > 1 {
			t.Errorf("combiner %q: pairs %+v", c, pairs)
		}
		var csv strings.Builder
		if err := conf.WriteCSV(&csv); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Split(strings.TrimSpace(csv.String()), "\n"); len(lines) != 6 || lines[0] != "step,epoch,norm_digit,norm_parity,cos_digit_parity" {
			t.Errorf("combiner %q: csv %q", c, csv.String())
		}
	}
}

// TestBalanceErrors asserts the pairs and settings Fit refuses.
func TestBalanceErrors(t *testing.T) {
	uw := syntheticSpec()
	uw.Weighting = weighting.Config{Name: weighting.UWName}
	cs := syntheticSpec()
	cs.Arch = Arch{Kind: CrossStitchArch}
	gls := syntheticSpec()
	gls.Weighting = weighting.Config{Name: weighting.GLSName}
	for _, tc := range []struct {
		name string
		spec Spec
		cfg  FitConfig
		want string
	}{
		{"uw+pcgrad", uw, FitConfig{Combine: combine.Config{Name: "pcgrad"}}, `weighting uw learns its log-variances`},
		{"unknown combiner", syntheticSpec(), FitConfig{Combine: combine.Config{Name: "nope"}}, `nope`},
		{"mgda-ub on cross-stitch", cs, FitConfig{Combine: combine.Config{Name: MGDAUB}}, `mgda-ub: needs hard sharing`},
		{"mgda-ub+gls", gls, FitConfig{Combine: combine.Config{Name: MGDAUB}}, `cannot be paired with weighting "gls"`},
		{"negative diagnose", syntheticSpec(), FitConfig{Diagnose: -1}, `diagnose every -1 steps`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MustNew(tc.spec).Fit(context.Background(), synthetic(20, 1), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	bad := syntheticSpec()
	bad.Weighting = weighting.Config{Name: "nope"}
	if _, err := New(bad); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("New with weighting nope: error %v", err)
	}
}

// TestMGDAUBTrainsInOnePass checks that mgda-ub trains through the
// one-pass representation program, not the per-task programs, and that
// the weights it applies lie on the simplex, as MGDA's min-norm weights do.
func TestMGDAUBTrainsInOnePass(t *testing.T) {
	cfg, err := FitConfig{BatchSize: 16, Combine: combine.Config{Name: MGDAUB}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	m := MustNew(syntheticSpec())
	tr, err := m.newTrainer(map[string]*datasets.Dataset{"": synthetic(64, 1)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.rep || tr.perTask || tr.tg != nil || tr.prog.task != repTask {
		t.Fatalf("rep %v, perTask %v, task programs %v: want the one-pass program only", tr.rep, tr.perTask, tr.tg != nil)
	}
	tr.next(0)
	if err := tr.step(1); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, a := range tr.alpha {
		if a < 0 || a > 1 {
			t.Errorf("alpha %v outside [0, 1]", tr.alpha)
		}
		sum += a
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("alpha %v sums to %v, want 1", tr.alpha, sum)
	}
}
