package datasets

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// MaxMIMEDepth is how deeply ParseEmail follows multiparts and embedded
// messages inside one another; deeper entities are skipped (and recorded
// as a defect).
const MaxMIMEDepth = 8

// maxDefects bounds Email.Defects; later defects are counted in the last
// entry.
const maxDefects = 16

// An Email is an e-mail message as ParseEmail reads it: its header and the
// readable text of its body. Every string in it is valid UTF-8.
type Email struct {
	// Header holds the header fields, keys in canonical form
	// (textproto.CanonicalMIMEHeaderKey), values unfolded and trimmed but
	// not otherwise decoded, in the order they appear.
	Header mail.Header
	// Subject and From are the Subject and From fields (the first of
	// each), with RFC 2047 encoded words decoded.
	Subject, From string
	// Text is the readable text of the body: every text/plain and
	// text/html part that is not an attachment, transfer-decoded, with
	// HTML reduced to its text, joined by newlines in the order they
	// appear. Both versions of a multipart/alternative are kept (spam
	// often hides its message in the HTML behind a plain-text excuse),
	// so the words of such a message count twice. An embedded message
	// (message/rfc822) contributes its Subject and its text.
	Text string
	// Defects lists what could not be read as the standards say and how
	// it was worked around, at most 16 entries; it is empty for a
	// well-formed message.
	Defects []string
}

// ParseEmail reads an RFC 822 / RFC 5322 message with MIME (RFC 2045-2047)
// bodies. It never fails: real mail is messy, so where the message breaks
// the rules ParseEmail records a defect in Email.Defects and does the
// sensible thing instead, as Python's email package does. In detail:
//
//   - An mbox "From " line before the first header field is skipped. The
//     header ends at the first empty line; a line that is neither a field
//     ("Name: value") nor a continuation (starting with a space or a tab)
//     ends it too, and starts the body (a defect). Continuation lines are
//     joined to their field with one space.
//   - The body's Content-Type decides what is read: text/plain and
//     text/html are read unless their Content-Disposition is attachment,
//     multipart/* parts are walked (mime/multipart), message/rfc822 is
//     parsed as a message, and every other type is skipped. A
//     missing Content-Type means text/plain, and such a body that holds
//     an <html> or <body> tag is read as HTML. An unreadable Content-Type
//     is read as text/plain (a defect).
//   - Content-Transfer-Encoding quoted-printable and base64 are decoded;
//     7bit, 8bit, binary and none are read as they are. A quoted-printable
//     body that does not decode, or an unknown encoding, is read as it is
//     (a defect); base64 is decoded leniently, skipping bytes outside its
//     alphabet (a defect unless they are white space) and stopping at the
//     padding.
//   - A multipart whose boundary is missing or never found is read as
//     text (a defect); parts after a broken part or a missing final
//     boundary are lost, the ones before are kept (a defect).
//   - Bytes are read as UTF-8 when they are valid UTF-8; otherwise as
//     ISO-8859-1 when the charset is missing (us-ascii, by RFC 2045, and
//     in practice 8-bit mail without a charset is mostly Latin-1) or one
//     of the western single-byte sets (us-ascii, iso-8859-1, iso-8859-15,
//     windows-1252), and as UTF-8 with each invalid sequence replaced by
//     U+FFFD for any other charset. Header fields, which have no charset,
//     are read the same way.
//   - HTML is reduced to its text: tags, comments and the contents of
//     <script> and <style> are dropped, block-level tags (p, div, br, td,
//     ...) become line breaks and inline ones (b, font, span, ...)
//     disappear, so that "V<b></b>iagra" reads "Viagra", and character
//     references are decoded with html.UnescapeString. A '<' that does not
//     start a tag is kept as text.
//
// The work and the memory are linear in len(raw): the text is at most
// about three times as long as raw, nesting stops at MaxMIMEDepth, and
// raw is never modified or kept.
func ParseEmail(raw []byte) *Email {
	p := &emailParser{e: &Email{}}
	hdr, body := p.splitHeader(raw, true)
	p.e.Header = hdr
	p.e.Subject = p.decodeHeader(hdr.Get("Subject"))
	p.e.From = p.decodeHeader(hdr.Get("From"))
	var texts []string
	p.entity(&texts, hdr, body, 0)
	p.e.Text = strings.Join(texts, "\n")
	return p.e
}

