package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// csvInfoFile is the file of a csv run folder that holds the datasets.CSVInfo
// of the training rows: the feature columns, their means and standard
// deviations, and the class names of each task. eval and predict
// standardise the file's rows with it, never with statistics of their
// own.
const csvInfoFile = "csv.json"

// csvShuffleStream is the second PCG seed word of the shuffle of a csv
// file's training rows: rand.NewPCG(seed, csvShuffleStream).
const csvShuffleStream = 0x63737674 // "csvt"

// defaultTestFraction is the default of --test-fraction.
const defaultTestFraction = 0.2

// The kinds --tasks takes, datasets' CSV task kinds.
var csvKinds = []string{datasets.CSVClassify, datasets.CSVBinary, datasets.CSVRegression}

// csvFlags are the flags of csv data, which train and summary take.
var csvFlags = []string{"tasks", "features", "test-fraction"}

// taskNameRE is mtl's rule for task names (mtl.Task.Name), which a CSV
// task's column name must follow since it names the task.
var taskNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// csvOptions are the flags that say how to read a csv:PATH dataset.
type csvOptions struct {
	tasks        string
	features     string
	testFraction float64
}

// register adds --tasks, --features and --test-fraction to fs.
func (o *csvOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.tasks, "tasks", "", "csv: the task columns and their kinds, `NAME:KIND,...` with KIND classify, binary or regression (required for csv)")
	fs.StringVar(&o.features, "features", "", "csv: the feature columns `A,B,C`, in this order (default: every column that is not a task)")
	fs.Float64Var(&o.testFraction, "test-fraction", defaultTestFraction, "csv: the `FRACTION` of the rows held out as the test set, in (0, 1); --seed seeds the split")
}

// config parses the flags into the configuration of datasets.ReadCSV,
// seeded with seed; the errors are usage errors of cmd.
func (o *csvOptions) config(cmd string, seed uint64) (datasets.CSVConfig, error) {
	if strings.TrimSpace(o.tasks) == "" {
		return datasets.CSVConfig{}, usageErrorf(cmd, "--tasks is required with --dataset csv:PATH: name the task columns and their kinds, as in --tasks species:classify,petal_width:regression")
	}
	tasks, err := parseCSVTasks(cmd, o.tasks)
	if err != nil {
		return datasets.CSVConfig{}, err
	}
	features, err := parseCSVFeatures(cmd, o.features)
	if err != nil {
		return datasets.CSVConfig{}, err
	}
	for _, f := range features {
		for _, t := range tasks {
			if f == t.Name {
				return datasets.CSVConfig{}, usageErrorf(cmd, "--features %q: column %q is a task of --tasks", o.features, f)
			}
		}
	}
	if !(o.testFraction > 0 && o.testFraction < 1) {
		return datasets.CSVConfig{}, usageErrorf(cmd, "--test-fraction %v, want a fraction in (0, 1)", o.testFraction)
	}
	return datasets.CSVConfig{Tasks: tasks, Features: features, TestFraction: o.testFraction, Seed: seed}, nil
}

// parseCSVTasks parses --tasks "species:classify,petal_width:regression".
func parseCSVTasks(cmd, s string) ([]datasets.CSVTask, error) {
	var tasks []datasets.CSVTask
	for _, f := range strings.Split(s, ",") {
		name, kind, ok := strings.Cut(f, ":")
		name, kind = strings.TrimSpace(name), strings.TrimSpace(kind)
		switch {
		case !ok || name == "":
			return nil, usageErrorf(cmd, "--tasks %q: %q is not NAME:KIND, such as species:classify", s, strings.TrimSpace(f))
		case !slices.Contains(csvKinds, kind):
			return nil, usageErrorf(cmd, "--tasks %q: task %q has kind %q, want %s", s, name, kind, orList(csvKinds))
		case !taskNameRE.MatchString(name):
			return nil, usageErrorf(cmd, "--tasks %q: column %q cannot name a task: a task name starts with a letter and holds only letters, digits, _ and -", s, name)
		case slices.ContainsFunc(tasks, func(t datasets.CSVTask) bool { return t.Name == name }):
			return nil, usageErrorf(cmd, "--tasks %q: task %q is named twice", s, name)
		}
		tasks = append(tasks, datasets.CSVTask{Name: name, Kind: kind})
	}
	return tasks, nil
}

// parseCSVFeatures parses --features "a,b,c"; empty gives nil, every
// column that is not a task.
func parseCSVFeatures(cmd, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var features []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
			return nil, usageErrorf(cmd, "--features %q: empty column name", s)
		case slices.Contains(features, f):
			return nil, usageErrorf(cmd, "--features %q: column %q is named twice", s, f)
		}
		features = append(features, f)
	}
	return features, nil
}

// A csvSource is a CSV file, how to read it and, once read, its two
// splits, standardised.
type csvSource struct {
	path string
	cfg  datasets.CSVConfig
	// stats standardises the features: the run's for eval and predict,
	// or, when nil before read, those of the training rows read.
	stats       *datasets.CSVInfo
	train, test *datasets.Dataset
}

