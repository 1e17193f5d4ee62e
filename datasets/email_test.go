package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readFixture returns a file of testdata/spam.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "spam", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseEmailFixtures parses the hand-made messages of testdata/spam.
// The expected texts were worked out by hand from the fixtures: transfer
// encodings undone, HTML tags dropped (block tags leave a line break),
// entities decoded, attachments skipped.
func TestParseEmailFixtures(t *testing.T) {
	tests := []struct {
		file, subject, from, text string
		defect                    string // a substring of the only defect, "" for none
	}{
		{
			file:    "plain.eml",
			subject: "Lunch on Thursday?", // folded over two lines, joined with one space
			from:    "Alice <alice@example.org>",
			text:    "Hi Bob,\n\nshall we meet at noon? The usual place.\n-- \nAlice\n",
		},
		{
			file:    "quoted-printable.eml", // ISO-8859-1 bytes, CRLF, a soft line break, =3D
			subject: "Menu",
			from:    "Chef <chef@example.org>",
			text:    "Café crème at 10\u00a0am = ten o'clock.\r\nThis line is long enough to be broken by a soft line break in the middle of it.\r\n",
		},
		{
			file:    "base64.eml",
			subject: "Base64",
			from:    "\"Jörg\" <joerg@example.de>", // raw UTF-8 in a header is kept
			text:    "Grüße aus Köln!\nThe base64 body decodes to UTF-8 text.\n",
		},
		{
			file:    "alternative.eml", // both alternatives; script, style and comment dropped
			subject: "Cheap meds",
			from:    "Deals <deals@spam.example>",
			text: "Your mail reader cannot show HTML.\n" +
				"\n\n\nOffer\n\n\n\n\n\n\n\n\nBuy Viagra & more for <$5>\u00a0now!\n\nClick here if 1 < 2\n\n\n",
		},
		{
			file:    "nested.eml", // the PDF and the text attachment skipped, the embedded message kept
			subject: "Report attached",
			from:    "Carol <carol@example.org>",
			text: "See the attached report, page 3.\n" +
				"\nSee the attached report, page 3.\n" +
				"\nOriginal question\nWhat page is the summary on?",
		},
		{
			file:    "rfc2047.eml", // UTF-8 B and ISO-8859-1 Q encoded words, folded
			subject: "Écoutez la météo today",
			from:    "François <francois@example.fr>",
			text:    "Il fait beau.\n",
		},
		{
			file:    "html.eml", // no Content-Type, but an <html> tag
			subject: "No content type",
			from:    "promo@spam.example",
			text:    "\n\n\nWIN\n\na\u00a0prize!\n\n\n\n",
		},
		{
			file:    "bad-boundary.eml", // the parts use "--= Multipart", the header "=Multipart"
			subject: "Broken",
			from:    "Spammer <x@spam.example>",
			text: "This is a multipart MIME message.\n\n--= Multipart Boundary 0731021742\n" +
				"Content-Type: text/plain\n\nMake money fast.\n--= Multipart Boundary 0731021742--\n",
			defect: `multipart/alternative: boundary "=Multipart Boundary 0731021742": multipart: NextPart: EOF; read as text`,
		},
		{
			file:    "truncated-multipart.eml", // no closing boundary
			subject: "Cut short",
			from:    "Spammer <x@spam.example>",
			text:    "First part survives.\n\nSecond part is cut",
			defect:  `part 2: unexpected EOF; the part is kept as far as it goes`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := ParseEmail(readFixture(t, tt.file))
			if e.Subject != tt.subject || e.From != tt.from {
				t.Errorf("Subject %q, From %q; want %q, %q", e.Subject, e.From, tt.subject, tt.from)
			}
			if e.Text != tt.text {
				t.Errorf("Text\n got %q\nwant %q", e.Text, tt.text)
			}
			switch {
			case tt.defect == "" && len(e.Defects) > 0:
				t.Errorf("defects %q, want none", e.Defects)
			case tt.defect != "" && (len(e.Defects) != 1 || !strings.Contains(e.Defects[0], tt.defect)):
				t.Errorf("defects %q, want one holding %q", e.Defects, tt.defect)
			}
		})
	}
}

