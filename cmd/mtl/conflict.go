package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/gomtl/gomtl/mtl"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// conflictSummary is the "conflict" object of summary.json, written when
// --diagnose is set: how often the task gradients were measured and each
// pair's summary over the run (none when no sample was taken).
type conflictSummary struct {
	Every   int           `json:"every"`   // --diagnose: steps between samples
	Samples int           `json:"samples"` // samples taken
	Pairs   []pairSummary `json:"pairs"`
}

// pairSummary is mtl.PairConflict as summary.json writes it.
type pairSummary struct {
	A, B          string
	MeanCosine    float64
	ConflictShare float64 // the share of samples with a negative cosine
	MinCosine     float64
}

// MarshalJSON writes p with null for the values that are not finite.
func (p pairSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		A             string `json:"a"`
		B             string `json:"b"`
		MeanCosine    any    `json:"mean_cosine"`
		ConflictShare any    `json:"conflict_share"`
		MinCosine     any    `json:"min_cosine"`
	}{p.A, p.B, finiteOrNil(p.MeanCosine), finiteOrNil(p.ConflictShare), finiteOrNil(p.MinCosine)})
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (p *pairSummary) UnmarshalJSON(b []byte) error {
	var raw struct {
		A             string   `json:"a"`
		B             string   `json:"b"`
		MeanCosine    *float64 `json:"mean_cosine"`
		ConflictShare *float64 `json:"conflict_share"`
		MinCosine     *float64 `json:"min_cosine"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	orNaN := func(v *float64) float64 {
		if v == nil {
			return math.NaN()
		}
		return *v
	}
	*p = pairSummary{A: raw.A, B: raw.B, MeanCosine: orNaN(raw.MeanCosine),
		ConflictShare: orNaN(raw.ConflictShare), MinCosine: orNaN(raw.MinCosine)}
	return nil
}

// newConflictSummary summarises c, sampled every `every` steps; nil
// without diagnostics.
func newConflictSummary(c *mtl.Conflict, every int) *conflictSummary {
	if c == nil {
		return nil
	}
	s := &conflictSummary{Every: every, Samples: len(c.Samples), Pairs: []pairSummary{}}
	if len(c.Samples) == 0 {
		return s // the pairs' statistics are undefined
	}
	for _, p := range c.Pairs() {
		s.Pairs = append(s.Pairs, pairSummary{A: p.A, B: p.B, MeanCosine: p.MeanCosine,
			ConflictShare: p.ConflictShare, MinCosine: p.MinCosine})
	}
	return s
}

// writeConflictReport prints the pairs' cosine statistics as a table.
func writeConflictReport(w io.Writer, s *conflictSummary) error {
	if s.Samples == 0 {
		_, err := fmt.Fprintf(w, "Gradient cosines: no sample (training took fewer than --diagnose %d steps)\n", s.Every)
		return err
	}
	fmt.Fprintf(w, "Gradient cosines on the shared parameters, %d samples every %d steps:\n", s.Samples, s.Every)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  tasks\tmean\tmin\tnegative")
	for _, p := range s.Pairs {
		fmt.Fprintf(tw, "  %s/%s\t%.4f\t%.4f\t%.1f%%\n", p.A, p.B, p.MeanCosine, p.MinCosine, 100*p.ConflictShare)
	}
	return tw.Flush()
}

// conflictPNG draws c as a PNG of two panels: on the left the cosine of
// each pair of tasks' gradients over the training steps, with a dashed
// line at zero, under which the tasks conflict; on the right each task's
// gradient norm, on a log scale when every norm is positive.
func conflictPNG(c *mtl.Conflict) ([]byte, error) {
	last := 1.0
	if n := len(c.Samples); n > 0 {
		last = float64(max(c.Samples[n-1].Step, 1))
	}
	cos := newConflictPlot("Gradient cosine between tasks", "cosine", last)
	cos.Y.Min, cos.Y.Max = -1, 1
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color = color.Gray{Y: 96}
	zero.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	cos.Add(zero)
	k := 0
	for i := range c.Tasks {
		for j := i + 1; j < len(c.Tasks); j++ {
			err := addSteps(cos, c, c.Tasks[i]+"/"+c.Tasks[j], k, func(s mtl.ConflictSample) float64 { return s.Cosine[i][j] })
			if err != nil {
				return nil, err
			}
			k++
		}
	}

	norm := newConflictPlot("Gradient norm per task", "L2 norm", last)
	lo, hi, positive := normRange(c)
	if positive {
		// Whole decades at both ends, so that both are labelled.
		norm.Y.Scale = plot.LogScale{}
		norm.Y.Tick.Marker = decadeTicks{}
		norm.Y.Min = math.Pow10(floorLog10(lo))
		norm.Y.Max = math.Pow10(max(ceilLog10(hi), floorLog10(lo)+1))
	} else {
		norm.Y.Min = 0
	}
	for i, task := range c.Tasks {
		if err := addSteps(norm, c, task, i, func(s mtl.ConflictSample) float64 { return s.Norms[i] }); err != nil {
			return nil, err
		}
	}

	img := vgimg.New(2*curvesPanelWidth, curvesHeight)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	cos.Draw(tiles.At(dc, 0, 0))
	norm.Draw(tiles.At(dc, 1, 0))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("drawing %s: %w", conflictPNGFile, err)
	}
	return buf.Bytes(), nil
}

// newConflictPlot returns an empty panel over the steps 0 to last.
func newConflictPlot(title, ylabel string, last float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "step"
	p.X.Tick.Marker = stepTicks{}
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.X.Min, p.X.Max = 0, last
	return p
}

// normRange returns the smallest and largest finite norm of c, and
// whether every finite norm is positive (and there is one).
func normRange(c *mtl.Conflict) (lo, hi float64, positive bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.Samples {
		for _, n := range s.Norms {
			if isFinite(n) {
				lo, hi = math.Min(lo, n), math.Max(hi, n)
			}
		}
	}
	return lo, hi, lo > 0 && !math.IsInf(lo, 0)
}

// addSteps plots value over c's samples in colour i, leaving out the
// values that are not finite.
func addSteps(p *plot.Plot, c *mtl.Conflict, label string, i int, value func(mtl.ConflictSample) float64) error {
	var pts plotter.XYs
	for _, s := range c.Samples {
		if v := value(s); isFinite(v) {
			pts = append(pts, plotter.XY{X: float64(s.Step), Y: v})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return fmt.Errorf("drawing %s: %s: %w", conflictPNGFile, label, err)
	}
	line.Color = plotutil.Color(i)
	line.Width = vg.Points(1.5)
	points.Color = plotutil.Color(i)
	points.Shape = draw.CircleGlyph{}
	points.Radius = vg.Points(1.5)
	p.Add(line, points)
	p.Legend.Add(label, line, points)
	return nil
}

// stepTicks are plot.DefaultTicks labelled without trailing zeros
// ("250", not "250.00").
type stepTicks struct{}

func (stepTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i, t := range ticks {
		if t.Label != "" {
			ticks[i].Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
		}
	}
	return ticks
}

// decadeTicks labels the powers of ten of a log axis and marks the
// multiples in between. plot.LogTicks starts a decade late when the
// minimum is below 1: it truncates the logarithm towards zero.
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := floorLog10(lo); e <= ceilLog10(hi); e++ {
		v := math.Pow10(e)
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
		for m := 2.0; m < 10 && m*v <= hi; m++ {
			ticks = append(ticks, plot.Tick{Value: m * v})
		}
	}
	return ticks
}

// floorLog10 and ceilLog10 round log10(x) down and up, treating x within
// rounding of a power of ten as that power.
func floorLog10(x float64) int { return int(math.Floor(math.Log10(x) + 1e-9)) }
func ceilLog10(x float64) int  { return int(math.Ceil(math.Log10(x) - 1e-9)) }

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
