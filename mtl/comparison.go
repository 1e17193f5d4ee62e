package mtl

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/pkg/errors"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// A Comparison sets several methods' test results side by side, as the
// results table of a multi-task paper does: each task's main metric per
// method and, when Baseline names one of the rows, each method's Δm%
// against it. It renders itself in a notebook (HTML, PNG). Its zero value
// is an empty comparison without a baseline.
//
// Δm% follows LibMTL (Lin & Zhang 2023) and Maninis et al. 2019: the mean
// over the baseline's tasks t of (−1)^l_t (M_t − B_t) / B_t × 100, where
// M_t is the method's metric, B_t the baseline's and l_t = 1 when lower
// is better (MAE), so that a positive Δm% is better than the baseline for
// every kind of task. The main metric of a task is its accuracy
// (classification, binary), its mean absolute error (regression) or its
// mean IoU (boxes).
type Comparison struct {
	// Title heads the table and the plot; "" leaves them untitled.
	Title string `json:"title,omitempty"`
	// Baseline is the method Δm% is measured against, usually "stl", the
	// single-task models; "" means no Δm%.
	Baseline string          `json:"baseline,omitempty"`
	Rows     []ComparisonRow `json:"rows"`
}

// A ComparisonRow is one method's test results.
type ComparisonRow struct {
	Method string       `json:"method"`
	Tasks  []TaskResult `json:"tasks"`
	// Seconds is the training time shown beside the results, 0 for none.
	Seconds float64 `json:"seconds,omitempty"`
}

// mainMetric returns the metric a comparison reads for a task kind, and
// whether lower is better.
func mainMetric(kind string) (name string, lowerBetter bool) {
	switch kind {
	case RegressKind:
		return "mae", true
	case BoxKind:
		return "iou", false
	}
	return "accuracy", false
}

// Add records method's results: the tasks of every result given, and
// seconds of training (0 if not to be shown). A method added again gets
// the new tasks appended to its row and the seconds added, so that the
// single-task baselines, one model per task, make one row:
//
//	cmp.Add("stl", histLeft.TrainSeconds, resLeft)
//	cmp.Add("stl", histRight.TrainSeconds, resRight)
//
// A nil result is skipped.
func (c *Comparison) Add(method string, seconds float64, results ...*Result) {
	i := c.row(method)
	if i < 0 {
		c.Rows = append(c.Rows, ComparisonRow{Method: method})
		i = len(c.Rows) - 1
	}
	r := &c.Rows[i]
	r.Seconds += seconds
	for _, res := range results {
		if res != nil {
			r.Tasks = append(r.Tasks, res.Tasks...)
		}
	}
}

// row returns the index of method's row, or -1.
func (c *Comparison) row(method string) int {
	for i, r := range c.Rows {
		if r.Method == method {
			return i
		}
	}
	return -1
}

// metric returns the main metric of task in row r, or NaN if r has no
// such task.
func (r *ComparisonRow) metric(task string) float64 {
	for _, t := range r.Tasks {
		if t.Task == task {
			m, _ := mainMetric(t.Kind)
			return t.Metric(m)
		}
	}
	return math.NaN()
}

// DeltaM returns method's Δm% against the baseline (see Comparison), and
// false when there is no baseline row, no row for method, or method lacks
// one of the baseline's tasks.
func (c *Comparison) DeltaM(method string) (float64, bool) {
	b, m := c.row(c.Baseline), c.row(method)
	if c.Baseline == "" || b < 0 || m < 0 || len(c.Rows[b].Tasks) == 0 {
		return math.NaN(), false
	}
	base, row := &c.Rows[b], &c.Rows[m]
	var sum float64
	for _, t := range base.Tasks {
		name, lower := mainMetric(t.Kind)
		bv, mv := t.Metric(name), row.metric(t.Task)
		if math.IsNaN(mv) {
			return math.NaN(), false
		}
		d := (mv - bv) / bv
		if lower {
			d = -d
		}
		sum += d
	}
	return sum / float64(len(base.Tasks)) * 100, true
}

// columns returns every task of the rows, in first-seen order, with its
// main metric.
func (c *Comparison) columns() (tasks, metrics []string) {
	for _, r := range c.Rows {
		for _, t := range r.Tasks {
			if !slices.Contains(tasks, t.Task) {
				m, _ := mainMetric(t.Kind)
				tasks, metrics = append(tasks, t.Task), append(metrics, m)
			}
		}
	}
	return tasks, metrics
}