// emailParser parses one message, collecting its defects.
type emailParser struct {
	e     *Email
	extra int // defects beyond maxDefects
}

// defect records a problem of the message.
func (p *emailParser) defect(format string, args ...any) {
	switch n := len(p.e.Defects); {
	case n < maxDefects-1:
		p.e.Defects = append(p.e.Defects, validUTF8(fmt.Sprintf(format, args...)))
	case n == maxDefects-1:
		p.e.Defects = append(p.e.Defects, "more defects")
	default:
		p.extra++
		p.e.Defects[n-1] = fmt.Sprintf("%d more defects", p.extra+1)
	}
}

// header is what a message and a MIME part have in common: a header that
// can be asked for a field.
type header interface {
	Get(key string) string
}

// splitHeader reads the header fields at the start of raw and returns them
// and the body after them. top is true for a whole message, whose first
// line may be an mbox "From " line.
func (p *emailParser) splitHeader(raw []byte, top bool) (mail.Header, []byte) {
	hdr := mail.Header{}
	var name string
	var value strings.Builder
	flush := func() {
		if name != "" {
			hdr[name] = append(hdr[name], decodeCharset([]byte(value.String()), ""))
		}
		name = ""
		value.Reset()
	}
	rest := raw
	for lineNo := 1; len(rest) > 0; lineNo++ {
		line, next := cutLine(rest)
		switch {
		case len(line) == 0:
			flush()
			return hdr, next
		case line[0] == ' ' || line[0] == '\t':
			if name == "" {
				p.defect("header line %d: continuation line before any field; skipped", lineNo)
			} else if t := bytes.TrimSpace(line); len(t) > 0 {
				value.WriteByte(' ')
				value.Write(t)
			}
			rest = next
			continue
		case top && lineNo == 1 && bytes.HasPrefix(line, []byte("From ")):
			rest = next // mbox separator
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 || !validFieldName(bytes.TrimRight(line[:colon], " \t")) {
			flush()
			p.defect("header line %d: %q is not a header field; the body starts there", lineNo, clip(line, 40))
			return hdr, rest
		}
		flush()
		name = textproto.CanonicalMIMEHeaderKey(string(bytes.TrimRight(line[:colon], " \t")))
		value.Write(bytes.TrimSpace(line[colon+1:]))
		rest = next
	}
	flush()
	return hdr, nil
}

// cutLine returns the first line of b, without its line ending (LF or
// CRLF), and what follows it.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte("\r")), nil
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:]
}

// validFieldName reports whether b is a header field name: printable
// ASCII other than ':' (RFC 5322 section 3.6.8), at least one byte.
func validFieldName(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return len(b) > 0
}

// clip returns at most n bytes of b, for defect messages.
func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// decodeHeader decodes the RFC 2047 encoded words of a header value.
func (p *emailParser) decodeHeader(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	dec := mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		return strings.NewReader(decodeCharset(b, charset)), nil
	}}
	s, err := dec.DecodeHeader(v)
	if err != nil {
		p.defect("header value %q: %v; kept encoded", clip([]byte(v), 40), err)
		return v
	}
	return validUTF8(s)
}

