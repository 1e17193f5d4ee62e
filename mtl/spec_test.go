package mtl

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestSpecValidate(t *testing.T) {
	edit := func(f func(*Spec)) Spec {
		s := syntheticSpec()
		f(&s)
		return s
	}
	for _, tc := range []struct {
		name string
		spec Spec
		want string
	}{
		{"empty input", edit(func(s *Spec) { s.Input = nil }), "input shape is empty"},
		{"zero dimension", edit(func(s *Spec) { s.Input = []int{28, 0} }), "input shape [28 0]: dimension 1 is 0"},
		{"no tasks", edit(func(s *Spec) { s.Tasks = nil }), "no tasks"},
		{"duplicate task", edit(func(s *Spec) { s.Tasks[1].Name = "a" }), `task "a" appears twice`},
		{"bad name", edit(func(s *Spec) { s.Tasks[0].Name = "my task" }), `task 0: name "my task"`},
		{"one class", edit(func(s *Spec) { s.Tasks[1].Classes = 1 }), `task "b": 1 classes`},
		{"unknown kind", edit(func(s *Spec) { s.Tasks[0].Kind = "rank" }), `task "a": unknown kind "rank"`},
		{"negative weight", edit(func(s *Spec) { s.Tasks[0].Weight = -1 }), `task "a": loss weight -1`},
		{"nan weight", edit(func(s *Spec) { s.Tasks[0].Weight = math.NaN() }), `task "a": loss weight NaN`},
		{"shared units", edit(func(s *Spec) { s.Shared[0].Units = 0 }), "shared layer 0: dense layer with 0 units"},
		{"shared activation", edit(func(s *Spec) { s.Shared[0].Activation = "gelu" }), `shared layer 0: unknown activation "gelu"`},
		{"head layer kind", edit(func(s *Spec) { s.Tasks[1] = s.Tasks[1].WithHead(Layer{Kind: "conv"}) }), `task "b": head layer 0: unknown layer kind "conv"`},
		{"too many input dims", edit(func(s *Spec) { s.Input = []int{1, 2, 3, 1} }), "input shape [1 2 3 1]: want"},
		{"unknown arch", edit(func(s *Spec) { s.Arch.Kind = "moe" }), `arch: unknown kind "moe"`},
		{"experts on hard", edit(func(s *Spec) { s.Arch.Experts = 2 }), "arch: hard sharing takes no experts"},
		{"levels on cgc", edit(func(s *Spec) { s.Arch = Arch{Kind: CGCArch, Levels: 2} }), "arch: cgc is one level"},
		{"negative experts", edit(func(s *Spec) { s.Arch = Arch{Kind: MMoEArch, Experts: -1} }), "arch: -1 experts"},
		{"bad upper layer", edit(func(s *Spec) { s.Arch = Arch{Kind: PLEArch, Upper: []Layer{Dense(0, ReLU)}} }), "arch: upper layer 0: dense layer with 0 units"},
		{"conv filters", edit(func(s *Spec) { s.Shared[0] = Conv2d(0, 3, ReLU) }), "shared layer 0: conv2d layer with 0 filters"},
		{"pool size", edit(func(s *Spec) { s.Shared[0] = MaxPool(0) }), "shared layer 0: maxpool layer with size 0"},
		{"dropout rate", edit(func(s *Spec) { s.Shared[0] = Dropout(1) }), "shared layer 0: dropout rate 1"},
		{"pool activation", edit(func(s *Spec) { s.Shared[0] = Layer{Kind: MaxPoolKind, Size: 2, Activation: ReLU} }), `maxpool layer cannot have an activation ("relu")`},
		{"regression outputs", edit(func(s *Spec) { s.Tasks[1] = Regress("b", 0) }), `task "b": 0 outputs`},
		{"regression classes", edit(func(s *Spec) { s.Tasks[1] = Regress("b", 1); s.Tasks[1].Classes = 2 }), `task "b": a regression task has outputs, not classes`},
		{"cascade unknown", edit(func(s *Spec) { s.Tasks[1] = s.Tasks[1].After("z") }), `task "b": cascade from unknown task "z"`},
		{"cascade self", edit(func(s *Spec) { s.Tasks[1] = s.Tasks[1].After("b") }), `task "b": cascade from itself`},
		{"cascade cycle", edit(func(s *Spec) { s.Tasks[0] = s.Tasks[0].After("b"); s.Tasks[1] = s.Tasks[1].After("a") }), `cascade cycle [a b a]`},
		{"cascade output", edit(func(s *Spec) { s.Tasks[1] = s.Tasks[1].After("a"); s.Tasks[1].Cascade.Output = "logits" }), `cascade output "logits"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.spec.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
			if _, err := New(tc.spec); err == nil {
				t.Fatal("New accepted an invalid spec")
			}
		})
	}
}

func TestNewParams(t *testing.T) {
	m, err := New(seedSpec().withHead())
	if err != nil {
		t.Fatal(err)
	}
	// 784·64+64 shared, 64·32+32 digit head, 32·10+10 digit out, 64·2+2 parity out.
	if got, want := m.NumParams(), 784*64+64+64*32+32+32*10+10+64*2+2; got != want {
		t.Errorf("NumParams() = %d, want %d", got, want)
	}
	want := "shared.0.w shared.0.b digit.head.0.w digit.head.0.b digit.out.w digit.out.b parity.out.w parity.out.b"
	if got := strings.Join(m.Params(), " "); got != want {
		t.Errorf("Params() = %s, want %s", got, want)
	}
}

// withHead gives the digit task a hidden layer of its own.
func (s Spec) withHead() Spec {
	s.Tasks[0] = s.Tasks[0].WithHead(Dense(32, Tanh))
	return s
}

// TestNewShapeErrors: problems only building finds (a layer meeting the
// wrong shape) are errors at New that name the layer and shapes.
func TestNewShapeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
		want string
	}{
		{"conv on vectors", Spec{Input: []int{6}, Shared: []Layer{Conv2d(2, 3, ReLU)}, Tasks: []Task{Classify("a", 3)}},
			"layer shared.0 (conv2d): shared.0 needs images"},
		{"kernel too big", Spec{Input: []int{1, 4, 4}, Shared: []Layer{Conv2d(2, 5, ReLU)}, Tasks: []Task{Classify("a", 3)}},
			"kernel 5 larger than input (1, 1, 4, 4)"},
		{"conv after dense", Spec{Input: []int{1, 8, 8}, Shared: []Layer{Dense(4, ReLU), Conv2d(2, 3, ReLU)}, Tasks: []Task{Classify("a", 3)}},
			"shared.1 needs images (batch, channels, height, width), but reads (1, 4)"},
		{"hidden of headless task", Spec{Input: []int{6}, Shared: []Layer{Dense(4, ReLU)},
			Tasks: []Task{Classify("a", 3), {Name: "b", Kind: ClassifyKind, Classes: 2, Cascade: &Cascade{From: "a", Output: HiddenOutput}}}},
			`task "b": cascade reads the hidden layer of "a", which has no head layers`},
		{"expert without layers", Spec{Input: []int{6}, Arch: Arch{Kind: MMoEArch}, Tasks: []Task{Classify("a", 3)}},
			"expert expert.0 has no layers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestSplitAt moves trunk layers into every head and refuses a split
// outside the trunk.
func TestSplitAt(t *testing.T) {
	spec := LeNet().Spec(Classify("left", 10), Classify("right", 10))
	got, err := spec.SplitAt(4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shared) != 4 || len(got.Tasks[0].Head) != 3 || got.Tasks[1].Head[0].Kind != FlattenKind {
		t.Errorf("SplitAt(4): %d shared layers, heads %v", len(got.Shared), got.Tasks[1].Head)
	}
	if len(spec.Shared) != 6 {
		t.Errorf("SplitAt changed its receiver: %d shared layers", len(spec.Shared))
	}
	for _, k := range []int{-1, 7} {
		if _, err := spec.SplitAt(k); err == nil || !strings.Contains(err.Error(), "want 0 to 6") {
			t.Errorf("SplitAt(%d) = %v, want an error naming the range", k, err)
		}
	}
}

// TestParseSpec: a spec file round-trips, and a bad one names the line
// and the field.
func TestParseSpec(t *testing.T) {
	spec := LeNet().Spec(Classify("left", 10), Classify("right", 10).After("left"))
	spec.Arch = Arch{Kind: MMoEArch, Experts: 2}
	js, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseSpec(js)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, spec) {
		t.Errorf("round trip gave %+v, want %+v", got, spec)
	}
	for _, tc := range []struct {
		name, text, want string
	}{
		{"syntax", "{\n  \"input\": [784],\n  \"tasks\": [,]\n}", "line 3: invalid character ','"},
		{"type", "{\n  \"input\": [784],\n  \"seed\": \"one\"\n}", `line 3: field "seed": string where int64 is wanted`},
		{"unknown field", "{\n  \"input\": [784],\n  \"shraed\": []}", `line 3: unknown field "shraed"`},
		{"invalid", `{"input": [784], "tasks": [{"name": "a", "kind": "classify", "classes": 1}]}`, `task "a": 1 classes`},
		{"two values", `{"input": [784], "tasks": [{"name": "a", "kind": "classify", "classes": 2}]} {}`, "more than one JSON value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseSpec([]byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseSpec() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
