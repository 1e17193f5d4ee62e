package mtl

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// historyMetrics are the metrics History.PNG draws a panel for, in order,
// with each panel's title and y axis label, and whether the values fall
// as the model learns (the legend then goes on top, where the curves
// leave room). RMSE and the share of boxes at IoU ≥ 0.5 follow MAE and
// mean IoU, so they are left to the table.
var historyMetrics = []struct {
	name, title, ylabel string
	falls               bool
}{
	{"accuracy", "Accuracy", "accuracy", false},
	{"auc", "ROC AUC", "area under the ROC curve", false},
	{"mae", "Mean absolute error", "MAE", true},
	{"iou", "Mean IoU", "IoU", false},
}

// tasks returns the task names of h's keys ("<task>_loss"), in key order.
func (h *History) tasks() []string {
	var tasks []string
	for _, k := range h.Keys {
		if k != "loss" && !strings.HasPrefix(k, "val_") && strings.HasSuffix(k, "_loss") {
			tasks = append(tasks, strings.TrimSuffix(k, "_loss"))
		}
	}
	return tasks
}

// PNG draws the learning curves as a PNG image, for notebooks: a loss
// panel (the weighted total in black, each task's loss in its colour) and
// one panel per metric the tasks have (accuracy, ROC AUC, MAE, mean IoU),
// epochs on the x axis, training solid and validation dashed. Values that
// are not finite are left out. A nil or empty History, or a plot that
// cannot be drawn, gives a small PNG saying so.
//
// In a notebook a History ending a cell is shown as its HTML table (front
// ends prefer text/html to image/png); display.PNG(hist.PNG()) shows the
// curves.
func (h *History) PNG() (b []byte) {
	defer recoverPNG(&b, "history plot")
	if h == nil || h.Epochs() == 0 {
		return messagePNG("mtl: history plot: no epochs recorded")
	}
	b, err := h.png()
	if err != nil {
		return messagePNG("mtl: history plot: " + err.Error())
	}
	return b
}

func (h *History) png() ([]byte, error) {
	tasks := h.tasks()
	loss := h.curvesPanel("Loss", "loss")
	loss.Legend.Top = true
	black := color.Black
	if err := h.addCurve(loss, "loss", "total", black, false); err != nil {
		return nil, err
	}
	if err := h.addCurve(loss, "val_loss", "total (validation)", black, true); err != nil {
		return nil, err
	}
	if err := h.addTaskCurves(loss, tasks, "loss"); err != nil {
		return nil, err
	}
	panels := []*plot.Plot{loss}
	for _, m := range historyMetrics {
		have := false
		for _, t := range tasks {
			_, ok := h.Metrics[t+"_"+m.name]
			have = have || ok
		}
		if !have {
			continue
		}
		p := h.curvesPanel(m.title, m.ylabel)
		p.Legend.Top = m.falls
		if err := h.addTaskCurves(p, tasks, m.name); err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	return drawPanels(panelWidth, panels...)
}

// curvesPanel returns an empty panel over the epochs.
func (h *History) curvesPanel(title, ylabel string) *plot.Plot {
	p := newPanel(title, "epoch", ylabel)
	p.X.Tick.Marker = epochTicks{}
	p.X.Min, p.X.Max = 0.75, float64(h.Epochs())+0.25 // room around the end points
	return p
}

// addTaskCurves plots "<task>_<metric>" and its validation twin for every
// task that has them, in the task's colour.
func (h *History) addTaskCurves(p *plot.Plot, tasks []string, metric string) error {
	for i, t := range tasks {
		if err := h.addCurve(p, t+"_"+metric, t, seriesColor(i), false); err != nil {
			return err
		}
		if err := h.addCurve(p, "val_"+t+"_"+metric, t+" (validation)", seriesColor(i), true); err != nil {
			return err
		}
	}
	return nil
}

// addCurve plots the values of key, when h has them, one per epoch.
func (h *History) addCurve(p *plot.Plot, key, label string, c color.Color, dashed bool) error {
	vs := h.Metrics[key]
	pts := make(plotter.XYs, len(vs))
	for e, v := range vs {
		pts[e] = plotter.XY{X: float64(e + 1), Y: v}
	}
	return addLine(p, pts, label, c, dashed)
}

// table returns one row per epoch: the epoch and every key's value.
func (h *History) table() *table {
	t := &table{head: append([]string{"epoch"}, h.Keys...)}
	for e := 0; e < h.Epochs(); e++ {
		row := []string{strconv.Itoa(e + 1)}
		for _, k := range h.Keys {
			v := h.Metrics[k]
			if e < len(v) {
				row = append(row, num(v[e]))
			} else {
				row = append(row, "–")
			}
		}
		t.rows = append(t.rows, row)
	}
	t.caption = fmt.Sprintf("%d epochs", h.Epochs())
	if h.Epochs() == 1 {
		t.caption = "1 epoch"
	}
	if h.TrainExamples > 0 {
		// No timing: a notebook executed again shows the same table.
		t.caption += fmt.Sprintf(", %d training examples seen", h.TrainExamples)
	}
	return t
}

// HTML renders the history as an HTML table, one row per epoch and one
// column per key (values to four decimals, "–" where not finite), below
// a line giving the epochs and the training examples seen (not the time
// taken, so that a notebook run again shows the same table). Notebooks
// show it.
func (h *History) HTML() (s string) {
	defer recoverHTML(&s, "history table")
	if h == nil {
		return errorHTML("mtl: history table: no history")
	}
	return h.table().html()
}

// String renders the history as HTML does, as aligned text.
func (h *History) String() string {
	if h == nil {
		return "mtl: no history"
	}
	return h.table().text()
}
