package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchArgs is the tiny grid the bench tests share: stl, ew and pcgrad on
// MNIST with two seeds, 8 runs of about 0.1 s each.
var benchArgs = []string{"bench", "--methods", "stl,ew,pcgrad", "--seeds", "2", "--epochs", "1", "--limit", "300", "--test-limit", "200"}

// sharedBench runs benchArgs once per test binary.
var sharedBench onceRun

func sharedBenchRun(t *testing.T) string {
	t.Helper()
	return sharedBench.get(t, "shared-bench", benchArgs...)
}

// readResults decodes dir's results.json, and returns its rows also as raw
// JSON objects, to check which keys they have.
func readResults(t *testing.T, dir string) (*benchResults, []map[string]json.RawMessage) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, benchResultsJSON))
	if err != nil {
		t.Fatal(err)
	}
	var res benchResults
	var rawRows struct {
		Rows []map[string]json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("%s: %v", benchResultsJSON, err)
	}
	if err := json.Unmarshal(raw, &rawRows); err != nil {
		t.Fatalf("%s: %v", benchResultsJSON, err)
	}
	return &res, rawRows.Rows
}

// readRunFile decodes one run file of dir.
func readRunFile(t *testing.T, dir string, k runKey) benchRun {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(k.path())))
	if err != nil {
		t.Fatal(err)
	}
	var r benchRun
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", k.path(), err)
	}
	return r
}

