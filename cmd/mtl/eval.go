package main

import (
	"context"
	"flag"

	"github.com/gomtl/gomtl/datasets"
)

// evalOptions are the flags of mtl eval.
type evalOptions struct {
	model string
	data  string
}

func evalCommand() command {
	return command{
		name:     "eval",
		synopsis: "--model DIR [flags]",
		summary:  "evaluate a saved model on the MNIST test set",
		doc: `Load a model saved by "mtl train" and print its loss and accuracy per task
on the 10,000 MNIST test images.
`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			o := &evalOptions{}
			fs.StringVar(&o.model, "model", "", "the saved model: a run `DIR` of mtl train, or its model/ folder (required)")
			fs.StringVar(&o.data, "data", "", "read MNIST from `DIR`, a folder with the four MNIST files (default: the GoMNIST module's copy)")
			return func(ctx context.Context) error { return o.run(ctx, e) }
		},
	}
}

// evalLine is the output of mtl eval --json.
type evalLine struct {
	MessageType  string               `json:"message_type"` // "summary"
	Dataset      string               `json:"dataset"`
	Model        string               `json:"model"`
	TestExamples int                  `json:"test_examples"`
	TestLoss     float64              `json:"test_loss"`
	Test         map[string]taskScore `json:"test"`
}

func (o *evalOptions) run(ctx context.Context, e *env) error {
	if o.model == "" {
		return usageErrorf("eval", "--model DIR is required")
	}
	m, err := loadModel(o.model)
	if err != nil {
		return err
	}
	test, err := loadMNIST(o.data, datasets.Test)
	if err != nil {
		return err
	}
	res, err := m.Evaluate(ctx, test)
	if err != nil {
		return err
	}
	if e.json {
		return e.emit(evalLine{MessageType: "summary", Dataset: "mnist", Model: o.model,
			TestExamples: res.Examples, TestLoss: res.Loss, Test: scores(res)})
	}
	return writeScores(e.stdout, res)
}
