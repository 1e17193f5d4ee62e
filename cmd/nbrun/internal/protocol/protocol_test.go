package protocol

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	nonce := "abc"
	msg := &Message{Seq: 3, Type: Display, Cell: 2, Data: map[string]interface{}{"text/plain": "x\ny"}}
	line, err := EncodeMessage(nonce, msg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(line, []byte("\n")) != 1 {
		t.Fatalf("message line %q is not one line", line)
	}
	// User text without a final newline, then the message, then more text.
	data := append([]byte("partial"), line...)
	data = append(data, "after"...)
	before, payload, rest, found, complete := Split(data, Marker(nonce))
	if !found || !complete || string(before) != "partial" || string(rest) != "after" {
		t.Fatalf("Split = %q, %q, %q, %v, %v", before, payload, rest, found, complete)
	}
	got, err := DecodeMessage(payload)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != 3 || got.Type != Display || got.Cell != 2 || got.Data["text/plain"] != "x\ny" {
		t.Errorf("decoded %+v", got)
	}

	sync := EncodeSync(nonce, 7)
	_, payload, _, _, _ = Split(append([]byte("err text"), sync...), Marker(nonce))
	if seq, err := DecodeSync(payload); err != nil || seq != 7 {
		t.Errorf("DecodeSync = %d, %v", seq, err)
	}
	if _, err := DecodeSync([]byte("m{}")); err == nil {
		t.Error("a message line decoded as a sync line")
	}
}

func TestSplitIncomplete(t *testing.T) {
	m := Marker("n")
	tests := []struct {
		name            string
		data            string
		found, complete bool
	}{
		{"no marker", "plain text\n", false, false},
		{"marker without newline", "text" + string(m) + "s1", true, false},
		{"other nonce", "text" + string(Marker("other")) + "s1\n", false, false},
	}
	for _, tt := range tests {
		_, _, _, found, complete := Split([]byte(tt.data), m)
		if found != tt.found || complete != tt.complete {
			t.Errorf("%s: found %v complete %v, want %v %v", tt.name, found, complete, tt.found, tt.complete)
		}
	}
}
