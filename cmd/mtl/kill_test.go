package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomtl/gomtl/mtl"
)

// childEnv makes the test binary run mtl's main instead of the tests, so
// that the kill tests can start mtl as a child process and signal it.
const childEnv = "GOMTL_TEST_CHILD"

// killArgs is a run small enough to take a few seconds, checkpointed after
// every step so that a kill lands in a checkpoint write often.
var killArgs = []string{"--limit", "1500", "--epochs", "3", "--batch", "32", "--test-limit", "500", "--seed", "3", "--checkpoint-every", "1"}

// startChild starts mtl with args in a child process.
func startChild(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// waitFor polls until cond holds or the child exits; it reports whether
// cond held.
func waitFor(cmd *exec.Cmd, exited <-chan error, cond func() bool) bool {
	for {
		select {
		case <-exited:
			return false
		default:
		}
		if cond() {
			return true
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// checkpointFiles returns the checkpoints and the temporary files of a
// run folder's checkpoints/.
func checkpointFiles(dir string) (ckpts, tmps []string) {
	entries, _ := os.ReadDir(filepath.Join(dir, checkpointsDir))
	for _, e := range entries {
		switch {
		case strings.HasSuffix(e.Name(), ".tmp"):
			tmps = append(tmps, e.Name())
		case strings.HasPrefix(e.Name(), "step-"):
			ckpts = append(ckpts, e.Name())
		}
	}
	return ckpts, tmps
}

// runOutcome is what a finished run left that must not depend on
// interruptions: the weights, the history's metrics and the test scores.
type runOutcome struct {
	weights []byte
	history map[string]any
	test    any
}

func outcome(t *testing.T, dir string) runOutcome {
	t.Helper()
	var o runOutcome
	var err error
	if o.weights, err = os.ReadFile(filepath.Join(dir, modelDir, "weights.bin")); err != nil {
		t.Fatal(err)
	}
	var hist, sum map[string]any
	readJSON(t, filepath.Join(dir, historyJSONFile), &hist)
	readJSON(t, filepath.Join(dir, summaryFile), &sum)
	o.history = map[string]any{"keys": hist["keys"], "metrics": hist["metrics"], "examples": hist["train_examples"]}
	o.test = sum["test"]
	return o
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestKillAndResume kills mtl train with SIGKILL while it trains, again
// and again while it writes checkpoints, resumes it each time, and checks
// that the run ends exactly as the uninterrupted one: the same weights
// file, history and test scores.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts mtl a dozen times")
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if r := runMTL(context.Background(), append(append([]string{"train"}, killArgs...), "--out", ref)...); r.code != 0 {
		t.Fatal(r)
	}
	want := outcome(t, ref)

	dir := filepath.Join(t.TempDir(), "killed")
	cmd, stderr := startChild(t, append(append([]string{"train"}, killArgs...), "--out", dir)...)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// A first kill during training, once a few checkpoints exist.
	if !waitFor(cmd, exited, func() bool { c, _ := checkpointFiles(dir); return len(c) >= 2 }) {
		t.Fatalf("the run ended before it could be killed: %s", stderr)
	}
	cmd.Process.Kill()
	<-exited

	// Then kills aimed at checkpoint writes: as soon as a temporary file
	// appears. A temporary file still there after the kill proves the
	// kill landed mid-write.
	midWrite, kills := 0, 1
	for attempt := 0; attempt < 20 && midWrite < 2; attempt++ {
		cmd, stderr = startChild(t, "train", "--resume", dir)
		exited = make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if !waitFor(cmd, exited, func() bool { _, tmps := checkpointFiles(dir); return len(tmps) > 0 }) {
			t.Fatalf("the resumed run ended before it could be killed: %s", stderr)
		}
		cmd.Process.Kill()
		<-exited
		kills++
		if _, tmps := checkpointFiles(dir); len(tmps) > 0 {
			midWrite++
		}
	}
	t.Logf("%d kills, %d of them during a checkpoint write", kills, midWrite)
	if midWrite == 0 {
		t.Fatal("no kill landed during a checkpoint write")
	}
	if r := runMTL(context.Background(), "train", "--resume", dir); r.code != 0 {
		t.Fatal(r)
	}
	if got := outcome(t, dir); !bytes.Equal(got.weights, want.weights) || !reflect.DeepEqual(got.history, want.history) || !reflect.DeepEqual(got.test, want.test) {
		t.Errorf("killed and resumed run differs from the uninterrupted one:\nhistory %v\nwant    %v\ntest %v\nwant %v\nweights equal: %v",
			got.history, want.history, got.test, want.test, bytes.Equal(got.weights, want.weights))
	}
	if _, tmps := checkpointFiles(dir); len(tmps) > 0 {
		t.Errorf("temporary files left after the run finished: %v", tmps)
	}
}

// TestInterruptCheckpoints sends SIGINT to mtl train: it must stop after
// the current step, write a checkpoint and exit 130; resuming finishes
// the run as if it had never stopped.
func TestInterruptCheckpoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts mtl as a child process")
	}
	// Epochs of about half a second or more, so that the signal lands
	// in the second.
	args := []string{"--limit", "20000", "--epochs", "3", "--batch", "32", "--test-limit", "500", "--seed", "4"}
	ref := filepath.Join(t.TempDir(), "ref")
	if r := runMTL(context.Background(), append(append([]string{"train"}, args...), "--out", ref)...); r.code != 0 {
		t.Fatal(r)
	}
	dir := filepath.Join(t.TempDir(), "int")
	cmd, stderr := startChild(t, append(append([]string{"train"}, args...), "--out", dir)...)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Epoch checkpoints only: interrupt once the first epoch has ended.
	if !waitFor(cmd, exited, func() bool { c, _ := checkpointFiles(dir); return len(c) >= 1 }) {
		t.Fatalf("the run ended before it could be interrupted: %s", stderr)
	}
	time.Sleep(150 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	<-exited
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit code %d after SIGINT, want %d; stderr:\n%s", code, exitInterrupted, stderr)
	}
	c, err := mtl.OpenCheckpoint(filepath.Join(dir, checkpointsDir))
	if err != nil {
		t.Fatal(err)
	}
	if c.Done || c.Steps == 0 {
		t.Fatalf("newest checkpoint after SIGINT: %s, done %v, %d steps; want one of the interrupted run", c.Path, c.Done, c.Steps)
	}
	t.Logf("interrupted at epoch %d, %d of its steps done", c.Epoch, c.Step)
	if r := runMTL(context.Background(), "train", "--resume", dir); r.code != 0 {
		t.Fatal(r)
	}
	if got, want := outcome(t, dir), outcome(t, ref); !bytes.Equal(got.weights, want.weights) || !reflect.DeepEqual(got.history, want.history) || !reflect.DeepEqual(got.test, want.test) {
		t.Errorf("interrupted and resumed run differs from the uninterrupted one")
	}
}
