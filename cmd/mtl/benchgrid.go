package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// The files and folders of a bench folder.
const (
	benchFile        = "bench.json"   // the grid: what mtl bench was asked to run
	benchRunsDir     = "runs"         // runs/<arch>/<method>/seed<k>.json
	benchResultsJSON = "results.json" // the rows
	benchResultsMD   = "results.md"   // the rows as a Markdown table
	benchResultsPNG  = "results.png"  // the rows as grouped bars
)

// stlMethod is the method of the single-task baselines: one model per
// task, trained on that task alone.
const stlMethod = "stl"

// defaultMethods is the default of --methods: every method, the
// weightings first, then the combiners.
var defaultMethods = []string{
	stlMethod,
	weighting.EWName, weighting.UWName, weighting.DWAName, weighting.GradNormName, weighting.RLWName, weighting.GLSName,
	combine.PCGradName, combine.MGDAName, mtl.MGDAUB, combine.CAGradName, combine.NashName, combine.IMTLName, combine.AlignedName, combine.UPGradName,
}

// benchMethods lists the values --methods takes: stl, every weighting
// (static among them) and every combiner (sum among them, and mgda-ub).
func benchMethods() []string {
	names := []string{stlMethod}
	names = append(names, weighting.Names...)
	for _, n := range combine.Names {
		names = append(names, n)
		if n == combine.MGDAName {
			names = append(names, mtl.MGDAUB)
		}
	}
	return names
}

// isWeighting reports whether method names a weighting (spec.Weighting);
// the other methods but stl are combiners (FitConfig.Combine).
func isWeighting(method string) bool { return slices.Contains(weighting.Names, method) }

// parseList splits a comma-separated flag value into its names, refusing
// empty and repeated names and names not in valid; the errors are usage
// errors of cmd naming the flag.
func parseList(cmd, flagName, value string, valid []string) ([]string, error) {
	var names []string
	for _, n := range strings.Split(value, ",") {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			return nil, usageErrorf(cmd, "--%s %q: empty name", flagName, value)
		case !slices.Contains(valid, n):
			return nil, usageErrorf(cmd, "--%s: unknown name %q, want a comma-separated list of %s", flagName, n, orList(valid))
		case slices.Contains(names, n):
			return nil, usageErrorf(cmd, "--%s %q: %q is named twice", flagName, value, n)
		}
		names = append(names, n)
	}
	return names, nil
}

// parseShard parses --shard i/n: 1 <= i <= n.
func parseShard(cmd, s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || i < 1 || i > n {
		return 0, 0, usageErrorf(cmd, "--shard %q, want i/n with 1 <= i <= n, such as 1/4", s)
	}
	return i, n, nil
}

// A runKey names one run of the grid: a method on an architecture with a
// seed, or for stl one task's model with a seed (its arch is always
// hard).
type runKey struct {
	arch, method string
	task         string // stl only
	seed         int
}

// path returns the run's file in a bench folder, slash-separated:
// runs/<arch>/<method>/seed<k>.json, or for stl
// runs/hard/stl/<task>/seed<k>.json. Task names follow mtl's rule
// (letters, digits, _ and -), so they are safe in a path.
func (k runKey) path() string {
	if k.method == stlMethod {
		return fmt.Sprintf("%s/%s/%s/%s/seed%d.json", benchRunsDir, k.arch, k.method, k.task, k.seed)
	}
	return fmt.Sprintf("%s/%s/%s/seed%d.json", benchRunsDir, k.arch, k.method, k.seed)
}

// label returns "pcgrad, seed 1", "stl digit, seed 1" or, when archs is
// set, "mmoe pcgrad, seed 1".
func (k runKey) label(archs bool) string {
	s := k.method
	if k.method == stlMethod {
		s += " " + k.task
	} else if archs {
		s = k.arch + " " + s
	}
	return fmt.Sprintf("%s, seed %d", s, k.seed)
}

// A benchTask is a task of the bench and the test metric its rows report:
// accuracy for classification and binary tasks, the mean absolute error
// for regression (lower is better) and the mean IoU for boxes.
type benchTask struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Metric      string `json:"metric"`
	LowerBetter bool   `json:"lower_is_better,omitempty"`
}

// newBenchTask returns t with the metric its kind reports.
func newBenchTask(t mtl.Task) benchTask {
	b := benchTask{Name: t.Name, Kind: t.Kind, Metric: "accuracy"}
	switch t.Kind {
	case mtl.RegressKind:
		b.Metric, b.LowerBetter = "mae", true
	case mtl.BoxKind:
		b.Metric = "iou"
	}
	return b
}

// An excludedCell is a method that cannot train on an architecture; the
// grid leaves it out and results.md says why.
type excludedCell struct {
	Arch   string `json:"arch"`
	Method string `json:"method"`
	Reason string `json:"reason"`
}

