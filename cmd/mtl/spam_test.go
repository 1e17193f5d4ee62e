package main

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
)

// spam trains two binary tasks: summary.json has accuracy and auc for
// each; "hard" is scored on ham only.
func TestTrainSpam(t *testing.T) {
	dir := sharedSpamRun(t)
	sum := readSummary(t, dir)
	checkTestScores(t, sum, map[string][]string{"spam": {"accuracy", "auc", "loss"}, "hard": {"accuracy", "auc", "loss"}})
	if sum.Dataset != "spam" || sum.Config.Trunk != "text" || sum.TestExamples != 300 || !reflect.DeepEqual(sum.Config.Spec.Input, []int{4096}) {
		t.Errorf("dataset %q, trunk %q, %d test examples, input %v; want spam, text, 300, [4096]", sum.Dataset, sum.Config.Trunk, sum.TestExamples, sum.Config.Spec.Input)
	}
	if got := evalJSON(t, dir, "--test-limit", "300"); !reflect.DeepEqual(got.Test, sum.Test) {
		t.Errorf("eval %v, summary.json %v", got.Test, sum.Test)
	}
}

// predict shows the spam probability and the true labels, "-" for the
// "hard" label that spam does not have.
func TestPredictSpam(t *testing.T) {
	dir := sharedSpamRun(t)
	r := runMTL(context.Background(), "predict", "--model", dir, "--first", "20")
	lines := jsonLines(r.stdout)
	if r.code != 0 || len(lines) != 21 {
		t.Fatalf("want a header and 20 rows, got %v", r)
	}
	if got, want := strings.Fields(lines[0]), []string{"index", "spam", "p(spam=1)", "hard", "p(hard=1)", "true", "spam", "true", "hard"}; !reflect.DeepEqual(got, want) {
		t.Errorf("header %q, want %q", got, want)
	}
	spam := 0
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) != 7 || (f[5] == "1") != (f[6] == "-") {
			t.Errorf("row %q: want \"-\" as the hard label exactly of spam", line)
		}
		if f[5] == "1" {
			spam++
		}
	}
	if spam == 0 || spam == 20 {
		t.Errorf("%d spam of the first 20 test messages, want both kinds to check the table", spam)
	}
	for _, p := range predictLines(t, dir, "--first", "20") {
		s := p.Predictions["spam"]
		if len(s.Probs) != 2 || math.Abs(float64(s.Probs[0]+s.Probs[1])-1) > 1e-6 || s.Probability != s.Probs[s.Class] {
			t.Errorf("message %d: %+v, want two probabilities summing to 1", p.Index, s)
		}
		if _, ok := p.Labels["hard"]; ok == (p.Labels["spam"] == 1) {
			t.Errorf("message %d: labels %v, want a hard label exactly on ham", p.Index, p.Labels)
		}
	}
	r = runMTL(context.Background(), "predict", "--model", dir, "--images", "f")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--images reads 28×28 images, but the model's input is [4096]") {
		t.Errorf("--images on spam: want exit 2, got %v", r)
	}
}

// Without the corpus, the error says to run make data.
func TestSpamMissing(t *testing.T) {
	r := runMTL(context.Background(), "train", "--dataset", "spam", "--data", t.TempDir(), "--out", t.TempDir()+"/run")
	if r.code != exitError || !strings.Contains(r.stderr, "run `make data`") {
		t.Errorf("want exit 1 telling to run make data, got %v", r)
	}
}
