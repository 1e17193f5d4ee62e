package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// runArgsFile records the flags of a run, for mtl train --resume.
const runArgsFile = "train.json"

// runArgs is the content of train.json.
type runArgs struct {
	// Args are the flags the run was started with, as --name=value, less
	// --out, --json and --resume.
	Args []string `json:"args"`
	// Dir is the working directory the run was started in; relative
	// paths in Args are relative to it.
	Dir string `json:"working_directory"`
}

// savedArgs returns the flags given on the command line as --name=value,
// less those that do not shape the run.
func savedArgs(fs *flag.FlagSet) []string {
	var args []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "out", "json", "resume":
			return
		}
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

// writeRunArgs records the run's flags in its folder.
func writeRunArgs(d *runDir, args []string) error {
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("recording the run's flags: %w", err)
	}
	return d.writeJSON(runArgsFile, runArgs{Args: args, Dir: wd})
}

// discardUnresumable removes what a run that failed before its first
// checkpoint wrote (train.json, an empty checkpoints/), so that discard
// can remove the folder; a run with a checkpoint stays, to be resumed.
func (d *runDir) discardUnresumable() {
	ckpts, _ := filepath.Glob(filepath.Join(d.file(checkpointsDir), "step-*.ckpt"))
	if len(ckpts) > 0 {
		return
	}
	os.Remove(d.file(checkpointsDir)) // fails, as it should, unless empty
	os.Remove(d.file(runArgsFile))
}

// resumeOptions returns the options of the run stored in dir: its saved
// flags parsed afresh, with --out set to dir. With --resume no flag but
// --json may be given.
func resumeOptions(dir string, set map[string]bool, e *env) (*trainOptions, error) {
	for name := range set {
		if name != "resume" && name != "json" {
			return nil, usageErrorf("train", "--resume continues a run with its saved flags: --%s cannot be given with it", name)
		}
	}
	path := filepath.Join(dir, runArgsFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("resume: %s is not a run folder of mtl train: %s is missing", dir, runArgsFile)
	}
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	var ra runArgs
	if err := json.Unmarshal(raw, &ra); err != nil {
		return nil, fmt.Errorf("resume: %s: %w", path, err)
	}
	flags := flag.NewFlagSet("train", flag.ContinueOnError)
	flags.SetOutput(new(strings.Builder))
	o := &trainOptions{}
	o.register(flags)
	if err := flags.Parse(ra.Args); err != nil {
		return nil, fmt.Errorf("resume: %s: the saved flags do not parse: %w", path, err)
	}
	if flags.NArg() > 0 {
		return nil, fmt.Errorf("resume: %s: unexpected argument %q", path, flags.Arg(0))
	}
	o.set = setFlags(flags)
	o.out, o.resume = dir, dir
	if wd, err := os.Getwd(); err == nil && ra.Dir != "" && ra.Dir != wd && hasRelativePath(ra.Args) {
		fmt.Fprintf(e.stderr, "mtl: note: the run was started in %s; its relative paths are read from %s\n", ra.Dir, wd)
	}
	return o, nil
}

// hasRelativePath reports whether a saved flag names a relative path.
func hasRelativePath(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		for _, p := range []string{"--data=", "--spec=", "--dataset=csv:"} {
			if v, ok := strings.CutPrefix(a, p); ok && v != "" && !filepath.IsAbs(v) {
				return true
			}
		}
		return false
	})
}