// hasBaseline reports whether Δm% can be computed.
func (c *Comparison) hasBaseline() bool { return c.Baseline != "" && c.row(c.Baseline) >= 0 }

// table returns one row per method: each task's main metric, Δm% (with a
// baseline) and the training seconds (when any row has them). The best
// value of each column is marked bold; for Δm% the best of the methods
// other than the baseline.
func (c *Comparison) table() *table {
	tasks, metrics := c.columns()
	t := &table{caption: c.Title, head: []string{"method"}, bold: map[[2]int]bool{}}
	for k, task := range tasks {
		t.head = append(t.head, task+" "+metricHeads[metrics[k]])
	}
	withDelta := c.hasBaseline()
	if withDelta {
		t.head = append(t.head, "Δm% vs "+c.Baseline)
	}
	withSeconds := slices.ContainsFunc(c.Rows, func(r ComparisonRow) bool { return r.Seconds > 0 })
	if withSeconds {
		t.head = append(t.head, "training s")
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		row := []string{r.Method}
		for _, task := range tasks {
			row = append(row, num(r.metric(task)))
		}
		if withDelta {
			if d, ok := c.DeltaM(r.Method); ok && r.Method != c.Baseline {
				row = append(row, signed(d))
			} else {
				row = append(row, "–")
			}
		}
		if withSeconds {
			row = append(row, fixedOrDash(r.Seconds, 1))
		}
		t.rows = append(t.rows, row)
	}
	// Bold the best of each task column, and the best Δm%.
	for k, task := range tasks {
		_, lower := mainMetric(c.kindOf(task))
		c.markBest(t, 1+k, lower, func(r *ComparisonRow) float64 { return r.metric(task) })
	}
	if withDelta {
		c.markBest(t, 1+len(tasks), false, func(r *ComparisonRow) float64 {
			if r.Method == c.Baseline {
				return math.NaN()
			}
			d, _ := c.DeltaM(r.Method)
			return d
		})
	}
	return t
}

// signed formats a percentage with two decimals and its sign, "+0.00"
// for what rounds to zero from either side.
func signed(x float64) string {
	if !isFinite(x) {
		return "–"
	}
	if r := math.Round(x * 100); r == 0 {
		x = 0
	}
	return fmt.Sprintf("%+.2f", x)
}

// kindOf returns the kind of the first task named task.
func (c *Comparison) kindOf(task string) string {
	for _, r := range c.Rows {
		for _, t := range r.Tasks {
			if t.Task == task {
				return t.Kind
			}
		}
	}
	return ""
}

// markBest marks bold, in column col of t, the rows whose value is the
// best finite one (ties all marked).
func (c *Comparison) markBest(t *table, col int, lower bool, value func(*ComparisonRow) float64) {
	best := math.NaN()
	for i := range c.Rows {
		v := value(&c.Rows[i])
		if isFinite(v) && (math.IsNaN(best) || (lower && v < best) || (!lower && v > best)) {
			best = v
		}
	}
	for i := range c.Rows {
		if v := value(&c.Rows[i]); isFinite(best) && v == best {
			t.bold[[2]int{i, col}] = true
		}
	}
}

// HTML renders the comparison as an HTML table: a row per method, each
// task's main metric to four decimals, Δm% to two with its sign, the
// training seconds; the best value of each column in bold. Notebooks show
// it.
func (c *Comparison) HTML() (s string) {
	defer recoverHTML(&s, "comparison table")
	if c == nil {
		return errorHTML("mtl: comparison table: no comparison")
	}
	return c.table().html()
}

// String renders the comparison as HTML does, as aligned text.
func (c *Comparison) String() string {
	if c == nil {
		return "mtl: no comparison"
	}
	return c.table().text()
}

// PNG draws the comparison as a PNG image, for notebooks: a panel per
// main metric (test accuracy, MAE, mean IoU) with a point per method and
// task, the baseline's value of each task as a dashed line in the task's
// colour, and with a baseline a panel of Δm% per method as bars. A nil or
// empty comparison, or a plot that cannot be drawn, gives a small PNG
// saying so.
//
// In a notebook a Comparison ending a cell is shown as its HTML table;
// display.PNG(cmp.PNG()) shows the plot.
func (c *Comparison) PNG() (b []byte) {
	defer recoverPNG(&b, "comparison plot")
	if c == nil || len(c.Rows) == 0 {
		return messagePNG("mtl: comparison plot: no results")
	}
	b, err := c.png()
	if err != nil {
		return messagePNG("mtl: comparison plot: " + err.Error())
	}
	return b
}

