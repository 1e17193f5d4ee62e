package callback

import (
	"bytes"
	"encoding/gob"
	"fmt"
)

// encodeState gob-encodes a callback's state after the callback's name,
// so that a state is never restored into a callback of another kind (a
// resumed run given its callbacks in another order).
func encodeState(name string, v any) ([]byte, error) {
	var b bytes.Buffer
	enc := gob.NewEncoder(&b)
	err := enc.Encode(name)
	if err == nil {
		err = enc.Encode(v)
	}
	if err != nil {
		return nil, fmt.Errorf("callback: %s: encoding state: %w", name, err)
	}
	return b.Bytes(), nil
}

// decodeState decodes what encodeState wrote for the callback name into
// v, never panicking.
func decodeState(name string, data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("callback: %s: decoding state: %v", name, r)
		}
	}()
	dec := gob.NewDecoder(bytes.NewReader(data))
	var got string
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("callback: %s: decoding state: %w", name, err)
	}
	if got != name {
		return fmt.Errorf("callback: %s: decoding state: the state is of callback %q (are the callbacks in the run's order?)", name, got)
	}
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("callback: %s: decoding state: %w", name, err)
	}
	return nil
}
