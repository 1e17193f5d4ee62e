package mtl

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/pkg/errors"
)

// FitConfig controls training. Its zero value trains one epoch with batch
// size 32, Adam at 1e-3, shuffling with seed 0 and no validation.
type FitConfig struct {
	Epochs    int `json:"epochs,omitempty"`     // 0: 1
	BatchSize int `json:"batch_size,omitempty"` // 0: 32
	// ValidationSplit holds out the last fraction of the training data,
	// before shuffling, as Keras's validation_split does. Ignored when
	// ValidationData is set.
	ValidationSplit float64 `json:"validation_split,omitempty"`
	// ValidationData is evaluated after every epoch ("val_" metrics).
	ValidationData *datasets.Dataset `json:"-"`
	// Limit trains on the first Limit examples only (after the split is
	// made from them); 0 means all.
	Limit int `json:"limit,omitempty"`
	// Seed seeds the per-epoch shuffle.
	Seed int64 `json:"seed"`
	// NoShuffle keeps the data order in every epoch.
	NoShuffle bool `json:"no_shuffle,omitempty"`
	// Optimizer selects and tunes the optimiser; zero is Adam at 1e-3.
	Optimizer optim.Config `json:"optimizer"`
	// Combine merges the tasks' gradients on the shared parameters when
	// they conflict; its zero value is "sum" (the gradient of the weighted
	// total, one backward pass). Any other method computes each task's
	// gradient with its own backward pass. "mgda-ub" is MGDA on the
	// gradients of the shared representation (hard sharing only). See
	// package combine.
	Combine combine.Config `json:"combine,omitzero"`
	// Diagnose, when positive, measures the tasks' gradients on the shared
	// parameters every Diagnose steps (norms and pairwise cosines, in
	// History.Conflict). Unless a combiner computes them anyway, each
	// measurement costs one extra backward pass per task.
	Diagnose int `json:"diagnose,omitempty"`
	// Recorder receives progress events; nil discards them.
	Recorder Recorder `json:"-"`
	// Callbacks observe and steer training (see Callback and package
	// mtl/callback).
	Callbacks []Callback `json:"-"`
	// Checkpoint saves the training state as it goes, so that a run that
	// crashed or was stopped can be resumed exactly (see
	// CheckpointConfig and OpenCheckpoint).
	Checkpoint CheckpointConfig `json:"checkpoint,omitzero"`
}

// withDefaults fills the zero fields and checks the rest.
func (c FitConfig) withDefaults() (FitConfig, error) {
	if c.Epochs == 0 {
		c.Epochs = 1
	}
	if c.BatchSize == 0 {
		c.BatchSize = 32
	}
	switch {
	case c.Epochs < 0:
		return c, errors.Errorf("mtl: fit: %d epochs", c.Epochs)
	case c.BatchSize < 0:
		return c, errors.Errorf("mtl: fit: batch size %d", c.BatchSize)
	case c.BatchSize > MaxElements:
		return c, errors.Errorf("mtl: fit: batch size %d, want at most %d (MaxElements)", c.BatchSize, MaxElements)
	case c.Limit < 0:
		return c, errors.Errorf("mtl: fit: limit %d", c.Limit)
	case c.Diagnose < 0:
		return c, errors.Errorf("mtl: fit: diagnose every %d steps", c.Diagnose)
	case !(c.ValidationSplit >= 0 && c.ValidationSplit < 1):
		return c, errors.Errorf("mtl: fit: validation split %v, want a fraction in [0, 1)", c.ValidationSplit)
	}
	c.Optimizer = c.Optimizer.WithDefaults()
	if c.Recorder == nil {
		c.Recorder = RecorderFunc(func(Event) {})
	}
	return c, nil
}

// batchNormMomentum is the weight of each batch in the running statistics
// of batch normalisation (PyTorch's default).
const batchNormMomentum = 0.1

// ErrNonFinite is returned (wrapped) when a loss becomes NaN or infinite.
// The step that produced it is not applied, so the weights stay finite.
var ErrNonFinite = errors.New("mtl: loss is not finite")

