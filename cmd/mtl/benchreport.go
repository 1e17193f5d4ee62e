package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// benchResults is results.json: the bench's settings and its rows.
type benchResults struct {
	Dataset   string      `json:"dataset"`
	Epochs    int         `json:"epochs"`
	Seeds     int         `json:"seeds"`
	Limit     int         `json:"limit,omitempty"`
	TestLimit int         `json:"test_limit,omitempty"`
	Tasks     []benchTask `json:"tasks"` // each task's metric
	Rows      []benchRow  `json:"rows"`
}

// A benchRow is one method (on one architecture) over the seeds: each
// task's test metric, Δm% against stl (not on stl's row, nor without
// stl), the mean training seconds per run and the parameter count. stl's
// seconds and params are sums over its single-task models.
type benchRow struct {
	Method  string               `json:"method"`
	Arch    string               `json:"arch,omitempty"` // only with --archs
	Tasks   map[string]benchStat `json:"tasks"`
	DeltaM  *jsonFloat           `json:"delta_m,omitempty"`
	Seconds jsonFloat            `json:"seconds"`
	Params  int                  `json:"params"`
	Seeds   int                  `json:"seeds"`
}

// benchStat is a mean and sample standard deviation over the seeds.
type benchStat struct {
	Mean jsonFloat `json:"mean"`
	SD   jsonFloat `json:"sd"`
}

// jsonFloat is a float64 written as null in JSON when it is not finite
// (a regression that diverged, Δm against a zero baseline).
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) { return json.Marshal(finiteOrNil(float64(f))) }

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	var v *float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jsonFloat(math.NaN())
	if v != nil {
		*f = jsonFloat(*v)
	}
	return nil
}

// meanSD returns the mean and the sample standard deviation (n−1
// denominator; 0 for one value) of x.
func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// deltaM returns Δm% of row against base over tasks: (1/T) Σ_t
// (−1)^l_t (M_t − B_t) / B_t × 100, with l_t = 1 where lower is better,
// so that higher is better for every task (LibMTL's convention).
func deltaM(row, base map[string]benchStat, tasks []benchTask) float64 {
	var sum float64
	for _, t := range tasks {
		m, b := float64(row[t.Name].Mean), float64(base[t.Name].Mean)
		d := (m - b) / b
		if t.LowerBetter {
			d = -d
		}
		sum += d
	}
	return sum / float64(len(tasks)) * 100
}

// collectRuns reads every run of m's grid from dir; a missing run is an
// error naming how many are missing and the first.
func collectRuns(dir string, m *benchManifest) (map[runKey]*benchRun, error) {
	keys := m.grid()
	runs := make(map[runKey]*benchRun, len(keys))
	var missing []string
	for _, k := range keys {
		r, err := readRun(dir, k, m.Tasks)
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, k.path())
			continue
		}
		if err != nil {
			return nil, err
		}
		runs[k] = r
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s lacks %d of the %d runs of its grid, %s first", dir, len(missing), len(keys), missing[0])
	}
	return runs, nil
}

