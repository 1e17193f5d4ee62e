package optim

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// stateConfigs are the optimisers whose state the tests save, one per
// kind New knows, with the learning rates the quadratic test uses.
var stateConfigs = []Config{
	{Name: AdamName, LearningRate: 0.01},
	{Name: SGDName, LearningRate: 0.1},
	{Name: MomentumName, LearningRate: 0.05},
	{Name: RMSPropName, LearningRate: 0.01},
}

// run is a reproducible training run: three parameters of lengths 3, 1
// and 4, and at step s gradients of N(0, 1) values drawn from
// PCG(s, 7), so a copy of a run continues exactly as the run does.
type run struct {
	params [][]float32
	step   uint64
}

func newRun() *run { return &run{params: [][]float32{{0.5, -1, 2}, {0.25}, {1, 2, 3, 4}}} }

func (r *run) clone() *run { return &run{params: cloneTensors(r.params), step: r.step} }

// steps takes n steps of o and returns the parameters' bits after each.
func (r *run) steps(t *testing.T, o Optimizer, n int) [][]uint32 {
	t.Helper()
	var out [][]uint32
	for ; n > 0; n-- {
		rng := rand.New(rand.NewPCG(r.step, 7))
		r.step++
		grads := make([][]float32, len(r.params))
		for i, p := range r.params {
			grads[i] = make([]float32, len(p))
			for j := range grads[i] {
				grads[i][j] = float32(rng.NormFloat64())
			}
		}
		if err := o.Step(r.params, grads); err != nil {
			t.Fatal(err)
		}
		var bits []uint32
		for _, p := range r.params {
			for _, x := range p {
				bits = append(bits, math.Float32bits(x))
			}
		}
		out = append(out, bits)
	}
	return out
}

func cloneTensors(ts [][]float32) [][]float32 {
	out := make([][]float32, len(ts))
	for i, t := range ts {
		out[i] = append([]float32(nil), t...)
	}
	return out
}

// TestStateResumesBitIdentical runs each optimiser k steps, saves it,
// restores the state three ways (into a fresh optimiser from New, as the
// trainer does; through UnmarshalState; into a zero value) and checks
// that every copy then takes the same n steps as the original, bit for
// bit. k = 0 checks that a nil state round-trips.
func TestStateResumesBitIdentical(t *testing.T) {
	const n = 6
	for _, cfg := range stateConfigs {
		for _, k := range []int{0, 1, 5} {
			t.Run(fmt.Sprintf("%s/k=%d", cfg.Name, k), func(t *testing.T) {
				orig, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				r := newRun()
				r.steps(t, orig, k)
				data, err := orig.(encoding.BinaryMarshaler).MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				viaState, err := MarshalState(orig)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(data, viaState) {
					t.Fatal("MarshalState and MarshalBinary differ")
				}

				fresh, _ := New(cfg)
				if err := fresh.(encoding.BinaryUnmarshaler).UnmarshalBinary(data); err != nil {
					t.Fatal(err)
				}
				fromState, err := UnmarshalState(data)
				if err != nil {
					t.Fatal(err)
				}
				zero := zeroLike(orig)
				if err := zero.(encoding.BinaryUnmarshaler).UnmarshalBinary(data); err != nil {
					t.Fatal(err)
				}

				restored := map[string]Optimizer{"new": fresh, "unmarshal state": fromState, "zero value": zero}
				for name, o := range restored {
					if again, _ := MarshalState(o); !bytes.Equal(again, data) {
						t.Errorf("%s: restored state differs from the saved one", name)
					}
				}
				runs := map[string]*run{}
				for name := range restored {
					runs[name] = r.clone()
				}
				want := r.steps(t, orig, n)
				final, err := MarshalState(orig)
				if err != nil {
					t.Fatal(err)
				}
				for name, o := range restored {
					if got := runs[name].steps(t, o, n); !equalBits(got, want) {
						t.Errorf("%s: parameters after resuming differ from the uninterrupted run", name)
					}
					again, err := MarshalState(o)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(again, final) {
						t.Errorf("%s: state after resuming differs from the uninterrupted run's", name)
					}
				}
			})
		}
	}
}

// TestStateLayout pins version 1 of the layout (doc.go) with a state
// encoded by hand: 0.5 is 0x3FE0000000000000, 0.25 is 0x3FD0000000000000
// and float32 1 is 0x3F800000.
func TestStateLayout(t *testing.T) {
	got, _ := (&SGD{LearningRate: 0.5, Momentum: 0.25, Velocity: [][]float32{{1}}}).MarshalBinary()
	want := []byte("sgd \x01" +
		"\x00\x00\x00\x00\x00\x00\xe0\x3f" + // learning rate
		"\x00\x00\x00\x00\x00\x00\xd0\x3f" + // momentum
		"\x01" + // velocity present
		"\x01\x00\x00\x00\x00\x00\x00\x00" + // one parameter
		"\x01\x00\x00\x00\x00\x00\x00\x00" + // of one value
		"\x00\x00\x80\x3f") // 1
	if !bytes.Equal(got, want) {
		t.Errorf("encoded\n%x, want\n%x", got, want)
	}
}

func zeroLike(o Optimizer) Optimizer {
	switch o.(type) {
	case *Adam:
		return &Adam{}
	case *SGD:
		return &SGD{}
	}
	return &RMSProp{}
}