func TestParseEmailHeader(t *testing.T) {
	e := ParseEmail(readFixture(t, "plain.eml"))
	want := map[string][]string{
		"Return-Path": {"<alice@example.org>"}, // the mbox "From " line is not a field
		"From":        {"Alice <alice@example.org>"},
		"To":          {"bob@example.org"},
		"Subject":     {"Lunch on Thursday?"},
		"Date":        {"Thu, 22 Aug 2002 12:36:23 +0100"},
	}
	if !reflect.DeepEqual(map[string][]string(e.Header), want) {
		t.Errorf("Header %q, want %q", e.Header, want)
	}
	if d, err := e.Header.Date(); err != nil || d.Year() != 2002 {
		t.Errorf("Header.Date() = %v, %v; want a date in 2002", d, err)
	}
}

// TestParseEmailDegrades checks how ParseEmail works around broken
// messages: each case gives the text it should still read and a substring
// of each defect it should record.
func TestParseEmailDegrades(t *testing.T) {
	deep := "Content-Type: multipart/mixed; boundary=b0\n\n"
	for i := 1; i <= MaxMIMEDepth+1; i++ {
		deep += fmt.Sprintf("--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i-1, i)
	}
	deep += fmt.Sprintf("--b%d\n\ntoo deep\n", MaxMIMEDepth+1)
	for i := MaxMIMEDepth + 1; i >= 0; i-- {
		deep += fmt.Sprintf("--b%d--\n", i)
	}
	// 31 continuation lines before the first field: 15 defects recorded
	// and one entry counting the other 16.
	many := "\tcontinuation\n" + strings.Repeat(" again\n", 30) + "Subject: many\n\nbody"

	tests := []struct {
		name, in, subject, text string
		defects                 []string
	}{
		{"empty", "", "", "", nil},
		{"header only", "Subject: hi\n", "hi", "", nil},
		{"crlf", "Subject: hi\r\n\r\nbody\r\n", "hi", "body\r\n", nil},
		{"no blank line", "Subject: hi\nthis is no field\nmore", "hi", "this is no field\nmore",
			[]string{`header line 2: "this is no field" is not a header field; the body starts there`}},
		{"continuation first", " lost\nSubject: hi\n\nb", "hi", "b",
			[]string{"header line 1: continuation line before any field; skipped"}},
		{"space before colon", "Subject : hi\n\nb", "hi", "b", nil},
		{"bad content type", "Content-Type: text/\n\nb", "", "b",
			[]string{`Content-Type "text/": mime: expected token after slash; read as text/plain`}},
		{"bad parameter", "Content-Type: text/plain; charset\n\nb", "", "b",
			[]string{"mime: invalid media parameter; parameters ignored"}},
		{"unknown encoding", "Content-Transfer-Encoding: x-uuencode\n\nb", "", "b",
			[]string{`Content-Transfer-Encoding "x-uuencode" unknown; read as it is`}},
		{"bad quoted-printable", "Content-Transfer-Encoding: quoted-printable\n\na=\x01b\n", "", "a=\x01b\n",
			[]string{"quoted-printable body: quotedprintable: invalid unescaped byte 0x01 in body; read as it is"}},
		{"base64 junk", "Content-Transfer-Encoding: base64\n\naGV*sbG8=\n", "", "hello",
			[]string{"base64 body: bytes outside the base64 alphabet skipped"}},
		{"base64 unpadded", "Content-Transfer-Encoding: base64\n\naGk", "", "hi", nil},
		{"base64 lone last character", "Content-Transfer-Encoding: base64\n\naGVsbG8\nhZ", "", "hello!", nil},
		{"base64 stops at padding", "Content-Transfer-Encoding: base64\n\naGk=\naGk=", "", "hi", nil},
		{"multipart without boundary", "Content-Type: multipart/mixed\n\n--x\n\nb\n--x--\n", "", "--x\n\nb\n--x--\n",
			[]string{"multipart/mixed without a boundary; read as text"}},
		{"attachment at top", "Content-Disposition: attachment\n\nb", "", "", nil},
		{"image", "Content-Type: image/gif\n\nGIF89a", "", "", nil},
		{"unknown charset", "Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9", "", "\ufffd", nil},
		{"latin-1", "Content-Type: text/plain; charset=windows-1252\n\ncr\xe8me", "", "crème", nil},
		{"utf-8 labelled latin-1", "Content-Type: text/plain; charset=iso-8859-1\n\ncrème", "", "crème", nil},
		{"8-bit subject", "Subject: cr\xe8me\n\nb", "crème", "b", nil},
		{"8-bit body without charset", "\ncr\xe8me", "", "crème", nil},
		{"bad encoded word", "Subject: =?x-unknown?Q?caf=E9?=\n\nb", "caf\ufffd", "b", nil},
		{"too deep", deep, "", "", []string{fmt.Sprintf("MIME entities nested deeper than %d; skipped", MaxMIMEDepth)}},
		{"many defects", many, "many", "body", append(
			slicesRepeat("continuation line before any field; skipped", maxDefects-1), "16 more defects")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ParseEmail([]byte(tt.in))
			if e.Subject != tt.subject || e.Text != tt.text {
				t.Errorf("Subject %q, Text %q; want %q, %q", e.Subject, e.Text, tt.subject, tt.text)
			}
			if len(e.Defects) != len(tt.defects) {
				t.Fatalf("defects %q, want %d like %q", e.Defects, len(tt.defects), tt.defects)
			}
			for i, d := range tt.defects {
				if !strings.Contains(e.Defects[i], d) {
					t.Errorf("defect %d is %q, want it to hold %q", i, e.Defects[i], d)
				}
			}
		})
	}
}

