package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// evalOptions are the flags of mtl eval.
type evalOptions struct {
	model     string
	testLimit int
	data      dataOptions
	set       map[string]bool // the flags given on the command line
}

func evalCommand() command {
	return command{
		name:     "eval",
		synopsis: "--model DIR [--dataset NAME] [flags]",
		summary:  "evaluate a saved model on the test set",
		doc: `Load a model saved by "mtl train" and print its loss and metrics per task
on the test set: accuracy for classification, accuracy and auc (ROC AUC)
for binary tasks, mae and rmse for regression, iou (mean IoU) and iou50
(the share of boxes with IoU >= 0.5) for boxes. The dataset is the one
the run folder's summary.json records (with the seed of its data, and
mmoe-synth's correlation), or mnist for a bare model folder; --dataset
and the other data flags override it. A csv run is read back from its
run folder: the file, its tasks, features, test fraction and seed from
summary.json, and the statistics that standardise its features from
csv.json; --dataset csv:OTHER reads another file the same way.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &evalOptions{}
			fs.StringVar(&o.model, "model", "", "the saved model: a run `DIR` of mtl train, or its model/ folder (required)")
			o.data.register(fs, true)
			fs.IntVar(&o.testLimit, "test-limit", 0, "evaluate on the first `N` test examples only, of each input for mnist+spam (0: all)")
			return func(ctx context.Context) error {
				o.set = setFlags(fs)
				return o.run(ctx, e)
			}
		},
	}
}

// evalLine is the output of mtl eval --json.
type evalLine struct {
	MessageType  string               `json:"message_type"` // "summary"
	Dataset      string               `json:"dataset"`
	Model        string               `json:"model"`
	Arch         string               `json:"arch"`
	TestExamples int                  `json:"test_examples"`
	TestLoss     float64              `json:"test_loss"`
	Test         map[string]taskScore `json:"test"`
}

func (o *evalOptions) run(ctx context.Context, e *env) error {
	switch {
	case o.model == "":
		return usageErrorf("eval", "--model DIR is required")
	case o.testLimit < 0:
		return usageErrorf("eval", "--test-limit %d, want 0 (all) or more", o.testLimit)
	}
	d, src, err := o.data.forRun("eval", o.model, o.set)
	if err != nil {
		return err
	}
	m, err := loadModel(o.model)
	if err != nil {
		return err
	}
	if err := checkModel(m, o.model, d); err != nil {
		return err
	}
	test, err := d.loadSplit(src, m.Spec(), datasets.Test, o.testLimit)
	if err != nil {
		return err
	}
	res, err := evaluateOn(ctx, m, test)
	if err != nil {
		return err
	}
	if e.json {
		return e.emit(evalLine{MessageType: "summary", Dataset: d.name, Model: o.model, Arch: archOf(m.Spec()),
			TestExamples: res.Examples, TestLoss: res.Loss, Test: scores(res)})
	}
	return writeScores(e.stdout, res)
}

// checkModel reports a model, loaded from dir, whose tasks or input are
// not those of d, before d is loaded.
func checkModel(m *mtl.Model, dir string, d *dataset) error {
	if err := d.checkSpec(m.Spec()); err != nil {
		return fmt.Errorf("model %s does not fit the data (choose another with --dataset): %w", dir, err)
	}
	return nil
}
