package main

import (
	"fmt"
	"path/filepath"

	"github.com/gomtl/gomtl/graph"
	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/combine"
)

// summary is the content of summary.json and, with --json, of the final
// "summary" line. The first five fields are the contract scripts rely on.
type summary struct {
	Dataset               string               `json:"dataset"`
	Epochs                int                  `json:"epochs"`
	Seed                  int64                `json:"seed"`
	Test                  map[string]taskScore `json:"test"`
	TrainSamplesPerSecond float64              `json:"train_samples_per_second"`

	Arch          string  `json:"arch"`      // an --arch value, "<kind>+cascade" from a spec file
	Weighting     string  `json:"weighting"` // the loss weighting's name; its config is in config.spec
	Combine       string  `json:"combine"`   // the gradient combiner's name; its config is in config.fit
	TestLoss      float64 `json:"test_loss"` // the weighted total of the task losses
	TestExamples  int     `json:"test_examples"`
	TrainExamples int     `json:"train_examples"` // per epoch, validation excluded; of every input, as the steps took them
	TrainSeconds  float64 `json:"train_seconds"`  // forward, backward and update, all epochs
	BLAS          string  `json:"blas"`           // the matrix-product library of this build (graph.BLAS)
	HistoryFile   string  `json:"history_file"`
	ModelDir      string  `json:"model_dir"`
	// Conflict summarises the task gradients' cosines, with --diagnose.
	Conflict *conflictSummary `json:"conflict,omitempty"`
	Config   runConfig        `json:"config"`
}

// runConfig records everything that determines a run's results; eval and
// predict read the dataset's back from it.
type runConfig struct {
	Data      string        `json:"data,omitempty"`       // --data; empty for the GoMNIST module's copy
	MMoESynth *synthConfig  `json:"mmoe_synth,omitempty"` // how mmoe-synth was generated
	CSV       *csvRunConfig `json:"csv,omitempty"`        // how the csv file was read; its statistics are in csv.json
	Trunk     string        `json:"trunk,omitempty"`      // the trunk's name; empty with --spec and for mnist+spam
	SpecFile  string        `json:"spec_file,omitempty"`  // --spec
	TestLimit int           `json:"test_limit,omitempty"` // --test-limit
	Spec      mtl.Spec      `json:"spec"`
	Fit       mtl.FitConfig `json:"fit"`
}

// synthConfig is how a run generated mmoe-synth: --correlation and --seed.
type synthConfig struct {
	Correlation float64 `json:"correlation"`
	Seed        uint64  `json:"seed"`
}

func newSummary(o *trainOptions, d *dataset, src dataSource, m *mtl.Model, cfg mtl.FitConfig, hist *mtl.History, res *mtl.Result) summary {
	cfg.Recorder = nil
	spec := m.Spec()
	rc := runConfig{Data: src.dir, TestLimit: o.testLimit, Spec: spec, Fit: cfg}
	if d.name == mmoeSynthName {
		rc.MMoESynth = &synthConfig{Correlation: src.correlation, Seed: src.seed}
	}
	if src.csv != nil {
		rc.CSV = &csvRunConfig{Path: src.csv.path, CSVConfig: src.csv.cfg, InfoFile: csvInfoFile}
	}
	if o.set["spec"] {
		rc.SpecFile = o.model.spec
	} else {
		rc.Trunk = o.model.trunkFor(d)
	}
	combiner := cfg.Combine.Name
	if combiner == "" {
		combiner = combine.SumName
	}
	return summary{
		Dataset:               d.name,
		Epochs:                hist.Epochs(),
		Seed:                  o.seed,
		Test:                  scores(res),
		BLAS:                  graph.BLAS,
		TrainSamplesPerSecond: hist.SamplesPerSecond(),
		Arch:                  archOf(spec),
		Weighting:             spec.Weighting.WithDefaults().Name,
		Combine:               combiner,
		TestLoss:              res.Loss,
		TestExamples:          res.Examples,
		TrainExamples:         hist.TrainExamples / max(hist.Epochs(), 1),
		TrainSeconds:          hist.TrainSeconds,
		HistoryFile:           historyCSVFile,
		ModelDir:              modelDir,
		Conflict:              newConflictSummary(hist.Conflict, cfg.Diagnose),
		Config:                rc,
	}
}

// summaryLine is the final JSON line of mtl train.
type summaryLine struct {
	MessageType string `json:"message_type"` // "summary"
	summary
	Dir string `json:"dir"` // the run folder
}

// reportRun prints the end of a training run on stdout: the test scores,
// the training speed and the run folder, or the summary JSON line.
func reportRun(e *env, dir string, sum summary, res *mtl.Result) error {
	if e.json {
		return e.emit(summaryLine{MessageType: "summary", summary: sum, Dir: dir})
	}
	if err := writeScores(e.stdout, res); err != nil {
		return err
	}
	epochs := "epochs"
	if sum.Epochs == 1 {
		epochs = "epoch"
	}
	fmt.Fprintf(e.stdout, "Training: %.0f samples/s (%d examples x %d %s in %.1f s, evaluation excluded)\n",
		sum.TrainSamplesPerSecond, sum.TrainExamples, sum.Epochs, epochs, sum.TrainSeconds)
	if sum.Conflict != nil {
		if err := writeConflictReport(e.stdout, sum.Conflict); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(e.stdout, "Run folder: %s\n", filepath.Clean(dir))
	return err
}
