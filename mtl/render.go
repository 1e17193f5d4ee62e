package mtl

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pkg/errors"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// This file holds what the notebook renderers share: tables written as
// HTML and as text, panels of gonum plots laid side by side in one PNG,
// and the small image or paragraph that stands for a rendering that
// failed. The renderer methods (HTML() string, PNG() []byte) follow the
// conventions of the gophernotes Jupyter kernel, which shows a cell's last
// value through them; they cannot return an error, so a failure gives a
// PNG or HTML fragment whose text says what failed, starting "mtl:".

// The size of one panel of a plot; a PNG holds panels side by side at
// vgimg's 96 dots per inch.
const (
	panelWidth  = 5.5 * vg.Inch
	panelHeight = 4 * vg.Inch
)

// A table is a caption, a header and rows of cells, rendered as HTML
// (notebooks) or as aligned text (String methods, a notebook's text/plain).
type table struct {
	caption string
	head    []string
	rows    [][]string
	// bold marks cells, row then column, to set in bold in HTML.
	bold map[[2]int]bool
}

// html renders t as an HTML table whose caption is a paragraph above it.
// The fragment is well-formed XML too: every tag is closed and the only
// entities are those html.EscapeString writes.
func (t *table) html() string {
	var b strings.Builder
	if t.caption != "" {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(t.caption))
	}
	b.WriteString("<table>\n<thead><tr>")
	for _, h := range t.head {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i, row := range t.rows {
		b.WriteString("<tr>")
		for j, cell := range row {
			if t.bold[[2]int{i, j}] {
				fmt.Fprintf(&b, "<td><b>%s</b></td>", html.EscapeString(cell))
			} else {
				fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(cell))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// text renders t as the caption and columns aligned with spaces.
func (t *table) text() string {
	var b strings.Builder
	if t.caption != "" {
		b.WriteString(t.caption + "\n")
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.head, "\t"))
	for _, row := range t.rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	return b.String()
}

// num formats x with four decimals, "–" when it is not finite.
func num(x float64) string { return fixedOrDash(x, 4) }

// fixedOrDash formats x with prec decimals, "–" when it is not finite.
func fixedOrDash(x float64, prec int) string {
	if !isFinite(x) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// errorHTML is the fragment a renderer returns when it cannot render.
func errorHTML(msg string) string {
	return "<p><b>" + html.EscapeString(msg) + "</b></p>\n"
}

// recoverPNG turns a panic inside a PNG renderer into a message PNG, so
// that no panic escapes a renderer (gonum/plot panics on some degenerate
// inputs, a log scale over values that are not positive, say).
func recoverPNG(dst *[]byte, what string) {
	if r := recover(); r != nil {
		*dst = messagePNG(fmt.Sprintf("mtl: %s: %v", what, r))
	}
}

// recoverHTML is recoverPNG for HTML renderers.
func recoverHTML(dst *string, what string) {
	if r := recover(); r != nil {
		*dst = errorHTML(fmt.Sprintf("mtl: %s: %v", what, r))
	}
}

// messagePNG returns a small PNG showing msg in a fixed bitmap font, dark
// red on white, wrapped at 96 characters. It needs no font files and
// cannot fail, so it stands for a plot that could not be drawn.
func messagePNG(msg string) []byte {
	const (
		wrap    = 96
		margin  = 8
		advance = 7  // basicfont.Face7x13's width
		line    = 15 // its height and 2 pixels of leading
	)
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		r := []rune(l)
		for len(r) > wrap {
			lines = append(lines, string(r[:wrap]))
			r = r[wrap:]
		}
		lines = append(lines, string(r))
	}
	width := 0
	for _, l := range lines {
		width = max(width, len([]rune(l)))
	}
	img := image.NewRGBA(image.Rect(0, 0, 2*margin+advance*max(width, 1), 2*margin+line*len(lines)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{R: 160, A: 255}), Face: basicfont.Face7x13}
	for i, l := range lines {
		d.Dot = fixed.P(margin, margin+line*i+basicfont.Face7x13.Ascent)
		d.DrawString(l)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // encoding an RGBA into memory does not fail
	return buf.Bytes()
}

// drawPanels draws plots side by side, each width wide and panelHeight
// high, into one PNG.
func drawPanels(width vg.Length, plots ...*plot.Plot) ([]byte, error) {
	img := vgimg.New(vg.Length(len(plots))*width, panelHeight)
	dc := vgdraw.New(img)
	tiles := vgdraw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Inch / 4, PadTop: vg.Inch / 8,
		PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	for j, p := range plots {
		p.Draw(tiles.At(dc, j, 0))
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, errors.Wrap(err, "encoding the PNG")
	}
	return buf.Bytes(), nil
}

// newPanel returns an empty plot with a title, axis labels and a grid.
func newPanel(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// addLine plots pts (non-finite values left out) as a line with points
// in colour c, dashed with ring glyphs if dashed, and adds it to the
// legend under label. Nothing is drawn when no point is finite.
func addLine(p *plot.Plot, pts plotter.XYs, label string, c color.Color, dashed bool) error {
	var keep plotter.XYs
	for _, pt := range pts {
		if isFinite(pt.X) && isFinite(pt.Y) {
			keep = append(keep, pt)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	line, points, err := plotter.NewLinePoints(keep)
	if err != nil {
		return errors.Wrap(err, label)
	}
	line.Color = c
	line.Width = vg.Points(1.5)
	points.Color = c
	points.Shape = vgdraw.CircleGlyph{}
	points.Radius = vg.Points(2.5)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		points.Shape = vgdraw.RingGlyph{}
	}
	p.Add(line, points)
	p.Legend.Add(label, line, points)
	return nil
}

// hline adds a horizontal dashed line at y in colour c.
func hline(p *plot.Plot, y float64, c color.Color) *plotter.Function {
	f := plotter.NewFunction(func(float64) float64 { return y })
	f.Color = c
	f.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	p.Add(f)
	return f
}

// seriesColor is the colour of series i (gonum's plotutil palette).
func seriesColor(i int) color.Color { return plotutil.Color(i) }

// wholeTicks labels whole numbers only (training steps), about ten of
// them, without decimals.
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	var out []plot.Tick
	for _, t := range ticks {
		if t.Value != math.Trunc(t.Value) {
			continue // a fraction of an epoch or a step means nothing
		}
		if t.Label != "" {
			t.Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
		}
		out = append(out, t)
	}
	if len(out) == 0 { // a range within one unit: label its whole numbers
		for v := math.Ceil(lo); v <= hi; v++ {
			out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
		}
	}
	return out
}

// epochTicks marks every whole epoch and labels about ten of them,
// the first included.
type epochTicks struct{}

func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := int(math.Ceil(lo)), int(math.Floor(hi))
	step := max(1, (last-first+10)/10)
	var ticks []plot.Tick
	for e := first; e <= last; e++ {
		t := plot.Tick{Value: float64(e)}
		if (e-first)%step == 0 {
			t.Label = strconv.Itoa(e)
		}
		ticks = append(ticks, t)
	}
	return ticks
}