func equalBits(a, b [][]uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// savedAdam returns the state of an Adam after three steps of newRun.
func savedAdam(t *testing.T) []byte {
	t.Helper()
	o, _ := New(Config{})
	newRun().steps(t, o, 3)
	data, err := MarshalState(o)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// adamHead is a valid Adam header, hyper-parameters and step count, to
// which a test appends a hand-made M.
func adamHead() []byte {
	e := encoder{}
	e.header(adamTag)
	for _, x := range []float64{1e-3, 0.9, 0.999, 1e-8} {
		e.f64(x)
	}
	e.u64(3)
	return e.b
}

func le64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

// TestUnmarshalErrors feeds Adam's UnmarshalBinary bad input; each case
// must give an error containing want, and leave the receiver unchanged.
func TestUnmarshalErrors(t *testing.T) {
	good := savedAdam(t)
	sgd, _ := MarshalState(&SGD{LearningRate: 0.1})
	mismatched, _ := (&Adam{M: [][]float32{{1}}, V: [][]float32{{1, 2}}}).MarshalBinary()
	negSteps := append(adamHead()[:37], le64(nil, math.MaxUint64)...)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated: the header needs 5 bytes"},
		{"header only", good[:5], "truncated: learning rate needs 8 bytes"},
		{"half a moment", good[:len(good)-2], "second moments length is 4, but only 14 bytes are left"},
		{"wrong version", append(append([]byte(nil), good[:4]...), append([]byte{2}, good[5:]...)...), "format version 2, this build reads version 1"},
		{"another optimiser", sgd, "this is a saved sgd, not adam"},
		{"garbage", []byte("not a state at all, just some text"), `tag "not ", want "adam"`},
		{"huge count", le64(append(adamHead(), 1), 1<<62), "first moments count is 4611686018427387904, but only 0 bytes are left"},
		{"huge length", le64(le64(append(adamHead(), 1), 1), 1<<61), "first moments length is 2305843009213693952"},
		{"bad presence byte", append(adamHead(), 2), "first moments presence byte is 2"},
		{"trailing byte", append(append([]byte(nil), good...), 0), "1 bytes left over"},
		{"negative steps", negSteps, "steps is -1"},
		{"moments differ in shape", mismatched, "first and second moments differ in shape"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &Adam{LearningRate: 0.5}
			err := a.UnmarshalBinary(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "optim: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if a.LearningRate != 0.5 || a.M != nil {
				t.Errorf("receiver changed on error: %+v", a)
			}
		})
	}
}

// Every proper prefix of a saved state of each kind is an error.
func TestUnmarshalTruncated(t *testing.T) {
	for _, cfg := range stateConfigs {
		o, _ := New(cfg)
		newRun().steps(t, o, 2)
		data, _ := MarshalState(o)
		for n := 0; n < len(data); n++ {
			if _, err := UnmarshalState(data[:n]); err == nil {
				t.Fatalf("%s: %d of %d bytes: no error", cfg.Name, n, len(data))
			}
		}
	}
}

func TestUnmarshalStateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"short", []byte("ad"), "state of 2 bytes, too short"},
		{"unknown tag", []byte("lbfgs state"), `state tag "lbfg" names no optimiser`},
		{"bad body", []byte("rmsp\x01"), "optim: rmsprop state: truncated"},
	} {
		if o, err := UnmarshalState(tc.data); err == nil || o != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: (%v, %v), want an error containing %q", tc.name, o, err, tc.want)
		}
	}
	var nilAdam *Adam
	if _, err := MarshalState(nilAdam); err == nil || !strings.Contains(err.Error(), "nil *optim.Adam") {
		t.Errorf("nil *Adam: error %v", err)
	}
	if _, err := MarshalState(other{}); err == nil || !strings.Contains(err.Error(), "optim.other") {
		t.Errorf("foreign optimiser: error %v", err)
	}
	if _, err := MarshalState(&Adam{Steps: -1}); err == nil || !strings.Contains(err.Error(), "steps -1") {
		t.Errorf("negative steps: error %v", err)
	}
}

// other is an Optimizer this package does not know how to save.
type other struct{}

func (other) Step(_, _ [][]float32) error { return nil }
func (other) Rate() float64               { return 0 }
func (other) SetRate(float64)             {}

// SetRate changes the rate the next step uses, and the saved state
// carries it: p = 1, g = 0.5 with SGD at 0.1 then SetRate(0.2) gives
// 1 - 0.05 - 0.1 = 0.85.
func TestSetRate(t *testing.T) {
	for _, cfg := range stateConfigs {
		o, _ := New(cfg)
		o.SetRate(0.125)
		if o.Rate() != 0.125 {
			t.Errorf("%s: Rate() = %v after SetRate(0.125)", cfg.Name, o.Rate())
		}
		data, _ := MarshalState(o)
		back, err := UnmarshalState(data)
		if err != nil || back.Rate() != 0.125 {
			t.Errorf("%s: restored rate %v (%v), want 0.125", cfg.Name, back.Rate(), err)
		}
	}
	o, _ := New(Config{Name: SGDName, LearningRate: 0.1})
	p := []float32{1}
	_ = o.Step([][]float32{p}, [][]float32{{0.5}})
	o.SetRate(0.2)
	_ = o.Step([][]float32{p}, [][]float32{{0.5}})
	if math.Abs(float64(p[0])-0.85) > 1e-7 {
		t.Errorf("p = %v, want 0.85", p[0])
	}
}
