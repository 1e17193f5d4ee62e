package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// idxHeader returns an IDX header with the given magic bytes and dims,
// written by hand so that it can be malformed.
func idxHeader(m0, m1 byte, typ ElemType, nd byte, dims ...uint32) []byte {
	b := []byte{m0, m1, byte(typ), nd}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

// idxFile returns a well-formed header for typ and dims followed by data.
func idxFile(typ ElemType, dims []uint32, data []byte) []byte {
	return append(idxHeader(0, 0, typ, byte(len(dims)), dims...), data...)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// seq returns n bytes 1, 2, 3, ...
func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i + 1)
	}
	return b
}

func TestElemType(t *testing.T) {
	// Sizes and codes from http://yann.lecun.com/exdb/mnist/ ("THE IDX FILE FORMAT").
	tests := []struct {
		typ  ElemType
		size int
		str  string
	}{
		{0x08, 1, "uint8"},
		{0x09, 1, "int8"},
		{0x0B, 2, "int16"},
		{0x0C, 4, "int32"},
		{0x0D, 4, "float32"},
		{0x0E, 8, "float64"},
		{0x0A, 0, "ElemType(0x0a)"},
		{0x00, 0, "ElemType(0x00)"},
		{0xFF, 0, "ElemType(0xff)"},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			if got := tt.typ.Size(); got != tt.size {
				t.Errorf("Size() = %d, want %d", got, tt.size)
			}
			if got := tt.typ.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
}

func TestFormatErrorText(t *testing.T) {
	err := &FormatError{File: "a/b.idx", Offset: 12, Reason: "dimension 2 is zero"}
	want := "datasets: a/b.idx: offset 12: dimension 2 is zero"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestReadIDXGood(t *testing.T) {
	twoMembers := func(t *testing.T) []byte {
		// A gzip file may hold several members; they decompress to one stream.
		f := idxFile(IDXUint8, []uint32{4}, seq(4))
		return append(gzipBytes(t, f[:6]), gzipBytes(t, f[6:])...)
	}
	tests := []struct {
		name string
		typ  ElemType
		dims []int
		// in builds the input; nil means idxFile of typ, dims and seq data,
		// tried both raw and gzipped.
		in func(t *testing.T) []byte
	}{
		{name: "uint8 1d", typ: IDXUint8, dims: []int{3}},
		{name: "int8 2d", typ: IDXInt8, dims: []int{2, 2}},
		{name: "int16 2d", typ: IDXInt16, dims: []int{2, 3}},
		{name: "int32 single", typ: IDXInt32, dims: []int{1}},
		{name: "float32 3d", typ: IDXFloat32, dims: []int{2, 2, 1}},
		{name: "float64 8 dims", typ: IDXFloat64, dims: []int{1, 1, 1, 1, 1, 1, 1, 2}},
		{name: "mnist-like images", typ: IDXUint8, dims: []int{3, 28, 28}},
		{name: "payload above first chunk", typ: IDXInt32, dims: []int{3, firstChunk/4 + 5}},
		{name: "two gzip members", typ: IDXUint8, dims: []int{4}, in: twoMembers},
	}
	for _, tt := range tests {
		dims32 := make([]uint32, len(tt.dims))
		for i, d := range tt.dims {
			dims32[i] = uint32(d)
		}
		n := tt.typ.Size()
		for _, d := range tt.dims {
			n *= d
		}
		want := &IDX{Type: tt.typ, Dims: tt.dims, Data: seq(n)}
		raw := idxFile(tt.typ, dims32, seq(n))
		inputs := map[string][]byte{}
		if tt.in != nil {
			inputs["custom"] = tt.in(t)
		} else {
			inputs["raw"] = raw
			inputs["gzip"] = gzipBytes(t, raw)
		}
		for enc, in := range inputs {
			readers := map[string]io.Reader{
				"bytes":    bytes.NewReader(in),
				"one byte": iotest.OneByteReader(bytes.NewReader(in)),
				"data+EOF": iotest.DataErrReader(bytes.NewReader(in)),
			}
			for rname, r := range readers {
				t.Run(tt.name+"/"+enc+"/"+rname, func(t *testing.T) {
					got, err := ReadIDX(r, "good.idx")
					if err != nil {
						t.Fatalf("ReadIDX: %v", err)
					}
					if got.Type != want.Type || !reflect.DeepEqual(got.Dims, want.Dims) || !bytes.Equal(got.Data, want.Data) {
						t.Fatalf("ReadIDX = %v %v (%d bytes), want %v %v (%d bytes)", got.Type, got.Dims, len(got.Data), want.Type, want.Dims, len(want.Data))
					}
					if got.Len() != tt.dims[0] {
						t.Errorf("Len() = %d, want %d", got.Len(), tt.dims[0])
					}
				})
			}
		}
	}
}

func TestReadIDXBad(t *testing.T) {
	// Each case is tried raw and gzipped: the offsets count bytes of the
	// decompressed stream, so they are the same for both.
	tests := []struct {
		name   string
		in     []byte
		offset int64
		substr string
	}{
		{"empty", nil, 0, "empty file"},
		{"short magic", []byte{0, 0, 8}, 3, "file ends inside the 4-byte magic number"},
		{"first magic byte", append(idxHeader(1, 0, IDXUint8, 1, 1), 7), 0, "magic number 0x01000801 does not start with two zero bytes"},
		{"second magic byte", append(idxHeader(0, 2, IDXUint8, 1, 1), 7), 1, "magic number 0x00020801 does not start with two zero bytes"},
		{"unknown type", append(idxHeader(0, 0, 0x07, 1, 1), 7), 2, "unknown element type 0x07"},
		{"zero dims", idxHeader(0, 0, IDXUint8, 0), 3, "dimension count 0 outside [1, 8]"},
		{"nine dims", idxHeader(0, 0, IDXUint8, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1), 3, "dimension count 9 outside [1, 8]"},
		{"header cut in dims", idxHeader(0, 0, IDXUint8, 2, 1, 1)[:10], 10, "file ends inside the header (2 dimensions need 8 bytes)"},
		{"zero dimension", idxHeader(0, 0, IDXUint8, 2, 2, 0), 8, "dimension 1 is zero"},
		{"too big", idxHeader(0, 0, IDXFloat64, 1, 1<<27+1), 4, "need more than MaxIDXBytes (1073741824) bytes"},
		{"overflowing dims", idxHeader(0, 0, IDXInt32, 3, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), 4, "need more than MaxIDXBytes"},
		{"header only", idxFile(IDXUint8, []uint32{2}, nil), 8, "file ends after 0 of 2 payload bytes (uint8 [2], payload starts at offset 8)"},
		{"short payload", idxFile(IDXInt16, []uint32{3}, seq(5)), 13, "file ends after 5 of 6 payload bytes (int16 [3]"},
		{"lying header at the limit", idxFile(IDXUint8, []uint32{1 << 30}, seq(3)), 11, "file ends after 3 of 1073741824 payload bytes"},
		{"one trailing byte", idxFile(IDXUint8, []uint32{2}, seq(3)), 10, "file longer than its header says (8 header and 2 payload bytes)"},
		{"many trailing bytes", idxFile(IDXUint8, []uint32{1, 1}, seq(100)), 13, "file longer than its header says"},
	}
	for _, tt := range tests {
		for _, enc := range []string{"raw", "gzip"} {
			t.Run(tt.name+"/"+enc, func(t *testing.T) {
				in := tt.in
				if enc == "gzip" {
					in = gzipBytes(t, in)
				}
				x, err := ReadIDX(bytes.NewReader(in), "bad.idx")
				checkFormatError(t, x, err, "bad.idx", tt.offset, tt.substr)
			})
		}
	}
}

func TestReadIDXCorruptGzip(t *testing.T) {
	good := gzipBytes(t, idxFile(IDXUint8, []uint32{4, 4}, seq(16)))
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0xFF
		return b
	}
	tests := []struct {
		name   string
		in     []byte
		substr string
	}{
		{"magic only", []byte{0x1f, 0x8b}, "corrupt gzip stream: unexpected EOF"},
		{"unknown compression method", append([]byte{0x1f, 0x8b, 7}, make([]byte, 20)...), "corrupt gzip stream: gzip: invalid header"},
		{"bad crc", flip(len(good) - 8), "corrupt gzip stream: gzip: invalid checksum"},
		{"bad size", flip(len(good) - 1), "corrupt gzip stream: gzip: invalid checksum"},
		{"truncated trailer", good[:len(good)-4], "corrupt gzip stream: unexpected EOF"},
		{"truncated data", good[:len(good)/2], "corrupt gzip stream"},
		{"garbage after member", append(bytes.Clone(good), []byte("not a gzip member")...), "corrupt gzip stream: gzip: invalid header"},
		{"bad deflate block", append(bytes.Clone(good[:10]), 0xFF, 0xFF, 0xFF, 0xFF), "corrupt gzip stream: flate: corrupt input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ReadIDX(bytes.NewReader(tt.in), "bad.idx.gz")
			checkFormatError(t, x, err, "bad.idx.gz", -1, tt.substr)
		})
	}
}

