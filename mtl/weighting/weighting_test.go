package weighting

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestNewNames(t *testing.T) {
	if !reflect.DeepEqual(Names, knownNames()) {
		t.Fatalf("Names = %v, knownNames = %v", Names, knownNames())
	}
	for _, name := range append([]string{""}, Names...) {
		w := mustNew(t, Config{Name: name}, []float64{1, 2})
		want := name
		if name == "" {
			want = StaticName
		}
		if w.Name() != want {
			t.Errorf("New(%q).Name() = %q, want %q", name, w.Name(), want)
		}
	}
}

func TestSymbolicAndNeedsTaskGradients(t *testing.T) {
	for _, tc := range []struct {
		name                string
		symbolic, gradients bool
	}{
		{"", false, false},
		{StaticName, false, false},
		{EWName, false, false},
		{UWName, true, false},
		{DWAName, false, false},
		{GradNormName, false, true},
		{RLWName, false, false},
		{GLSName, true, false},
	} {
		if got := Symbolic(tc.name); got != tc.symbolic {
			t.Errorf("Symbolic(%q) = %v, want %v", tc.name, got, tc.symbolic)
		}
		if got := NeedsTaskGradients(tc.name); got != tc.gradients {
			t.Errorf("NeedsTaskGradients(%q) = %v, want %v", tc.name, got, tc.gradients)
		}
	}
}

// TestStaticAndEW: static returns base and ew ones, at every step.
func TestStaticAndEW(t *testing.T) {
	base := []float64{0.5, 2, 0}
	for _, tc := range []struct {
		name string
		want []float64
	}{
		{StaticName, []float64{0.5, 2, 0}},
		{EWName, []float64{1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, Config{Name: tc.name}, base)
			for step := 0; step < 2; step++ {
				got, err := w.Weights([]float64{1, 2, 3})
				if err != nil {
					t.Fatal(err)
				}
				assertClose(t, "weights", got, tc.want, 0)
				got[0] = 99 // the caller owns the slice
				w.EndEpoch([]float64{1, 2, 3})
			}
		})
	}
	base[1] = 7 // New copied base
	if got, _ := mustNew(t, Config{}, []float64{1, 1}).Weights(nil); got[1] != 1 {
		t.Errorf("static weights changed with the caller's slice: %v", got)
	}
}

func TestConfigDefaultsAndJSON(t *testing.T) {
	got := Config{}.WithDefaults()
	want := Config{Name: StaticName, Temperature: 2, Alpha: 1.5, LR: 1e-3}
	if got != want {
		t.Errorf("Config{}.WithDefaults() = %+v, want %+v", got, want)
	}
	b, err := json.Marshal(Config{})
	if err != nil || string(b) != "{}" {
		t.Errorf("zero Config marshals to %s, %v; want {}", b, err)
	}
	in := Config{Name: DWAName, Temperature: 3, Alpha: 0.5, LR: 0.01, Seed: 42}
	b, _ = json.Marshal(in)
	var out Config
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip of %+v gave %+v, %v (JSON %s)", in, out, err, b)
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		base []float64
		want string
	}{
		{"unknown name", Config{Name: "mgda"}, []float64{1}, `weighting: unknown weighting "mgda" (want one of static, ew, uw, dwa, gradnorm, rlw, gls)`},
		{"no tasks", Config{}, nil, "weighting: no tasks (base weights are empty)"},
		{"negative base", Config{}, []float64{1, -1}, "weighting: base weight of task 1 is -1, want a finite value >= 0"},
		{"nan base", Config{Name: EWName}, []float64{math.NaN()}, "weighting: base weight of task 0 is NaN"},
		{"infinite base", Config{}, []float64{1, 1, math.Inf(1)}, "weighting: base weight of task 2 is +Inf"},
		{"negative temperature", Config{Name: DWAName, Temperature: -1}, []float64{1}, "weighting: temperature -1, want a finite value > 0"},
		{"nan alpha", Config{Name: GradNormName, Alpha: math.NaN()}, []float64{1}, "weighting: alpha NaN"},
		{"infinite lr", Config{Name: GradNormName, LR: math.Inf(1)}, []float64{1}, "weighting: lr +Inf"},
		{"gradnorm zero base", Config{Name: GradNormName}, []float64{0, 0}, "weighting: gradnorm: base weights sum to 0, want a finite value > 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := New(tc.cfg, tc.base)
			if w != nil {
				t.Errorf("New returned %v with its error", w)
			}
			assertErr(t, err, tc.want)
		})
	}
}

// TestWeightsLengthErrors: every method rejects losses of the wrong length.
func TestWeightsLengthErrors(t *testing.T) {
	for _, name := range Names {
		if name == UWName {
			continue // always ErrSymbolic; see TestUWWeightsIsSymbolic
		}
		t.Run(name, func(t *testing.T) {
			w := mustNew(t, Config{Name: name}, []float64{1, 1})
			_, err := w.Weights([]float64{1, 2, 3})
			assertErr(t, err, "weighting: 3 losses for 2 tasks")
		})
	}
}

// TestZeroValues: the zero value of each type is a weighting for no tasks
// and does not panic.
func TestZeroValues(t *testing.T) {
	for _, w := range []Weighting{Static{}, EW{}, GLS{}, &DWA{}, &RLW{}, &GradNorm{}} {
		t.Run(w.Name(), func(t *testing.T) {
			w.EndEpoch(nil)
			w.EndEpoch(nil)
			if _, err := w.Weights(nil); err != nil && !errors.Is(err, ErrNoLosses) {
				t.Errorf("Weights: %v", err)
			}
		})
	}
	assertErr(t, (&GradNorm{}).Update(nil, nil), "weighting: gradnorm: not built by New")
}
