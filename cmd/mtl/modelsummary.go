package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/gomtl/gomtl/mtl"
)

// modelSummaryOptions are the flags of mtl summary.
type modelSummaryOptions struct {
	model string
	data  dataOptions
	spec  modelOptions
	set   map[string]bool // the flags given on the command line
}

func summaryCommand() command {
	return command{
		name:     "summary",
		synopsis: "[--spec FILE | --model DIR | --dataset NAME --trunk NAME --arch ARCH ...] [flags]",
		summary:  "print a model layer by layer: output shapes, parameters, tasks",
		doc: `Print a model as Keras's model.summary() does: each layer with its output
shape (per example), its parameter count and the tasks whose losses train
it, then the total. The model is a saved one (--model), a spec file
(--spec), or what the same model flags as "mtl train" build (by default,
the seed model on mnist). --dataset with --spec checks the spec's tasks.
A multi-input model (mnist+spam) lists each input's encoder, the shared
block, which every input goes through, once, and the heads.
A csv:PATH dataset is read, with --tasks and --features as for train and
the split of --test-fraction and seed 1, for its input width and the
classes of its tasks.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &modelSummaryOptions{}
			fs.StringVar(&o.model, "model", "", "the saved model: a run `DIR` of mtl train, or its model/ folder")
			fs.StringVar(&o.data.dataset, "dataset", mnistName, "the dataset `NAME` whose tasks and input the model has: "+datasetNames())
			o.data.csv.register(fs)
			o.spec.register(fs)
			return func(ctx context.Context) error {
				o.set = setFlags(fs)
				return o.run(e)
			}
		},
	}
}

// summaryCmdLine is the output of mtl summary --json.
type summaryCmdLine struct {
	MessageType string `json:"message_type"` // "summary"
	*mtl.Summary
}

func (o *modelSummaryOptions) run(e *env) error {
	m, err := o.load()
	if err != nil {
		return err
	}
	s := m.Summary()
	if e.json {
		return e.emit(summaryCmdLine{MessageType: "summary", Summary: s})
	}
	_, err = fmt.Fprint(e.stdout, s)
	return err
}

// load returns the model the flags name: saved, read from a spec file or
// built from the model flags.
func (o *modelSummaryOptions) load() (*mtl.Model, error) {
	if o.set["model"] {
		for _, f := range slices.Concat([]string{"spec", "dataset"}, csvFlags, modelFlags) {
			if o.set[f] {
				return nil, usageErrorf("summary", "--model names a saved model: it excludes --%s", f)
			}
		}
		if o.model == "" {
			return nil, usageErrorf("summary", "--model is empty, want a folder")
		}
		return loadModel(o.model)
	}
	d, err := o.data.choose("summary", o.set)
	if err != nil {
		return nil, err
	}
	if d.isCSV() {
		if _, err := o.data.openCSV("summary", d, 1); err != nil {
			return nil, err
		}
	}
	var spec mtl.Spec
	if o.set["spec"] && !o.set["dataset"] {
		// A spec file on its own may declare any tasks.
		if err := o.spec.validate("summary", o.set, d); err != nil {
			return nil, err
		}
		spec, err = readSpec(o.spec.spec, nil)
	} else {
		spec, err = o.spec.build("summary", o.set, d, 1)
	}
	if err != nil {
		return nil, err
	}
	return mtl.New(spec)
}