// Titles of the metric panels.
var comparisonTitles = map[string]string{"accuracy": "Test accuracy", "mae": "Test mean absolute error", "iou": "Test mean IoU"}

func (c *Comparison) png() ([]byte, error) {
	tasks, metrics := c.columns()
	// The methods along the x axis: every row but the baseline, whose
	// values are lines across the panel.
	var methods []*ComparisonRow
	var base *ComparisonRow
	for i := range c.Rows {
		if c.hasBaseline() && c.Rows[i].Method == c.Baseline {
			base = &c.Rows[i]
		} else {
			methods = append(methods, &c.Rows[i])
		}
	}
	if len(methods) == 0 {
		return nil, errors.Errorf("no method besides the baseline %q", c.Baseline)
	}
	names := make([]string, len(methods))
	for i, r := range methods {
		names[i] = r.Method
	}
	width := max(panelWidth, vg.Length(len(methods))*0.8*vg.Inch+vg.Inch)

	var panels []*plot.Plot
	var panelMetrics []string
	for _, m := range metrics {
		if !slices.Contains(panelMetrics, m) {
			panelMetrics = append(panelMetrics, m)
		}
	}
	for _, m := range panelMetrics {
		p := newPanel(comparisonTitles[m], "", metricHeads[m])
		p.NominalX(names...)
		p.X.Min, p.X.Max = -0.5, float64(len(methods))-0.5
		p.Legend.Top = m == "mae"
		var inPanel []int // the tasks of metric m
		for k := range tasks {
			if metrics[k] == m {
				inPanel = append(inPanel, k)
			}
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		entries := 0 // in the legend
		for n, k := range inPanel {
			// Spread the tasks' points a little around each method.
			offset := 0.0
			if len(inPanel) > 1 {
				offset = 0.3 * (float64(n)/float64(len(inPanel)-1) - 0.5)
			}
			var pts plotter.XYs
			for i, r := range methods {
				if v := r.metric(tasks[k]); isFinite(v) {
					pts = append(pts, plotter.XY{X: float64(i) + offset, Y: v})
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
			col := seriesColor(k)
			if len(pts) > 0 {
				s, err := plotter.NewScatter(pts)
				if err != nil {
					return nil, errors.Wrap(err, tasks[k])
				}
				s.Color = col
				s.Shape = vgdraw.CircleGlyph{}
				s.Radius = vg.Points(4)
				p.Add(s)
				p.Legend.Add(tasks[k], s)
				entries++
			}
			if base != nil {
				if v := base.metric(tasks[k]); isFinite(v) {
					p.Legend.Add(tasks[k]+" ("+c.Baseline+")", hline(p, v, col))
					entries++
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		if lo <= hi { // a plotter.Function does not widen the axes: set them
			pad := math.Max((hi-lo)*0.1, 0.005)
			lo, hi = lo-pad, hi+pad
			// Room for the legend below (above, for MAE) the points:
			// each entry takes about 5% of the panel's height.
			f := math.Min(0.05*float64(entries), 0.5)
			room := (hi - lo) * f / (1 - f)
			if p.Legend.Top {
				hi += room
			} else {
				lo -= room
			}
			p.Y.Min, p.Y.Max = lo, hi
		}
		panels = append(panels, p)
	}

	if base != nil {
		p := newPanel("Δm% against "+c.Baseline+" (higher is better)", "", "Δm%")
		vals := make(plotter.Values, len(methods))
		lo, hi := 0.0, 0.0 // the bars start at zero
		for i, r := range methods {
			if d, ok := c.DeltaM(r.Method); ok && isFinite(d) {
				vals[i] = d
				lo, hi = math.Min(lo, d), math.Max(hi, d)
			}
		}
		pad := math.Max((hi-lo)*0.08, 0.1) // room beyond the longest bar
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
		group := (width - vg.Inch) / vg.Length(len(methods))
		bars, err := plotter.NewBarChart(vals, group*0.6)
		if err != nil {
			return nil, errors.Wrap(err, "bars of Δm%")
		}
		bars.Color = color.RGBA{R: 70, G: 110, B: 170, A: 255}
		bars.LineStyle.Width = 0
		p.Add(bars)
		hline(p, 0, color.Gray{Y: 64})
		p.NominalX(names...)
		p.X.Min, p.X.Max = -0.5, float64(len(methods))-0.5
		panels = append(panels, p)
	}
	return drawPanels(width, panels...)
}
