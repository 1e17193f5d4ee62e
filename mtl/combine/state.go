package combine

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
)

// Stateful is the optional interface of the combiners whose state carries
// from one call of Weights to the next: *PCGrad (its generator). The
// others are functions of the Gramian alone; MGDA's losses are set again
// before every step, so they are not state.
//
// MarshalBinary saves the state. UnmarshalBinary restores it into a
// combiner that New built with the same Config; it returns an error,
// leaving the receiver unchanged, when the data is not such a state, and
// never panics. The restored combiner then returns exactly the weights the
// saved one would have returned.
type Stateful interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

var _ Stateful = (*PCGrad)(nil)

// pcgradTag and stateVersion open PCGrad's saved state.
const (
	pcgradTag    = "pcgr"
	stateVersion = 1
)

// MarshalBinary saves the generator. The layout, little-endian: the tag
// "pcgr", a version byte (1), then a byte 0 when Rand is nil, or 1
// followed by the length (uint64) and bytes of rand.PCG.MarshalBinary. A
// Rand that New did not build cannot be saved: its source is unknown.
func (p *PCGrad) MarshalBinary() ([]byte, error) {
	b := append([]byte(pcgradTag), stateVersion)
	if p.Rand == nil {
		return append(b, 0), nil
	}
	if p.src == nil || p.Rand != p.rng {
		return nil, errors.New("combine: pcgrad: Rand was not built by New, so its state cannot be saved")
	}
	src, err := p.src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = binary.LittleEndian.AppendUint64(append(b, 1), uint64(len(src)))
	return append(b, src...), nil
}

// UnmarshalBinary restores a state MarshalBinary saved (see Stateful):
// afterwards p shuffles as the saved PCGrad would have, or not at all if
// its Rand was nil. It also restores into a zero PCGrad.
func (p *PCGrad) UnmarshalBinary(data []byte) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("combine: pcgrad state: %s", fmt.Sprintf(format, args...))
	}
	const head = len(pcgradTag) + 2
	if len(data) < head {
		return fail("truncated: %d bytes, the header needs %d", len(data), head)
	}
	if tag := string(data[:len(pcgradTag)]); tag != pcgradTag {
		return fail("tag %q, want %q", tag, pcgradTag)
	}
	if v := data[len(pcgradTag)]; v != stateVersion {
		return fail("format version %d, this build reads version %d", v, stateVersion)
	}
	rest := data[head:]
	switch flag := data[head-1]; flag {
	case 0:
		if len(rest) != 0 {
			return fail("%d bytes left over after the last field", len(rest))
		}
		p.Rand, p.src, p.rng = nil, nil, nil
		return nil
	case 1:
	default:
		return fail("generator flag is %d, want 0 or 1", flag)
	}
	if len(rest) < 8 {
		return fail("truncated: the generator's length needs 8 bytes, %d left", len(rest))
	}
	if n := binary.LittleEndian.Uint64(rest); n != uint64(len(rest)-8) {
		return fail("the generator's length is %d, but %d bytes follow", n, len(rest)-8)
	}
	var src rand.PCG
	if err := src.UnmarshalBinary(rest[8:]); err != nil {
		return fail("generator: %v", err)
	}
	if p.src == nil || p.Rand != p.rng {
		p.src = &src
		p.rng = rand.New(p.src)
	} else {
		*p.src = src
	}
	p.Rand = p.rng
	return nil
}
