package main

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/gomtl/gomtl/mtl"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The size of curves.png: two panels side by side.
const (
	curvesWidth  = 12 * vg.Inch
	curvesHeight = 4.5 * vg.Inch
)

// curvesPNG draws the learning curves of hist as a PNG: loss on the left,
// accuracy on the right, one colour per task, training solid and
// validation dashed.
func curvesPNG(hist *mtl.History, tasks []string) ([]byte, error) {
	loss := newCurvesPlot("Loss", "cross-entropy loss", hist.Epochs())
	acc := newCurvesPlot("Accuracy", "accuracy", hist.Epochs())
	acc.Legend.Top = false
	for i, task := range tasks {
		for _, c := range []struct {
			p      *plot.Plot
			metric string
		}{{loss, "_loss"}, {acc, "_accuracy"}} {
			if err := addCurve(c.p, hist, task+c.metric, task+" train", i, false); err != nil {
				return nil, err
			}
			if err := addCurve(c.p, hist, "val_"+task+c.metric, task+" validation", i, true); err != nil {
				return nil, err
			}
		}
	}
	img := vgimg.New(curvesWidth, curvesHeight)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	loss.Draw(tiles.At(dc, 0, 0))
	acc.Draw(tiles.At(dc, 1, 0))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("drawing %s: %w", curvesFile, err)
	}
	return buf.Bytes(), nil
}

// newCurvesPlot returns an empty panel with whole-epoch ticks.
func newCurvesPlot(title, ylabel string, epochs int) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = ylabel
	p.X.Tick.Marker = epochTicks{}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.X.Min, p.X.Max = 0.75, float64(max(epochs, 1))+0.25 // room around the end points
	return p
}

// addCurve plots the values of key, if the history has them, in the
// colour of task number i.
func addCurve(p *plot.Plot, hist *mtl.History, key, label string, i int, dashed bool) error {
	vals := hist.Metrics[key]
	if len(vals) == 0 {
		return nil
	}
	pts := make(plotter.XYs, len(vals))
	for e, v := range vals {
		pts[e] = plotter.XY{X: float64(e + 1), Y: v}
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return fmt.Errorf("drawing %s: %s: %w", curvesFile, key, err)
	}
	line.Color = plotutil.Color(i)
	line.Width = vg.Points(1.5)
	points.Color = plotutil.Color(i)
	points.Shape = draw.CircleGlyph{}
	if dashed {
		line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		points.Shape = draw.RingGlyph{}
	}
	p.Add(line, points)
	p.Legend.Add(label, line, points)
	return nil
}

// epochTicks labels whole epochs, at most about ten of them.
type epochTicks struct{}

func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := int(math.Ceil(lo)), int(math.Floor(hi))
	step := max(1, (last-first+9)/10)
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
