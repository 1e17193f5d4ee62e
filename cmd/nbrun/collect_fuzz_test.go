package main

import (
	"bytes"
	"testing"

	"github.com/gomtl/gomtl/cmd/nbrun/internal/protocol"
)

// fuzzNonce is the nonce of FuzzCollect's protocol lines.
const fuzzNonce = "0f1e2d3c"

// FuzzCollect checks that collect never panics on any standard output and
// error of a notebook program, and that it returns nbformat outputs only:
// streams named stdout or stderr holding text, display data, results and
// errors; an error output and a failure unless the program said it was
// done; and, when no message made the current cell negative and the
// program began a cell or did not say it was done, streams that hold
// every byte of both outputs outside the complete protocol lines. The
// seeds are outputs of a program as package protocol encodes them,
// interleaved with text, and broken lines.
func FuzzCollect(f *testing.F) {
	msg := func(m protocol.Message) []byte {
		b, err := protocol.EncodeMessage(fuzzNonce, &m)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	sync := func(seq int) []byte { return protocol.EncodeSync(fuzzNonce, seq) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	begin := msg(protocol.Message{Seq: 1, Type: protocol.Begin, Cell: 0})
	display := msg(protocol.Message{Seq: 2, Type: protocol.Display, Cell: 0, Data: map[string]any{"text/plain": "x\ny"}, Metadata: map[string]any{"a": 1}})
	result := msg(protocol.Message{Seq: 3, Type: protocol.Result, Cell: 0, Data: map[string]any{"text/html": "<b>6</b>", "text/plain": "6"}})
	end := msg(protocol.Message{Seq: 4, Type: protocol.End, Cell: 0})
	begin2 := msg(protocol.Message{Seq: 5, Type: protocol.Begin, Cell: 2})
	fail := msg(protocol.Message{Seq: 6, Type: protocol.Error, Cell: 2, Ename: "panic", Evalue: "boom", Traceback: []string{"boom", "cell2.go:3"}, Line: 3})
	done := msg(protocol.Message{Seq: 7, Type: protocol.Done})
	for _, s := range [][2][]byte{
		{cat([]byte("early\n"), begin, []byte("a\rb\n"), display, result, []byte("tail"), end, begin2, []byte("x"), done), cat([]byte("warn\n"), sync(1), []byte("e1"), sync(5), sync(7))},
		{cat(begin, []byte("a"), begin2, fail), cat(sync(1), []byte("panic: boom\n\ngoroutine 1 [running]:\nmain.cell2()\n\tcell2.go:3 +0x1d\n"), sync(6))},
		{cat(begin, []byte("a")), []byte("fatal error: all goroutines are asleep - deadlock!\n")},
		{cat(begin, begin[:len(begin)-1]), cat(sync(1), sync(2)[:5])},
		{cat(protocol.Marker(fuzzNonce), []byte("m{bad json}\n"), protocol.Marker(fuzzNonce), []byte("x\n"), done), cat(protocol.Marker(fuzzNonce), []byte("snope\n"))},
		{msg(protocol.Message{Seq: 1, Type: protocol.Begin, Cell: -1}), nil},
		{nil, nil},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, stdout, stderr []byte) {
		col := collect(stdout, stderr, fuzzNonce, nil, func(i int) int { return i + 1 }, 0)
		marker := protocol.Marker(fuzzNonce)

		// The text outside complete protocol lines, and what the
		// messages say.
		textOut, negative, begun := 0, false, false
		for rest := stdout; ; {
			before, payload, r, found, complete := protocol.Split(rest, marker)
			if !found || !complete {
				textOut += len(rest)
				break
			}
			textOut += len(before)
			rest = r
			if m, err := protocol.DecodeMessage(payload); err == nil && m.Type == protocol.Begin {
				negative = negative || m.Cell < 0
				begun = true
			}
		}
		textErr := 0
		for rest := stderr; ; {
			before, _, r, found, complete := protocol.Split(rest, marker)
			if !found || !complete {
				textErr += len(rest)
				break
			}
			textErr += len(before)
			rest = r
		}

		streamed := map[string]int{}
		for cell, outputs := range col.outputs {
			for i, o := range outputs {
				m, ok := o.(map[string]any)
				if !ok {
					t.Fatalf("cell %d: output %d is a %T", cell, i, o)
				}
				switch m["output_type"] {
				case "stream":
					text, ok := m["text"].(string)
					if name := m["name"]; !ok || (name != "stdout" && name != "stderr") || text == "" {
						t.Fatalf("cell %d: output %d: stream %v of %T", cell, i, name, m["text"])
					}
					streamed[m["name"].(string)] += len(text)
				case "display_data", "execute_result":
					if _, ok := m["data"].(map[string]any); !ok {
						t.Fatalf("cell %d: output %d: data %T", cell, i, m["data"])
					}
					if _, ok := m["metadata"].(map[string]any); !ok {
						t.Fatalf("cell %d: output %d: metadata %T", cell, i, m["metadata"])
					}
				case "error":
					if _, ok := m["traceback"].([]any); !ok {
						t.Fatalf("cell %d: output %d: traceback %T", cell, i, m["traceback"])
					}
				default:
					t.Fatalf("cell %d: output %d of type %v", cell, i, m["output_type"])
				}
			}
		}
		if !col.done && col.failure == nil {
			t.Fatal("neither done nor failed")
		}
		if !negative && (begun || !col.done) && (streamed["stdout"] != textOut || streamed["stderr"] != textErr) {
			t.Fatalf("streams hold %d bytes of stdout and %d of stderr, the program wrote %d and %d outside protocol lines",
				streamed["stdout"], streamed["stderr"], textOut, textErr)
		}
	})
}
