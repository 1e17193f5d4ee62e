package datasets

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzReadIDX checks that ReadIDX never panics, that every error on an
// in-memory input is a *FormatError (bytes.Reader cannot fail), and that a
// successful read is consistent and survives WriteIDX unchanged. The seed
// corpus is in testdata/fuzz/FuzzReadIDX: valid raw and gzipped files,
// truncated ones, lying headers and bad magic numbers.
func FuzzReadIDX(f *testing.F) {
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadIDX(bytes.NewReader(in), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %q (%T) is not a *FormatError", err, err)
			}
			if fe.File != "fuzz" || fe.Offset < 0 || fe.Reason == "" {
				t.Fatalf("bad FormatError %+v", fe)
			}
			if x != nil {
				t.Fatalf("result %v %v returned with error %v", x.Type, x.Dims, err)
			}
			return
		}

		n := x.Type.Size()
		if n == 0 {
			t.Fatalf("unknown type %v accepted", x.Type)
		}
		if len(x.Dims) < 1 || len(x.Dims) > maxIDXDims {
			t.Fatalf("dims %v accepted", x.Dims)
		}
		for _, d := range x.Dims {
			if d < 1 {
				t.Fatalf("dims %v accepted", x.Dims)
			}
			n *= d
		}
		if len(x.Data) != n || n > MaxIDXBytes {
			t.Fatalf("len(Data) = %d, dims %v of %v need %d", len(x.Data), x.Dims, x.Type, n)
		}
		if x.Len() != x.Dims[0] {
			t.Fatalf("Len() = %d, Dims[0] = %d", x.Len(), x.Dims[0])
		}

		var buf bytes.Buffer
		if err := WriteIDX(&buf, x); err != nil {
			t.Fatalf("WriteIDX of what ReadIDX accepted: %v", err)
		}
		isGzip := len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b
		if !isGzip && !bytes.Equal(buf.Bytes(), in) {
			t.Fatalf("re-encoding differs from the raw input:\n got %q\nwant %q", buf.Bytes(), in)
		}
		y, err := ReadIDX(&buf, "fuzz-reencoded")
		if err != nil {
			t.Fatalf("ReadIDX of the re-encoding: %v", err)
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("round trip changed %+v into %+v", x, y)
		}
	})
}
