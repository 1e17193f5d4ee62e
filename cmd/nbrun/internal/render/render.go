// Package render turns Go values into Jupyter MIME bundles the way the
// gophernotes kernel does. It is shared by the notebook-facing package
// display and by the session runtime of generated notebook programs.
//
// The types are aliases of unnamed types, exactly as in gophernotes, so a
// library can implement the renderer interfaces (HTML() string, PNG() []byte,
// Render() Data ...) without importing anything.
package render

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
)

// MIME types known to the Jupyter front ends.
const (
	HTML       = "text/html"
	JavaScript = "application/javascript"
	JPEG       = "image/jpeg"
	JSON       = "application/json"
	Latex      = "text/latex"
	Markdown   = "text/markdown"
	PNG        = "image/png"
	PDF        = "application/pdf"
	SVG        = "image/svg+xml"
	Text       = "text/plain"
)

// MIMEMap maps a MIME type to the representation of a value in it.
type MIMEMap = map[string]interface{}

// Data is what is sent to the front end: a MIME bundle, its metadata and
// transient data.
type Data = struct {
	Data      MIMEMap
	Metadata  MIMEMap
	Transient MIMEMap
}

// The renderer interfaces, as in gophernotes: a value implementing one is
// shown in that MIME type.
type (
	Renderer       = interface{ Render() Data }
	SimpleRenderer = interface{ SimpleRender() MIMEMap }
	HTMLer         = interface{ HTML() string }
	JavaScripter   = interface{ JavaScript() string }
	JPEGer         = interface{ JPEG() []byte }
	JSONer         = interface{ JSON() map[string]interface{} }
	Latexer        = interface{ Latex() string }
	Markdowner     = interface{ Markdown() string }
	PNGer          = interface{ PNG() []byte }
	PDFer          = interface{ PDF() []byte }
	SVGer          = interface{ SVG() string }
)

// CanAuto reports whether v is shown graphically rather than as text: a
// Data, an image.Image, or a value with one of the renderer methods.
func CanAuto(v interface{}) bool {
	switch v.(type) {
	case Data, Renderer, SimpleRenderer, HTMLer, JavaScripter, JPEGer, JSONer,
		Latexer, Markdowner, PNGer, PDFer, SVGer, image.Image:
		return true
	}
	return false
}

// Results is the bundle gophernotes shows for the values of a cell's final
// expression: a single non-nil auto-renderable value (the others nil) is
// rendered graphically; all nil gives an empty Data (nothing is shown);
// anything else is text/plain of fmt.Sprint(vals...).
func Results(vals []interface{}) Data {
	var obj interface{}
	nils := 0
	for _, v := range vals {
		if CanAuto(v) {
			obj = v
		} else if v == nil {
			nils++
		}
	}
	if obj != nil && nils == len(vals)-1 {
		return Auto(obj)
	}
	if nils == len(vals) {
		return Data{}
	}
	return Data{Data: MIMEMap{Text: fmt.Sprint(vals...)}}
}

// Auto renders v through every renderer interface it implements (first
// Render and SimpleRender, then the single-MIME methods, which win on a
// clash), an image.Image as PNG, and fills text/plain if still missing.
// gophernotes applies the renderers in map order; this order is fixed.
func Auto(v interface{}) Data {
	var d Data
	if x, ok := v.(Data); ok {
		d = x
	}
	if r, ok := v.(Renderer); ok {
		x := r.Render()
		d.Data = merge(d.Data, x.Data)
		d.Metadata = merge(d.Metadata, x.Metadata)
		d.Transient = merge(d.Transient, x.Transient)
	}
	if r, ok := v.(SimpleRenderer); ok {
		d.Data = merge(d.Data, r.SimpleRender())
	}
	set := func(mime string, val interface{}) {
		if d.Data == nil {
			d.Data = MIMEMap{}
		}
		d.Data[mime] = val
	}
	if r, ok := v.(HTMLer); ok {
		set(HTML, r.HTML())
	}
	if r, ok := v.(JavaScripter); ok {
		set(JavaScript, r.JavaScript())
	}
	if r, ok := v.(JPEGer); ok {
		set(JPEG, r.JPEG())
	}
	if r, ok := v.(JSONer); ok {
		set(JSON, r.JSON())
	}
	if r, ok := v.(Latexer); ok {
		set(Latex, r.Latex())
	}
	if r, ok := v.(Markdowner); ok {
		set(Markdown, r.Markdown())
	}
	if r, ok := v.(PNGer); ok {
		set(PNG, r.PNG())
	}
	if r, ok := v.(PDFer); ok {
		set(PDF, r.PDF())
	}
	if r, ok := v.(SVGer); ok {
		set(SVG, r.SVG())
	}
	if img, ok := v.(image.Image); ok {
		b, err := EncodePNG(img)
		if err != nil {
			return Error(err)
		}
		set(PNG, b)
		d.Metadata = merge(d.Metadata, ImageMetadata(img))
	}
	return fillDefaults(d, v, "", nil, "")
}