// TestBench checks the tiny grid's files: a run file per run, and rows
// whose means, standard deviations, Δm, seconds and params are those
// computed here by hand from the run files.
func TestBench(t *testing.T) {
	dir := sharedBenchRun(t)
	r := sharedBench.res
	res, rawRows := readResults(t, dir)

	if got := []string{res.Rows[0].Method, res.Rows[1].Method, res.Rows[2].Method}; len(res.Rows) != 3 || !slices.Equal(got, []string{"stl", "ew", "pcgrad"}) {
		t.Fatalf("rows %+v, want stl, ew and pcgrad", res.Rows)
	}
	for i, row := range rawRows {
		_, hasDelta := row["delta_m"]
		if want := i > 0; hasDelta != want {
			t.Errorf("row %d (%s): delta_m present %v, want %v", i, res.Rows[i].Method, hasDelta, want)
		}
		if _, ok := row["arch"]; ok {
			t.Errorf("row %d has an arch without --archs", i)
		}
	}

	// The stl baseline by hand: each task's accuracy from its own model,
	// seconds summed over the two models per seed, params summed.
	acc := func(k runKey, task string) float64 { return readRunFile(t, dir, k).Test[task]["accuracy"] }
	sd2 := func(a, b float64) float64 { return math.Abs(a-b) / math.Sqrt2 } // the sample sd of two values
	tasks := []string{"digit", "parity"}
	stl := map[string][2]float64{}
	var stlSeconds [2]float64
	stlParams := 0
	for _, task := range tasks {
		var x [2]float64
		for s := 1; s <= 2; s++ {
			run := readRunFile(t, dir, runKey{arch: "hard", method: "stl", task: task, seed: s})
			x[s-1] = run.Test[task]["accuracy"]
			stlSeconds[s-1] += run.Seconds
			if s == 1 {
				stlParams += run.Params
			}
			if len(run.Config) == 0 || len(run.Test) != 1 {
				t.Errorf("stl %s seed %d: test %v, want one task, and a config", task, s, run.Test)
			}
		}
		stl[task] = x
	}
	const tol = 1e-12
	near := func(got jsonFloat, want float64) bool { return math.Abs(float64(got)-want) <= tol }
	for _, task := range tasks {
		x := stl[task]
		if s := res.Rows[0].Tasks[task]; !near(s.Mean, (x[0]+x[1])/2) || !near(s.SD, sd2(x[0], x[1])) {
			t.Errorf("stl %s = %+v, want mean %v, sd %v from %v", task, s, (x[0]+x[1])/2, sd2(x[0], x[1]), x)
		}
	}
	if row := res.Rows[0]; row.Params != stlParams || !near(row.Seconds, roundMillis((stlSeconds[0]+stlSeconds[1])/2)) || row.Seeds != 2 {
		t.Errorf("stl row: params %d, seconds %v, seeds %d; want %d, %v, 2", row.Params, row.Seconds, row.Seeds, stlParams, (stlSeconds[0]+stlSeconds[1])/2)
	}
	for _, row := range res.Rows[1:] {
		var delta float64
		for _, task := range tasks {
			a := acc(runKey{arch: "hard", method: row.Method, seed: 1}, task)
			b := acc(runKey{arch: "hard", method: row.Method, seed: 2}, task)
			mean, base := (a+b)/2, (stl[task][0]+stl[task][1])/2
			if s := row.Tasks[task]; !near(s.Mean, mean) || !near(s.SD, sd2(a, b)) {
				t.Errorf("%s %s = %+v, want mean %v, sd %v", row.Method, task, s, mean, sd2(a, b))
			}
			delta += (mean - base) / base // accuracy: higher is better, sign +
		}
		delta = delta / 2 * 100
		if row.DeltaM == nil || math.Abs(float64(*row.DeltaM)-delta) > 1e-9 {
			t.Errorf("%s: delta_m %v, want %v", row.Method, row.DeltaM, delta)
		}
		r1 := readRunFile(t, dir, runKey{arch: "hard", method: row.Method, seed: 1})
		r2 := readRunFile(t, dir, runKey{arch: "hard", method: row.Method, seed: 2})
		if row.Params != r1.Params || !near(row.Seconds, roundMillis((r1.Seconds+r2.Seconds)/2)) || !(r1.Seconds > 0) || r1.Epochs != 1 {
			t.Errorf("%s: params %d, seconds %v; want %d, the mean of %v and %v, and 1 epoch", row.Method, row.Params, row.Seconds, r1.Params, r1.Seconds, r2.Seconds)
		}
	}

	// results.md: the settings, the convention and a row per method.
	md, err := os.ReadFile(filepath.Join(dir, benchResultsMD))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Dataset mnist, 1 epoch, seeds 1 to 2, --limit 300, --test-limit 200",
		"LibMTL's convention, higher is better",
		"| method | digit accuracy | parity accuracy | Δm% | seconds | params |",
		"| stl | ", "| ew | ", "| pcgrad | ",
		fmt.Sprintf("| %+.2f |", float64(*res.Rows[1].DeltaM)),
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("%s lacks %q:\n%s", benchResultsMD, want, md)
		}
	}
	png, err := os.ReadFile(filepath.Join(dir, benchResultsPNG))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s: %d bytes, want a PNG", benchResultsPNG, len(png))
	}

	// The report: a start and an end line per run on stderr, results.md
	// on stdout.
	lines := jsonLines(r.stderr)
	if len(lines) != 1+2*8 || !strings.HasPrefix(lines[1], "[1/8] stl digit, seed 1: training") ||
		!strings.HasPrefix(lines[16], "[8/8] pcgrad, seed 2: done in ") {
		t.Errorf("stderr is not a line per run start and end:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, string(md)) || !strings.Contains(r.stdout, "8 runs trained, 0 runs skipped") {
		t.Errorf("stdout lacks results.md or the tally:\n%s", r.stdout)
	}
}

