package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// MaxIDXBytes is the largest IDX payload ReadIDX accepts. A header that
// claims more is refused before anything is allocated.
const MaxIDXBytes = 1 << 30

// maxIDXDims is the largest dimension count ReadIDX accepts.
const maxIDXDims = 8

// firstChunk is the initial payload buffer when the input's size is unknown;
// the buffer doubles, up to the size the header claims, as bytes arrive.
const firstChunk = 64 << 10

// ElemType is the element type of an IDX file: the third byte of its magic
// number.
type ElemType byte

// The IDX element types.
const (
	IDXUint8   ElemType = 0x08
	IDXInt8    ElemType = 0x09
	IDXInt16   ElemType = 0x0B
	IDXInt32   ElemType = 0x0C
	IDXFloat32 ElemType = 0x0D
	IDXFloat64 ElemType = 0x0E
)

// Size returns the size of one element in bytes, or 0 for an unknown type.
func (t ElemType) Size() int {
	switch t {
	case IDXUint8, IDXInt8:
		return 1
	case IDXInt16:
		return 2
	case IDXInt32, IDXFloat32:
		return 4
	case IDXFloat64:
		return 8
	}
	return 0
}

// String returns the Go name of the element type ("uint8", "float32", ...),
// or "ElemType(0xNN)" for an unknown type.
func (t ElemType) String() string {
	switch t {
	case IDXUint8:
		return "uint8"
	case IDXInt8:
		return "int8"
	case IDXInt16:
		return "int16"
	case IDXInt32:
		return "int32"
	case IDXFloat32:
		return "float32"
	case IDXFloat64:
		return "float64"
	}
	return fmt.Sprintf("ElemType(%#02x)", byte(t))
}

// IDX is the content of an IDX file
// (http://yann.lecun.com/exdb/mnist/ format).
type IDX struct {
	Type ElemType
	Dims []int
	// Data holds the raw big-endian element bytes, len(Data) ==
	// prod(Dims)*Type.Size().
	Data []byte
}

// Len returns the number of items, Dims[0], or 0 for a nil or
// dimensionless IDX.
func (x *IDX) Len() int {
	if x == nil || len(x.Dims) == 0 {
		return 0
	}
	return x.Dims[0]
}

// Pixels returns the values of a uint8 IDX scaled to [0, 1] (value/255),
// the scaling MNIST uses. Other element types are an error.
func (x *IDX) Pixels() ([]float32, error) {
	if x == nil {
		return nil, fmt.Errorf("datasets: pixels of a nil IDX")
	}
	if x.Type != IDXUint8 {
		return nil, fmt.Errorf("datasets: pixels need a uint8 IDX, not %v", x.Type)
	}
	out := make([]float32, len(x.Data))
	for i, v := range x.Data {
		out[i] = float32(v) / 255
	}
	return out, nil
}

// FormatError reports a malformed IDX file.
type FormatError struct {
	File   string // the name given to ReadIDX, or the path given to ReadIDXFile
	Offset int64  // byte offset of the problem; in the decompressed stream for a gzipped file
	Reason string
}

// Error returns "datasets: <file>: offset <n>: <reason>".
func (e *FormatError) Error() string {
	return fmt.Sprintf("datasets: %s: offset %d: %s", e.File, e.Offset, e.Reason)
}

// ReadIDX reads one IDX file, raw or gzipped, from r. The name is used in
// errors only. Gzip is recognised by its magic bytes 0x1f 0x8b.
//
// Every malformed input gives a *FormatError: a bad magic number, an unknown
// element type, a dimension count outside [1, 8], a zero dimension, a payload
// larger than MaxIDXBytes, a payload shorter than the header says, bytes
// after the payload, or a corrupt gzip stream. An error from r itself is
// returned wrapped. The payload buffer grows as bytes arrive, so the header
// is never trusted for allocation.
func ReadIDX(r io.Reader, name string) (*IDX, error) {
	return readIDX(r, name, -1)
}

// ReadIDXFile reads the IDX file at path, raw or gzipped; see ReadIDX.
// Errors name the path.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return readIDX(f, path, size)
}

