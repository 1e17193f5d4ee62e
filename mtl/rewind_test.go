package mtl

import (
	"context"
	"reflect"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// TestRewindMatchesReset trains each case twice, once rewinding the tape
// machines (keeping their registers) and once resetting them as Gorgonia
// does, and checks that weights and histories are bit-identical: a kept
// register never leaks a stale value into a run.
func TestRewindMatchesReset(t *testing.T) {
	if !useRewind {
		t.Fatal("the tape machine's layout was not recognised: rewinding is off")
	}
	train, _ := mnist(t)
	multi, err := datasets.MultiMNISTFrom(train.Head(300), 1)
	if err != nil {
		t.Fatal(err)
	}
	digits := train.Head(300)
	tasks := func() []Task { return []Task{Classify("digit", 10), Classify("parity", 2)} }
	dense := []Layer{Dense(16, ReLU)}
	cascade := tasks()
	cascade[1] = cascade[1].After("digit")
	cfg := FitConfig{Epochs: 2, BatchSize: 32, Seed: 3}
	cases := resumeCases()
	for _, extra := range []struct {
		name string
		spec Spec
		data *datasets.Dataset
	}{
		{"lenet-multimnist", LeNet().Spec(Classify("left", 10), Classify("right", 10)), multi},
		{"cross-stitch", Spec{Input: []int{784}, Arch: Arch{Kind: CrossStitchArch}, Shared: dense, Tasks: tasks()}, digits},
		{"mmoe", Spec{Input: []int{784}, Arch: Arch{Kind: MMoEArch}, Shared: dense, Tasks: tasks()}, digits},
		{"ple", Spec{Input: []int{784}, Arch: Arch{Kind: PLEArch}, Shared: dense, Tasks: tasks()}, digits},
		{"cascade", Spec{Input: []int{784}, Shared: dense, Tasks: cascade}, digits},
		{"kinds", kindsSpec(), kindsData(200, 5)},
	} {
		cases = append(cases, resumeCase{extra.name, extra.spec, cfg, map[string]*datasets.Dataset{"": extra.data}})
	}
	defer func(old bool) { useRewind = old }(useRewind)
	for _, rc := range cases {
		t.Run(rc.name, func(t *testing.T) {
			var models [2]*Model
			var hists [2]*History
			for i, rewinding := range []bool{true, false} {
				useRewind = rewinding
				m := MustNew(rc.spec)
				var err error
				if d, ok := rc.data[""]; ok {
					hists[i], err = m.Fit(context.Background(), d, rc.cfg)
				} else {
					hists[i], err = m.FitInputs(context.Background(), rc.data, rc.cfg)
				}
				if err != nil {
					t.Fatal(err)
				}
				models[i] = m
			}
			if !reflect.DeepEqual(models[0].CopyWeights(), models[1].CopyWeights()) {
				t.Error("weights differ between rewinding and resetting")
			}
			if !reflect.DeepEqual(hists[0].Metrics, hists[1].Metrics) {
				t.Errorf("histories differ:\nrewind %v\n reset %v", hists[0].Metrics, hists[1].Metrics)
			}
		})
	}
}

// TestRewindKeepsRegisters checks that rewinding does what it is for: a
// rewound MMoE program keeps registers across runs and allocates less per
// run than one reset as Gorgonia does (the bit-identity test above would
// pass as well if rewinding silently fell back to Reset). gomtl's own ops
// write into a tensor of their own when their register is empty, so the
// difference shows on the Gorgonia ops an MMoE's gates and mixing use.
func TestRewindKeepsRegisters(t *testing.T) {
	m := MustNew(Spec{Input: []int{784}, Arch: Arch{Kind: MMoEArch}, Shared: []Layer{Dense(16, ReLU)}, Tasks: []Task{Classify("digit", 10), Classify("parity", 2)}})
	p, err := buildProgram(m.spec, m.params, 32, true, -1)
	if err != nil {
		t.Fatal(err)
	}
	if p.rewinder.regs == nil {
		t.Fatal("the training program's machine is not rewindable")
	}
	defer func(old bool) { useRewind = old }(useRewind)
	allocs := map[bool]float64{}
	for _, rewinding := range []bool{true, false} {
		useRewind = rewinding
		allocs[rewinding] = testing.AllocsPerRun(5, func() {
			if err := p.run(); err != nil {
				t.Fatal(err)
			}
		})
	}
	useRewind = true
	p.rewinder.rewind()
	kept := 0
	for _, v := range *p.rewinder.regs {
		if v != nil {
			kept++
		}
	}
	if kept == 0 {
		t.Error("rewinding kept no register")
	}
	if allocs[true] >= allocs[false] {
		t.Errorf("%v allocations per run rewinding, %v resetting: want fewer rewinding", allocs[true], allocs[false])
	}
	t.Logf("%d registers kept; %v allocations per run rewinding, %v resetting", kept, allocs[true], allocs[false])
}
