package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// trainArgs is the training run the end-to-end tests share: small enough
// to take about a second, long enough (two epochs) to pass 80% test
// accuracy on both tasks.
var trainArgs = []string{"train", "--limit", "2000", "--epochs", "2"}

// result is what one call of run produced.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// runMTL calls run with args, as the command line would.
func runMTL(ctx context.Context, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// scratch is a folder for the whole test binary, removed by TestMain.
var scratch string

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main() // a child process of the kill tests: mtl itself
		return
	}
	dir, err := os.MkdirTemp("", "mtl-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	// MultiMNIST is derived once per test binary, not once per run, and
	// never into the user's cache unless GOMTL_CACHE says so.
	if os.Getenv(datasets.CacheEnv) == "" {
		os.Setenv(datasets.CacheEnv, filepath.Join(dir, "cache"))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A onceRun is a training run made once per test binary, the first time
// a test needs it, and shared by the tests that need a saved model.
type onceRun struct {
	once sync.Once
	dir  string
	res  result
}

// get runs args into the folder name of scratch the first time, and
// returns that folder; it fails t if the run failed.
func (r *onceRun) get(t *testing.T, name string, args ...string) string {
	t.Helper()
	r.once.Do(func() {
		r.dir = filepath.Join(scratch, name)
		r.res = runMTL(context.Background(), append(slices.Clone(args), "--out", r.dir)...)
	})
	if r.res.code != 0 {
		t.Fatalf("shared training run %s failed: %v", name, r.res)
	}
	return r.dir
}

// The shared runs: the seed model on MNIST, LeNet on MultiMNIST and MMoE
// on mmoe-synth.
var shared, sharedMulti, sharedSynth onceRun

// multiArgs and synthArgs are the MultiMNIST and mmoe-synth runs: a few
// seconds each.
var (
	multiArgs = []string{"train", "--dataset", "multimnist", "--limit", "200", "--epochs", "1", "--test-limit", "500"}
	synthArgs = []string{"train", "--dataset", "mmoe-synth", "--arch", "mmoe", "--limit", "2000", "--epochs", "2"}
)

// sharedRun trains trainArgs once per test binary into a folder of its
// own and returns that folder; it fails t if the run failed.
func sharedRun(t *testing.T) string {
	t.Helper()
	return shared.get(t, "shared-run", trainArgs...)
}

// sharedMultiRun trains multiArgs once per test binary.
func sharedMultiRun(t *testing.T) string {
	t.Helper()
	return sharedMulti.get(t, "shared-multimnist", multiArgs...)
}

// sharedSynthRun trains synthArgs once per test binary.
func sharedSynthRun(t *testing.T) string {
	t.Helper()
	return sharedSynth.get(t, "shared-mmoe-synth", synthArgs...)
}

// readSummary decodes the run's summary.json.
func readSummary(t *testing.T, dir string) summary {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s: %v", summaryFile, err)
	}
	return s
}

// trainSpec returns the dataset and spec that mtl train builds from args
// (flags only, without "train"), and the options after defaults.
func trainSpec(t *testing.T, args ...string) (*trainOptions, *dataset, mtl.Spec) {
	t.Helper()
	o := &trainOptions{}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	o.set = setFlags(fs)
	d, spec, err := o.prepare()
	if err != nil {
		t.Fatalf("train %v: %v", args, err)
	}
	return o, d, spec
}

// jsonLines splits output into its non-empty lines.
func jsonLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// taskNames lists the spec's task names in order.
func taskNames(spec mtl.Spec) []string {
	names := make([]string, len(spec.Tasks))
	for i, t := range spec.Tasks {
		names[i] = t.Name
	}
	return names
}
