package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzBenchManifest is the manifest FuzzReadBench reads the run file
// with when the fuzzed manifest is refused.
const fuzzBenchManifest = `{"dataset": "mnist", "tasks": [{"name": "digit", "kind": "classify", "metric": "accuracy"},
	{"name": "parity", "kind": "classify", "metric": "accuracy"}], "methods": ["stl", "ew"], "seeds": 2}`

// FuzzReadBench checks that the readers of mtl bench merge and report
// never panic on a bench.json and a run file holding any bytes:
// readManifest returns either an error and no manifest, or a manifest
// whose grid is bounded and lists distinct runs whose files are paths
// under runs/ that stay inside the bench folder, and which re-encoded
// reads the same; readRun, given the first run of that grid (or of
// fuzzBenchManifest's), returns either an error that wraps
// errInvalidRun and no run, or that run with the metric of each of its
// tasks and a configuration, which re-encoded reads the same. The seeds
// are in testdata/fuzz/FuzzReadBench: bench.json and run files of a real
// `mtl bench --methods stl,ew,pcgrad --seeds 2` and broken ones.
func FuzzReadBench(f *testing.F) {
	f.Fuzz(func(t *testing.T, manifest, run []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, benchFile), manifest, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := readManifest(dir)
		if err != nil {
			if m != nil {
				t.Fatalf("manifest returned with error %v", err)
			}
			if err := json.Unmarshal([]byte(fuzzBenchManifest), &m); err != nil {
				t.Fatal(err)
			}
		} else {
			checkFuzzManifest(t, dir, m)
		}

		k := m.grid()[0]
		p := filepath.Join(dir, filepath.FromSlash(k.path()))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, run, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := readRun(dir, k, m.Tasks)
		if err != nil {
			if r != nil || !errors.Is(err, errInvalidRun) || !strings.HasPrefix(err.Error(), p+": ") {
				t.Fatalf("run %v returned with error %v", r, err)
			}
			return
		}
		if r.Arch != k.arch || r.Method != k.method || r.Task != k.task || r.Seed != k.seed || !json.Valid(r.Config) {
			t.Fatalf("run %+v read as that of %+v", r, k)
		}
		for _, task := range m.Tasks {
			if _, ok := r.Test[task.Name][task.Metric]; !ok && (k.task == "" || k.task == task.Name) {
				t.Fatalf("run without the %s of task %q", task.Metric, task.Name)
			}
		}
		raw := fuzzJSON(t, r)
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := readRun(dir, k, m.Tasks)
		if err != nil || !bytes.Equal(fuzzJSON(t, again), raw) || !sameConfig(again.Config, r.Config) {
			t.Fatalf("re-encoded run reads differently (%v):\n%s", err, raw)
		}
	})
}

// checkFuzzManifest checks a manifest readManifest accepted from dir.
func checkFuzzManifest(t *testing.T, dir string, m *benchManifest) {
	t.Helper()
	if m.Dataset == "" || len(m.Tasks) == 0 || len(m.Methods) == 0 || m.Seeds < 1 {
		t.Fatalf("accepted manifest %+v", m)
	}
	// Checked before grid() allocates the runs: with methods and
	// architectures known and distinct, the seeds bound the grid (and
	// the tasks, which the input's size bounds).
	if m.Seeds > maxBenchSeeds {
		t.Fatalf("accepted %d seeds, more than maxBenchSeeds (%d)", m.Seeds, maxBenchSeeds)
	}
	keys := m.grid()
	if len(keys) == 0 {
		t.Fatal("empty grid")
	}
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		p := k.path()
		if seen[p] {
			t.Fatalf("run file %s twice in the grid", p)
		}
		seen[p] = true
		if !strings.HasPrefix(p, benchRunsDir+"/") || path.Clean(p) != p || !filepath.IsLocal(filepath.FromSlash(p)) ||
			strings.Count(p, "/") != strings.Count(runKey{arch: "a", method: k.method, task: "t", seed: 1}.path(), "/") {
			t.Fatalf("run file %q of run %+v is not a file of its own under %s/", p, k, benchRunsDir)
		}
	}
	for i := 1; i <= 3; i++ {
		var all []int
		for s := 1; s <= i; s++ {
			all = append(all, shardOf(keys, s, i)...)
		}
		if len(all) != len(keys) {
			t.Fatalf("%d shards hold %d of %d runs", i, len(all), len(keys))
		}
	}

	if d := manifestDiff(m, m); d != "" {
		t.Fatalf("manifest differs from itself in %q", d)
	}
	raw := fuzzJSON(t, m)
	if err := os.WriteFile(filepath.Join(dir, benchFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := readManifest(dir)
	if err != nil || !bytes.Equal(fuzzJSON(t, again), raw) || manifestDiff(m, again) != "" {
		t.Fatalf("re-encoded manifest reads differently (%v):\n%s", err, raw)
	}
}
