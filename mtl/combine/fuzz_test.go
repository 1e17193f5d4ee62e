package combine

import (
	"bytes"
	"testing"
)

// FuzzCombinerState restores arbitrary bytes into New's PCGrad. It must
// never panic; a state it accepts must marshal back to the same bytes (the
// encoding is canonical) and give weights.
func FuzzCombinerState(f *testing.F) {
	for _, k := range []int{0, 3} {
		c, err := New(Config{Name: PCGradName, Seed: uint64(k)})
		if err != nil {
			f.Fatal(err)
		}
		for s := 0; s < k; s++ {
			_, _ = c.Weights(stepGram(s))
		}
		data, err := c.(Stateful).MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	nilRand, _ := (&PCGrad{}).MarshalBinary()
	f.Add(nilRand)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := New(Config{Name: PCGradName})
		if err != nil {
			t.Fatal(err)
		}
		s := c.(Stateful)
		if s.UnmarshalBinary(data) != nil {
			return
		}
		again, err := s.MarshalBinary()
		if err != nil {
			t.Fatalf("accepted state does not marshal: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("marshalled back to %x, not %x", again, data)
		}
		if _, err := c.Weights(stepGram(0)); err != nil {
			t.Fatal(err)
		}
	})
}
