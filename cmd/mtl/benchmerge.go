package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// mergeUsage is the text of mtl bench merge -h.
const mergeUsage = `Usage: mtl bench merge --out DIR [--json] SHARD_DIR...

Gather the runs of the shards of one bench (the --out folders of mtl bench
--shard i/n) into DIR, and write results.json, results.md and results.png
there: the same rows as one unsharded bench. The shards' bench.json must
agree but for --shard; a run that two folders hold must have the same
configuration in both; every run of the grid must be in some folder (or
already in DIR). DIR may be one of the shards' folders.

Flags:
`

// runMerge runs mtl bench merge with args, the arguments after "merge".
// Flags and folders may come in any order.
func runMerge(ctx context.Context, e *env, args []string) error {
	const cmd = "bench merge"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var out string
	fs.StringVar(&out, "out", "", "write the merged bench into `DIR` (required)")
	fs.BoolVar(&e.json, "json", e.json, "print JSON lines on stdout instead of text")
	var dirs []string
	for rest := args; ; rest = fs.Args()[1:] {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(e.stdout, mergeUsage)
				fs.SetOutput(e.stdout)
				fs.PrintDefaults()
				fmt.Fprint(e.stdout, exitCodesText)
				return nil
			}
			return usageErrorf(cmd, "%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
	}
	switch {
	case out == "":
		return usageErrorf(cmd, "--out DIR is required")
	case len(dirs) == 0:
		return usageErrorf(cmd, "name the shards' folders after the flags: mtl bench merge --out DIR SHARD_DIR...")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m, err := mergedManifest(out, dirs)
	if err != nil {
		return err
	}
	copied, err := mergeRuns(out, dirs, m)
	if err != nil {
		return err
	}
	if err := writeBenchJSON(out, benchFile, m); err != nil {
		return err
	}
	res, md, err := writeResults(out, m)
	if err != nil {
		return err
	}
	if e.json {
		return e.emit(mergeSummaryLine{MessageType: "summary", Dir: out, Runs: len(m.grid()), Copied: copied, Results: res})
	}
	fmt.Fprint(e.stdout, md)
	_, err = fmt.Fprintf(e.stdout, "\n%s of the grid in %s (%d copied from %s). Results: %s\n",
		plural(len(m.grid()), "run"), filepath.Clean(out), copied, plural(len(dirs), "folder"), resultsFiles(out))
	return err
}

// mergeSummaryLine is the JSON line of mtl bench merge.
type mergeSummaryLine struct {
	MessageType string        `json:"message_type"` // "summary"
	Dir         string        `json:"dir"`
	Runs        int           `json:"runs"`   // in the grid
	Copied      int           `json:"copied"` // from the shards into Dir
	Results     *benchResults `json:"results"`
}

// mergedManifest returns the manifest the shards in dirs share, Shard
// cleared, and checks that out, if it holds a bench, holds the same.
func mergedManifest(out string, dirs []string) (*benchManifest, error) {
	var first *benchManifest
	for _, dir := range dirs {
		m, err := readManifest(dir)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = m
			continue
		}
		if f := manifestDiff(first, m); f != "" {
			return nil, fmt.Errorf("%s and %s are not shards of one bench: their %s differ in %q", dirs[0], dir, benchFile, f)
		}
	}
	first.Shard = ""
	if _, err := os.Stat(filepath.Join(out, benchFile)); err == nil {
		m, err := readManifest(out)
		if err != nil {
			return nil, err
		}
		if f := manifestDiff(first, m); f != "" {
			return nil, fmt.Errorf("%s holds another bench: its %s differs from the shards' in %q", out, benchFile, f)
		}
	}
	return first, nil
}

// mergeRuns copies each run of m's grid from the first folder of dirs
// that holds it into out, unless out holds it already, and returns how
// many it copied. Copies of one run must have the same configuration; a
// damaged file is an error, and so is a run that no folder holds.
func mergeRuns(out string, dirs []string, m *benchManifest) (copied int, err error) {
	keys := m.grid()
	var missing []string
	for _, k := range keys {
		var have *benchRun
		var from string
		for _, dir := range append([]string{out}, dirs...) {
			r, err := readRun(dir, k, m.Tasks)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return copied, err
			}
			if have == nil {
				have, from = r, dir
				continue
			}
			if !sameConfig(have.Config, r.Config) {
				return copied, fmt.Errorf("%s and %s hold %s with different configurations: refusing to merge them",
					filepath.Join(from, filepath.FromSlash(k.path())), filepath.Join(dir, filepath.FromSlash(k.path())), k.path())
			}
		}
		switch {
		case have == nil:
			missing = append(missing, k.path())
		case from != out: // out holds it already otherwise
			raw, err := os.ReadFile(filepath.Join(from, filepath.FromSlash(k.path())))
			if err != nil {
				return copied, err
			}
			if err := writeBenchFile(out, k.path(), raw); err != nil {
				return copied, err
			}
			copied++
		}
	}
	if len(missing) > 0 {
		return copied, fmt.Errorf("the folders lack %d of the %d runs of the grid, %s first: finish their shards (a rerun resumes) and merge again", len(missing), len(keys), missing[0])
	}
	return copied, nil
}
