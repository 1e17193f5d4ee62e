package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// benchReporter reports a bench's progress: on stderr one line when a run
// starts and one when it ends or is skipped (on a terminal, the epoch
// bars of train between them), or with --json a "status" line on stdout
// for each; then the results on stdout, or a "summary" line.
type benchReporter struct {
	e     *env
	runs  int  // in the grid
	archs bool // --archs was given: labels name the architecture
}

func newBenchReporter(e *env, runs int, archs bool) *benchReporter {
	return &benchReporter{e: e, runs: runs, archs: archs}
}

// benchStatusLine is the JSON line of a run's start, end or skip.
type benchStatusLine struct {
	MessageType string               `json:"message_type"` // "status"
	Action      string               `json:"action"`       // "train", "done" or "skip"
	Run         int                  `json:"run"`          // 1-based, in the grid's order
	Runs        int                  `json:"runs"`         // in the grid
	Arch        string               `json:"arch"`
	Method      string               `json:"method"`
	Task        string               `json:"task,omitempty"` // stl
	Seed        int                  `json:"seed"`
	File        string               `json:"file"` // the run's file, relative to --out
	Seconds     float64              `json:"seconds,omitempty"`
	Test        map[string]taskScore `json:"test,omitempty"`
}

// benchTally counts a bench's runs: in the grid, to train here (the
// shard's), trained and skipped as finished.
type benchTally struct {
	Runs    int `json:"runs"`
	Here    int `json:"here"`
	Trained int `json:"trained"`
	Skipped int `json:"skipped"`
}

// benchSummaryLine is the last JSON line of mtl bench and mtl bench
// merge; a shard has no results.
type benchSummaryLine struct {
	MessageType string `json:"message_type"` // "summary"
	Dir         string `json:"dir"`
	Shard       string `json:"shard,omitempty"`
	benchTally
	Results *benchResults `json:"results,omitempty"` // results.json's content
}

func (r *benchReporter) status(action string, i int, k runKey, run *benchRun) {
	line := benchStatusLine{MessageType: "status", Action: action, Run: i + 1, Runs: r.runs,
		Arch: k.arch, Method: k.method, Task: k.task, Seed: k.seed, File: k.path()}
	if run != nil {
		line.Seconds, line.Test = roundMillis(run.Seconds), run.Test
	}
	r.e.emit(line)
}

// prefix returns "[ 3/12] ew, seed 1:".
func (r *benchReporter) prefix(i int, k runKey) string {
	w := len(fmt.Sprint(r.runs))
	return fmt.Sprintf("[%*d/%d] %s:", w, i+1, r.runs, k.label(r.archs))
}

// start announces the bench on stderr.
func (r *benchReporter) start(m *benchManifest, here int, dir string) {
	if r.e.json {
		return
	}
	what := plural(r.runs, "run")
	if m.Shard != "" {
		what = fmt.Sprintf("%d of %s (shard %s)", here, plural(r.runs, "run"), m.Shard)
	}
	fmt.Fprintf(r.e.stderr, "mtl bench: %s, %s into %s\n", m.Dataset, what, filepath.Clean(dir))
}

func (r *benchReporter) begin(i int, k runKey) {
	if r.e.json {
		r.status("train", i, k, nil)
		return
	}
	fmt.Fprintf(r.e.stderr, "%s training\n", r.prefix(i, k))
}

func (r *benchReporter) skipped(i int, k runKey) {
	if r.e.json {
		r.status("skip", i, k, nil)
		return
	}
	fmt.Fprintf(r.e.stderr, "%s skipped, %s is finished\n", r.prefix(i, k), k.path())
}

func (r *benchReporter) finish(i int, k runKey, run *benchRun, tasks []benchTask) {
	if r.e.json {
		r.status("done", i, k, run)
		return
	}
	var s []string
	for _, t := range tasks {
		if v, ok := run.Test[t.Name][t.Metric]; ok {
			s = append(s, fmt.Sprintf("%s %s %.4f", t.Name, t.Metric, v))
		}
	}
	fmt.Fprintf(r.e.stderr, "%s done in %.1fs: %s\n", r.prefix(i, k), run.Seconds, strings.Join(s, ", "))
}

// note prints a remark on stderr (nothing with --json).
func (r *benchReporter) note(msg string) {
	if !r.e.json {
		fmt.Fprintf(r.e.stderr, "mtl bench: %s\n", msg)
	}
}

// done reports the results: results.md and the files on stdout, or the
// summary line.
func (r *benchReporter) done(dir string, tally benchTally, res *benchResults, md string) error {
	if r.e.json {
		return r.e.emit(benchSummaryLine{MessageType: "summary", Dir: dir, benchTally: tally, Results: res})
	}
	fmt.Fprint(r.e.stdout, md)
	_, err := fmt.Fprintf(r.e.stdout, "\n%s trained, %s skipped as finished. Results: %s\n",
		plural(tally.Trained, "run"), plural(tally.Skipped, "run"), resultsFiles(dir))
	return err
}

// shardDone reports a finished shard.
func (r *benchReporter) shardDone(dir, shard string, tally benchTally) error {
	if r.e.json {
		return r.e.emit(benchSummaryLine{MessageType: "summary", Dir: dir, Shard: shard, benchTally: tally})
	}
	_, err := fmt.Fprintf(r.e.stdout, "Shard %s: %s of %d (%d trained, %d skipped as finished) in %s.\nWhen every shard is done: mtl bench merge --out DIR SHARD_DIR...\n",
		shard, plural(tally.Here, "run"), tally.Runs, tally.Trained, tally.Skipped, filepath.Join(dir, benchRunsDir))
	return err
}
