package mtl

import (
	"fmt"
	"github.com/pkg/errors"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// PNG draws the diagnostics as a PNG image, for notebooks: on the left
// the cosine of each pair of tasks' gradients over the training steps,
// with a dashed line at zero, under which the pair conflicts; on the
// right each task's gradient norm, on a log scale when every norm is
// positive. A nil Conflict, one without samples, or a plot that cannot be
// drawn gives a small PNG saying so.
//
// In a notebook a Conflict ending a cell is shown as its HTML table;
// display.PNG(c.PNG()) shows the plot.
func (c *Conflict) PNG() (b []byte) {
	defer recoverPNG(&b, "conflict plot")
	switch {
	case c == nil:
		return messagePNG("mtl: conflict plot: no diagnostics (set FitConfig.Diagnose)")
	case len(c.Samples) == 0:
		return messagePNG("mtl: conflict plot: no sample (training took fewer steps than FitConfig.Diagnose)")
	}
	b, err := c.DrawPNG()
	if err != nil {
		return messagePNG("mtl: conflict plot: " + err.Error())
	}
	return b
}

// DrawPNG is PNG for callers that handle errors (the CLI's conflict.png):
// the same plot, or the error that kept it from being drawn. Without
// samples it draws empty axes.
func (c *Conflict) DrawPNG() (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("mtl: conflict plot: %v", r)
		}
	}()
	last := 1.0
	if n := len(c.Samples); n > 0 {
		last = float64(max(c.Samples[n-1].Step, 1))
	}
	cos := c.stepsPanel("Cosine between the tasks' gradients", "cosine similarity", last)
	cos.Y.Min, cos.Y.Max = -1, 1
	hline(cos, 0, color.Gray{Y: 96})
	k := 0
	for i := range c.Tasks {
		for j := i + 1; j < len(c.Tasks); j++ {
			label := c.Tasks[i] + " vs " + c.Tasks[j]
			if err := c.addSteps(cos, label, k, func(s ConflictSample) float64 { return s.Cosine[i][j] }); err != nil {
				return nil, err
			}
			k++
		}
	}

	norm := c.stepsPanel("Gradient norm per task", "L2 norm on the shared parameters", last)
	if lo, hi, ok := c.normRange(); ok {
		// Whole decades at both ends, so that both are labelled.
		norm.Y.Scale = plot.LogScale{}
		norm.Y.Tick.Marker = decadeTicks{}
		first := floorLog10(lo)
		norm.Y.Min = math.Pow10(first)
		norm.Y.Max = math.Pow10(max(ceilLog10(hi), first+1))
	} else {
		norm.Y.Min = 0
	}
	for i, task := range c.Tasks {
		if err := c.addSteps(norm, task, i, func(s ConflictSample) float64 { return s.Norms[i] }); err != nil {
			return nil, err
		}
	}
	return drawPanels(panelWidth, cos, norm)
}

// stepsPanel returns an empty panel over the steps 0 to last.
func (c *Conflict) stepsPanel(title, ylabel string, last float64) *plot.Plot {
	p := newPanel(title, "training step", ylabel)
	p.X.Tick.Marker = wholeTicks{}
	p.X.Min, p.X.Max = 0, last
	return p
}

// normRange returns the smallest and largest finite norm, and whether
// there is one and every finite norm is positive.
func (c *Conflict) normRange() (lo, hi float64, positive bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.Samples {
		for _, n := range s.Norms {
			if isFinite(n) {
				lo, hi = math.Min(lo, n), math.Max(hi, n)
			}
		}
	}
	return lo, hi, lo > 0 && isFinite(lo)
}

// addSteps plots value over the samples in colour i.
func (c *Conflict) addSteps(p *plot.Plot, label string, i int, value func(ConflictSample) float64) error {
	pts := make(plotter.XYs, len(c.Samples))
	for k, s := range c.Samples {
		pts[k] = plotter.XY{X: float64(s.Step), Y: value(s)}
	}
	return addLine(p, pts, label, seriesColor(i), false)
}

// table returns Pairs as rows.
func (c *Conflict) table() *table {
	t := &table{head: []string{"tasks", "mean cosine", "min cosine", "samples in conflict"}}
	if len(c.Samples) == 0 {
		t.caption = "No gradient sample: training took fewer steps than FitConfig.Diagnose."
		return t
	}
	first, last := c.Samples[0], c.Samples[len(c.Samples)-1]
	t.caption = fmt.Sprintf("Cosine between the tasks' gradients on the shared parameters: %d samples, steps %d to %d; a negative cosine is a conflict.",
		len(c.Samples), first.Step, last.Step)
	for _, p := range c.Pairs() {
		t.rows = append(t.rows, []string{p.A + " vs " + p.B, num(p.MeanCosine), num(p.MinCosine),
			fixedOrDash(100*p.ConflictShare, 1) + "%"})
	}
	return t
}

// HTML renders Pairs as an HTML table (mean and minimum cosine to four
// decimals, the share of samples in conflict as a percentage) below a
// line giving the samples and the steps they span. Notebooks show it.
func (c *Conflict) HTML() (s string) {
	defer recoverHTML(&s, "conflict table")
	if c == nil {
		return errorHTML("mtl: conflict table: no diagnostics (set FitConfig.Diagnose)")
	}
	return c.table().html()
}

// String renders the summary as HTML does, as aligned text.
func (c *Conflict) String() string {
	if c == nil {
		return "mtl: no conflict diagnostics"
	}
	return c.table().text()
}

// floorLog10 and ceilLog10 are ⌊log10 x⌋ and ⌈log10 x⌉ for x > 0, exact
// at powers of ten (math.Log10(0.1) is not quite −1).
func floorLog10(x float64) int {
	k := int(math.Floor(math.Log10(x)))
	if math.Pow10(k+1) <= x {
		k++
	}
	if math.Pow10(k) > x {
		k--
	}
	return k
}

func ceilLog10(x float64) int {
	k := floorLog10(x)
	if math.Pow10(k) < x {
		k++
	}
	return k
}

// decadeTicks marks a log axis at 1, 2, ..., 9 times each power of ten,
// labelling the powers of ten ("0.01", "1", "100").
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for k := floorLog10(lo); k <= ceilLog10(hi); k++ {
		d := math.Pow10(k)
		for i := 1; i < 10; i++ {
			v := float64(i) * d
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if i == 1 {
				t.Label = strconv.FormatFloat(d, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