// benchRows returns the rows of m's grid from its runs: stl first, when
// --methods has it, then for each architecture each other method in
// --methods order, without the excluded cells.
func benchRows(m *benchManifest, runs map[runKey]*benchRun) []benchRow {
	var rows []benchRow
	var stl *benchRow
	if slices.Contains(m.Methods, stlMethod) {
		row := benchRow{Method: stlMethod, Tasks: map[string]benchStat{}, Seeds: m.Seeds}
		if len(m.Archs) > 0 {
			row.Arch = "hard"
		}
		seconds := make([]float64, m.Seeds)
		for _, t := range m.Tasks {
			var x []float64
			for seed := 1; seed <= m.Seeds; seed++ {
				r := runs[runKey{arch: "hard", method: stlMethod, task: t.Name, seed: seed}]
				x = append(x, r.Test[t.Name][t.Metric])
				seconds[seed-1] += r.Seconds
				if seed == 1 {
					row.Params += r.Params
				}
			}
			mean, sd := meanSD(x)
			row.Tasks[t.Name] = benchStat{jsonFloat(mean), jsonFloat(sd)}
		}
		mean, _ := meanSD(seconds)
		row.Seconds = jsonFloat(roundMillis(mean))
		rows = append(rows, row)
		stl = &rows[0]
	}
	for _, arch := range m.archList() {
		for _, method := range m.Methods {
			if method == stlMethod || m.excluded(arch, method) {
				continue
			}
			row := benchRow{Method: method, Tasks: map[string]benchStat{}, Seeds: m.Seeds}
			if len(m.Archs) > 0 {
				row.Arch = arch
			}
			var seconds []float64
			for seed := 1; seed <= m.Seeds; seed++ {
				r := runs[runKey{arch: arch, method: method, seed: seed}]
				seconds = append(seconds, r.Seconds)
				if seed == 1 {
					row.Params = r.Params
				}
			}
			for _, t := range m.Tasks {
				var x []float64
				for seed := 1; seed <= m.Seeds; seed++ {
					x = append(x, runs[runKey{arch: arch, method: method, seed: seed}].Test[t.Name][t.Metric])
				}
				mean, sd := meanSD(x)
				row.Tasks[t.Name] = benchStat{jsonFloat(mean), jsonFloat(sd)}
			}
			mean, _ := meanSD(seconds)
			row.Seconds = jsonFloat(roundMillis(mean))
			if stl != nil {
				d := jsonFloat(deltaM(row.Tasks, stl.Tasks, m.Tasks))
				row.DeltaM = &d
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// writeResults reads the runs of m's grid from dir, writes
// results.json, results.md and results.png there, and returns the results
// and results.md.
func writeResults(dir string, m *benchManifest) (*benchResults, string, error) {
	runs, err := collectRuns(dir, m)
	if err != nil {
		return nil, "", err
	}
	res := &benchResults{
		Dataset: m.Dataset, Epochs: m.Epochs, Seeds: m.Seeds, Limit: m.Limit, TestLimit: m.TestLimit,
		Tasks: m.Tasks, Rows: benchRows(m, runs),
	}
	if err := writeBenchJSON(dir, benchResultsJSON, res); err != nil {
		return nil, "", err
	}
	md := resultsMarkdown(m, res)
	if err := writeBenchFile(dir, benchResultsMD, []byte(md)); err != nil {
		return nil, "", err
	}
	png, err := resultsPNG(res)
	if err != nil {
		return nil, "", err
	}
	return res, md, writeBenchFile(dir, benchResultsPNG, png)
}

// resultsMarkdown returns results.md: a header that states the settings
// and the Δm convention, the table, and notes on stl, the times and the
// cells left out.
func resultsMarkdown(m *benchManifest, res *benchResults) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# mtl bench: %s\n\n", m.Dataset)
	b.WriteString(benchSettings(m) + "\n\n")
	var metrics []string
	for _, t := range m.Tasks {
		better := "higher is better"
		if t.LowerBetter {
			better = "lower is better"
		}
		metrics = append(metrics, fmt.Sprintf("%s: test %s (%s)", t.Name, t.Metric, better))
	}
	fmt.Fprintf(&b, "Metrics: %s; each cell is the mean ± sample standard deviation over the seeds, after the last epoch.\n", strings.Join(metrics, ", "))
	fmt.Fprintf(&b, "Δm%% = (1/T) Σ_t (−1)^l_t (M_m,t − M_stl,t) / M_stl,t × 100, l_t = 1 where lower is better, on the means over the same seeds: LibMTL's convention, higher is better and 0 is stl's level.\n\n")

	archs := len(m.Archs) > 0
	b.WriteString("| method |")
	if archs {
		b.WriteString(" arch |")
	}
	for _, t := range m.Tasks {
		fmt.Fprintf(&b, " %s %s |", t.Name, t.Metric)
	}
	b.WriteString(" Δm% | seconds | params |\n|---|")
	if archs {
		b.WriteString("---|")
	}
	b.WriteString(strings.Repeat("--:|", len(m.Tasks)+3) + "\n")
	for _, r := range res.Rows {
		fmt.Fprintf(&b, "| %s |", r.Method)
		if archs {
			fmt.Fprintf(&b, " %s |", r.Arch)
		}
		for _, t := range m.Tasks {
			s := r.Tasks[t.Name]
			fmt.Fprintf(&b, " %.4f ± %.4f |", s.Mean, s.SD)
		}
		d := "—"
		if r.DeltaM != nil {
			d = fmt.Sprintf("%+.2f", float64(*r.DeltaM))
		}
		fmt.Fprintf(&b, " %s | %.2f | %d |\n", d, r.Seconds, r.Params)
	}
	b.WriteString("\n")
	if slices.Contains(m.Methods, stlMethod) {
		b.WriteString("stl: one single-task model per task (the trunk and that task's head, hard sharing); its seconds and params are the sums over those models. ")
	} else {
		b.WriteString("No Δm: --methods has no stl baseline. ")
	}
	b.WriteString("seconds: the mean training time of a run (forward, backward and update; evaluation excluded).\n")
	for _, c := range m.Excluded {
		fmt.Fprintf(&b, "Not run: %s on %s (%s).\n", c.Method, c.Arch, c.Reason)
	}
	return b.String()
}

// benchSettings returns the line that states the bench's settings:
// "Dataset mnist, 1 epoch, seeds 1 to 2, --limit 2000, ...".
func benchSettings(m *benchManifest) string {
	s := []string{"Dataset " + m.Dataset, plural(m.Epochs, "epoch")}
	if m.Seeds == 1 {
		s = append(s, "seed 1")
	} else {
		s = append(s, fmt.Sprintf("seeds 1 to %d", m.Seeds))
	}
	limit := "all training examples"
	if m.Limit > 0 {
		limit = fmt.Sprintf("--limit %d", m.Limit)
	}
	testLimit := "all test examples"
	if m.TestLimit > 0 {
		testLimit = fmt.Sprintf("--test-limit %d", m.TestLimit)
	}
	s = append(s, limit, testLimit)
	if m.ValSplit > 0 {
		s = append(s, fmt.Sprintf("--val-split %v", m.ValSplit))
	}
	s = append(s, fmt.Sprintf("batch %d", m.Batch), fmt.Sprintf("%s at lr %s", m.Optimizer, strconv.FormatFloat(m.LR, 'g', -1, 64)))
	if m.Trunk != "" {
		s = append(s, "trunk "+m.Trunk)
	}
	return strings.Join(s, ", ") + "."
}

// plural returns "1 epoch" or "3 epochs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// resultsFiles returns "DIR/results.json, results.md and results.png".
func resultsFiles(dir string) string {
	return fmt.Sprintf("%s, %s and %s", filepath.Join(dir, benchResultsJSON), benchResultsMD, benchResultsPNG)
}
