package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
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
	dir, err := os.MkdirTemp("", "mtl-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// shared is the training run made once and used by the tests that need a
// saved model.
var shared struct {
	once sync.Once
	dir  string
	res  result
}

// sharedRun trains trainArgs once per test binary into a folder of its
// own and returns that folder; it fails t if the run failed.
func sharedRun(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		shared.dir = filepath.Join(scratch, "shared-run")
		shared.res = runMTL(context.Background(), append(trainArgs, "--out", shared.dir)...)
	})
	if shared.res.code != 0 {
		t.Fatalf("shared training run failed: %v", shared.res)
	}
	return shared.dir
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
