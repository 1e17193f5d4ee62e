package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
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

		// Datasets, trunks and architectures.
		{"unknown dataset", []string{"train", "--dataset", "cifar"}, `--dataset "cifar", want mnist, multimnist, mmoe-synth, mnist-loc, spam, mnist+spam or csv:PATH`},
		{"unknown arch", []string{"train", "--arch", "star"}, `--arch "star", want hard, cross-stitch, mmoe, cgc, ple or cascade`},
		{"unknown trunk", []string{"train", "--trunk", "resnet"}, `--trunk "resnet", want lenet, mlp, mmoe-synth, loc or text`},
		{"spec and arch", []string{"train", "--spec", "f.json", "--arch", "mmoe"}, "--spec declares the whole model: it excludes --arch"},
		{"spec and trunk", []string{"train", "--spec", "f.json", "--trunk", "mlp"}, "it excludes --trunk"},
		{"spec and hidden", []string{"train", "--spec", "f.json", "--hidden", "8"}, "it excludes --hidden"},
		{"spec and experts", []string{"train", "--spec", "f.json", "--experts", "2"}, "it excludes --experts"},
		{"spec and split", []string{"train", "--spec", "f.json", "--split", "0"}, "it excludes --split"},
		{"hidden with lenet", []string{"train", "--trunk", "lenet", "--hidden", "8"}, "--hidden sets the width of the mlp trunk; the lenet trunk"},
		{"hidden on multimnist", []string{"train", "--dataset", "multimnist", "--hidden", "8"}, "the lenet trunk has fixed layers"},
		{"experts with hard", []string{"train", "--experts", "2"}, "--experts is for --arch mmoe, cgc and ple, not hard"},
		{"experts with cascade", []string{"train", "--arch", "cascade", "--experts", "2"}, "not cascade"},
		{"negative experts", []string{"train", "--arch", "mmoe", "--experts", "-1"}, "--experts -1"},
		{"split past the trunk", []string{"train", "--split", "2"}, "--split 2 is out of range: want 0 to 1, the number of layers of the mlp trunk"},
		{"split past lenet", []string{"train", "--dataset", "multimnist", "--split", "7"}, "want 0 to 6"},
		{"negative split", []string{"train", "--split", "-1"}, "--split -1 is out of range"},
		{"lenet on vectors", []string{"train", "--dataset", "mmoe-synth", "--trunk", "lenet"}, "--trunk lenet takes examples of shape [1 28 28], but dataset mmoe-synth has [100]"},
		{"loc on mnist", []string{"train", "--trunk", "loc"}, "--trunk loc takes examples of shape [1 56 56], but dataset mnist has [1 28 28]"},
		{"lenet on mnist-loc", []string{"train", "--dataset", "mnist-loc", "--trunk", "lenet"}, "--trunk lenet takes examples of shape [1 28 28], but dataset mnist-loc has [1 56 56]"},
		{"hidden on spam", []string{"train", "--dataset", "spam", "--hidden", "8"}, "the text trunk has fixed layers"},
		{"eval seed on multimnist", []string{"eval", "--model", "m", "--dataset", "multimnist", "--seed", "2"}, "not multimnist"},
		{"draw blank", []string{"predict", "--model", "m", "--draw", " "}, `--draw " " is blank`},
		{"correlation on mnist", []string{"train", "--correlation", "0.3"}, "--correlation is for mmoe-synth, not mnist"},
		{"correlation above 1", []string{"train", "--dataset", "mmoe-synth", "--correlation", "1.5"}, "--correlation 1.5, want a value in [-1, 1]"},
		{"data for mmoe-synth", []string{"train", "--dataset", "mmoe-synth", "--data", "d"}, "--data is for mnist, multimnist, mnist-loc, spam and mnist+spam, not mmoe-synth"},
		{"negative test limit", []string{"train", "--test-limit", "-1"}, "--test-limit -1"},
		{"eval unknown dataset", []string{"eval", "--model", "m", "--dataset", "cifar"}, `--dataset "cifar"`},
		{"eval negative test limit", []string{"eval", "--model", "m", "--test-limit", "-1"}, "--test-limit -1"},
		{"eval negative seed", []string{"eval", "--model", "m", "--dataset", "mmoe-synth", "--seed", "-1"}, "--seed -1"},
		{"eval seed on mnist", []string{"eval", "--model", "m", "--seed", "2"}, "--seed is for the data of mmoe-synth, mnist-loc, spam, mnist+spam and csv, not mnist"},
		{"predict correlation on mnist", []string{"predict", "--model", "m", "--correlation", "0.2"}, "--correlation is for mmoe-synth, not mnist"},
		{"summary model and arch", []string{"summary", "--model", "m", "--arch", "mmoe"}, "--model names a saved model: it excludes --arch"},
		{"summary model and spec", []string{"summary", "--model", "m", "--spec", "f.json"}, "it excludes --spec"},
		{"summary model and dataset", []string{"summary", "--model", "m", "--dataset", "mnist"}, "it excludes --dataset"},
		{"summary spec and split", []string{"summary", "--spec", "f.json", "--split", "1"}, "--spec declares the whole model: it excludes --split"},
		{"summary unknown arch", []string{"summary", "--arch", "moe"}, `--arch "moe"`},
		{"summary split", []string{"summary", "--dataset", "mmoe-synth", "--split", "3"}, "want 0 to 1, the number of layers of the mmoe-synth trunk"},
		{"summary flag of train", []string{"summary", "--epochs", "3"}, "flag provided but not defined: -epochs"},

		// mnist+spam's model is fixed: an encoder per input, then hard sharing.
		{"mnist+spam trunk", []string{"train", "--dataset", "mnist+spam", "--trunk", "mlp"}, "--trunk is for datasets of one input: dataset mnist+spam has an encoder per input and one shared block"},
		{"mnist+spam hidden", []string{"train", "--dataset", "mnist+spam", "--hidden", "8"}, "--hidden is for datasets of one input"},
		{"mnist+spam split", []string{"train", "--dataset", "mnist+spam", "--split", "0"}, "--split is for datasets of one input"},
		{"mnist+spam experts", []string{"train", "--dataset", "mnist+spam", "--experts", "2"}, "--experts is for datasets of one input"},
		{"mnist+spam mmoe", []string{"train", "--dataset", "mnist+spam", "--arch", "mmoe"}, "--arch mmoe: dataset mnist+spam has an encoder per input, and its model shares one block after them (hard sharing)"},
		{"mnist+spam cascade", []string{"train", "--dataset", "mnist+spam", "--arch", "cascade"}, "--arch cascade: dataset mnist+spam"},
		{"mnist+spam unknown arch", []string{"train", "--dataset", "mnist+spam", "--arch", "star"}, "--arch star: dataset mnist+spam"},
		{"summary mnist+spam trunk", []string{"summary", "--dataset", "mnist+spam", "--trunk", "lenet"}, "--trunk is for datasets of one input"},
		{"mnist+spam tasks", []string{"train", "--dataset", "mnist+spam", "--tasks", "a:binary"}, "--tasks is for --dataset csv:PATH, not mnist+spam"},
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
		{"help summary", []string{"help", "summary"}, "-spec"},
		{"train lists the datasets", []string{"train", "-h"}, "mmoe-synth  synthetic regression"},
		{"train lists mnist-loc", []string{"train", "-h"}, "mnist-loc   a digit on a cluttered canvas [1 56 56]"},
		{"train lists spam", []string{"train", "-h"}, `spam        SpamAssassin mail as hashed words [4096]: "spam", "hard"`},
		{"train lists csv", []string{"train", "-h"}, "csv:PATH    a CSV file"},
		{"train lists the csv flags", []string{"train", "-h"}, "-tasks NAME:KIND,..."},
		{"help lists the datasets", []string{"help"}, "defaults: trunk loc, 15 epochs, batch 128, learning rate schedule cosine"},
		{"predict -h draws", []string{"predict", "-h"}, "-draw DIR"},
		{"help lists summary", []string{"help"}, "summary  print a model"},
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
// line is ended, and the folder holds the run's flags and a checkpoint of
// the last step, no partial output; --resume then finishes the run. The
// clock, which the progress bar reads at every step, is the hook that
// cancels.
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
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{checkpointsDir, runArgsFile}) {
		t.Errorf("the interrupted run's folder holds %v, want its checkpoints and flags only", names)
	}
	if r := runMTL(context.Background(), "train", "--resume", out); r.code != 0 {
		t.Errorf("resuming the interrupted run: %v", r)
	}
	if !strings.Contains(stderr.String(), "/50)") || !strings.HasSuffix(stderr.String(), "\nmtl: interrupted\n") {
		t.Errorf("stderr does not show a bar ended by \"mtl: interrupted\" on a line of its own:\n%q", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty: %q", stdout.String())
	}
}