// checkFormatError asserts that err is a *FormatError for file with the
// given offset (unless offset < 0) and a reason containing substr.
func checkFormatError(t *testing.T, x *IDX, err error, file string, offset int64, substr string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, got %v %v", x.Type, x.Dims)
	}
	if x != nil {
		t.Errorf("got a result %v %v with error %v", x.Type, x.Dims, err)
	}
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %q (%T) is not a *FormatError", err, err)
	}
	if fe.File != file {
		t.Errorf("File = %q, want %q", fe.File, file)
	}
	if offset >= 0 && fe.Offset != offset {
		t.Errorf("Offset = %d, want %d (%v)", fe.Offset, offset, err)
	}
	if !strings.Contains(fe.Reason, substr) {
		t.Errorf("error %q does not contain %q", err, substr)
	}
	if !strings.HasPrefix(err.Error(), "datasets: "+file+": offset ") {
		t.Errorf("error %q does not start with the file and offset", err)
	}
}

func TestReadIDXReaderError(t *testing.T) {
	// A failing reader is an I/O error, wrapped, not a malformed file.
	boom := errors.New("disk on fire")
	raw := idxFile(IDXUint8, []uint32{64}, seq(64))
	tests := []struct {
		name string
		in   []byte
		cut  int
	}{
		{"raw before header", raw, 0},
		{"raw in header", raw, 6},
		{"raw in payload", raw, 20},
		{"gzip in stream", gzipBytes(t, raw), 12},
		{"gzip in header", gzipBytes(t, raw), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := io.MultiReader(bytes.NewReader(tt.in[:tt.cut]), iotest.ErrReader(boom))
			x, err := ReadIDX(r, "flaky.idx")
			if x != nil || !errors.Is(err, boom) {
				t.Fatalf("ReadIDX = %v, %v; want error wrapping %v", x, err, boom)
			}
			var fe *FormatError
			if errors.As(err, &fe) {
				t.Errorf("I/O error reported as a format error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "datasets: flaky.idx: ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := ReadIDX(nil, "nil.idx"); err == nil {
		t.Error("ReadIDX(nil) gave no error")
	}
}

// TestReadIDXLyingHeaderAllocs checks that a header claiming the largest
// payload allowed (1 GiB) on a tiny input costs nothing near that size.
func TestReadIDXLyingHeaderAllocs(t *testing.T) {
	lie := idxFile(IDXUint8, []uint32{1 << 29, 2}, seq(12))
	path := filepath.Join(t.TempDir(), "lie.idx")
	if err := os.WriteFile(path, lie, 0o644); err != nil {
		t.Fatal(err)
	}
	const limit = 1 << 20 // bytes per read; the header claims 1024 times that
	tests := []struct {
		name string
		read func() (*IDX, error)
	}{
		{"raw", func() (*IDX, error) { return ReadIDX(bytes.NewReader(lie), "lie.idx") }},
		{"gzip", func() (*IDX, error) { return ReadIDX(bytes.NewReader(gzipBytes(t, lie)), "lie.idx") }},
		{"file", func() (*IDX, error) { return ReadIDXFile(path) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const runs = 5
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				x, err := tt.read()
				var fe *FormatError
				if x != nil || !errors.As(err, &fe) || !strings.Contains(fe.Reason, "file ends after 12 of 1073741824 payload bytes") {
					t.Fatalf("ReadIDX = %v, %v; want a short-payload FormatError", x, err)
				}
			}
			runtime.ReadMemStats(&after)
			if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > limit {
				t.Errorf("allocated %d bytes per read of a %d-byte input, want at most %d", perRun, len(lie), limit)
			}
		})
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	raw := idxFile(IDXInt16, []uint32{2, 3}, seq(12))
	want := &IDX{Type: IDXInt16, Dims: []int{2, 3}, Data: seq(12)}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := []struct {
		name, file string
		in         []byte
	}{
		{"raw", "a-idx2-ubyte", raw},
		{"gzip", "a-idx2-ubyte.gz", gzipBytes(t, raw)},
		{"raw named .gz", "b-idx2-ubyte.gz", raw},
		{"gzip without .gz", "b-idx2-ubyte", gzipBytes(t, raw)},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadIDXFile(write(tt.file, tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ReadIDXFile = %+v, want %+v", got, want)
			}
		})
	}

	bad := []struct {
		name, file string
		in         []byte
		offset     int64
		substr     string
	}{
		{"short raw", "short", raw[:15], 15, "file ends after 3 of 12 payload bytes"},
		{"long raw", "long", append(bytes.Clone(raw), 0), 24, "file longer than its header says"},
		{"short gzip", "short.gz", gzipBytes(t, raw[:15]), 15, "file ends after 3 of 12 payload bytes"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			p := write(tt.file, tt.in)
			x, err := ReadIDXFile(p)
			checkFormatError(t, x, err, p, tt.offset, tt.substr)
		})
	}

	t.Run("missing", func(t *testing.T) {
		p := filepath.Join(dir, "missing")
		_, err := ReadIDXFile(p)
		var fe *FormatError
		if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &fe) || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadIDXFile(missing) = %v, want a not-exist error naming %s", err, p)
		}
	})
	t.Run("folder", func(t *testing.T) {
		if _, err := ReadIDXFile(dir); err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("ReadIDXFile(folder) = %v, want an error naming %s", err, dir)
		}
	})
}

