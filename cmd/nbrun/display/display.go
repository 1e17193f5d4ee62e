// Package display is the gophernotes "display" package for notebooks run
// by nbrun: it builds the MIME bundles (Data) that the notebook function
// Display publishes, and that a cell shows when its final expression is
// one.
//
// The names and signatures are gophernotes' (github.com/gopherdata/gophernotes,
// display.go and image.go), so a notebook written for nbrun runs unchanged
// under gophernotes. As there, the package is already imported in every
// notebook under the name display, and the notebook function
//
//	Display func(display.Data) error
//
// publishes a bundle as a display_data output in the middle of a cell. The
// constructors here only build a bundle; a bare display.HTML(s) statement in
// the middle of a cell shows nothing, and one at the end of a cell is shown
// as the cell's result.
//
// Where this package differs from gophernotes, on purpose: the text/plain
// entry of a binary payload (PNG, JPEG, PDF bytes, an image) is a short
// placeholder such as "<image/png, 1234 bytes>" rather than every byte in
// decimal, a missing text/plain entry is filled in (gophernotes' check only
// fills an empty one), and Any and Auto sniff a []byte with a small built-in
// table instead of net/http.DetectContentType.
package display

import (
	"fmt"
	"image"
	"os"
	"strings"

	"github.com/gomtl/gomtl/cmd/nbrun/internal/render"
)

// MIME types known to the Jupyter front ends.
const (
	MIMETypeHTML       = render.HTML
	MIMETypeJavaScript = render.JavaScript
	MIMETypeJPEG       = render.JPEG
	MIMETypeJSON       = render.JSON
	MIMETypeLatex      = render.Latex
	MIMETypeMarkdown   = render.Markdown
	MIMETypePNG        = render.PNG
	MIMETypePDF        = render.PDF
	MIMETypeSVG        = render.SVG
	MIMETypeText       = render.Text
)

// MIMEMap holds a value in several formats, keyed by MIME type. A map
// without a "text/plain" entry gets one when it is shown.
type MIMEMap = render.MIMEMap

// Data is the structure sent to the front end: the bundle, its metadata and
// transient data. It is an alias of an unnamed struct, so libraries can
// return it without importing this package.
type Data = render.Data

// The renderer interfaces, as in gophernotes: Renderer lets a library
// control fully how its values are shown, SimpleRenderer gives a value's
// MIME bundle, and a value with one of the single-format methods is shown
// in that format when it ends a cell.
type (
	Renderer       = render.Renderer
	SimpleRenderer = render.SimpleRenderer
	HTMLer         = render.HTMLer
	JavaScripter   = render.JavaScripter
	JPEGer         = render.JPEGer
	JSONer         = render.JSONer
	Latexer        = render.Latexer
	Markdowner     = render.Markdowner
	PNGer          = render.PNGer
	PDFer          = render.PDFer
	SVGer          = render.SVGer
)

// Any renders data as mimeType. data may be a string, a []byte, an
// io.Reader, an io.WriterTo, an image.Image, a Data or a value with a
// renderer method; an empty mimeType is detected from the bytes. Any
// panics on other types, as in gophernotes.
func Any(mimeType string, data interface{}) Data { return render.Value(mimeType, data) }

// Auto is Any("", data).
func Auto(data interface{}) Data { return render.Value("", data) }

// File renders the file at path as mimeType (detected when empty). It
// panics if the file cannot be read, as in gophernotes.
func File(mimeType, path string) Data {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return Any(mimeType, b)
}

// HTML is an HTML fragment.
func HTML(html string) Data { return MakeData(MIMETypeHTML, html) }

// JavaScript is a script for the front end.
func JavaScript(javascript string) Data { return MakeData(MIMETypeJavaScript, javascript) }

// JPEG is an encoded JPEG image.
func JPEG(jpeg []byte) Data { return MakeData(MIMETypeJPEG, jpeg) }

// JSON is a JSON document.
func JSON(json map[string]interface{}) Data { return MakeData(MIMETypeJSON, json) }

// Latex is a LaTeX formula, shown inline ($...$).
func Latex(latex string) Data {
	return MakeData3(MIMETypeLatex, latex, "$"+strings.Trim(latex, "$")+"$")
}

// Markdown is Markdown text.
func Markdown(markdown string) Data { return MakeData(MIMETypeMarkdown, markdown) }

// Math is a LaTeX formula, shown as a display equation ($$...$$).
func Math(latex string) Data {
	return MakeData3(MIMETypeLatex, latex, "$$"+strings.Trim(latex, "$")+"$$")
}

// PDF is a PDF document.
func PDF(pdf []byte) Data { return MakeData(MIMETypePDF, pdf) }

// PNG is an encoded PNG image.
func PNG(png []byte) Data { return MakeData(MIMETypePNG, png) }

// SVG is an SVG image.
func SVG(svg string) Data { return MakeData(MIMETypeSVG, svg) }

// Image encodes img as PNG, recording its width and height as metadata; a
// failed encoding gives the error bundle gophernotes gives.
func Image(img image.Image) Data {
	b, err := render.EncodePNG(img)
	if err != nil {
		return render.Error(err)
	}
	r := img.Bounds()
	return Data{
		Data: MIMEMap{
			MIMETypePNG:  b,
			MIMETypeText: fmt.Sprintf("<%T %dx%d>", img, r.Dx(), r.Dy()),
		},
		Metadata: MIMEMap{MIMETypePNG: render.ImageMetadata(img)},
	}
}

// MakeData is data under mimeType, plus its text/plain form.
func MakeData(mimeType string, data interface{}) Data { return render.Make(mimeType, data) }

// MakeData3 is data under mimeType with the given text/plain form.
func MakeData3(mimeType, plaintext string, data interface{}) Data {
	return Data{Data: MIMEMap{MIMETypeText: plaintext, mimeType: data}}
}

// MIME is a bundle with its metadata.
func MIME(data, metadata MIMEMap) Data { return Data{Data: data, Metadata: metadata} }
