package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// balanceArgs is a tiny mnist run: --limit 300 less the 20% validation
// split leaves 240 training examples, 8 steps of 32 per epoch, so 16
// steps in all and, every 5 steps, samples at steps 5, 10 and 15.
var balanceArgs = []string{"train", "--limit", "300", "--test-limit", "200", "--epochs", "2"}

// conflictRun trains balanceArgs plus args into a fresh folder and
// returns it; it fails t if the run failed.
func conflictRun(t *testing.T, args ...string) (string, result) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	r := runMTL(context.Background(), append(append(slices.Clone(balanceArgs), args...), "--out", dir)...)
	if r.code != exitOK {
		t.Fatalf("train %v: %v", args, r)
	}
	return dir, r
}

// readConflictCSV reads the run's conflict.csv.
func readConflictCSV(t *testing.T, dir string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, conflictCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", conflictCSVFile, err)
	}
	return recs
}

func TestTrainDiagnose(t *testing.T) {
	dir, r := conflictRun(t, "--weighting", "dwa", "--combine", "pcgrad", "--diagnose", "5")

	// conflict.csv: one row per sample, steps 5, 10 and 15 (see balanceArgs).
	recs := readConflictCSV(t, dir)
	wantHeader := []string{"step", "epoch", "norm_digit", "norm_parity", "cos_digit_parity"}
	if len(recs) == 0 || !reflect.DeepEqual(recs[0], wantHeader) {
		t.Fatalf("%s header %v, want %v", conflictCSVFile, recs[:min(len(recs), 1)], wantHeader)
	}
	rows := recs[1:]
	var steps, epochs []string
	var cosines []float64
	for _, row := range rows {
		steps, epochs = append(steps, row[0]), append(epochs, row[1])
		cos, err := strconv.ParseFloat(row[4], 64)
		if err != nil || !(cos >= -1 && cos <= 1) {
			t.Errorf("%s row %v: cosine %q, want a value in [-1, 1]", conflictCSVFile, row, row[4])
		}
		cosines = append(cosines, cos)
		for _, norm := range row[2:4] {
			if n, err := strconv.ParseFloat(norm, 64); err != nil || !(n > 0) || math.IsInf(n, 0) {
				t.Errorf("%s row %v: norm %q, want a finite value > 0", conflictCSVFile, row, norm)
			}
		}
	}
	if want := []string{"5", "10", "15"}; !reflect.DeepEqual(steps, want) {
		t.Errorf("%s steps %v, want %v", conflictCSVFile, steps, want)
	}
	if want := []string{"1", "2", "2"}; !reflect.DeepEqual(epochs, want) {
		t.Errorf("%s epochs %v, want %v (8 steps per epoch)", conflictCSVFile, epochs, want)
	}

	// conflict.png: a PNG of two panels side by side.
	f, err := os.Open(filepath.Join(dir, conflictPNGFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", conflictPNGFile, err)
	}
	if b := img.Bounds(); b.Dx() <= b.Dy() || b.Dy() < 100 {
		t.Errorf("%s is %v, want a wide image of two panels", conflictPNGFile, b)
	}

	// summary.json: the names at the top, the conflict object matching
	// the CSV (which has 6 significant digits), the configs.
	sum := readSummary(t, dir)
	if sum.Weighting != weighting.DWAName || sum.Combine != combine.PCGradName {
		t.Errorf("summary weighting %q, combine %q; want dwa, pcgrad", sum.Weighting, sum.Combine)
	}
	c := sum.Conflict
	if c == nil || c.Every != 5 || c.Samples != 3 || len(c.Pairs) != 1 {
		t.Fatalf("summary conflict %+v, want every 5, 3 samples, 1 pair", c)
	}
	p := c.Pairs[0]
	var mean, share float64
	minCos := math.Inf(1)
	for _, cos := range cosines {
		mean += cos / float64(len(cosines))
		minCos = math.Min(minCos, cos)
		if cos < 0 {
			share += 1 / float64(len(cosines))
		}
	}
	const tol = 1e-5
	if p.A != "digit" || p.B != "parity" || math.Abs(p.MeanCosine-mean) > tol || math.Abs(p.MinCosine-minCos) > tol || math.Abs(p.ConflictShare-share) > 1e-12 {
		t.Errorf("summary pair %+v, want digit/parity, mean %.6g, min %.6g, share %v from %s", p, mean, minCos, share, conflictCSVFile)
	}
	if sum.Config.Fit.Diagnose != 5 || sum.Config.Fit.Combine != (combine.Config{Name: combine.PCGradName, Seed: 1}) {
		t.Errorf("config.fit diagnose %d, combine %+v; want 5, pcgrad seeded by --seed 1", sum.Config.Fit.Diagnose, sum.Config.Fit.Combine)
	}
	if sum.Config.Spec.Weighting != (weighting.Config{Name: weighting.DWAName}) {
		t.Errorf("config.spec weighting %+v, want dwa", sum.Config.Spec.Weighting)
	}

	// The report prints the pair's statistics.
	for _, want := range []string{"Gradient cosines on the shared parameters, 3 samples every 5 steps", "digit/parity"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// Without --diagnose a run has no conflict files and no "conflict" key,
// and the default weighting and combiner leave the configs as they were.
func TestTrainNoDiagnose(t *testing.T) {
	dir := sharedRun(t)
	for _, name := range []string{conflictCSVFile, conflictPNGFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s written without --diagnose", name)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var top struct {
		Conflict  json.RawMessage `json:"conflict"`
		Weighting string          `json:"weighting"`
		Combine   string          `json:"combine"`
		Config    struct {
			Spec map[string]json.RawMessage `json:"spec"`
			Fit  map[string]json.RawMessage `json:"fit"`
		} `json:"config"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	if top.Conflict != nil || top.Weighting != "static" || top.Combine != "sum" {
		t.Errorf("summary conflict %s, weighting %q, combine %q; want none, static, sum", top.Conflict, top.Weighting, top.Combine)
	}
	for what, obj := range map[string]map[string]json.RawMessage{"config.spec": top.Config.Spec, "config.fit": top.Config.Fit} {
		for _, k := range []string{"weighting", "combine", "diagnose"} {
			if v, ok := obj[k]; ok {
				t.Errorf("%s has %q: %s, want none for the defaults", what, k, v)
			}
		}
	}
}

// The same seed gives the same gradient measurements, pcgrad's shuffles
// included.
func TestTrainDiagnoseDeterministic(t *testing.T) {
	args := []string{"--combine", "pcgrad", "--diagnose", "3"}
	first, _ := conflictRun(t, args...)
	second, _ := conflictRun(t, args...)
	a, _ := os.ReadFile(filepath.Join(first, conflictCSVFile))
	b, _ := os.ReadFile(filepath.Join(second, conflictCSVFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("%s differs between two runs with seed 1:\n%s\n%s", conflictCSVFile, a, b)
	}
}

// Weightings and combiners that compose train, mgda-ub included.
func TestTrainBalance(t *testing.T) {
	tests := []struct {
		name                string
		args                []string
		weighting, combiner string
	}{
		{"mgda-ub", []string{"--combine", "mgda-ub"}, "static", mtl.MGDAUB},
		{"dwa, mgda-ub and diagnose", []string{"--weighting", "dwa", "--combine", "mgda-ub", "--diagnose", "4"}, "dwa", mtl.MGDAUB},
		{"gradnorm", []string{"--weighting", "gradnorm"}, "gradnorm", "sum"},
		{"gls and diagnose", []string{"--weighting", "gls", "--diagnose", "4"}, "gls", "sum"},
		{"uw", []string{"--weighting", "uw"}, "uw", "sum"},
		{"uw and diagnose", []string{"--weighting", "uw", "--diagnose", "4"}, "uw", "sum"},
		{"ew and upgrad", []string{"--weighting", "ew", "--combine", "upgrad"}, "ew", "upgrad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := conflictRun(t, tt.args...)
			sum := readSummary(t, dir)
			if sum.Weighting != tt.weighting || sum.Combine != tt.combiner {
				t.Errorf("summary weighting %q, combine %q; want %q, %q", sum.Weighting, sum.Combine, tt.weighting, tt.combiner)
			}
			for task, s := range sum.Test {
				if l := s["loss"]; !(l > 0) || math.IsInf(l, 0) {
					t.Errorf("test.%s loss %v, want a finite value > 0", task, l)
				}
			}
		})
	}
}

func TestTrainBalanceUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown weighting", []string{"--weighting", "equal"}, `--weighting "equal", want static, ew, uw, dwa, gradnorm, rlw or gls`},
		{"unknown combiner", []string{"--combine", "mgda_ub"}, `--combine "mgda_ub", want sum, pcgrad, mgda, cagrad, nash, imtl, aligned, upgrad or mgda-ub`},
		{"empty combiner", []string{"--combine", ""}, `--combine "", want sum`},
		{"negative diagnose", []string{"--diagnose", "-1"}, "--diagnose -1, want 0 (off) or a number of steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), append([]string{"train"}, tt.args...)...)
			if r.code != exitUsage || !strings.HasPrefix(r.stderr, "mtl: train: ") || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("want exit 2 and \"mtl: train: ...%s...\" on stderr only, got %v", tt.want, r)
			}
		})
	}
}

// Pairs the library refuses are errors (exit 1) with its message, and
// leave no run folder behind.
func TestTrainBalanceErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"uw and pcgrad", append(slices.Clone(balanceArgs), "--weighting", "uw", "--combine", "pcgrad"),
			`mtl: fit: weighting uw learns its log-variances through the graph's total loss and cannot be paired with combiner "pcgrad"`},
		{"mgda-ub on mmoe", []string{"train", "--dataset", "mmoe-synth", "--arch", "mmoe", "--limit", "200", "--test-limit", "100", "--combine", "mgda-ub"},
			`mtl: fit: combiner mgda-ub: needs hard sharing, not "mmoe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			r := runMTL(context.Background(), append(tt.args, "--out", out)...)
			if r.code != exitError || !strings.HasPrefix(r.stderr, tt.want) {
				t.Errorf("want exit 1 and %q on stderr, got %v", tt.want, r)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("the failed run left %s behind", out)
			}
		})
	}
}

// train -h documents the flags.
func TestTrainBalanceHelp(t *testing.T) {
	r := runMTL(context.Background(), "train", "-h")
	for _, want := range []string{"-weighting NAME", "overrides a --spec file's weighting", "-combine NAME", "mgda-ub", "-diagnose N", "conflict.png"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("train -h lacks %q", want)
		}
	}
}

// --weighting sets a --spec file's weighting only when given, keeping the
// file's parameters when it names the same method.
func TestTrainWeightingOverSpec(t *testing.T) {
	_, _, spec := trainSpec(t)
	spec.Weighting = weighting.Config{Name: weighting.DWAName, Temperature: 3}
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want weighting.Config
	}{
		{"flags only", nil, weighting.Config{}},
		{"flags and ew", []string{"--weighting", "ew"}, weighting.Config{Name: weighting.EWName}},
		{"flags and rlw", []string{"--weighting", "rlw", "--seed", "7"}, weighting.Config{Name: weighting.RLWName, Seed: 7}},
		{"file", []string{"--spec", file}, weighting.Config{Name: weighting.DWAName, Temperature: 3}},
		{"file and the same method", []string{"--spec", file, "--weighting", "dwa"}, weighting.Config{Name: weighting.DWAName, Temperature: 3}},
		{"file and another method", []string{"--spec", file, "--weighting", "gls"}, weighting.Config{Name: weighting.GLSName}},
		{"file and static", []string{"--spec", file, "--weighting", "static"}, weighting.Config{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, got := trainSpec(t, tt.args...)
			if got.Weighting != tt.want {
				t.Errorf("weighting %+v, want %+v", got.Weighting, tt.want)
			}
		})
	}
}

// The plot and the summary cope with no samples (training shorter than
// --diagnose), zero norms (a task without labelled rows in a batch) and
// values that are not finite.
func TestConflictEdgeCases(t *testing.T) {
	tasks := []string{"a", "b", "c"}
	tests := []struct {
		name    string
		samples []mtl.ConflictSample
	}{
		{"no samples", nil},
		{"one sample", []mtl.ConflictSample{sample(4, []float64{1, 2, 0.5}, 0.5)}},
		{"a zero norm", []mtl.ConflictSample{sample(4, []float64{1, 0, 3}, 0), sample(8, []float64{2, 1, 1}, -0.2)}},
		{"not finite", []mtl.ConflictSample{sample(4, []float64{math.Inf(1), 1, 1}, math.NaN()), sample(8, []float64{2, 1, 1}, 0.1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &mtl.Conflict{Tasks: tasks, Samples: tt.samples}
			b, err := c.DrawPNG()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("%s: %v", conflictPNGFile, err)
			}
			s := newConflictSummary(c, 4)
			raw, err := json.Marshal(s)
			if err != nil {
				t.Fatalf("summary: %v", err)
			}
			wantPairs := 3
			if len(tt.samples) == 0 {
				wantPairs = 0 // the statistics of no samples are undefined
			}
			var back conflictSummary
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatalf("summary %s: %v", raw, err)
			}
			if back.Every != 4 || back.Samples != len(tt.samples) || back.Pairs == nil || len(back.Pairs) != wantPairs {
				t.Errorf("summary %s, want every 4, %d samples, %d pairs", raw, len(tt.samples), wantPairs)
			}
			var report bytes.Buffer
			if err := writeConflictReport(&report, s); err != nil || report.Len() == 0 {
				t.Errorf("report %q, %v", report.String(), err)
			}
		})
	}
	if s := newConflictSummary(nil, 4); s != nil {
		t.Errorf("summary of no diagnostics %+v, want nil", s)
	}
}

// sample returns a sample whose pairs all have the given cosine.
func sample(step int, norms []float64, cos float64) mtl.ConflictSample {
	s := mtl.ConflictSample{Step: step, Epoch: 1, Norms: norms, Cosine: make([][]float64, len(norms))}
	for i := range norms {
		s.Cosine[i] = make([]float64, len(norms))
		for j := range norms {
			s.Cosine[i][j] = cos
			if i == j {
				s.Cosine[i][j] = 1
			}
		}
	}
	return s
}
