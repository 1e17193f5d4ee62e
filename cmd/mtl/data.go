package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// loadModel loads the model saved in dir, which is either a model folder
// or a run folder holding one in model/.
func loadModel(dir string) (*mtl.Model, error) {
	inner := filepath.Join(dir, modelDir)
	if st, err := os.Stat(inner); err == nil && st.IsDir() {
		dir = inner
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("model folder %s does not exist", dir)
	}
	return mtl.Load(dir)
}

// readImages reads the images of an IDX file of uint8 pixels, N examples
// of the shape [1 H W] each (for MNIST, [N 28 28]), scaled to [0, 1] as
// MNIST is, then mapped by pixel unless it is nil (MultiMNIST normalises).
func readImages(path string, shape []int, pixel func(float32) float32) ([][]float32, error) {
	width := width(shape)
	x, err := datasets.ReadIDXFile(path)
	if err != nil {
		return nil, err
	}
	per := 0
	if len(x.Dims) >= 2 {
		per = 1
		for _, d := range x.Dims[1:] {
			per *= d
		}
	}
	if x.Type != datasets.IDXUint8 || per != width {
		return nil, fmt.Errorf("%s: want uint8 images of %d pixels each, such as [N %d %d]; the file holds %s %v", path, width, shape[1], shape[2], x.Type, x.Dims)
	}
	pixels, err := x.Pixels()
	if err != nil {
		return nil, err
	}
	if pixel != nil {
		for i, p := range pixels {
			pixels[i] = pixel(p)
		}
	}
	rows := make([][]float32, x.Len())
	for i := range rows {
		rows[i] = pixels[i*width : (i+1)*width]
	}
	return rows, nil
}

// dataOptions are the flags that choose and make the dataset.
type dataOptions struct {
	dataset     string
	data        string
	correlation float64
	seed        int64      // eval and predict: --seed of the data
	fromRun     bool       // eval and predict: the defaults are the run's
	csv         csvOptions // train and summary: how to read csv:PATH
}

// register adds --dataset, --data and --correlation to fs, for train the
// csv flags, and for eval and predict (fromRun: the defaults are the
// run's) --seed.
func (o *dataOptions) register(fs *flag.FlagSet, fromRun bool) {
	o.fromRun = fromRun
	if fromRun {
		fs.StringVar(&o.dataset, "dataset", "", "the dataset `NAME`: "+datasetNames()+" (default: the run's, else mnist)")
		fs.Float64Var(&o.correlation, "correlation", 0, "mmoe-synth: the tasks' correlation `P`, in [-1, 1] (default: the run's, else 0.5)")
		fs.Int64Var(&o.seed, "seed", 0, "the seed `N` of the data of "+seededNames()+" (default: the run's, else 1)")
	} else {
		fs.StringVar(&o.dataset, "dataset", mnistName, "the dataset `NAME`: "+datasetNames())
		fs.Float64Var(&o.correlation, "correlation", defaultCorrelation, "mmoe-synth: the tasks' correlation `P`, in [-1, 1]; --seed seeds the data")
		o.csv.register(fs)
	}
	fs.StringVar(&o.data, "data", "", "mnist, multimnist, mnist-loc, mnist+spam: read MNIST from `DIR`, a folder with the four MNIST files (default: the GoMNIST module's copy); "+
		"spam: read the SpamAssassin corpus from DIR (default, and always for mnist+spam: $"+datasets.SpamEnv+", else .data/spam-assassin/package/data, where make data puts it)")
}

// choose returns the dataset of --dataset and checks that the data flags
// given (set) apply to it; the errors are usage errors of cmd.
func (o *dataOptions) choose(cmd string, set map[string]bool) (*dataset, error) {
	d, ok := lookupDataset(o.dataset)
	switch {
	case !ok && o.dataset == csvPrefix:
		return nil, usageErrorf(cmd, "--dataset %q names no file, want csv:PATH", o.dataset)
	case !ok:
		return nil, usageErrorf(cmd, "--dataset %q, want %s", o.dataset, datasetNames())
	case set["data"] && !d.dataDir:
		return nil, usageErrorf(cmd, "--data is for %s, not %s", dataDirNames(), d.name)
	case set["correlation"] && d.name != mmoeSynthName:
		return nil, usageErrorf(cmd, "--correlation is for mmoe-synth, not %s", d.name)
	case o.fromRun && set["seed"] && !d.seeded:
		return nil, usageErrorf(cmd, "--seed is for the data of %s, not %s", seededNames(), d.name)
	case !(o.correlation >= -1 && o.correlation <= 1):
		return nil, usageErrorf(cmd, "--correlation %v, want a value in [-1, 1]", o.correlation)
	case o.seed < 0:
		return nil, usageErrorf(cmd, "--seed %d, want at least 0", o.seed)
	}
	if !d.isCSV() {
		for _, f := range csvFlags {
			if set[f] {
				return nil, usageErrorf(cmd, "--%s is for --dataset csv:PATH, not %s", f, d.name)
			}
		}
	}
	return d, nil
}

// forRun resolves the dataset of eval and predict: the flags given (set),
// else what the run folder dir recorded in its summary.json, else mnist
// and the defaults. A csv dataset needs the run folder: it is read as the
// run read it, and standardised by the run's statistics.
func (o *dataOptions) forRun(cmd, dir string, set map[string]bool) (*dataset, dataSource, error) {
	rec, err := readRecorded(dir)
	if err != nil {
		return nil, dataSource{}, err
	}
	src := dataSource{dir: o.data, correlation: defaultCorrelation, seed: 1}
	if !set["dataset"] {
		o.dataset = mnistName
		if rec != nil {
			o.dataset = rec.Dataset
		}
	}
	if rec != nil && rec.Dataset == o.dataset {
		src.seed = uint64(rec.Seed) // the seeded datasets' data is the run's
		if c := rec.Config.MMoESynth; c != nil {
			src.correlation, src.seed = c.Correlation, c.Seed
		}
	}
	if !set["correlation"] {
		o.correlation = src.correlation
	}
	d, err := o.choose(cmd, set)
	if err != nil {
		return nil, dataSource{}, err
	}
	src.correlation = o.correlation
	var seed *uint64
	if set["seed"] {
		src.seed = uint64(o.seed)
		seed = &src.seed
	}
	if d.isCSV() {
		if src.csv, err = csvFromRun(dir, rec, d, seed); err != nil {
			return nil, dataSource{}, err
		}
	}
	return d, src, nil
}

// recorded is what eval and predict read back from a run's summary.json.
type recorded struct {
	Dataset string `json:"dataset"`
	Seed    int64  `json:"seed"`
	Config  struct {
		MMoESynth *synthConfig  `json:"mmoe_synth"`
		CSV       *csvRunConfig `json:"csv"`
	} `json:"config"`
}

// readRecorded reads the summary.json of the run folder dir, or returns
// nil when dir has none (a model folder).
func readRecorded(dir string) (*recorded, error) {
	path := filepath.Join(dir, summaryFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the run's %s: %w", summaryFile, err)
	}
	var rec recorded
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if _, ok := lookupDataset(rec.Dataset); !ok {
		return nil, fmt.Errorf("%s: unknown dataset %q (want %s)", path, rec.Dataset, datasetNames())
	}
	return &rec, nil
}