// entity appends to texts the text of the MIME entity with header hdr and
// body body, depth levels down.
func (p *emailParser) entity(texts *[]string, hdr header, body []byte, depth int) {
	if depth > MaxMIMEDepth {
		p.defect("MIME entities nested deeper than %d; skipped", MaxMIMEDepth)
		return
	}
	ctype := hdr.Get("Content-Type")
	mt, params := "text/plain", map[string]string(nil)
	if ctype != "" {
		var err error
		mt, params, err = mime.ParseMediaType(ctype)
		switch {
		case errors.Is(err, mime.ErrInvalidMediaParameter):
			p.defect("Content-Type %q: %v; parameters ignored", clip([]byte(ctype), 60), err)
		case err != nil:
			p.defect("Content-Type %q: %v; read as text/plain", clip([]byte(ctype), 60), err)
			mt, params = "text/plain", nil
		}
	}
	if disp, _, err := mime.ParseMediaType(hdr.Get("Content-Disposition")); err == nil && disp == "attachment" && !strings.HasPrefix(mt, "multipart/") && mt != "message/rfc822" {
		return
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		p.multipart(texts, mt, params["boundary"], hdr, body, depth)
	case mt == "message/rfc822":
		inner, innerBody := p.splitHeader(p.decodeTransfer(hdr, body), false)
		if s := p.decodeHeader(inner.Get("Subject")); s != "" {
			*texts = append(*texts, s)
		}
		p.entity(texts, inner, innerBody, depth+1)
	case mt == "text/plain" || mt == "text/html":
		s := decodeCharset(p.decodeTransfer(hdr, body), params["charset"])
		if mt == "text/html" || (ctype == "" && looksHTML(s)) {
			s = htmlText(s)
		}
		*texts = append(*texts, s)
	}
}

// multipart appends to texts the text of the parts of a multipart body.
func (p *emailParser) multipart(texts *[]string, mt, boundary string, hdr header, body []byte, depth int) {
	if boundary == "" {
		p.defect("%s without a boundary; read as text", mt)
		p.fallback(texts, hdr, body)
		return
	}
	type part struct {
		hdr  textproto.MIMEHeader
		body []byte
	}
	var parts []part
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		pt, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(parts) == 0 {
				p.defect("%s: boundary %q: %v; read as text", mt, clip([]byte(boundary), 40), err)
				p.fallback(texts, hdr, body)
				return
			}
			p.defect("%s: boundary %q: part %d: %v; later parts lost", mt, clip([]byte(boundary), 40), len(parts)+1, err)
			break
		}
		b, err := io.ReadAll(pt)
		parts = append(parts, part{pt.Header, b})
		if err != nil {
			p.defect("%s: boundary %q: part %d: %v; the part is kept as far as it goes", mt, clip([]byte(boundary), 40), len(parts), err)
			break
		}
	}
	for _, pt := range parts {
		p.entity(texts, pt.hdr, pt.body, depth+1)
	}
}

// fallback appends to texts the body of a multipart that cannot be split,
// transfer-decoded and read as text (as HTML when it looks like HTML).
func (p *emailParser) fallback(texts *[]string, hdr header, body []byte) {
	s := decodeCharset(p.decodeTransfer(hdr, body), "")
	if looksHTML(s) {
		s = htmlText(s)
	}
	*texts = append(*texts, s)
}

// decodeTransfer undoes the Content-Transfer-Encoding of a body.
func (p *emailParser) decodeTransfer(hdr header, body []byte) []byte {
	switch cte := strings.ToLower(strings.TrimSpace(hdr.Get("Content-Transfer-Encoding"))); cte {
	case "", "7bit", "8bit", "binary":
		return body
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			p.defect("quoted-printable body: %v; read as it is", err)
			return body
		}
		return out
	case "base64":
		out, junk := decodeBase64(body)
		if junk {
			p.defect("base64 body: bytes outside the base64 alphabet skipped")
		}
		return out
	default:
		p.defect("Content-Transfer-Encoding %q unknown; read as it is", clip([]byte(cte), 40))
		return body
	}
}

// decodeBase64 decodes base64 leniently: white space is skipped, other
// bytes outside the alphabet are skipped and reported as junk, decoding
// stops at the first '=' (padding), and a last lone character (which
// holds fewer than 8 bits) is dropped.
func decodeBase64(b []byte) (out []byte, junk bool) {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '=':
			return decodeBase64Raw(clean), junk
		case c == ' ', c == '\t', c == '\r', c == '\n':
		default:
			junk = true
		}
	}
	return decodeBase64Raw(clean), junk
}

