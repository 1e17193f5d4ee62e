package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
)

// TestBadInput drives every subcommand with malformed flags and files and
// requires the documented exit code (2 for a bad command line, 1 for bad
// data, files or models), a message on stderr naming the flag or file, no
// panic (run turns one into "internal error") and bounded memory: a size
// no model could hold is refused, not allocated. Every row fails before
// training, or trains a few steps on tiny data.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	write := func(name, text string) string {
		if err := os.MkdirAll(filepath.Dir(path(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path(name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path(name)
	}
	// A bare model folder for mnist, saved by the library (no training).
	spec := mtl.Spec{Input: []int{1, 28, 28}, Shared: []mtl.Layer{mtl.Dense(8, mtl.ReLU)}, Tasks: []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)}}
	model := path("model")
	if err := mtl.MustNew(spec).Save(model); err != nil {
		t.Fatal(err)
	}
	// saved copies the model folder and changes it with edit.
	saved := func(name string, edit func(dir string)) string {
		out := path(name)
		if err := mtl.MustNew(spec).Save(out); err != nil {
			t.Fatal(err)
		}
		edit(out)
		return out
	}
	manifest := func(dir string, f func(m map[string]any)) {
		raw, err := os.ReadFile(filepath.Join(dir, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		if raw, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "model.json"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hugeModel := saved("huge-model", func(dir string) {
		manifest(dir, func(m map[string]any) {
			m["spec"].(map[string]any)["shared"].([]any)[0].(map[string]any)["units"] = 1 << 40
		})
	})
	shortModel := saved("short-model", func(dir string) {
		w := filepath.Join(dir, "weights.bin")
		raw, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(w, raw[:len(raw)/2], 0o644); err != nil {
			t.Fatal(err)
		}
	})
	corrupt := filepath.Dir(write("corrupt/model.json", "{"))
	emptyDir := path("empty")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := write("file.txt", "not a model, not an image, not a spec")
	goodSpec := `{"input": [784], "shared": [{"kind": "dense", "units": 4}], "tasks": [{"name": "digit", "kind": "classify", "classes": 10}, {"name": "parity", "kind": "classify", "classes": 2}]}`
	hugeSpec := write("huge.json", strings.Replace(goodSpec, `"units": 4`, `"units": 1099511627776`, 1))
	negSpec := write("negative.json", strings.Replace(goodSpec, `"units": 4`, `"units": -4`, 1))
	badJSON := write("bad.json", goodSpec[:40])
	okCSV := write("ok.csv", "x,y,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n9,1,a\n")
	blankCSV := write("blank.csv", "x,,label\n1,2,a\n3,4,b\n")
	dupCSV := write("dup.csv", "x,y,x,label\n1,2,3,a\n3,4,5,b\n")
	nanCSV := write("nan.csv", "x,y,label\n1,2,a\n3,NaN,b\n5,6,a\n7,8,b\n")

	tests := []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		// mtl itself.
		{"no command", nil, exitUsage, []string{"Usage"}},
		{"unknown command", []string{"fit"}, exitUsage, []string{`unknown command "fit"`}},
		{"help for an unknown command", []string{"help", "fit"}, exitUsage, []string{`unknown command "fit"`}},

		// train: flags.
		{"train unknown flag", []string{"train", "--batchsize", "4"}, exitUsage, []string{"train", "batchsize"}},
		{"train stray argument", []string{"train", "mnist"}, exitUsage, []string{"train", `unexpected argument "mnist"`}},
		{"train batch 0", []string{"train", "--batch", "0"}, exitUsage, []string{"--batch 0"}},
		{"train batch -1", []string{"train", "--batch", "-1"}, exitUsage, []string{"--batch -1"}},
		{"train batch not a number", []string{"train", "--batch", "abc"}, exitUsage, []string{`"abc"`, "-batch"}},
		{"train batch beyond int", []string{"train", "--batch", "99999999999999999999"}, exitUsage, []string{"-batch"}},
		// A batch no tensor can hold is an error naming its size, not an
		// out-of-memory crash.
		{"train absurd batch", []string{"train", "--dataset", "mmoe-synth", "--limit", "10", "--batch", "1099511627776", "--out", path("absurd-batch")}, exitUsage, []string{"--batch 1099511627776", "at most"}},
		{"train epochs 0", []string{"train", "--epochs", "0"}, exitUsage, []string{"--epochs 0"}},
		{"train epochs -2", []string{"train", "--epochs", "-2"}, exitUsage, []string{"--epochs -2"}},
		{"train limit -1", []string{"train", "--limit", "-1"}, exitUsage, []string{"--limit -1"}},
		{"train test-limit -1", []string{"train", "--test-limit", "-1"}, exitUsage, []string{"--test-limit -1"}},
		{"train lr -1", []string{"train", "--lr", "-1"}, exitUsage, []string{"--lr -1"}},
		{"train lr NaN", []string{"train", "--lr", "NaN"}, exitUsage, []string{"--lr NaN"}},
		{"train lr Inf", []string{"train", "--lr", "Inf"}, exitUsage, []string{"--lr +Inf"}},
		{"train val-split 1", []string{"train", "--val-split", "1"}, exitUsage, []string{"--val-split 1"}},
		{"train val-split -0.5", []string{"train", "--val-split", "-0.5"}, exitUsage, []string{"--val-split -0.5"}},
		{"train hidden 0", []string{"train", "--hidden", "0"}, exitUsage, []string{"--hidden 0"}},
		{"train absurd hidden", []string{"train", "--hidden", "1099511627776"}, exitUsage, []string{"--hidden 1099511627776", "at most"}},
		{"train experts -1", []string{"train", "--arch", "mmoe", "--experts", "-1"}, exitUsage, []string{"--experts -1"}},
		{"train absurd experts", []string{"train", "--arch", "mmoe", "--experts", "1099511627776"}, exitUsage, []string{"--experts 1099511627776", "at most"}},
		{"train split -1", []string{"train", "--split", "-1"}, exitUsage, []string{"--split -1"}},
		{"train split past the trunk", []string{"train", "--split", "99"}, exitUsage, []string{"--split 99"}},
		{"train diagnose -1", []string{"train", "--diagnose", "-1"}, exitUsage, []string{"--diagnose -1"}},
		{"train seed not a number", []string{"train", "--seed", "x"}, exitUsage, []string{`"x"`, "-seed"}},
		{"train correlation 2", []string{"train", "--dataset", "mmoe-synth", "--correlation", "2"}, exitUsage, []string{"--correlation 2"}},
		{"train correlation NaN", []string{"train", "--dataset", "mmoe-synth", "--correlation", "NaN"}, exitUsage, []string{"--correlation NaN"}},
		{"train unknown dataset", []string{"train", "--dataset", "cifar"}, exitUsage, []string{`--dataset "cifar"`}},
		{"train unknown arch", []string{"train", "--arch", "moe"}, exitUsage, []string{`--arch "moe"`}},
		{"train unknown trunk", []string{"train", "--trunk", "resnet"}, exitUsage, []string{`--trunk "resnet"`}},
		{"train unknown optimizer", []string{"train", "--optimizer", "adagrad"}, exitUsage, []string{`--optimizer "adagrad"`}},
		{"train unknown weighting", []string{"train", "--weighting", "softmax"}, exitUsage, []string{`--weighting "softmax"`}},
		{"train unknown combiner", []string{"train", "--combine", "average"}, exitUsage, []string{`--combine "average"`}},

		// train: files.
		{"train missing data folder", []string{"train", "--data", path("nope"), "--limit", "10"}, exitError, []string{path("nope")}},
		{"train data folder is a file", []string{"train", "--data", file, "--limit", "10"}, exitError, []string{"file.txt"}},
		{"train missing spec", []string{"train", "--spec", path("none.json")}, exitError, []string{"none.json", "no such file"}},
		{"train spec is a folder", []string{"train", "--spec", emptyDir}, exitError, []string{"spec file", emptyDir}},
		{"train spec is not JSON", []string{"train", "--spec", file}, exitError, []string{"file.txt", "line 1"}},
		{"train truncated spec", []string{"train", "--spec", badJSON}, exitError, []string{"bad.json"}},
		{"train spec with negative units", []string{"train", "--spec", negSpec}, exitError, []string{"negative.json", "shared layer 0", "-4 units"}},
		{"train spec with absurd units", []string{"train", "--spec", hugeSpec}, exitError, []string{"huge.json", "shared layer 0", "units 1099511627776"}},
		{"train spec with other flags", []string{"train", "--spec", hugeSpec, "--hidden", "3"}, exitUsage, []string{"--spec", "--hidden"}},
		{"train out under a file", []string{"train", "--dataset", "mmoe-synth", "--limit", "10", "--out", filepath.Join(file, "run")}, exitError, []string{"file.txt"}},

		// train: csv.
		{"csv without file", []string{"train", "--dataset", "csv:", "--tasks", "label:classify"}, exitUsage, []string{`--dataset "csv:"`}},
		{"csv without tasks", []string{"train", "--dataset", "csv:" + okCSV}, exitUsage, []string{"--tasks is required"}},
		{"csv missing file", []string{"train", "--dataset", "csv:" + path("none.csv"), "--tasks", "label:classify"}, exitError, []string{"none.csv"}},
		{"csv folder", []string{"train", "--dataset", "csv:" + emptyDir, "--tasks", "label:classify"}, exitError, []string{emptyDir}},
		{"csv task without kind", []string{"train", "--dataset", "csv:" + okCSV, "--tasks", "label"}, exitUsage, []string{`--tasks "label"`}},
		{"csv unknown kind", []string{"train", "--dataset", "csv:" + okCSV, "--tasks", "label:rank"}, exitUsage, []string{`--tasks "label:rank"`, `"rank"`}},
		{"csv task twice", []string{"train", "--dataset", "csv:" + okCSV, "--tasks", "label:classify,label:binary"}, exitUsage, []string{`task "label" is named twice`}},
		{"csv unknown task column", []string{"train", "--dataset", "csv:" + okCSV, "--tasks", "colour:classify"}, exitError, []string{"ok.csv", "line 1", `"colour"`}},
		{"csv unknown feature column", []string{"train", "--dataset", "csv:" + okCSV, "--tasks", "label:classify", "--features", "z"}, exitError, []string{"ok.csv", `"z"`}},
		{"csv test fraction 1", []string{"train", "--dataset", "csv:" + okCSV, "--tasks", "label:classify", "--test-fraction", "1"}, exitUsage, []string{"--test-fraction 1"}},
		{"csv test fraction on mnist", []string{"train", "--test-fraction", "0.5"}, exitUsage, []string{"--test-fraction"}},
		{"csv blank header", []string{"train", "--dataset", "csv:" + blankCSV, "--tasks", "label:classify"}, exitError, []string{"blank.csv", "line 1, column 2"}},
		{"csv duplicate header", []string{"train", "--dataset", "csv:" + dupCSV, "--tasks", "label:classify"}, exitError, []string{"dup.csv", "line 1, column 3", "duplicate"}},
		{"csv NaN cell", []string{"train", "--dataset", "csv:" + nanCSV, "--tasks", "label:classify"}, exitError, []string{"nan.csv", "line 3, column 2"}},

		// eval.
		{"eval without model", []string{"eval"}, exitUsage, []string{"--model DIR is required"}},
		{"eval missing model", []string{"eval", "--model", path("nope")}, exitError, []string{path("nope"), "does not exist"}},
		{"eval model is a file", []string{"eval", "--model", file}, exitError, []string{"file.txt"}},
		{"eval empty model folder", []string{"eval", "--model", emptyDir}, exitError, []string{"model.json"}},
		{"eval corrupt model", []string{"eval", "--model", corrupt}, exitError, []string{"model.json"}},
		{"eval model with absurd units", []string{"eval", "--model", hugeModel}, exitError, []string{"model.json", "units 1099511627776"}},
		{"eval truncated weights", []string{"eval", "--model", shortModel}, exitError, []string{"weights.bin", "bytes"}},
		{"eval test-limit -1", []string{"eval", "--model", model, "--test-limit", "-1"}, exitUsage, []string{"--test-limit -1"}},
		{"eval model of other tasks", []string{"eval", "--model", model, "--dataset", "mmoe-synth"}, exitError, []string{`task "digit"`, "mmoe-synth"}},
		{"eval unknown dataset", []string{"eval", "--model", model, "--dataset", "cifar"}, exitUsage, []string{`--dataset "cifar"`}},

		// predict.
		{"predict without model", []string{"predict"}, exitUsage, []string{"--model"}},
		{"predict missing model", []string{"predict", "--model", path("nope")}, exitError, []string{path("nope")}},
		{"predict corrupt model", []string{"predict", "--model", corrupt}, exitError, []string{"model.json"}},
		{"predict first 0", []string{"predict", "--model", model, "--first", "0"}, exitUsage, []string{"--first 0"}},
		{"predict first -1", []string{"predict", "--model", model, "--first", "-1"}, exitUsage, []string{"--first -1"}},
		{"predict index -1", []string{"predict", "--model", model, "--index", "-1"}, exitUsage, []string{`--index "-1"`}},
		{"predict index not a number", []string{"predict", "--model", model, "--index", "3,x"}, exitUsage, []string{`"x" is not an index`}},
		{"predict absurd index", []string{"predict", "--model", model, "--index", "1099511627776"}, exitUsage, []string{"--index 1099511627776 is out of range"}},
		{"predict missing images", []string{"predict", "--model", model, "--images", path("none.idx")}, exitError, []string{"none.idx"}},
		{"predict images are a folder", []string{"predict", "--model", model, "--images", emptyDir}, exitError, []string{emptyDir}},
		{"predict images are not IDX", []string{"predict", "--model", model, "--images", okCSV}, exitError, []string{"ok.csv", "offset 0", "magic"}},
		{"predict input of a one-input model", []string{"predict", "--model", model, "--input", "image"}, exitUsage, []string{"--input"}},
		{"predict draw without boxes", []string{"predict", "--model", model, "--draw", path("draw")}, exitUsage, []string{"--draw"}},

		// summary.
		{"summary missing model", []string{"summary", "--model", path("nope")}, exitError, []string{path("nope")}},
		{"summary corrupt model", []string{"summary", "--model", corrupt}, exitError, []string{"model.json"}},
		{"summary model with absurd units", []string{"summary", "--model", hugeModel}, exitError, []string{"units 1099511627776"}},
		{"summary spec is not JSON", []string{"summary", "--spec", file}, exitError, []string{"file.txt", "line 1"}},
		{"summary spec with absurd units", []string{"summary", "--spec", hugeSpec}, exitError, []string{"huge.json", "units 1099511627776"}},
		{"summary unknown dataset", []string{"summary", "--dataset", "cifar"}, exitUsage, []string{`--dataset "cifar"`}},
		{"summary hidden 0", []string{"summary", "--hidden", "0"}, exitUsage, []string{"--hidden 0"}},
		{"summary absurd hidden", []string{"summary", "--hidden", "1099511627776"}, exitUsage, []string{"--hidden 1099511627776"}},
		{"summary absurd experts", []string{"summary", "--arch", "ple", "--experts", "1099511627776"}, exitUsage, []string{"--experts 1099511627776"}},

		// bench.
		{"bench without out", []string{"bench"}, exitUsage, []string{"--out DIR is required"}},
		{"bench seeds 0", []string{"bench", "--out", path("b0"), "--seeds", "0"}, exitUsage, []string{"--seeds 0"}},
		{"bench absurd seeds", []string{"bench", "--out", path("b1"), "--seeds", "1099511627776", "--limit", "10"}, exitUsage, []string{"--seeds 1099511627776"}},
		{"bench unknown method", []string{"bench", "--out", path("b2"), "--methods", "nope"}, exitUsage, []string{"--methods", `"nope"`}},
		{"bench method twice", []string{"bench", "--out", path("b3"), "--methods", "ew,ew"}, exitUsage, []string{`"ew" is named twice`}},
		{"bench unknown arch", []string{"bench", "--out", path("b4"), "--archs", "moe"}, exitUsage, []string{"--archs", `"moe"`}},
		{"bench shard 3/2", []string{"bench", "--out", path("b5"), "--shard", "3/2"}, exitUsage, []string{`--shard "3/2"`}},
		{"bench shard 0/0", []string{"bench", "--out", path("b6"), "--shard", "0/0"}, exitUsage, []string{`--shard "0/0"`}},
		{"bench batch 0", []string{"bench", "--out", path("b7"), "--batch", "0"}, exitUsage, []string{"--batch 0"}},
		{"bench limit -1", []string{"bench", "--out", path("b8"), "--limit", "-1"}, exitUsage, []string{"--limit -1"}},
		{"bench epochs -1", []string{"bench", "--out", path("b9"), "--epochs", "-1"}, exitUsage, []string{"--epochs -1"}},
		{"bench absurd hidden", []string{"bench", "--out", path("b10"), "--hidden", "1099511627776"}, exitUsage, []string{"--hidden 1099511627776"}},
		{"bench out is a file", []string{"bench", "--out", file, "--dataset", "mmoe-synth", "--limit", "10"}, exitError, []string{"file.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r := runMTL(context.Background(), tt.args...)
			runtime.ReadMemStats(&after)
			if strings.Contains(r.stderr, "internal error") {
				t.Fatalf("mtl %v panicked:\n%v", tt.args, r)
			}
			if r.code != tt.code {
				t.Errorf("mtl %v: exit %d, want %d\n%v", tt.args, r.code, tt.code, r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("mtl %v: stderr %q does not contain %q", tt.args, r.stderr, w)
				}
			}
			if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
				t.Errorf("mtl %v allocated %d MiB, want at most 256 MiB", tt.args, d>>20)
			}
		})
	}

	// With --json a failure is also an exit_error line on stdout.
	t.Run("json exit_error line", func(t *testing.T) {
		r := runMTL(context.Background(), "summary", "--json", "--spec", hugeSpec)
		var line exitErrorLine
		if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &line); err != nil || line.MessageType != "exit_error" || line.Code != exitError || !strings.Contains(line.Message, "units 1099511627776") {
			t.Errorf("summary --json with a bad spec: stdout %q (%v), want an exit_error line with code 1 naming the units", r.stdout, err)
		}
	})
}