// A rerun skips the finished runs, leaving their files as they were; a
// rerun with other flags refuses to mix its runs in; a damaged file is
// trained again.
func TestBenchResume(t *testing.T) {
	dir := sharedBenchRun(t)
	paths, err := filepath.Glob(filepath.Join(dir, benchRunsDir, "*", "*", "*.json"))
	if err != nil || len(paths) != 4 {
		t.Fatalf("glob: %v, %d ew and pcgrad run files, want 4", err, len(paths))
	}
	stat := func() map[string]time.Time {
		m := map[string]time.Time{}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			m[p] = st.ModTime()
		}
		return m
	}
	before := stat()
	want, _ := readResults(t, dir)

	r := runMTL(context.Background(), append(slices.Clone(benchArgs), "--out", dir, "--json")...)
	if r.code != 0 {
		t.Fatalf("rerun: %v", r)
	}
	lines := jsonLines(r.stdout)
	if len(lines) != 9 {
		t.Fatalf("rerun printed %d JSON lines, want 8 status lines and a summary:\n%s", len(lines), r.stdout)
	}
	for _, l := range lines[:8] {
		var st benchStatusLine
		if err := json.Unmarshal([]byte(l), &st); err != nil || st.MessageType != "status" || st.Action != "skip" {
			t.Errorf("line %s: %v, want a skip status", l, err)
		}
	}
	var sum benchSummaryLine
	if err := json.Unmarshal([]byte(lines[8]), &sum); err != nil || sum.MessageType != "summary" || sum.Skipped != 8 || sum.Trained != 0 || sum.Results == nil {
		t.Errorf("summary %s: %v, want 8 skipped, 0 trained, the results", lines[8], err)
	}
	if r.stderr != "" {
		t.Errorf("stderr with --json: %q", r.stderr)
	}
	if after := stat(); !reflect.DeepEqual(after, before) {
		t.Errorf("a rerun touched finished runs: %v, then %v", before, after)
	}
	if got, _ := readResults(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("a rerun changed the results:\n%+v\nwant\n%+v", got, want)
	}

	// Other flags: an error before anything is written.
	manifest, _ := os.ReadFile(filepath.Join(dir, benchFile))
	r = runMTL(context.Background(), append(slices.Clone(benchArgs), "--out", dir, "--lr", "0.01")...)
	if r.code != exitError || !strings.Contains(r.stderr, "holds a run of another configuration") {
		t.Errorf("rerun with another --lr: %v", r)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, benchFile)); !bytes.Equal(now, manifest) {
		t.Errorf("a refused rerun rewrote %s", benchFile)
	}

	// A damaged file is trained again.
	small := filepath.Join(t.TempDir(), "bench")
	args := []string{"bench", "--methods", "ew", "--seeds", "1", "--epochs", "1", "--limit", "300", "--test-limit", "200", "--out", small}
	if r := runMTL(context.Background(), args...); r.code != 0 {
		t.Fatalf("%v", r)
	}
	file := filepath.Join(small, "runs", "hard", "ew", "seed1.json")
	good, _ := os.ReadFile(file)
	if err := os.WriteFile(file, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	r = runMTL(context.Background(), args...)
	if r.code != 0 || !strings.Contains(r.stderr, "training it again") {
		t.Errorf("rerun over a damaged file: %v", r)
	}
	var old, redone benchRun
	again, _ := os.ReadFile(file)
	if json.Unmarshal(good, &old) != nil || json.Unmarshal(again, &redone) != nil || !reflect.DeepEqual(redone.Test, old.Test) {
		t.Errorf("the run trained again is %s, want the test scores of\n%s", again, good)
	}
}

// withoutSeconds returns rows with their seconds, which vary from run to
// run, zeroed.
func withoutSeconds(rows []benchRow) []benchRow {
	rows = slices.Clone(rows)
	for i := range rows {
		rows[i].Seconds = 0
	}
	return rows
}