// maxBenchSeeds is the most seeds a bench takes: far more than any
// table needs, and few enough that the grid, which holds a run per seed,
// method and architecture, is small.
const maxBenchSeeds = 1000

// benchManifest is bench.json: everything that decides the grid and its
// runs but the seed. Shards of one bench have equal manifests but for
// Shard; merge checks that.
type benchManifest struct {
	Dataset     string         `json:"dataset"`
	Tasks       []benchTask    `json:"tasks"`
	Methods     []string       `json:"methods"`
	Archs       []string       `json:"archs,omitempty"` // --archs; empty: hard only, and the rows name no arch
	Excluded    []excludedCell `json:"excluded,omitempty"`
	Seeds       int            `json:"seeds"` // the seeds are 1 to Seeds
	Epochs      int            `json:"epochs"`
	Batch       int            `json:"batch"`
	Optimizer   string         `json:"optimizer"`
	LR          float64        `json:"lr"`
	Limit       int            `json:"limit,omitempty"`
	TestLimit   int            `json:"test_limit,omitempty"`
	ValSplit    float64        `json:"val_split,omitempty"`
	Trunk       string         `json:"trunk,omitempty"`
	Hidden      int            `json:"hidden,omitempty"`  // the mlp trunk's width
	Experts     int            `json:"experts,omitempty"` // --experts
	Data        string         `json:"data,omitempty"`    // --data
	Correlation *float64       `json:"correlation,omitempty"`
	CSV         *csvOptionsRec `json:"csv,omitempty"`
	Shard       string         `json:"shard,omitempty"` // "i/n" for a shard's folder
}

// csvOptionsRec records the csv flags of a bench on csv:PATH.
type csvOptionsRec struct {
	Tasks        string  `json:"tasks"`
	Features     string  `json:"features,omitempty"`
	TestFraction float64 `json:"test_fraction"`
}

// archList returns the architectures of the grid: --archs, or hard.
func (m *benchManifest) archList() []string {
	if len(m.Archs) == 0 {
		return []string{mtl.HardArch}
	}
	return m.Archs
}

// excluded reports whether method is left out on arch.
func (m *benchManifest) excluded(arch, method string) bool {
	return slices.ContainsFunc(m.Excluded, func(c excludedCell) bool { return c.Arch == arch && c.Method == method })
}

// grid returns the runs in their fixed order, which --shard counts in:
// seed by seed (1 to Seeds), then method by method as --methods lists
// them, then for stl task by task and for the others architecture by
// architecture as --archs lists them.
func (m *benchManifest) grid() []runKey {
	var keys []runKey
	for seed := 1; seed <= m.Seeds; seed++ {
		for _, method := range m.Methods {
			if method == stlMethod {
				for _, t := range m.Tasks {
					keys = append(keys, runKey{arch: mtl.HardArch, method: method, task: t.Name, seed: seed})
				}
				continue
			}
			for _, arch := range m.archList() {
				if !m.excluded(arch, method) {
					keys = append(keys, runKey{arch: arch, method: method, seed: seed})
				}
			}
		}
	}
	return keys
}

// shardOf returns the runs of shard i of n (1-based): those whose index
// in keys is i-1 modulo n.
func shardOf(keys []runKey, i, n int) []int {
	var idx []int
	for j := range keys {
		if j%n == i-1 {
			idx = append(idx, j)
		}
	}
	return idx
}

