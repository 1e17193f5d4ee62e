package main

import (
	"context"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/gomtl/gomtl/mtl"
)

// Every --arch builds and trains an epoch: on MNIST with the mlp trunk,
// and once on MultiMNIST with LeNet (the shared run). The summary records
// the architecture, and the saved spec is the one the flags build.
func TestTrainArchs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		arch     string // summary.json "arch"
		wantKind string // the spec's Arch.Kind
	}{
		{"hard", []string{"--arch", "hard"}, "hard", ""},
		{"cross-stitch", []string{"--arch", "cross-stitch"}, "cross-stitch", mtl.CrossStitchArch},
		{"mmoe", []string{"--arch", "mmoe", "--experts", "2"}, "mmoe", mtl.MMoEArch},
		{"cgc", []string{"--arch", "cgc"}, "cgc", mtl.CGCArch},
		{"ple", []string{"--arch", "ple", "--hidden", "16"}, "ple", mtl.PLEArch},
		{"cascade", []string{"--arch", "cascade"}, "cascade", ""},
		{"hard split 0", []string{"--split", "0"}, "hard", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			args := append([]string{"train", "--limit", "300", "--epochs", "1", "--test-limit", "1000", "--out", out}, tt.args...)
			if r := runMTL(context.Background(), args...); r.code != 0 {
				t.Fatalf("%v", r)
			}
			sum := readSummary(t, out)
			_, _, want := trainSpec(t, tt.args...)
			if sum.Arch != tt.arch || sum.Config.Spec.Arch.Kind != tt.wantKind || !reflect.DeepEqual(sum.Config.Spec, want) {
				t.Errorf("arch %q, spec %+v; want arch %q and the spec the flags build, %+v", sum.Arch, sum.Config.Spec, tt.arch, want)
			}
			checkTestScores(t, sum, map[string][]string{"digit": {"accuracy", "loss"}, "parity": {"accuracy", "loss"}})
			if sum.TestExamples != 1000 || sum.Epochs != 1 || sum.Config.Fit.BatchSize != 32 {
				t.Errorf("%d test examples, %d epochs, batch %d; want 1000, 1, 32", sum.TestExamples, sum.Epochs, sum.Config.Fit.BatchSize)
			}
		})
	}
	t.Run("multimnist lenet", func(t *testing.T) {
		sum := readSummary(t, sharedMultiRun(t))
		if sum.Dataset != "multimnist" || sum.Arch != "hard" || sum.Config.Trunk != "lenet" || sum.Config.Fit.BatchSize != 256 {
			t.Errorf("dataset %q, arch %q, trunk %q, batch %d; want multimnist, hard, lenet, 256", sum.Dataset, sum.Arch, sum.Config.Trunk, sum.Config.Fit.BatchSize)
		}
		checkTestScores(t, sum, map[string][]string{"left": {"accuracy", "loss"}, "right": {"accuracy", "loss"}})
	})
}

// checkTestScores checks that the summary's test scores have exactly the
// tasks and metric keys of want, with values that are not negative.
func checkTestScores(t *testing.T, sum summary, want map[string][]string) {
	t.Helper()
	if got := slices.Sorted(maps.Keys(sum.Test)); !reflect.DeepEqual(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("test tasks %v, want those of %v", got, want)
	}
	for task, keys := range want {
		s := sum.Test[task]
		if got := slices.Sorted(maps.Keys(s)); !reflect.DeepEqual(got, keys) {
			t.Errorf("test.%s keys %v, want %v", task, got, keys)
		}
		for k, v := range s {
			if !(v >= 0) || (k == "accuracy" && v > 1) {
				t.Errorf("test.%s.%s = %v", task, k, v)
			}
		}
	}
}