// read reads the file, once, and standardises both splits by c.stats, or
// by the statistics of the training rows when c.stats is nil (which then
// become c.stats). The training rows are then shuffled, seeded by the
// split's seed: datasets.ReadCSV keeps the file's order, a file is often
// sorted by class, and --val-split holds out the tail of the training
// rows, which would then be a single class. The test rows keep the
// file's order.
func (c *csvSource) read() error {
	if c.train != nil {
		return nil
	}
	train, test, info, err := datasets.ReadCSV(c.path, c.cfg)
	if errors.Is(err, fs.ErrNotExist) && c.stats != nil {
		return fmt.Errorf("%w (the run's file, a path relative to the folder train ran in; --dataset csv:PATH reads another)", err)
	}
	if err != nil {
		return err
	}
	if c.stats == nil {
		c.stats = info
	} else if !slices.Equal(c.stats.Features, info.Features) {
		return fmt.Errorf("%s: feature columns %v, but the model was trained on %v", c.path, info.Features, c.stats.Features)
	}
	if err := c.stats.Standardize(train); err != nil {
		return err
	}
	if err := c.stats.Standardize(test); err != nil {
		return err
	}
	perm := rand.New(rand.NewPCG(c.cfg.Seed, csvShuffleStream)).Perm(train.Len())
	if train, err = train.Subset(perm); err != nil {
		return err
	}
	c.train, c.test = train, test
	return nil
}

// loadCSV returns a split of src's CSV file, reading it on the first call.
func loadCSV(src dataSource, split datasets.Split) (*datasets.Dataset, error) {
	if src.csv == nil {
		return nil, errors.New("csv data without a file") // a bug of the command, not of the file
	}
	if err := src.csv.read(); err != nil {
		return nil, err
	}
	if split == datasets.Test {
		return src.csv.test, nil
	}
	return src.csv.train, nil
}

// newCSVDataset returns the dataset csv:path, whose tasks and input are
// known once useCSV gives it the file's description.
func newCSVDataset(path string) *dataset {
	return &dataset{
		name:   csvPrefix + path,
		about:  "a CSV file [features]: the --tasks columns (classify, binary or regression)",
		trunk:  "mlp",
		epochs: 30,
		batch:  16,
		seeded: true,
		load:   loadCSV,
	}
}

// isCSV reports whether d is a csv:PATH dataset.
func (d *dataset) isCSV() bool { return strings.HasPrefix(d.name, csvPrefix) }

// csvPath returns the file of a csv:PATH dataset.
func (d *dataset) csvPath() string { return strings.TrimPrefix(d.name, csvPrefix) }

// useCSV sets the tasks, the input and the class names of the csv dataset
// d from info: one feature per input value, mtl.Classify for a classify
// task, mtl.Binary for a binary one and mtl.Regress(name, 1) for a
// regression.
func (d *dataset) useCSV(info *datasets.CSVInfo) {
	d.input = []int{len(info.Features)}
	d.tasks = nil
	d.classes = map[string][]string{}
	for _, t := range info.Tasks {
		switch t.Kind {
		case datasets.CSVClassify:
			d.tasks = append(d.tasks, mtl.Classify(t.Name, len(t.Classes)))
		case datasets.CSVBinary:
			d.tasks = append(d.tasks, mtl.Binary(t.Name))
		default:
			d.tasks = append(d.tasks, mtl.Regress(t.Name, 1))
		}
		if len(t.Classes) > 0 {
			d.classes[t.Name] = slices.Clone(t.Classes)
		}
	}
}

// openCSV reads the csv dataset d as the csv flags say, seeded with seed,
// and gives d its tasks and input; it returns the source the splits come
// from. Bad flags are usage errors of cmd; a bad file is an error naming
// its line and column.
func (o *dataOptions) openCSV(cmd string, d *dataset, seed uint64) (*csvSource, error) {
	cfg, err := o.csv.config(cmd, seed)
	if err != nil {
		return nil, err
	}
	c := &csvSource{path: d.csvPath(), cfg: cfg}
	if err := c.read(); err != nil {
		return nil, err
	}
	d.useCSV(c.stats)
	return c, nil
}

// csvRunConfig is how a run read its CSV file, as summary.json's
// config.csv records it: the file, --tasks, --features, --test-fraction
// and the seed of the split; the statistics are in csvInfoFile.
type csvRunConfig struct {
	Path string `json:"path"`
	datasets.CSVConfig
	InfoFile string `json:"info_file"`
}

// csvFromRun returns the source of the csv dataset d for eval and predict:
// d's file read as the run in dir read its own (rec), with the tasks,
// their classes and the feature columns of its csvInfoFile, standardised
// by its statistics. seed, when not nil, replaces the run's seed of the
// split. d gets its tasks and input from the run.
func csvFromRun(dir string, rec *recorded, d *dataset, seed *uint64) (*csvSource, error) {
	if rec == nil || rec.Config.CSV == nil {
		return nil, fmt.Errorf("%s is not the run folder of a training run on csv data: eval and predict read how the file was read from its %s, and the statistics its features were standardised by from its %s", dir, summaryFile, csvInfoFile)
	}
	info, err := readCSVInfo(filepath.Join(dir, csvInfoFile))
	if err != nil {
		return nil, err
	}
	cfg := rec.Config.CSV.CSVConfig
	cfg.Tasks, cfg.Features = info.Tasks, info.Features
	if seed != nil {
		cfg.Seed = *seed
	}
	d.useCSV(info)
	return &csvSource{path: d.csvPath(), cfg: cfg, stats: info}, nil
}

// readCSVInfo reads a run's csvInfoFile.
func readCSVInfo(path string) (*datasets.CSVInfo, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the run's %s is missing: it holds the statistics the features were standardised by (%w)", csvInfoFile, err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the run's %s: %w", csvInfoFile, err)
	}
	var info datasets.CSVInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(info.Features) == 0 || len(info.Tasks) == 0 || len(info.Mean) != len(info.Features) || len(info.Std) != len(info.Features) {
		return nil, fmt.Errorf("%s: want features, their means and standard deviations, and tasks; it has %d features, %d means, %d standard deviations and %d tasks",
			path, len(info.Features), len(info.Mean), len(info.Std), len(info.Tasks))
	}
	return &info, nil
}
