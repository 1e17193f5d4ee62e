package datasets

import (
	"bytes"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzParseEmail checks that ParseEmail never panics, that everything it
// returns is valid UTF-8, that its text stays within a constant factor of
// the input (at most 3 bytes out per byte in, for U+FFFD, plus a line
// break per part), that its defects stay bounded, that it is deterministic
// and that it leaves its input alone. The seed corpus is in
// testdata/fuzz/FuzzParseEmail: the fixtures of testdata/spam and broken
// messages (deep nesting, lying boundaries, unclosed tags and comments,
// bad encodings).
func FuzzParseEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		e := ParseEmail(in)
		if !bytes.Equal(in, orig) {
			t.Fatal("ParseEmail modified its input")
		}
		if len(e.Text) > 4*len(in)+1 {
			t.Fatalf("text of %d bytes from %d bytes of input", len(e.Text), len(in))
		}
		if len(e.Defects) > maxDefects {
			t.Fatalf("%d defects, want at most %d", len(e.Defects), maxDefects)
		}
		for _, s := range append([]string{e.Subject, e.From, e.Text}, e.Defects...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		for k, vs := range e.Header {
			for _, v := range append([]string{k}, vs...) {
				if !utf8.ValidString(v) {
					t.Fatalf("invalid UTF-8 in header %q: %q", k, v)
				}
			}
		}
		if again := ParseEmail(in); !reflect.DeepEqual(again, e) {
			t.Fatalf("second parse differs:\n%+v\n%+v", again, e)
		}
	})
}
