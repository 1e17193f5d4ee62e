package protocol

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzProtocol checks that Split, DecodeMessage and DecodeSync never
// panic on any output and nonce: Split cuts data at its first marker into
// parts that make data again, with the payload one line; a payload that
// decodes as a message or a sync line encodes as one line (but for the
// newlines of the nonce) that splits and decodes the same. The seeds are lines EncodeMessage and EncodeSync
// write, inside text, broken lines and, in testdata/fuzz/FuzzProtocol,
// what fuzzing found.
func FuzzProtocol(f *testing.F) {
	const nonce = "0f1e2d3c"
	line, err := EncodeMessage(nonce, &Message{Seq: 3, Type: Display, Cell: 2, Data: map[string]interface{}{"text/plain": "x\ny", "n": 1.5},
		Metadata: map[string]interface{}{"a": []interface{}{"b", nil, true}}, Ename: "e", Evalue: "v", Traceback: []string{"t"}, Line: 4})
	if err != nil {
		f.Fatal(err)
	}
	marker := Marker(nonce)
	for _, data := range [][]byte{
		append([]byte("partial"), append(line, "after"...)...),
		append([]byte("err text"), EncodeSync(nonce, 7)...),
		append(marker, "s-1\n"...), append(marker, "s99999999999999999999\n"...), append(marker, "m{\"seq\": 1.5}\n"...),
		append(marker, "mnull\n"...), append(marker, "x\n"...), append(marker, "m{"...), marker[:len(marker)-1], nil,
	} {
		f.Add(data, nonce)
	}
	f.Add(line, "")
	f.Fuzz(func(t *testing.T, data []byte, nonce string) {
		marker := Marker(nonce)
		before, payload, rest, found, complete := Split(data, marker)
		switch {
		case !found:
			if !bytes.Equal(before, data) || payload != nil || rest != nil || complete || bytes.Contains(data, marker) {
				t.Fatalf("no marker: Split = %q, %q, %q, %v", before, payload, rest, complete)
			}
			return
		case bytes.Contains(before, marker):
			t.Fatalf("Split found a marker after the first: before %q", before)
		case !complete:
			if payload != nil || !bytes.HasPrefix(rest, marker) || !bytes.Equal(append(bytes.Clone(before), rest...), data) ||
				bytes.IndexByte(rest[len(marker):], '\n') >= 0 {
				t.Fatalf("incomplete line: Split = %q, %q, %q", before, payload, rest)
			}
			return
		}
		whole := bytes.Join([][]byte{before, marker, payload, []byte("\n"), rest}, nil)
		if !bytes.Equal(whole, data) || bytes.IndexByte(payload, '\n') >= 0 {
			t.Fatalf("Split = %q, %q, %q of %q", before, payload, rest, data)
		}

		if m, err := DecodeMessage(payload); err == nil {
			line, err := EncodeMessage(nonce, m)
			if err != nil {
				t.Fatalf("EncodeMessage of a decoded message: %v", err)
			}
			if bytes.Count(line, []byte("\n")) != 1+bytes.Count(marker, []byte("\n")) || line[len(line)-1] != '\n' {
				t.Fatalf("message line %q is not one line", line)
			}
			_, p, r, found, complete := Split(line, marker)
			again, err := DecodeMessage(p)
			if !found || !complete || len(r) != 0 || err != nil || !reflect.DeepEqual(again, m) {
				t.Fatalf("message %+v encoded as %q decodes as %+v, %v", m, line, again, err)
			}
		} else if m != nil {
			t.Fatalf("message %+v with error %v", m, err)
		}
		if seq, err := DecodeSync(payload); err == nil {
			_, p, _, _, _ := Split(EncodeSync(nonce, seq), marker)
			if again, err := DecodeSync(p); err != nil || again != seq {
				t.Fatalf("sync %d decodes as %d, %v", seq, again, err)
			}
		}
	})
}