// Shards 1/2 and 2/2, merged, give the rows of the unsharded bench
// exactly (training is deterministic given the seed); merge refuses
// conflicting duplicates, shards of different benches and missing runs.
func TestBenchShardMerge(t *testing.T) {
	whole := sharedBenchRun(t)
	want, _ := readResults(t, whole)
	tmp := t.TempDir()
	shard := func(i int) string {
		dir := filepath.Join(tmp, fmt.Sprintf("shard%d", i))
		r := runMTL(context.Background(), append(slices.Clone(benchArgs), "--shard", fmt.Sprintf("%d/2", i), "--out", dir)...)
		if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("Shard %d/2: 4 runs of 8", i)) {
			t.Fatalf("shard %d/2: %v", i, r)
		}
		if _, err := os.Stat(filepath.Join(dir, benchResultsJSON)); err == nil {
			t.Errorf("shard %d/2 wrote %s", i, benchResultsJSON)
		}
		return dir
	}
	s1, s2 := shard(1), shard(2)
	// Shard 1 holds the grid's runs 1, 3, 5 and 7: stl digit and ew, per seed.
	for _, k := range []runKey{{"hard", "stl", "digit", 1}, {"hard", "ew", "", 1}, {"hard", "stl", "digit", 2}, {"hard", "ew", "", 2}} {
		if _, err := os.Stat(filepath.Join(s1, filepath.FromSlash(k.path()))); err != nil {
			t.Errorf("shard 1/2 lacks %s: %v", k.path(), err)
		}
	}

	merged := filepath.Join(tmp, "merged")
	r := runMTL(context.Background(), "bench", "merge", "--out", merged, s1, s2)
	if r.code != 0 {
		t.Fatalf("merge: %v", r)
	}
	got, _ := readResults(t, merged)
	if !reflect.DeepEqual(withoutSeconds(got.Rows), withoutSeconds(want.Rows)) {
		t.Errorf("merged rows\n%+v\nwant the unsharded bench's\n%+v", got.Rows, want.Rows)
	}
	if _, err := os.Stat(filepath.Join(merged, benchResultsPNG)); err != nil {
		t.Error(err)
	}

	// A missing shard.
	r = runMTL(context.Background(), "bench", "merge", "--out", filepath.Join(tmp, "half"), s1)
	if r.code != exitError || !strings.Contains(r.stderr, "lack 4 of the 8 runs of the grid") {
		t.Errorf("merge of one shard of two: %v", r)
	}

	// A duplicate of another configuration.
	other := filepath.Join(tmp, "other")
	k := runKey{arch: "hard", method: "ew", seed: 1}
	run := readRunFile(t, s1, k)
	run.Config = bytes.Replace(run.Config, []byte(`"learning_rate": 0.001`), []byte(`"learning_rate": 0.002`), 1)
	if err := writeBenchJSON(other, k.path(), run); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(s1, benchFile)); err != nil || os.WriteFile(filepath.Join(other, benchFile), b, 0o644) != nil {
		t.Fatal(err)
	}
	r = runMTL(context.Background(), "bench", "merge", "--out", filepath.Join(tmp, "conflict"), s1, s2, other)
	if r.code != exitError || !strings.Contains(r.stderr, "with different configurations") {
		t.Errorf("merge with a conflicting duplicate: %v", r)
	}

	// A shard of another bench.
	third := filepath.Join(tmp, "third")
	if r := runMTL(context.Background(), "bench", "--methods", "ew", "--seeds", "1", "--epochs", "1", "--limit", "300", "--test-limit", "200", "--shard", "1/2", "--out", third); r.code != 0 {
		t.Fatalf("%v", r)
	}
	r = runMTL(context.Background(), "bench", "merge", "--out", filepath.Join(tmp, "mixed"), s1, third)
	if r.code != exitError || !strings.Contains(r.stderr, "are not shards of one bench") {
		t.Errorf("merge of shards of two benches: %v", r)
	}
}