func TestWriteIDX(t *testing.T) {
	good := &IDX{Type: IDXFloat32, Dims: []int{2, 1}, Data: seq(8)}
	var buf bytes.Buffer
	if err := WriteIDX(&buf, good); err != nil {
		t.Fatal(err)
	}
	// Header by hand: 0 0 type=0x0D ndims=2, then 2 and 1 as big-endian uint32.
	wantBytes := append([]byte{0, 0, 0x0D, 2, 0, 0, 0, 2, 0, 0, 0, 1}, seq(8)...)
	if !bytes.Equal(buf.Bytes(), wantBytes) {
		t.Errorf("WriteIDX wrote %v, want %v", buf.Bytes(), wantBytes)
	}

	tests := []struct {
		name   string
		x      *IDX
		substr string
	}{
		{"nil", nil, "nil IDX"},
		{"unknown type", &IDX{Type: 0x0A, Dims: []int{1}, Data: seq(1)}, "unknown element type 0x0a"},
		{"no dims", &IDX{Type: IDXUint8}, "dimension count 0"},
		{"nine dims", &IDX{Type: IDXUint8, Dims: []int{1, 1, 1, 1, 1, 1, 1, 1, 1}, Data: seq(1)}, "dimension count 9"},
		{"zero dim", &IDX{Type: IDXUint8, Dims: []int{2, 0}}, "dimension 1 is 0"},
		{"negative dim", &IDX{Type: IDXUint8, Dims: []int{-2}}, "dimension 0 is -2"},
		{"dim above uint32", &IDX{Type: IDXUint8, Dims: []int{1 << 40}}, "want [1, 4294967295]"},
		{"too big", &IDX{Type: IDXFloat64, Dims: []int{1 << 28}}, "need more than MaxIDXBytes"},
		{"short data", &IDX{Type: IDXInt16, Dims: []int{3}, Data: seq(5)}, "5 data bytes, dimensions [3] of int16 need 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteIDX(&buf, tt.x)
			if err == nil || !strings.Contains(err.Error(), tt.substr) || !strings.HasPrefix(err.Error(), "datasets: write idx: ") {
				t.Fatalf("WriteIDX = %v, want an error containing %q", err, tt.substr)
			}
			if buf.Len() != 0 {
				t.Errorf("WriteIDX wrote %d bytes of an invalid IDX", buf.Len())
			}
		})
	}

	t.Run("writer error", func(t *testing.T) {
		boom := errors.New("disk full")
		if err := WriteIDX(failWriter{boom}, good); !errors.Is(err, boom) {
			t.Errorf("WriteIDX = %v, want an error wrapping %v", err, boom)
		}
	})
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestIDXLenNil(t *testing.T) {
	var x *IDX
	if x.Len() != 0 || (&IDX{}).Len() != 0 {
		t.Error("Len of a nil or empty IDX is not 0")
	}
}

func TestPixels(t *testing.T) {
	got, err := (&IDX{Type: IDXUint8, Dims: []int{3}, Data: []byte{0, 51, 255}}).Pixels()
	if err != nil || len(got) != 3 || got[0] != 0 || got[1] != 0.2 || got[2] != 1 {
		t.Errorf("Pixels() = %v, %v; want [0 0.2 1]", got, err)
	}
	if _, err := (&IDX{Type: IDXInt16, Dims: []int{1}, Data: []byte{0, 1}}).Pixels(); err == nil {
		t.Error("Pixels() of an int16 IDX: no error")
	}
}