// Fit trains the model on data and returns the history of the epochs it
// completed. Cancelling ctx stops training between steps; Fit then returns
// the history so far and an error wrapping ctx.Err().
//
// Each call starts a fresh optimiser, weighting and combiner state from
// the model's current weights (Keras, by contrast, keeps the optimiser's
// state across fit calls). To continue a run exactly where it stopped,
// save checkpoints (FitConfig.Checkpoint) and resume from one
// (OpenCheckpoint, Checkpoint.Resume).
func (m *Model) Fit(ctx context.Context, data *datasets.Dataset, cfg FitConfig) (hist *History, err error) {
	hist = &History{}
	defer recoverPanic(&err, "fit")
	if m == nil {
		return hist, errors.New("mtl: fit: nil model")
	}
	if m.spec.MultiInput() {
		return hist, errors.Errorf("mtl: fit: the model has inputs %v, each with its own dataset: use FitInputs", m.inputNames())
	}
	return m.fit(ctx, map[string]*datasets.Dataset{"": data}, cfg, hist)
}

// FitInputs trains a multi-input model: data maps each input's name to
// the dataset its tasks learn from. Every step takes one batch of
// BatchSize examples from every input's dataset, runs them through their
// encoders and the shared layers together, and applies the gradient of
// the weighted sum of all the tasks' losses. An epoch is one pass over the
// largest dataset; a smaller one is reshuffled and started again whenever
// it runs out, so its examples are seen more than once per epoch.
// ValidationSplit holds out the last fraction of each dataset;
// ValidationData is for single-input models only. Otherwise as Fit.
func (m *Model) FitInputs(ctx context.Context, data map[string]*datasets.Dataset, cfg FitConfig) (hist *History, err error) {
	hist = &History{}
	defer recoverPanic(&err, "fit")
	if m == nil {
		return hist, errors.New("mtl: fit: nil model")
	}
	return m.fit(ctx, data, cfg, hist)
}

// fit trains on one dataset per input and fills hist.
func (m *Model) fit(ctx context.Context, data map[string]*datasets.Dataset, cfg FitConfig, hist *History) (*History, error) {
	t, err := m.prepareFit(data, cfg, hist)
	if err != nil {
		return hist, err
	}
	return hist, t.run(ctx)
}