// --archs puts an arch in every row (stl's is hard) and leaves mgda-ub
// out where it cannot train, saying so in results.md.
func TestBenchArchs(t *testing.T) {
	dir := t.TempDir()
	r := runMTL(context.Background(), "bench", "--methods", "stl,mgda-ub", "--archs", "hard,cross-stitch", "--seeds", "1",
		"--epochs", "1", "--limit", "300", "--test-limit", "200", "--out", dir)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	res, _ := readResults(t, dir)
	var got []string
	for _, row := range res.Rows {
		got = append(got, row.Method+"/"+row.Arch)
	}
	if want := []string{"stl/hard", "mgda-ub/hard"}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	md, _ := os.ReadFile(filepath.Join(dir, benchResultsMD))
	if !strings.Contains(string(md), "Not run: mgda-ub on cross-stitch (mgda-ub needs hard sharing, not cross-stitch).") ||
		!strings.Contains(string(md), "| method | arch |") {
		t.Errorf("%s:\n%s", benchResultsMD, md)
	}
}

func TestBenchUsageErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench")
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown method", []string{"bench", "--out", out, "--methods", "ew,foo"}, `--methods: unknown name "foo", want a comma-separated list of stl, static, ew, uw, dwa, gradnorm, rlw, gls, sum, pcgrad, mgda, mgda-ub, cagrad, nash, imtl, aligned or upgrad`},
		{"method twice", []string{"bench", "--out", out, "--methods", "ew,ew"}, `"ew" is named twice`},
		{"empty method", []string{"bench", "--out", out, "--methods", "ew,"}, "empty name"},
		{"unknown arch", []string{"bench", "--out", out, "--archs", "hard,star"}, `--archs: unknown name "star"`},
		{"shard zero", []string{"bench", "--out", out, "--shard", "0/2"}, `--shard "0/2", want i/n with 1 <= i <= n`},
		{"shard past n", []string{"bench", "--out", out, "--shard", "3/2"}, `--shard "3/2"`},
		{"shard not a fraction", []string{"bench", "--out", out, "--shard", "2"}, `--shard "2"`},
		{"shard of zero", []string{"bench", "--out", out, "--shard", "1/0"}, `--shard "1/0"`},
		{"no out", []string{"bench"}, "--out DIR is required"},
		{"zero seeds", []string{"bench", "--out", out, "--seeds", "0"}, "--seeds 0"},
		{"zero epochs", []string{"bench", "--out", out, "--epochs", "0"}, "--epochs 0"},
		{"experts without experts", []string{"bench", "--out", out, "--archs", "hard", "--experts", "2"}, "--experts is for --archs mmoe, cgc and ple"},
		{"unknown dataset", []string{"bench", "--out", out, "--dataset", "cifar"}, `--dataset "cifar"`},
		{"empty grid", []string{"bench", "--out", out, "--methods", "mgda-ub", "--archs", "mmoe"}, "the grid is empty: mgda-ub needs hard sharing, not mmoe"},
		{"mnist+spam mmoe", []string{"bench", "--out", out, "--dataset", "mnist+spam", "--archs", "mmoe"}, "--archs mmoe: dataset mnist+spam"},
		{"extra argument", []string{"bench", "--out", out, "mnist"}, `unexpected argument "mnist"`},
		{"merge without out", []string{"bench", "merge", "a"}, "bench merge: --out DIR is required"},
		{"merge without shards", []string{"bench", "merge", "--out", out}, "name the shards' folders"},
		{"bench flag on merge", []string{"bench", "--seeds", "2", "merge", "--out", out, "a"}, "--seeds is a flag of mtl bench, not of mtl bench merge"},
		{"unknown merge flag", []string{"bench", "merge", "--out", out, "--seeds", "2", "a"}, "flag provided but not defined: -seeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), tt.args...)
			if r.code != exitUsage || !strings.HasPrefix(r.stderr, "mtl: ") || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("want exit %d and %q on stderr only\n%v", exitUsage, tt.want, r)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a usage error made %s", out)
			}
		})
	}
}

func TestBenchHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "bench"}, "-methods LIST"},
		{[]string{"bench", "-h"}, "mtl bench merge --out DIR SHARD_DIR..."},
		{[]string{"bench", "merge", "-h"}, "Usage: mtl bench merge --out DIR [--json] SHARD_DIR..."},
		{[]string{"help"}, "bench    train a grid"},
	} {
		r := runMTL(context.Background(), tt.args...)
		if r.code != 0 || !strings.Contains(r.stdout, tt.want) || !strings.Contains(r.stdout, "Exit codes:") {
			t.Errorf("%v: want %q and the exit codes on stdout\n%v", tt.args, tt.want, r)
		}
	}
}

// The statistics and Δm, on values worked out by hand.
func TestBenchStatistics(t *testing.T) {
	for _, tt := range []struct {
		name     string
		x        []float64
		mean, sd float64
	}{
		{"one seed: sd 0", []float64{0.9}, 0.9, 0},
		{"two seeds", []float64{0.8, 0.9}, 0.85, 0.1 / math.Sqrt2},                    // |a−b|/√2
		{"three seeds", []float64{1, 2, 4}, 7.0 / 3, math.Sqrt((16 + 1 + 25) / 18.0)}, // Σ(x−7/3)² = 42/9, / (n−1)
	} {
		mean, sd := meanSD(tt.x)
		if math.Abs(mean-tt.mean) > 1e-12 || math.Abs(sd-tt.sd) > 1e-12 {
			t.Errorf("%s: meanSD(%v) = %v, %v; want %v, %v", tt.name, tt.x, mean, sd, tt.mean, tt.sd)
		}
	}
	// Accuracy 0.9 against stl's 0.8 is +12.5%; an MAE of 0.3 against
	// stl's 0.2 is 50% worse: Δm = (12.5 − 50) / 2 = −18.75.
	tasks := []benchTask{{Name: "a", Metric: "accuracy"}, {Name: "r", Metric: "mae", LowerBetter: true}}
	row := map[string]benchStat{"a": {Mean: 0.9}, "r": {Mean: 0.3}}
	base := map[string]benchStat{"a": {Mean: 0.8}, "r": {Mean: 0.2}}
	if got := deltaM(row, base, tasks); math.Abs(got-(-18.75)) > 1e-9 {
		t.Errorf("deltaM = %v, want -18.75", got)
	}
}

// On a terminal each run draws train's epoch bar between its start and
// end lines; a bench cancelled during training (by the clock, which the
// bar reads at every step, as in TestCancelledDuringTraining) exits 130
// and leaves no file of the run it was training.
func TestBenchTerminalAndCancel(t *testing.T) {
	run := func(ctx context.Context, now func() time.Time, out string) (string, error) {
		var stdout, stderr strings.Builder
		e := newEnv(&stdout, &stderr)
		e.tty = true
		if now != nil {
			e.now = now
		}
		fs, runFunc := benchCommand().flags(e)
		args := []string{"--methods", "ew", "--seeds", "1", "--epochs", "1", "--limit", "300", "--test-limit", "200", "--out", out}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		err := runFunc(ctx)
		return stderr.String(), err
	}
	s, err := run(context.Background(), nil, filepath.Join(t.TempDir(), "bench"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "[1/1] ew, seed 1: training\nEpoch 1/1\n") || !strings.Contains(s, "(10/10)") || !strings.Contains(s, "[1/1] ew, seed 1: done in ") {
		t.Errorf("stderr lacks the run's lines around an epoch bar:\n%s", s)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	now := func() time.Time {
		if calls++; calls == 5 {
			cancel()
		}
		return time.Now()
	}
	out := filepath.Join(t.TempDir(), "cancelled")
	_, err = run(ctx, now, out)
	if !errors.Is(err, context.Canceled) || exitCode(ctx, err) != exitInterrupted {
		t.Errorf("error %v, want one wrapping context.Canceled (exit 130)", err)
	}
	if _, err := os.Stat(filepath.Join(out, "runs", "hard", "ew", "seed1.json")); !os.IsNotExist(err) {
		t.Errorf("a cancelled bench wrote its run (stat: %v)", err)
	}
}
