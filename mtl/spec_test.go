package mtl

import (
	"math"
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