// prepareFit checks cfg, splits and binds the data and builds the trainer
// that fills hist.
func (m *Model) prepareFit(data map[string]*datasets.Dataset, cfg FitConfig, hist *History) (*trainer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.ValidationData != nil && m.spec.MultiInput() {
		return nil, errors.New("mtl: fit: ValidationData is for single-input models; use ValidationSplit")
	}
	train := make(map[string]*datasets.Dataset, len(data))
	val := make(map[string]*datasets.Dataset, len(data))
	for name, d := range data {
		if train[name], val[name], err = splitData(d, cfg); err != nil {
			return nil, errors.WithMessagef(err, "input %q", name)
		}
	}
	t, err := m.newTrainer(train, cfg)
	if err != nil {
		return nil, err
	}
	t.hist = hist
	hist.Conflict = t.conflict
	if val[m.spec.inputs()[0].Name] != nil {
		if t.valData, err = m.bindInputs(val, "validation"); err != nil {
			return nil, err
		}
	}
	t.keys = m.historyKeys(t.valData != nil)
	if t.cfg.Checkpoint, err = cfg.Checkpoint.withDefaults(t.keys); err != nil {
		return nil, err
	}
	if t.cfg.Checkpoint.Dir != "" {
		if t.ckpt, err = newCheckpointer(t.cfg.Checkpoint); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// splitData applies Limit and the validation split.
func splitData(data *datasets.Dataset, cfg FitConfig) (train, val *datasets.Dataset, err error) {
	if data == nil {
		return nil, nil, errors.New("mtl: fit: training data is nil")
	}
	if cfg.Limit > 0 {
		data = data.Head(cfg.Limit)
	}
	if cfg.ValidationData != nil {
		return data, cfg.ValidationData, nil
	}
	if cfg.ValidationSplit == 0 {
		return data, nil, nil
	}
	train, val, err = data.SplitTail(cfg.ValidationSplit)
	if err != nil {
		return nil, nil, errors.WithMessage(err, "mtl: fit: validation split")
	}
	return train, val, nil
}

// historyKeys lists the History keys in display order.
func (m *Model) historyKeys(withVal bool) []string {
	keys := []string{"loss"}
	for _, t := range m.spec.Tasks {
		keys = append(keys, t.Name+"_loss")
		for _, name := range metricNames(t.Kind) {
			keys = append(keys, t.Name+"_"+name)
		}
	}
	if withVal {
		for _, k := range append([]string(nil), keys...) {
			keys = append(keys, "val_"+k)
		}
	}
	return keys
}

// A trainer holds the state of one Fit: the bound data of each input, the
// compiled training program, the optimiser and the generators. A
// checkpoint of training is a snapshot of this state plus the weights.
type trainer struct {
	m          *Model
	cfg        FitConfig
	data       []*boundData // per input
	valData    []*boundData // per input; nil without validation
	keys       []string     // the History keys
	hist       *History
	prog       *program
	opt        optim.Optimizer
	shufflePCG *rand.PCG  // the source of rng, kept to be saved
	dropPCG    *rand.PCG  // the source of dropRNG
	rng        *rand.Rand // shuffling
	dropRNG    *rand.Rand // dropout masks
	steps      int        // per epoch: batches of the largest dataset
	orders     [][]int    // per input: the example order
	cursor     []int      // per input: the next position in orders
	rows       [][]int    // per input: this step's rows
	ep         epochState // the epoch in progress

	balance
	conflict *Conflict // diagnostics, when cfg.Diagnose is set
	step0    int       // steps taken since the run began

	ckpt     *checkpointer // nil: no checkpoints
	prints   []dataPrint   // the training data's fingerprints, once computed
	stopReq  bool          // a callback asked to stop
	training *Training     // the callbacks' handle
}

func (m *Model) newTrainer(train map[string]*datasets.Dataset, cfg FitConfig) (*trainer, error) {
	data, err := m.bindInputs(train, "training")
	if err != nil {
		return nil, err
	}
	opt, err := optim.New(cfg.Optimizer)
	if err != nil {
		return nil, errors.WithMessage(err, "mtl: fit")
	}
	bal, err := m.newBalance(cfg)
	if err != nil {
		return nil, err
	}
	// A batch larger than the largest dataset would only build (and
	// allocate) a program of padding.
	largest := 0
	for _, d := range data {
		largest = max(largest, d.n)
	}
	cfg.BatchSize = max(min(cfg.BatchSize, largest), 1)
	t := &trainer{
		m: m, cfg: cfg, data: data, opt: opt, balance: bal,
		shufflePCG: rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15),
		dropPCG:    rand.NewPCG(uint64(cfg.Seed), 0xd1b54a32d192ed03),
		cursor:     make([]int, len(data)),
		rows:       make([][]int, len(data)),
		ep:         newEpochState(1, len(m.spec.Tasks)),
	}
	t.rng, t.dropRNG = rand.New(t.shufflePCG), rand.New(t.dropPCG)
	t.training = &Training{t: t}
	for _, d := range data {
		order := make([]int, d.n)
		for i := range order {
			order[i] = i
		}
		t.orders = append(t.orders, order)
		t.steps = max(t.steps, (d.n+cfg.BatchSize-1)/cfg.BatchSize)
	}
	switch {
	case t.rep:
		if t.prog, err = m.taskProgram(cfg.BatchSize, true, repTask); err != nil {
			return nil, err
		}
		t.prog.repWeigh = t.combiner.Weights
	case !t.perTask:
		if t.prog, err = m.program(cfg.BatchSize, true); err != nil {
			return nil, err
		}
	}
	if t.perTask || cfg.Diagnose > 0 {
		if t.tg, err = m.newTaskGradients(cfg.BatchSize); err != nil {
			return nil, err
		}
	}
	if cfg.Diagnose > 0 {
		t.conflict = &Conflict{Tasks: taskNames(m.spec)}
	}
	return t, nil
}

// examples returns the number of examples of the largest dataset, the
// examples of one epoch.
func (t *trainer) examples() int {
	n := 0
	for _, d := range t.data {
		n = max(n, d.n)
	}
	return n
}

// shuffle starts input s's order afresh.
func (t *trainer) shuffle(s int) {
	if !t.cfg.NoShuffle {
		o := t.orders[s]
		t.rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
	}
	t.cursor[s] = 0
}

// next sets t.rows[s] to input s's next batch, starting its order again
// when it has run out.
func (t *trainer) next(s int) {
	if t.cursor[s] >= len(t.orders[s]) {
		t.shuffle(s)
	}
	end := min(t.cursor[s]+t.cfg.BatchSize, len(t.orders[s]))
	t.rows[s] = t.orders[s][t.cursor[s]:end]
	t.cursor[s] = end
}

func isNonFinite(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
