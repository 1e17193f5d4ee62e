package weighting

import (
	"encoding/binary"
	"fmt"
	"math"
)

// stateVersion is the version of the state encoding MarshalBinary writes
// and UnmarshalBinary reads.
const stateVersion = 1

// Tags open each weighting's encoded state.
const (
	dwaTag      = "dwa "
	gradNormTag = "gnrm"
	rlwTag      = "rlw "
)

// encoder appends little-endian fields to b.
type encoder struct{ b []byte }

// header writes the 4-byte tag and the version byte.
func (e *encoder) header(tag string) {
	e.b = append(e.b, tag...)
	e.b = append(e.b, stateVersion)
}

func (e *encoder) u8(v byte)     { e.b = append(e.b, v) }
func (e *encoder) u64(v uint64)  { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *encoder) f64(v float64) { e.u64(math.Float64bits(v)) }

// floats writes xs without its length, which the reader knows (K).
func (e *encoder) floats(xs []float64) {
	for _, x := range xs {
		e.f64(x)
	}
}

// optFloats writes a presence byte, 0 for nil, then xs when present.
func (e *encoder) optFloats(xs []float64) {
	if xs == nil {
		e.u8(0)
		return
	}
	e.u8(1)
	e.floats(xs)
}

// bytes writes len(p) and p.
func (e *encoder) bytes(p []byte) {
	e.u64(uint64(len(p)))
	e.b = append(e.b, p...)
}

// decoder reads what encoder writes. The first error sticks: later reads
// return zero values, and finish reports it.
type decoder struct {
	name string // the weighting, for errors
	b    []byte
	off  int
	err  error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("weighting: %s state: %s", d.name, fmt.Sprintf(format, args...))
	}
}

// take returns the next n bytes, or nil after recording an error when
// fewer remain.
func (d *decoder) take(n uint64, field string) []byte {
	if d.err != nil {
		return nil
	}
	if left := uint64(len(d.b) - d.off); n > left {
		d.fail("truncated: %s needs %d bytes at offset %d, %d left", field, n, d.off, left)
		return nil
	}
	p := d.b[d.off : d.off+int(n)]
	d.off += int(n)
	return p
}

// header checks the tag and the version.
func (d *decoder) header(tag string) {
	p := d.take(uint64(len(tag)+1), "the header")
	if p == nil {
		return
	}
	if got := string(p[:len(tag)]); got != tag {
		d.fail("tag %q, want %q", got, tag)
		return
	}
	if v := p[len(tag)]; v != stateVersion {
		d.fail("format version %d, this build reads version %d", v, stateVersion)
	}
}

func (d *decoder) u8(field string) byte {
	if p := d.take(1, field); p != nil {
		return p[0]
	}
	return 0
}

func (d *decoder) u64(field string) uint64 {
	if p := d.take(8, field); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (d *decoder) f64(field string) float64 { return math.Float64frombits(d.u64(field)) }

// tasks reads the number of tasks and checks it is k, the receiver's.
func (d *decoder) tasks(k int) {
	if n := d.u64("the number of tasks"); d.err == nil && n != uint64(k) {
		d.fail("saved for %d tasks, this %s has %d", n, d.name, k)
	}
}

// same reads a float64 tuning value and checks it equals want, bit for bit.
func (d *decoder) same(field string, want float64) {
	if v := d.f64(field); d.err == nil && math.Float64bits(v) != math.Float64bits(want) {
		d.fail("saved with %s %v, this %s has %v", field, v, d.name, want)
	}
}

// floats reads k values; k is the receiver's number of tasks, already
// checked, so the allocation is bounded by the input once take succeeds.
func (d *decoder) floats(field string, k int) []float64 {
	p := d.take(8*uint64(k), field)
	if p == nil {
		return nil
	}
	xs := make([]float64, k)
	for i := range xs {
		xs[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
	}
	return xs
}

// optFloats reads a presence byte and, when it is 1, k values.
func (d *decoder) optFloats(field string, k int) []float64 {
	switch b := d.u8(field); {
	case d.err != nil || b == 0:
		return nil
	case b != 1:
		d.fail("%s presence byte is %d, want 0 or 1", field, b)
		return nil
	}
	return d.floats(field, k)
}

// bytes reads a length and that many bytes, checking the length against
// what is left first.
func (d *decoder) bytes(field string) []byte {
	n := d.u64(field + " length")
	return d.take(n, field)
}

// finish reports the first error, or bytes left over after the last field.
func (d *decoder) finish() error {
	if d.err == nil && d.off != len(d.b) {
		d.fail("%d bytes left over after the last field", len(d.b)-d.off)
	}
	return d.err
}
