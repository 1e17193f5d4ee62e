package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
)

// mtl summary prints the layer table of mtl.Summary: every layer's row and
// the total parameter count, for a model built from flags, a spec file or
// a saved model; with --json, one "summary" line.
func TestSummaryCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		params int      // hand count, or from mtl.Summary for the larger models
		rows   []string // layer names that must have a row
	}{
		// 784·64+64 + 64·10+10 + 64·2+2
		{"seed model", nil, 51020, []string{"shared.0", "digit.out", "parity.out"}},
		{"hidden", []string{"--hidden", "8"}, 784*8 + 8 + 8*10 + 10 + 8*2 + 2, []string{"shared.0"}},
		{"mmoe-synth mmoe", []string{"--dataset", "mmoe-synth", "--arch", "mmoe", "--experts", "2"}, 0, []string{"expert.1.0", "t1.gate", "t2.head.0", "t2.out"}},
		{"multimnist lenet split", []string{"--dataset", "multimnist", "--split", "4"}, 0, []string{"shared.3", "left.head.0", "right.head.2"}},
		{"spec file", []string{"--spec", "examples/multimnist-cascade.json"}, 0, []string{"shared.5", "left.out", "right.out"}},
		{"spec file and dataset", []string{"--spec", "examples/mmoe-synth-mmoe.json", "--dataset", "mmoe-synth"}, 0, []string{"expert.2.0"}},
		{"saved model", []string{"--model", "SHARED"}, 784*64 + 64 + 64*10 + 10 + 64*2 + 2, []string{"shared.0"}},
		{"mnist-loc", []string{"--dataset", "mnist-loc"}, 0, []string{"shared.0", "digit.head.0", "box.out"}},
		// 4096·64+64 + 2·(64+1)
		{"spam", []string{"--dataset", "spam"}, 4096*64 + 64 + 2*65, []string{"shared.0", "spam.out", "hard.out"}},
		// 3·64+64 + 64·3+3 + 64+1: three features, three species, one width
		{"csv", []string{"--dataset", "csv:" + irisCSV, "--tasks", "species:classify,petal_width:regression"}, 3*64 + 64 + 64*3 + 3 + 64 + 1, []string{"species.out", "petal_width.out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"summary"}, tt.args...)
			for i, a := range args {
				if a == "SHARED" {
					args[i] = sharedRun(t)
				}
			}
			r := runMTL(context.Background(), args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("%v", r)
			}
			j := runMTL(context.Background(), append(args, "--json")...)
			var line struct {
				MessageType string `json:"message_type"`
				mtl.Summary
			}
			if err := json.Unmarshal([]byte(j.stdout), &line); err != nil || j.code != 0 || line.MessageType != "summary" {
				t.Fatalf("--json: %v, want one summary line (%v)", j, err)
			}
			if tt.params != 0 && line.Params != tt.params {
				t.Errorf("%d params, want %d", line.Params, tt.params)
			}
			total := fmt.Sprintf("Total params: %d\n", line.Params)
			if !strings.Contains(r.stdout, total) {
				t.Errorf("stdout lacks %q:\n%s", total, r.stdout)
			}
			if got := len(jsonLines(r.stdout)); got != len(line.Layers)+3 {
				t.Errorf("%d lines, want a title, a header, %d layers and the total:\n%s", got, len(line.Layers), r.stdout)
			}
			for _, name := range tt.rows {
				if !strings.Contains(r.stdout, "\n"+name+" ") {
					t.Errorf("no row for layer %s:\n%s", name, r.stdout)
				}
			}
		})
	}
}
