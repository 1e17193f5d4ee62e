package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// FuzzReadRunFolder checks that eval and predict's reading of a run folder
// (dataOptions.forRun, without flags: summary.json, through readRecorded,
// and for a csv run csv.json, through readCSVInfo) never panics on files
// holding any bytes, and returns either an error and no dataset, or the
// dataset summary.json names with a correlation in [-1, 1] and, for csv
// data, the tasks, features and statistics of csv.json, consistent with
// one another; and that both files, re-encoded, read the same. It does
// not read the data. The seeds are in testdata/fuzz/FuzzReadRunFolder: the
// summary.json and csv.json of a real `mtl train --dataset csv:iris.csv`
// run, an mmoe-synth and a mnist summary, and broken files.
func FuzzReadRunFolder(f *testing.F) {
	f.Fuzz(func(t *testing.T, summary, csvInfo []byte) {
		dir := t.TempDir()
		for name, b := range map[string][]byte{summaryFile: summary, csvInfoFile: csvInfo} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var o dataOptions
		o.fromRun = true
		d, src, err := o.forRun("eval", dir, map[string]bool{})
		if err != nil {
			if d != nil || src.csv != nil {
				t.Fatalf("dataset returned with error %v", err)
			}
			return
		}

		rec, err := readRecorded(dir)
		if err != nil || rec == nil {
			t.Fatalf("readRecorded fails (%v) where forRun did not", err)
		}
		if d.name != rec.Dataset || !(src.correlation >= -1 && src.correlation <= 1) {
			t.Fatalf("dataset %q with correlation %v from a run of %q", d.name, src.correlation, rec.Dataset)
		}
		raw := fuzzJSON(t, rec)
		if err := os.WriteFile(filepath.Join(dir, summaryFile), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		if again, err := readRecorded(dir); err != nil || !bytes.Equal(fuzzJSON(t, again), raw) {
			t.Fatalf("re-encoded summary.json reads differently (%v):\n%s", err, raw)
		}

		if !d.isCSV() {
			if src.csv != nil {
				t.Fatalf("csv source for dataset %q", d.name)
			}
			return
		}
		c := src.csv
		if c == nil || c.stats == nil || c.path != d.csvPath() || c.path == "" {
			t.Fatalf("dataset %q without its csv source", d.name)
		}
		info := c.stats
		nf := len(info.Features)
		if nf == 0 || len(info.Mean) != nf || len(info.Std) != nf || len(info.Tasks) == 0 {
			t.Fatalf("accepted csv.json with %d features, %d means, %d standard deviations and %d tasks", nf, len(info.Mean), len(info.Std), len(info.Tasks))
		}
		if !slices.Equal(d.input, []int{nf}) || len(d.tasks) != len(info.Tasks) ||
			!slices.Equal(c.cfg.Features, info.Features) || !slices.EqualFunc(c.cfg.Tasks, info.Tasks, csvTaskEqual) {
			t.Fatalf("dataset of input %v and %d tasks, reading %v and %v, from csv.json's %v and %v", d.input, len(d.tasks), c.cfg.Features, c.cfg.Tasks, info.Features, info.Tasks)
		}
		for i, task := range d.tasks {
			if task.Name != info.Tasks[i].Name || !slices.Equal(d.classes[task.Name], info.Tasks[i].Classes) {
				t.Fatalf("task %d is %q with classes %q, csv.json has %+v", i, task.Name, d.classes[task.Name], info.Tasks[i])
			}
		}
		raw = fuzzJSON(t, info)
		p := filepath.Join(dir, csvInfoFile)
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		if again, err := readCSVInfo(p); err != nil || !bytes.Equal(fuzzJSON(t, again), raw) {
			t.Fatalf("re-encoded csv.json reads differently (%v):\n%s", err, raw)
		}
	})
}

// csvTaskEqual reports whether two CSV tasks are the same.
func csvTaskEqual(a, b datasets.CSVTask) bool {
	return a.Name == b.Name && a.Kind == b.Kind && slices.Equal(a.Classes, b.Classes)
}

// fuzzJSON returns the JSON of v, which cannot fail for what a decoder
// produced.
func fuzzJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	return b
}