// decodeBase64Raw decodes unpadded base64 made of alphabet bytes only;
// it cannot fail once a last lone character is dropped.
func decodeBase64Raw(clean []byte) []byte {
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// isLatin1Charset reports whether decodeCharset reads bytes labelled
// charset as ISO-8859-1 when they are not valid UTF-8: exactly right for
// iso-8859-1, nearly for iso-8859-15 and windows-1252 (they differ in a
// few symbols), and the best guess for us-ascii and for no charset ("")
// with 8-bit bytes.
func isLatin1Charset(charset string) bool {
	switch strings.ToLower(strings.Trim(charset, " \t\"'")) {
	case "", "us-ascii", "ascii", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1",
		"iso-8859-15", "windows-1252", "cp1252":
		return true
	}
	return false
}

// decodeCharset returns the text of b in charset: b itself when it is
// valid UTF-8, else ISO-8859-1 for no charset and the western single-byte
// charsets, else UTF-8 with each invalid sequence replaced by U+FFFD.
func decodeCharset(b []byte, charset string) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if isLatin1Charset(charset) {
		out := make([]byte, 0, len(b)+len(b)/4)
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return string(out)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// validUTF8 returns s with each invalid UTF-8 sequence replaced by U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// looksHTML reports whether a body declared as nothing looks like HTML:
// it holds an <html or <body tag, in any case.
func looksHTML(s string) bool {
	l := asciiLower(s)
	return strings.Contains(l, "<html") || strings.Contains(l, "<body")
}

// asciiLower returns s with ASCII letters lower-cased and every other byte
// kept, so that byte offsets into the result are offsets into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// isBlockTag reports whether htmlText turns the tags of the HTML element
// name (lower-case) into a line break; all others disappear.
func isBlockTag(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "body", "br", "caption", "center",
		"dd", "div", "dl", "dt", "fieldset", "footer", "form", "h1", "h2", "h3", "h4", "h5",
		"h6", "head", "header", "hr", "html", "img", "input", "li", "ol", "option", "p",
		"pre", "section", "select", "table", "tbody", "td", "textarea", "tfoot", "th",
		"thead", "title", "tr", "ul":
		return true
	}
	return false
}

// htmlText returns the text of an HTML document, as ParseEmail describes:
// a small tag stripper, not an HTML parser, linear in len(s). A '<'
// followed by a letter, '/', '!' or '?' starts a tag that ends at the next
// '>'; "<!--" starts a comment that ends at the next "-->" (or at the end);
// the contents of script and style elements are dropped up to their
// closing tag (or the end).
func htmlText(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	b.Grow(len(s))
	text, i := 0, 0 // text: start of the text not yet written; i: where to look for '<'
	for i < len(s) {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		j += i
		rest := lower[j+1:]
		if strings.HasPrefix(rest, "!--") {
			b.WriteString(s[text:j])
			end := strings.Index(rest[3:], "-->")
			if end < 0 {
				return html.UnescapeString(b.String())
			}
			i = j + 4 + end + 3
			text = i
			continue
		}
		if rest == "" || !(isASCIILetter(rest[0]) || rest[0] == '/' || rest[0] == '!' || rest[0] == '?') {
			i = j + 1 // a literal '<'
			continue
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			break // no '>' anywhere after: this '<' and every later one are text
		}
		name, closing := tagName(rest[:end])
		b.WriteString(s[text:j])
		if isBlockTag(name) {
			b.WriteByte('\n')
		}
		i = j + 1 + end + 1
		text = i
		if !closing && (name == "script" || name == "style") {
			k := strings.Index(lower[i:], "</"+name)
			if k < 0 {
				return html.UnescapeString(b.String())
			}
			i += k
			text = i
		}
	}
	b.WriteString(s[text:])
	return html.UnescapeString(b.String())
}

// tagName returns the lower-case name of the tag whose text between '<'
// and '>' is t, and whether it is a closing tag.
func tagName(t string) (name string, closing bool) {
	if strings.HasPrefix(t, "/") {
		t, closing = t[1:], true
	}
	n := 0
	for n < len(t) && (isASCIILetter(t[n]) || ('0' <= t[n] && t[n] <= '9')) {
		n++
	}
	return t[:n], closing
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
