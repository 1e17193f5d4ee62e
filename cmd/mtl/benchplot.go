package main

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The size of results.png: one panel per metric, side by side, each
// at least benchPanelWidth wide and benchGroupWidth per row.
const (
	benchPanelWidth = 6 * vg.Inch
	benchGroupWidth = 0.6 * vg.Inch
	benchHeight     = 4.5 * vg.Inch
)

// resultsPNG draws the rows as grouped bars, one panel per metric (test
// accuracy, MAE, IoU): a group per row, a bar per task of that metric at
// its mean over the seeds, with an error bar of one sample standard
// deviation.
func resultsPNG(res *benchResults) ([]byte, error) {
	var metrics []string
	for _, t := range res.Tasks {
		if !slices.Contains(metrics, t.Metric) {
			metrics = append(metrics, t.Metric)
		}
	}
	names := make([]string, len(res.Rows))
	for i, r := range res.Rows {
		names[i] = r.Method
		if r.Arch != "" {
			names[i] += " (" + r.Arch + ")"
		}
	}
	width := max(benchPanelWidth, vg.Length(len(res.Rows))*benchGroupWidth+vg.Inch)
	// The groups are about (width − an inch of axis and padding) / rows
	// apart; the bars of a group fill 70% of that.
	group := (width - vg.Inch) / vg.Length(len(res.Rows))
	img := vgimg.New(vg.Length(len(metrics))*width, benchHeight)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(metrics), PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	for j, metric := range metrics {
		p, err := resultsPanel(res, metric, names, group)
		if err != nil {
			return nil, err
		}
		p.Draw(tiles.At(dc, j, 0))
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("drawing %s: %w", benchResultsPNG, err)
	}
	return buf.Bytes(), nil
}

// resultsPanel draws the bars of the tasks whose metric is metric, with
// groups about group apart.
func resultsPanel(res *benchResults, metric string, names []string, group vg.Length) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Test " + metric
	p.Y.Label.Text = metric
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	var tasks []benchTask
	for _, t := range res.Tasks {
		if t.Metric == metric {
			tasks = append(tasks, t)
		}
	}
	bar := group * 0.7 / vg.Length(len(tasks))
	top := 0.0
	for j, t := range tasks {
		mean := make(plotter.Values, len(res.Rows))
		sd := make([]float64, len(res.Rows))
		for i, r := range res.Rows {
			s := r.Tasks[t.Name]
			mean[i], sd[i] = finiteOr0(float64(s.Mean)), finiteOr0(float64(s.SD))
			top = max(top, mean[i]+sd[i])
		}
		bars, err := plotter.NewBarChart(mean, bar)
		if err != nil {
			return nil, fmt.Errorf("drawing %s: %s: %w", benchResultsPNG, t.Name, err)
		}
		bars.Color = plotutil.Color(j)
		bars.LineStyle.Width = 0
		bars.Offset = (vg.Length(j) - vg.Length(len(tasks)-1)/2) * bar
		p.Add(bars, errorBars{mean: mean, sd: sd, offset: bars.Offset})
		p.Legend.Add(t.Name, bars)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	if top == 0 {
		top = 1
	}
	p.Y.Min, p.Y.Max = 0, top*1.25 // room for the legend above the bars
	if len(names) > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	return p, nil
}

// errorBars draws mean ± sd at each bar of a bar chart, whose bars sit at
// x = 0, 1, ... moved by offset on the canvas.
type errorBars struct {
	mean   plotter.Values
	sd     []float64
	offset vg.Length
}

func (e errorBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	line := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	tick := vg.Points(3)
	for i, m := range e.mean {
		if e.sd[i] == 0 {
			continue
		}
		x := trX(float64(i)) + e.offset
		lo, hi := trY(m-e.sd[i]), trY(m+e.sd[i])
		c.StrokeLine2(line, x, lo, x, hi)
		c.StrokeLine2(line, x-tick, lo, x+tick, lo)
		c.StrokeLine2(line, x-tick, hi, x+tick, hi)
	}
}

// DataRange makes room for the tops of the error bars.
func (e errorBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmax = float64(len(e.mean) - 1)
	for i, m := range e.mean {
		ymin = min(ymin, m-e.sd[i])
		ymax = max(ymax, m+e.sd[i])
	}
	return xmin, xmax, ymin, ymax
}

// finiteOr0 returns v, or 0 when it is NaN or infinite.
func finiteOr0(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
