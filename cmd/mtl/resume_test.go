package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResumeErrors checks mtl train --resume on folders it cannot
// resume: every checkpoint damaged (exit 1, each file named, nothing
// trained afresh), no run folder, and other flags beside --resume.
func TestResumeErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "--limit", "300", "--epochs", "2", "--test-limit", "100", "--out", dir}
	if r := runMTL(context.Background(), args...); r.code != 0 {
		t.Fatal(r)
	}
	ckpts, _ := filepath.Glob(filepath.Join(dir, checkpointsDir, "step-*.ckpt"))
	if len(ckpts) != 2 {
		t.Fatalf("checkpoints %v, want one per epoch", ckpts)
	}
	for _, f := range ckpts {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, raw[:len(raw)-7], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := os.Stat(filepath.Join(dir, summaryFile))
	r := runMTL(context.Background(), "train", "--resume", dir)
	if r.code != exitError {
		t.Fatalf("all checkpoints damaged: %v, want exit 1", r)
	}
	for _, f := range ckpts {
		if !strings.Contains(r.stderr, f) {
			t.Errorf("the error does not name %s:\n%s", f, r.stderr)
		}
	}
	if after, _ := os.Stat(filepath.Join(dir, summaryFile)); !after.ModTime().Equal(before.ModTime()) {
		t.Error("a failed resume rewrote summary.json")
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not a run folder", []string{"train", "--resume", t.TempDir()}, exitError, "train.json is missing"},
		{"missing folder", []string{"train", "--resume", filepath.Join(t.TempDir(), "nothing")}, exitError, "train.json"},
		{"other flags", []string{"train", "--resume", dir, "--epochs", "3"}, exitUsage, "--epochs cannot be given"},
		{"bad schedule", []string{"train", "--lr-schedule", "step:0:0.5"}, exitUsage, "--lr-schedule"},
		{"bad keep", []string{"train", "--keep", "0"}, exitUsage, "--keep"},
		{"bad factor", []string{"train", "--reduce-lr", "2", "--lr-factor", "1.5"}, exitUsage, "--lr-factor"},
		{"unknown monitor", []string{"train", "--limit", "100", "--epochs", "1", "--monitor", "val_nothing", "--out", filepath.Join(t.TempDir(), "m")}, exitError, "val_nothing"},
	} {
		r := runMTL(context.Background(), tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: %v\nwant exit %d and %q", tc.name, r, tc.code, tc.want)
		}
	}
}

// TestEarlyStopFlag checks that --early-stop stops a run whose monitored
// value stops improving: with an absurd --min-delta nothing improves
// after the first epoch, so --early-stop 2 trains 3 of 10 epochs.
func TestEarlyStopFlag(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	r := runMTL(context.Background(), "train", "--limit", "300", "--epochs", "10", "--test-limit", "100",
		"--early-stop", "2", "--min-delta", "1e9", "--restore-best", "--out", dir)
	if r.code != 0 {
		t.Fatal(r)
	}
	var sum map[string]any
	readJSON(t, filepath.Join(dir, summaryFile), &sum)
	if sum["epochs"] != 3.0 {
		t.Errorf("trained %v epochs, want 3", sum["epochs"])
	}
	csv, err := os.ReadFile(filepath.Join(dir, historyCSVFile))
	if err != nil || strings.Count(string(csv), "\n") != 4 {
		t.Errorf("history.csv has %d lines (%v), want a header and 3 epochs", strings.Count(string(csv), "\n"), err)
	}
}

// TestResumeWithCallbackState resumes a run whose callbacks keep state
// (--early-stop, --reduce-lr): their saved states must reach the same
// callbacks, rebuilt from the saved flags, in the same order.
func TestResumeWithCallbackState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	r := runMTL(context.Background(), "train", "--limit", "300", "--epochs", "2", "--test-limit", "100",
		"--early-stop", "3", "--reduce-lr", "2", "--out", dir)
	if r.code != 0 {
		t.Fatal(r)
	}
	if r := runMTL(context.Background(), "train", "--resume", dir); r.code != 0 {
		t.Errorf("resuming a run with stateful callbacks: %v", r)
	}
}
