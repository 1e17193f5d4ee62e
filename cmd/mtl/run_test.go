package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"help for unknown command", []string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"train", "--frob"}, "flag provided but not defined: -frob"},
		{"flag of another command", []string{"eval", "--epochs", "2"}, "flag provided but not defined: -epochs"},
		{"extra argument", []string{"train", "mnist"}, `unexpected argument "mnist"`},
		{"epochs not a number", []string{"train", "--epochs", "x"}, `invalid value "x" for flag -epochs`},
		{"negative epochs", []string{"train", "--epochs", "-1"}, "--epochs -1"},
		{"zero epochs", []string{"train", "--epochs", "0"}, "--epochs 0"},
		{"zero batch", []string{"train", "--batch", "0"}, "--batch 0"},
		{"zero learning rate", []string{"train", "--lr", "0"}, "--lr 0"},
		{"infinite learning rate", []string{"train", "--lr", "+Inf"}, "--lr +Inf"},
		{"unknown optimizer", []string{"train", "--optimizer", "adagrad"}, `--optimizer "adagrad"`},
		{"zero hidden units", []string{"train", "--hidden", "0"}, "--hidden 0"},
		{"negative seed", []string{"train", "--seed", "-3"}, "--seed -3"},
		{"negative limit", []string{"train", "--limit", "-5"}, "--limit -5"},
		{"validation split 1", []string{"train", "--val-split", "1"}, "--val-split 1"},
		{"negative validation split", []string{"train", "--val-split", "-0.1"}, "--val-split -0.1"},
		{"eval without model", []string{"eval"}, "--model DIR is required"},
		{"predict without model", []string{"predict"}, "--model DIR is required"},
		{"index not a number", []string{"predict", "--model", "m", "--index", "x"}, `"x" is not an index`},
		{"negative index", []string{"predict", "--model", "m", "--index", "1,-2"}, `"-2" is not an index`},
		{"empty index", []string{"predict", "--model", "m", "--index", ""}, "is not an index"},
		{"index and first", []string{"predict", "--model", "m", "--index", "1", "--first", "2"}, "exclude each other"},
		{"zero first", []string{"predict", "--model", "m", "--first", "0"}, "--first 0"},
		{"images and data", []string{"predict", "--model", "m", "--images", "f", "--data", "d"}, "exclude each other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), tt.args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want %d\n%v", r.code, exitUsage, r)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q\n%v", tt.want, r)
			}
			if len(tt.args) > 0 && !strings.HasPrefix(r.stderr, "mtl: ") {
				t.Errorf("stderr does not start with \"mtl: \"\n%v", r)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty\n%v", r)
			}
		})
	}
}

// A usage error with --json is also an exit_error line on stdout.
func TestUsageErrorJSON(t *testing.T) {
	r := runMTL(context.Background(), "train", "--json", "--epochs", "-1")
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d\n%v", r.code, exitUsage, r)
	}
	var line exitErrorLine
	if err := json.Unmarshal([]byte(r.stdout), &line); err != nil {
		t.Fatalf("stdout is not one JSON line: %v\n%v", err, r)
	}
	want := exitErrorLine{MessageType: "exit_error", Code: exitUsage, Message: "train: --epochs -1, want at least 1"}
	if line != want {
		t.Errorf("got %+v, want %+v", line, want)
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stdout, besides the exit codes
	}{
		{"help", []string{"help"}, "Commands:"},
		{"-h", []string{"-h"}, "Commands:"},
		{"--help", []string{"--help"}, "Commands:"},
		{"help train", []string{"help", "train"}, "-val-split"},
		{"train -h", []string{"train", "-h"}, "-optimizer"},
		{"eval --help", []string{"eval", "--help"}, "-model"},
		{"predict -h", []string{"predict", "-h"}, "-images"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), tt.args...)
			if r.code != exitOK {
				t.Fatalf("exit %d, want 0\n%v", r.code, r)
			}
			for _, want := range []string{tt.want, "Exit codes:", "130  interrupted"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q\n%v", want, r)
				}
			}
			if r.stderr != "" {
				t.Errorf("stderr not empty\n%v", r)
			}
		})
	}
}

// A cancelled context (what SIGINT and SIGTERM do) exits 130 and leaves
// no run folder behind.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "run")
	model := sharedRun(t)
	tests := []struct {
		name string
		args []string
	}{
		{"train", []string{"train", "--limit", "2000", "--epochs", "1", "--out", out}},
		{"train json", []string{"train", "--limit", "2000", "--epochs", "1", "--out", out, "--json"}},
		{"eval", []string{"eval", "--model", model}},
		{"predict", []string{"predict", "--model", model}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(ctx, tt.args...)
			if r.code != exitInterrupted {
				t.Fatalf("exit %d, want %d\n%v", r.code, exitInterrupted, r)
			}
			if !strings.Contains(r.stderr, "mtl: interrupted") {
				t.Errorf("stderr lacks \"mtl: interrupted\"\n%v", r)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s exists after an interrupted run (stat: %v)", out, err)
			}
		})
	}
}

// Cancelling during training stops it between steps: exit 130, the bar's
// line is ended, and the folder the run made is removed again. The clock,
// which the progress bar reads at every step, is the hook that cancels.
func TestCancelledDuringTraining(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr strings.Builder
	e := newEnv(&stdout, &stderr)
	e.tty = true
	calls := 0
	e.now = func() time.Time {
		if calls++; calls == 10 {
			cancel()
		}
		return time.Now()
	}
	c := trainCommand()
	fs, runFunc := c.flags(e)
	if err := fs.Parse([]string{"--limit", "2000", "--epochs", "1", "--out", out}); err != nil {
		t.Fatal(err)
	}
	err := runFunc(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if code := e.fail(ctx, err); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after an interrupted run (stat: %v)", out, err)
	}
	if !strings.Contains(stderr.String(), "/50)") || !strings.HasSuffix(stderr.String(), "\nmtl: interrupted\n") {
		t.Errorf("stderr does not show a bar ended by \"mtl: interrupted\" on a line of its own:\n%q", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty: %q", stdout.String())
	}
}