// Value is gophernotes' display.Any: auto-renderable values go through
// Auto; a string is shown as mimeType, a []byte (or what an io.Reader or
// io.WriterTo yields) as mimeType or, when that is empty, as the sniffed
// type. Any other type panics, as in gophernotes.
func Value(mimeType string, v interface{}) Data {
	if CanAuto(v) {
		return Auto(v)
	}
	var s string
	var b []byte
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		b = x
	case io.Reader:
		var err error
		if b, err = io.ReadAll(x); err != nil {
			return Error(err)
		}
	case io.WriterTo:
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			return Error(err)
		}
		b = buf.Bytes()
	default:
		panic(fmt.Errorf("unsupported type, cannot render: %T", v))
	}
	return fillDefaults(Data{}, v, s, b, mimeType)
}

// Make is gophernotes' display.MakeData: v under mimeType, with text/plain
// added for other types. The text/plain of a []byte payload is a short
// placeholder (gophernotes writes every byte in decimal).
func Make(mimeType string, v interface{}) Data {
	d := Data{Data: MIMEMap{mimeType: v}}
	if mimeType != Text {
		d.Data[Text] = plain(mimeType, v)
	}
	return d
}

// Error is the bundle gophernotes produces when rendering fails.
func Error(err error) Data {
	return Data{Data: MIMEMap{
		"ename":     "ERROR",
		"evalue":    err.Error(),
		"traceback": nil,
		"status":    "error",
	}}
}

// EncodePNG encodes img as PNG.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ImageMetadata is the width and height of img, as gophernotes records them.
func ImageMetadata(img image.Image) MIMEMap {
	r := img.Bounds()
	return MIMEMap{"width": r.Dx(), "height": r.Dy()}
}

func fillDefaults(d Data, v interface{}, s string, b []byte, mimeType string) Data {
	if d.Data == nil {
		d.Data = MIMEMap{}
	}
	if s != "" && mimeType != "" {
		d.Data[mimeType] = s
	}
	if t, _ := d.Data[Text].(string); t == "" {
		switch {
		case s != "":
		case len(b) != 0:
			s = plain(mimeType, b)
		default:
			s = plain(mimeType, v)
		}
		d.Data[Text] = s
	}
	if len(b) != 0 {
		if mimeType == "" {
			mimeType = Sniff(b)
		}
		if mimeType != Text {
			d.Data[mimeType] = b
		}
	}
	return d
}

// plain is the text/plain form of v: fmt.Sprint, except that binary
// payloads and images get a short placeholder so that a notebook does not
// carry every pixel twice.
func plain(mimeType string, v interface{}) string {
	switch x := v.(type) {
	case []byte:
		if mimeType == "" {
			mimeType = Sniff(x)
		}
		return fmt.Sprintf("<%s, %d bytes>", mimeType, len(x))
	case Data:
		if t, ok := x.Data[Text].(string); ok {
			return t
		}
	case image.Image:
		r := x.Bounds()
		return fmt.Sprintf("<%T %dx%d>", v, r.Dx(), r.Dy())
	}
	return fmt.Sprint(v)
}

// Sniff guesses the MIME type of b from its first bytes: the image,
// PDF, SVG and HTML signatures, else text/plain for valid UTF-8 without
// control characters, else application/octet-stream. It stands in for
// net/http.DetectContentType, which gophernotes uses, to keep net/http out
// of every notebook program.
func Sniff(b []byte) string {
	head := b
	if len(head) > 512 {
		head = head[:512]
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	lower := bytes.ToLower(trimmed)
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "image/gif"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(lower, []byte("<svg")), bytes.HasPrefix(lower, []byte("<?xml")) && bytes.Contains(lower, []byte("<svg")):
		return SVG
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")):
		return HTML
	}
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			return "application/octet-stream"
		}
	}
	return Text
}

func merge(a, b MIMEMap) MIMEMap {
	if len(b) == 0 {
		return a
	}
	if a == nil {
		a = make(MIMEMap, len(b))
	}
	for k, v := range b {
		a[k] = v
	}
	return a
}