// slicesRepeat returns n copies of s.
func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestHTMLText checks the tag stripper on the cases it has rules for.
func TestHTMLText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "no tags", "no tags"},
		{"block tags", "<p>a</p><P>b</P>", "\na\n\nb\n"},
		{"line break", "x<br/>y<BR>z", "x\ny\nz"},
		{"inline tags vanish", "V<b></b>iagra <font color=red>now</font>", "Viagra now"},
		{"attributes", `<a href="http://x.example/?a=1&b=2" title='t'>link</a>`, "link"},
		{"literal less-than", "1 < 2 and 3<4 <3", "1 < 2 and 3<4 <3"},
		{"no closing bracket", "a <b c", "a <b c"},
		{"script", "a<script>if (x<y) {document.write('<b>')}</script>b", "ab"},
		{"script any case", "a<SCRIPT language=js>x</ScRiPt >b", "ab"},
		{"script unclosed", "a<script>x<y", "a"},
		{"style", "<style type=text/css>p { color: red }</style>c", "c"},
		{"comment", "a<!-- <p>x</p> -->b", "ab"},
		{"comment unclosed", "a<!-- b", "a"},
		{"doctype", "<!DOCTYPE html>a", "a"},
		{"entities", "&amp;&lt;&gt;&quot;&#65;&#x42;&nbsp;&eacute;", "&<>\"AB\u00a0é"},
		{"escaped tag stays text", "&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"},
		{"entity without semicolon", "&amp &copy 2002", "& © 2002"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlText(tt.in); got != tt.want {
				t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func ExampleParseEmail() {
	raw := []byte("From: =?ISO-8859-1?Q?Fran=E7ois?= <f@example.fr>\n" +
		"Subject: Hello\n" +
		"Content-Type: text/html; charset=iso-8859-1\n" +
		"Content-Transfer-Encoding: quoted-printable\n" +
		"\n" +
		"<p>Caf=E9 at <b>noon</b>&nbsp;?</p>\n")
	e := ParseEmail(raw)
	fmt.Printf("%s | %s | %q | %d defects\n", e.From, e.Subject, e.Text, len(e.Defects))
	// Output: François <f@example.fr> | Hello | "\nCafé at noon\u00a0?\n\n" | 0 defects
}
