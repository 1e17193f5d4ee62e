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

// The size of curves.png: one panel per row of curvesPanels, side by
// side, each curvesPanelWidth wide.
const (
	curvesPanelWidth = 6 * vg.Inch
	curvesHeight     = 4.5 * vg.Inch
)

// A curvesPanel is one plot of curves.png: the History key suffix it
// draws for every task that has it, its title and its y axis label.
type curvesPanel struct {
	suffix, title, ylabel string
	legendTop             bool // the curves fall (loss, error), so the legend goes on top
}

// curvesPanels returns the panels for tasks: the loss, then each metric
// the tasks have: accuracy (classification and binary), ROC AUC (binary),
// mean absolute error (regression) and mean IoU (boxes).
func curvesPanels(tasks []mtl.Task) []curvesPanel {
	kinds := map[string]bool{}
	mse := true // every regression task has the mean squared error loss
	for _, t := range tasks {
		kinds[t.Kind] = true
		if t.Kind == mtl.RegressKind && t.Loss != "" && t.Loss != mtl.MSELoss {
			mse = false
		}
	}
	classify := kinds[mtl.ClassifyKind] || kinds[mtl.BinaryKind]
	loss := curvesPanel{suffix: "_loss", title: "Loss", ylabel: "loss", legendTop: true}
	switch {
	case classify && !kinds[mtl.RegressKind] && !kinds[mtl.BoxKind]:
		loss.ylabel = "cross-entropy loss"
	case kinds[mtl.RegressKind] && mse && !classify && !kinds[mtl.BoxKind]:
		loss.ylabel = "mean squared error"
	}
	panels := []curvesPanel{loss}
	if classify {
		panels = append(panels, curvesPanel{suffix: "_accuracy", title: "Accuracy", ylabel: "accuracy"})
	}
	if kinds[mtl.BinaryKind] {
		panels = append(panels, curvesPanel{suffix: "_auc", title: "ROC AUC", ylabel: "AUC"})
	}
	if kinds[mtl.RegressKind] {
		panels = append(panels, curvesPanel{suffix: "_mae", title: "Mean absolute error", ylabel: "MAE", legendTop: true})
	}
	if kinds[mtl.BoxKind] {
		panels = append(panels, curvesPanel{suffix: "_iou", title: "Mean IoU", ylabel: "IoU"})
	}
	return panels
}

// curvesPNG draws the learning curves of hist as a PNG: the loss on the
// left, then the metrics of curvesPanels, one colour per task, training
// solid and validation dashed.
func curvesPNG(hist *mtl.History, tasks []mtl.Task) ([]byte, error) {
	panels := curvesPanels(tasks)
	plots := make([]*plot.Plot, len(panels))
	for j, c := range panels {
		p := newCurvesPlot(c.title, c.ylabel, hist.Epochs())
		p.Legend.Top = c.legendTop
		for i, task := range tasks {
			if err := addCurve(p, hist, task.Name+c.suffix, task.Name+" train", i, false); err != nil {
				return nil, err
			}
			if err := addCurve(p, hist, "val_"+task.Name+c.suffix, task.Name+" validation", i, true); err != nil {
				return nil, err
			}
		}
		plots[j] = p
	}
	img := vgimg.New(vg.Length(len(panels))*curvesPanelWidth, curvesHeight)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	for j, p := range plots {
		p.Draw(tiles.At(dc, j, 0))
	}
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
// colour of task number i. Values that are not finite (the AUC of an
// epoch with one class only) are left out.
func addCurve(p *plot.Plot, hist *mtl.History, key, label string, i int, dashed bool) error {
	var pts plotter.XYs
	for e, v := range hist.Metrics[key] {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			pts = append(pts, plotter.XY{X: float64(e + 1), Y: v})
		}
	}
	if len(pts) == 0 {
		return nil
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