// readManifest reads the bench.json of dir.
func readManifest(dir string) (*benchManifest, error) {
	path := filepath.Join(dir, benchFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: it is not the --out folder of mtl bench", dir, benchFile)
	}
	if err != nil {
		return nil, err
	}
	var m benchManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if m.Dataset == "" || len(m.Tasks) == 0 || len(m.Methods) == 0 || m.Seeds < 1 {
		return nil, fmt.Errorf("%s: want a dataset, tasks, methods and seeds", path)
	}
	if m.Seeds > maxBenchSeeds {
		return nil, fmt.Errorf("%s: %d seeds, want at most %d", path, m.Seeds, maxBenchSeeds)
	}
	if err := m.checkGrid(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// checkGrid checks the names that make m's grid and its run files, as
// mtl bench's flags check them before it writes bench.json: methods of
// --methods, architectures of --archs and task names of mtl's rule, none
// twice, so that every run file is a file of its own under runs/, never a
// path outside the bench folder that merge would read or write.
func (m *benchManifest) checkGrid() error {
	for _, l := range []struct {
		what  string
		names []string
		valid func(string) bool
	}{
		{"method", m.Methods, func(s string) bool { return slices.Contains(benchMethods(), s) }},
		{"architecture", m.Archs, func(s string) bool { return slices.Contains(archNames(), s) }},
		{"task", benchTaskNames(m.Tasks), taskNameRE.MatchString},
	} {
		for i, name := range l.names {
			switch {
			case !l.valid(name):
				return fmt.Errorf("unknown %s %q", l.what, name)
			case slices.Contains(l.names[:i], name):
				return fmt.Errorf("%s %q listed twice", l.what, name)
			}
		}
	}
	return nil
}

// benchTaskNames returns the names of tasks.
func benchTaskNames(tasks []benchTask) []string {
	names := make([]string, len(tasks))
	for i, t := range tasks {
		names[i] = t.Name
	}
	return names
}

// manifestDiff returns the first field in which a and b differ, Shard
// aside, or "" when they agree.
func manifestDiff(a, b *benchManifest) string {
	fields := func(m *benchManifest) map[string]json.RawMessage {
		c := *m
		c.Shard = ""
		raw, _ := json.Marshal(c) // plain data: cannot fail
		var f map[string]json.RawMessage
		json.Unmarshal(raw, &f)
		return f
	}
	fa, fb := fields(a), fields(b)
	keys := slices.Concat(slices.Collect(maps.Keys(fa)), slices.Collect(maps.Keys(fb)))
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if !bytes.Equal(fa[k], fb[k]) {
			return k
		}
	}
	return ""
}

// benchRun is the file of one finished run: its test metrics per task
// (taskScore's, by name), its training time (mtl.History.TrainSeconds:
// forward, backward and update, evaluation excluded), its parameter count
// and the configuration it was trained with.
type benchRun struct {
	Arch    string               `json:"arch"`
	Method  string               `json:"method"`
	Task    string               `json:"task,omitempty"` // stl: the model's one task
	Seed    int                  `json:"seed"`
	Epochs  int                  `json:"epochs"`
	Test    map[string]taskScore `json:"test"`
	Seconds float64              `json:"seconds"`
	Params  int                  `json:"params"`
	// Config is a benchRunConfig. Two runs are the same run when their
	// configs are equal byte for byte, compacted.
	Config json.RawMessage `json:"config"`
}

// benchRunConfig is everything that decides a run's results.
type benchRunConfig struct {
	Dataset     string              `json:"dataset"`
	Data        string              `json:"data,omitempty"`
	Correlation *float64            `json:"correlation,omitempty"` // mmoe-synth
	CSV         *datasets.CSVConfig `json:"csv,omitempty"`
	Trunk       string              `json:"trunk,omitempty"`
	TestLimit   int                 `json:"test_limit,omitempty"`
	Spec        mtl.Spec            `json:"spec"`
	Fit         mtl.FitConfig       `json:"fit"`
}

// errInvalidRun is wrapped by readRun's errors for a file that is not a
// finished run of its key: mtl bench trains that run again.
var errInvalidRun = errors.New("not a finished run")

// readRun reads the run file of k in dir and checks that it is k's, with
// the metric of every task it should have. A missing file is an error
// wrapping fs.ErrNotExist, a damaged one an error wrapping errInvalidRun.
func readRun(dir string, k runKey, tasks []benchTask) (*benchRun, error) {
	path := filepath.Join(dir, filepath.FromSlash(k.path()))
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r benchRun
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, errInvalidRun, err)
	}
	if r.Arch != k.arch || r.Method != k.method || r.Task != k.task || r.Seed != k.seed {
		return nil, fmt.Errorf("%s: %w: it holds %s", path, errInvalidRun, runKey{r.Arch, r.Method, r.Task, r.Seed}.path())
	}
	for _, t := range tasks {
		if k.task != "" && t.Name != k.task {
			continue
		}
		if _, ok := r.Test[t.Name][t.Metric]; !ok {
			return nil, fmt.Errorf("%s: %w: no test %s of task %q", path, errInvalidRun, t.Metric, t.Name)
		}
	}
	if !json.Valid(r.Config) {
		return nil, fmt.Errorf("%s: %w: no config", path, errInvalidRun)
	}
	return &r, nil
}

// sameConfig reports whether two configs are equal once compacted.
func sameConfig(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// writeBenchJSON writes v, indented, to the slash-separated path rel
// under dir, making its folders, atomically (runDir.writeFile).
func writeBenchJSON(dir, rel string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Join(dir, rel), err)
	}
	return writeBenchFile(dir, rel, append(b, '\n'))
}

// writeBenchFile writes data to the slash-separated path rel under dir,
// making its folders, under a temporary name renamed into place.
func writeBenchFile(dir, rel string, data []byte) error {
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	d := &runDir{path: filepath.Dir(path)}
	return d.writeFile(filepath.Base(path), data)
}
