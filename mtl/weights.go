package mtl

import (
	"bytes"
	"encoding/gob"
	"slices"

	"github.com/pkg/errors"
)

// Weights is a copy of a model's parameters: every tensor Save writes, in
// the model's parameter order. Callbacks use it to keep the best weights
// seen (EarlyStopping's restore_best_weights).
type Weights struct {
	names []string
	data  [][]float32
}

// CopyWeights returns a copy of the model's current parameters.
func (m *Model) CopyWeights() *Weights {
	if m == nil {
		return &Weights{}
	}
	w := &Weights{names: m.params.Names()}
	for _, name := range w.names {
		w.data = append(w.data, slices.Clone(m.params.Value(name).Data().([]float32)))
	}
	return w
}

// SetWeights overwrites the model's parameters with w, which must come
// from a model of the same spec.
func (m *Model) SetWeights(w *Weights) error {
	switch {
	case m == nil:
		return errors.New("mtl: set weights: nil model")
	case w == nil:
		return errors.New("mtl: set weights: nil Weights")
	}
	names := m.params.Names()
	if !slices.Equal(names, w.names) {
		return errors.Errorf("mtl: set weights: %d tensors %v, but the model has %d %v", len(w.names), w.names, len(names), names)
	}
	for i, name := range names {
		dst := m.params.Value(name).Data().([]float32)
		if len(dst) != len(w.data[i]) {
			return errors.Errorf("mtl: set weights: %q has %d values, the model's %d", name, len(w.data[i]), len(dst))
		}
	}
	for i, name := range names {
		copy(m.params.Value(name).Data().([]float32), w.data[i])
	}
	return nil
}

// weightsWire is the encoding of Weights.
type weightsWire struct {
	Names []string
	Data  [][]float32
}

// MarshalBinary encodes w (for a callback's checkpointed state).
func (w *Weights) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(weightsWire{w.names, w.data}); err != nil {
		return nil, errors.Wrap(err, "mtl: encoding weights")
	}
	return b.Bytes(), nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (w *Weights) UnmarshalBinary(data []byte) (err error) {
	defer recoverPanic(&err, "decoding weights")
	var wire weightsWire
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&wire); err != nil {
		return errors.Wrap(err, "mtl: decoding weights")
	}
	if len(wire.Names) != len(wire.Data) {
		return errors.Errorf("mtl: decoding weights: %d names for %d tensors", len(wire.Names), len(wire.Data))
	}
	w.names, w.data = wire.Names, wire.Data
	return nil
}
