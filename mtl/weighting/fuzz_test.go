package weighting

import (
	"bytes"
	"testing"
)

// FuzzWeightingState restores arbitrary bytes into a fresh weighting of
// each stateful kind. It must never panic; a state it accepts must marshal
// back to the same bytes (the encoding is canonical), and the restored
// weighting must survive a step and an epoch end without panicking.
func FuzzWeightingState(f *testing.F) {
	for _, cfg := range statefulConfigs {
		for _, k := range []int{0, 1, 7} {
			w, err := New(cfg, stateBase)
			if err != nil {
				f.Fatal(err)
			}
			for ; k > 0; k-- {
				_, _ = w.Weights(nil)
				if ga, ok := w.(GradientAware); ok {
					_ = ga.Update([]float64{1, 2, 3}, []float64{3, 2, 1})
				}
				w.EndEpoch([]float64{1, 2, float64(k)})
			}
			data, err := w.(Stateful).MarshalBinary()
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, cfg := range statefulConfigs {
			w, err := New(cfg, stateBase)
			if err != nil {
				t.Fatal(err)
			}
			s := w.(Stateful)
			if s.UnmarshalBinary(data) != nil {
				continue
			}
			again, err := s.MarshalBinary()
			if err != nil {
				t.Fatalf("%s: accepted state does not marshal: %v", cfg.Name, err)
			}
			if !bytes.Equal(again, data) {
				t.Fatalf("%s: marshalled back to %x, not %x", cfg.Name, again, data)
			}
			_, _ = w.Weights([]float64{1, 1, 1})
			if ga, ok := w.(GradientAware); ok {
				_ = ga.Update([]float64{1, 1, 1}, []float64{1, 1, 1})
			}
			w.EndEpoch([]float64{1, 1, 1})
			_, _ = w.Weights(nil)
		}
	})
}
