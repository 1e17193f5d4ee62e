package optim

import (
	"encoding/binary"
	"math"

	"github.com/pkg/errors"
)

// stateVersion is the version of the state encoding MarshalBinary writes
// and UnmarshalBinary reads.
const stateVersion = 1

// Tags open each optimiser's encoded state and name its kind.
const (
	adamTag    = "adam"
	sgdTag     = "sgd "
	rmspropTag = "rmsp"
)

// tagName returns the name of the optimiser tag stands for, "" if none.
func tagName(tag string) string {
	switch tag {
	case adamTag:
		return AdamName
	case sgdTag:
		return SGDName
	case rmspropTag:
		return RMSPropName
	}
	return ""
}

// encoder appends little-endian fields to b.
type encoder struct{ b []byte }

// header writes the 4-byte tag and the version byte.
func (e *encoder) header(tag string) {
	e.b = append(e.b, tag...)
	e.b = append(e.b, stateVersion)
}

func (e *encoder) u64(v uint64)  { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *encoder) f64(v float64) { e.u64(math.Float64bits(v)) }

// tensors writes a presence byte (0 for nil), then, when present, the
// number of slices and each slice as its length and float32 bits.
func (e *encoder) tensors(ts [][]float32) {
	if ts == nil {
		e.b = append(e.b, 0)
		return
	}
	e.b = append(e.b, 1)
	e.u64(uint64(len(ts)))
	for _, t := range ts {
		e.u64(uint64(len(t)))
		for _, x := range t {
			e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(x))
		}
	}
}

// decoder reads what encoder writes. The first error sticks: later reads
// return zero values, and err reports it.
type decoder struct {
	name string // the optimiser, for errors
	b    []byte
	off  int
	err  error
}

func (d *decoder) fail(format string, args ...interface{}) {
	if d.err == nil {
		d.err = errors.Errorf("optim: %s state: "+format, append([]interface{}{d.name}, args...)...)
	}
}

// take returns the next n bytes, or nil after recording an error when
// fewer remain.
func (d *decoder) take(n int, field string) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b)-d.off {
		d.fail("truncated: %s needs %d bytes at offset %d, %d left", field, n, d.off, len(d.b)-d.off)
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

// header checks the tag and the version.
func (d *decoder) header(tag string) {
	p := d.take(len(tag)+1, "the header")
	if p == nil {
		return
	}
	if got := string(p[:len(tag)]); got != tag {
		if other := tagName(got); other != "" {
			d.fail("this is a saved %s, not %s", other, d.name)
		} else {
			d.fail("tag %q, want %q: not an optimiser state", got, tag)
		}
		return
	}
	if v := p[len(tag)]; v != stateVersion {
		d.fail("format version %d, this build reads version %d", v, stateVersion)
	}
}

func (d *decoder) u64(field string) uint64 {
	p := d.take(8, field)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}

func (d *decoder) f64(field string) float64 { return math.Float64frombits(d.u64(field)) }

// count reads a length whose items take at least size bytes each, and
// checks it against the bytes left before anything is allocated.
func (d *decoder) count(field string, size int) int {
	n := d.u64(field)
	if d.err != nil {
		return 0
	}
	if left := uint64(len(d.b) - d.off); n > left/uint64(size) {
		d.fail("%s is %d, but only %d bytes are left", field, n, left)
		return 0
	}
	return int(n)
}

// int reads an int64 that must fit in an int and be at least 0.
func (d *decoder) int(field string) int {
	v := int64(d.u64(field))
	if d.err == nil && (v < 0 || int64(int(v)) != v) {
		d.fail("%s is %d, want a non-negative int", field, v)
		return 0
	}
	return int(v)
}

func (d *decoder) tensors(field string) [][]float32 {
	p := d.take(1, field)
	if p == nil || p[0] == 0 {
		return nil
	}
	if p[0] != 1 {
		d.fail("%s presence byte is %d, want 0 or 1", field, p[0])
		return nil
	}
	ts := make([][]float32, d.count(field+" count", 8))
	for i := range ts {
		n := d.count(field+" length", 4)
		b := d.take(4*n, field)
		if b == nil {
			return nil
		}
		ts[i] = make([]float32, n)
		for j := range ts[i] {
			ts[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
	}
	return ts
}

// finish reports the first error, or bytes left over after the last field.
func (d *decoder) finish() error {
	if d.err == nil && d.off != len(d.b) {
		d.fail("%d bytes left over after the last field", len(d.b)-d.off)
	}
	return d.err
}

// sameShapes reports whether a and b are both nil or hold slices of the
// same lengths.
func sameShapes(a, b [][]float32) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
	}
	return true
}
