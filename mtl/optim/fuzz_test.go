package optim

import (
	"bytes"
	"testing"
)

// FuzzOptimizerState feeds arbitrary bytes to UnmarshalState. It must never
// panic; what it accepts must marshal back to the same bytes (the encoding
// is canonical) and take a step on parameters of the saved shape without
// panicking.
func FuzzOptimizerState(f *testing.F) {
	for _, cfg := range stateConfigs {
		for _, k := range []int{0, 2} {
			o, _ := New(cfg)
			r := newRun()
			for ; k > 0; k-- {
				p := cloneTensors(r.params)
				_ = o.Step(p, p)
			}
			data, err := MarshalState(o)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("adam\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := UnmarshalState(data)
		if err != nil {
			if o != nil {
				t.Fatalf("an optimiser and an error (%v)", err)
			}
			return
		}
		again, err := MarshalState(o)
		if err != nil {
			t.Fatalf("accepted state does not marshal: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("marshalled back to %x, not %x", again, data)
		}
		params := cloneTensors(shape(o))
		if err := o.Step(params, cloneTensors(params)); err != nil {
			t.Fatalf("step on the saved shape: %v", err)
		}
	})
}

// shape returns the optimiser's state, whose shape is the parameters'.
func shape(o Optimizer) [][]float32 {
	switch o := o.(type) {
	case *Adam:
		return o.M
	case *SGD:
		return o.Velocity
	case *RMSProp:
		return o.Square
	}
	return nil
}