// readIDX reads an IDX file from r. size is the length of r in bytes when it
// is known (a regular file), or -1; a raw file known to hold the whole
// payload gets its buffer allocated at once.
func readIDX(r io.Reader, name string, size int64) (*IDX, error) {
	if r == nil {
		return nil, fmt.Errorf("datasets: %s: nil reader", name)
	}
	d := &idxDecoder{name: name, src: &errRecorder{r: r}}
	br := bufio.NewReader(d.src)
	d.in = br
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, d.streamErr(err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, d.gzipErr(err)
		}
		defer zr.Close()
		d.in = zr
		d.gzip = true
		size = -1
	}

	typ, dims, payload, err := d.header()
	if err != nil {
		return nil, err
	}
	exact := size >= 0 && size-d.off >= int64(payload)
	data, err := d.payload(payload, exact, typ, dims)
	if err != nil {
		return nil, err
	}
	var one [1]byte
	n, err := d.read(one[:])
	if n > 0 {
		return nil, d.formatErr(d.off-1, "file longer than its header says (%d header and %d payload bytes)", 4+4*len(dims), payload)
	}
	if err != io.EOF {
		return nil, d.streamErr(err)
	}
	return &IDX{Type: typ, Dims: dims, Data: data}, nil
}

// idxDecoder reads an IDX stream, keeping the offset for errors.
type idxDecoder struct {
	name string
	src  *errRecorder // the caller's reader
	in   io.Reader    // the IDX byte stream: src, buffered and maybe gunzipped
	gzip bool
	off  int64 // bytes of the IDX stream consumed
}

// header reads and checks the magic number and dimensions, returning the
// payload size in bytes.
func (d *idxDecoder) header() (ElemType, []int, int, error) {
	var magic [4]byte
	if n, err := d.read(magic[:]); n < len(magic) {
		if err != io.EOF {
			return 0, nil, 0, d.streamErr(err)
		}
		if n == 0 {
			return 0, nil, 0, d.formatErr(0, "empty file")
		}
		return 0, nil, 0, d.formatErr(d.off, "file ends inside the 4-byte magic number")
	}
	m := binary.BigEndian.Uint32(magic[:])
	switch {
	case magic[0] != 0:
		return 0, nil, 0, d.formatErr(0, "magic number %#08x does not start with two zero bytes", m)
	case magic[1] != 0:
		return 0, nil, 0, d.formatErr(1, "magic number %#08x does not start with two zero bytes", m)
	}
	typ := ElemType(magic[2])
	if typ.Size() == 0 {
		return 0, nil, 0, d.formatErr(2, "unknown element type %#02x", magic[2])
	}
	nd := int(magic[3])
	if nd < 1 || nd > maxIDXDims {
		return 0, nil, 0, d.formatErr(3, "dimension count %d outside [1, %d]", nd, maxIDXDims)
	}

	var buf [4 * maxIDXDims]byte
	raw := buf[:4*nd]
	if n, err := d.read(raw); n < len(raw) {
		if err != io.EOF {
			return 0, nil, 0, d.streamErr(err)
		}
		return 0, nil, 0, d.formatErr(d.off, "file ends inside the header (%d dimensions need %d bytes)", nd, len(raw))
	}
	dims32 := make([]uint32, nd)
	for i := range dims32 {
		dims32[i] = binary.BigEndian.Uint32(raw[4*i:])
		if dims32[i] == 0 {
			return 0, nil, 0, d.formatErr(int64(4+4*i), "dimension %d is zero", i)
		}
	}
	total, ok := idxBytes(typ, dims32)
	if !ok {
		return 0, nil, 0, d.formatErr(4, "dimensions %v of %s need more than MaxIDXBytes (%d) bytes", dims32, typ, MaxIDXBytes)
	}
	// Every dimension is at most total <= MaxIDXBytes, so each fits an int.
	dims := make([]int, nd)
	for i, v := range dims32 {
		dims[i] = int(v)
	}
	return typ, dims, total, nil
}

// idxBytes returns prod(dims)*typ.Size(), or false when that exceeds
// MaxIDXBytes. It cannot overflow: every partial product stays at or below
// MaxIDXBytes.
func idxBytes(typ ElemType, dims []uint32) (int, bool) {
	total := uint64(typ.Size())
	if total == 0 {
		return 0, false
	}
	for _, v := range dims {
		if v == 0 {
			return 0, true
		}
		if uint64(v) > MaxIDXBytes/total {
			return 0, false
		}
		total *= uint64(v)
	}
	return int(total), true
}

// payload reads n bytes. Unless exact, the buffer starts small and doubles
// as bytes arrive, so a lying header costs nothing.
func (d *idxDecoder) payload(n int, exact bool, typ ElemType, dims []int) ([]byte, error) {
	c := n
	if !exact {
		c = min(n, firstChunk)
	}
	buf := make([]byte, 0, c)
	start := d.off
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		m, err := d.read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF && len(buf) < n {
			return nil, d.formatErr(d.off, "file ends after %d of %d payload bytes (%s %v, payload starts at offset %d)", len(buf), n, typ, dims, start)
		}
		if err != nil && err != io.EOF {
			return nil, d.streamErr(err)
		}
	}
	return buf, nil
}

// read fills p from the IDX stream, like io.ReadFull, but returns the
// stream's own error: io.EOF when the stream ended cleanly before p was
// full, nil when p is full.
func (d *idxDecoder) read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := d.in.Read(p[n:])
		n += m
		d.off += int64(m)
		if err != nil {
			if err == io.EOF && n == len(p) {
				return n, nil
			}
			return n, err
		}
	}
	return n, nil
}

func (d *idxDecoder) formatErr(off int64, format string, args ...any) error {
	return &FormatError{File: d.name, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// streamErr classifies a read error other than a clean io.EOF: a failure of
// the caller's reader is an I/O error; anything else from a gzip stream means
// the stream is corrupt.
func (d *idxDecoder) streamErr(err error) error {
	if d.src.err != nil {
		return fmt.Errorf("datasets: %s: read at offset %d: %w", d.name, d.off, err)
	}
	if d.gzip {
		return d.gzipErr(err)
	}
	return fmt.Errorf("datasets: %s: read at offset %d: %w", d.name, d.off, err)
}

func (d *idxDecoder) gzipErr(err error) error {
	if d.src.err != nil {
		return fmt.Errorf("datasets: %s: read at offset %d: %w", d.name, d.off, err)
	}
	return d.formatErr(d.off, "corrupt gzip stream: %v", err)
}

// errRecorder remembers the first error other than io.EOF from r, so that
// I/O failures can be told apart from corrupt data.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// WriteIDX writes x to w as a raw (not gzipped) IDX file with a big-endian
// header. It checks x as ReadIDX would and writes nothing if x is invalid.
func WriteIDX(w io.Writer, x *IDX) error {
	if x == nil {
		return errors.New("datasets: write idx: nil IDX")
	}
	if x.Type.Size() == 0 {
		return fmt.Errorf("datasets: write idx: unknown element type %#02x", byte(x.Type))
	}
	if len(x.Dims) < 1 || len(x.Dims) > maxIDXDims {
		return fmt.Errorf("datasets: write idx: dimension count %d outside [1, %d]", len(x.Dims), maxIDXDims)
	}
	hdr := make([]byte, 4, 4+4*len(x.Dims))
	hdr[2] = byte(x.Type)
	hdr[3] = byte(len(x.Dims))
	dims32 := make([]uint32, len(x.Dims))
	for i, v := range x.Dims {
		if v < 1 || uint64(v) > math.MaxUint32 {
			return fmt.Errorf("datasets: write idx: dimension %d is %d, want [1, %d]", i, v, uint64(math.MaxUint32))
		}
		dims32[i] = uint32(v)
		hdr = binary.BigEndian.AppendUint32(hdr, dims32[i])
	}
	total, ok := idxBytes(x.Type, dims32)
	if !ok {
		return fmt.Errorf("datasets: write idx: dimensions %v of %s need more than MaxIDXBytes (%d) bytes", x.Dims, x.Type, MaxIDXBytes)
	}
	if len(x.Data) != total {
		return fmt.Errorf("datasets: write idx: %d data bytes, dimensions %v of %s need %d", len(x.Data), x.Dims, x.Type, total)
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("datasets: write idx: %w", err)
	}
	if _, err := w.Write(x.Data); err != nil {
		return fmt.Errorf("datasets: write idx: %w", err)
	}
	return nil
}
