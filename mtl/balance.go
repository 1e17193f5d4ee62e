package mtl

import (
	"github.com/gomtl/gomtl/graph"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/weighting"
	"github.com/pkg/errors"
	"gorgonia.org/tensor"
)

// MGDAUB is the name of the combiner that runs MGDA on the gradients of
// the shared representation (Sener & Koltun 2018's upper bound) instead
// of the shared parameters.
const MGDAUB = "mgda-ub"

// balance is how a trainer turns the task losses of a step into an
// update: the weighting that sets the loss weights and, when tasks'
// gradients are combined, the combiner and the per-task programs.
type balance struct {
	weighting weighting.Weighting
	combiner  combine.Combiner // nil: the gradients are summed
	// perTask is set when every step computes each task's gradient with
	// its own program (a combiner, or a weighting that needs them).
	perTask bool
	// rep is set for MGDA-UB, which trains through the repTask program.
	rep    bool
	tg     *taskGradients // per-task programs (perTask, or diagnosis)
	params [][]float32    // the trainable tensors, in Store order
	final  [][]float32    // the combined gradient handed to the optimiser
	// weights, losses and total are the step's loss weights, unweighted
	// task losses and total loss; alpha the combiner's weights.
	weights, losses, alpha []float64
	// fixedWeights is set for weightings whose weights never change
	// (static, ew): the plain step sets them into the graph once.
	fixedWeights bool
	total        float64
	gramW        [][]float64 // the weighted Gramian
}

// newBalance builds the weighting of m's spec and the combiner of cfg,
// refusing pairs that do not compose.
func (m *Model) newBalance(cfg FitConfig) (balance, error) {
	var b balance
	tasks := len(m.spec.Tasks)
	w, err := weighting.New(m.spec.Weighting, m.spec.taskWeights())
	if err != nil {
		return b, errors.WithMessage(err, "mtl: fit")
	}
	b.weighting = w
	b.fixedWeights = w.Name() == weighting.StaticName || w.Name() == weighting.EWName
	name := cfg.Combine.Name
	if name == MGDAUB {
		if err := m.spec.singleRepresentation(); err != nil {
			return b, errors.WithMessage(err, "mtl: fit: combiner mgda-ub")
		}
		switch w.Name() {
		case weighting.UWName, weighting.GLSName, weighting.GradNormName:
			return b, errors.Errorf("mtl: fit: combiner mgda-ub weighs the tasks inside the graph and cannot be paired with weighting %q (use static, ew, dwa or rlw)", w.Name())
		}
		c := cfg.Combine
		c.Name = "mgda"
		if b.combiner, err = combine.New(c); err != nil {
			return b, errors.WithMessage(err, "mtl: fit: combiner mgda-ub")
		}
		b.rep = true
	} else if name != "" && name != "sum" {
		if b.combiner, err = combine.New(cfg.Combine); err != nil {
			return b, errors.WithMessage(err, "mtl: fit")
		}
		if w.Name() == weighting.UWName {
			return b, errors.Errorf("mtl: fit: weighting uw learns its log-variances through the graph's total loss and cannot be paired with combiner %q (use static, ew, dwa, rlw, gls or gradnorm)", name)
		}
	}
	b.perTask = (b.combiner != nil && !b.rep) || weighting.NeedsTaskGradients(w.Name())
	if b.perTask && m.params.Dtype() != tensor.Float32 {
		return b, errors.New("mtl: fit: per-task gradients need a float32 model")
	}
	b.params = trainableData(m.params)
	if b.perTask {
		for _, p := range b.params {
			b.final = append(b.final, make([]float32, len(p)))
		}
	}
	b.losses = make([]float64, tasks)
	b.alpha = make([]float64, tasks)
	for i := range b.alpha {
		b.alpha[i] = 1
	}
	b.gramW = make([][]float64, tasks)
	for i := range b.gramW {
		b.gramW[i] = make([]float64, tasks)
	}
	return b, nil
}

// step trains on the rows chosen for each input: forward, backward and
// the update, which is skipped when a loss is not finite.
func (t *trainer) step(epoch int) error {
	t.step0++
	diagnose := t.cfg.Diagnose > 0 && t.step0%t.cfg.Diagnose == 0
	var err error
	if t.perTask {
		err = t.taskStep()
	} else {
		err = t.plainStep(diagnose)
	}
	if err != nil {
		return err
	}
	if diagnose {
		t.conflict.Samples = append(t.conflict.Samples, newConflictSample(t.step0, epoch, t.tg.gram))
	}
	return nil
}

// plainStep trains through the total program: one backward pass of the
// weighted (or uncertainty-weighted, or geometric-mean) total. With
// diagnose set, the per-task programs also measure the task gradients at
// the same weights and on the same batch before the update.
func (t *trainer) plainStep(diagnose bool) error {
	p := t.prog
	if !weighting.Symbolic(t.weighting.Name()) && (t.weights == nil || !t.fixedWeights) {
		w, err := t.weighting.Weights(nil)
		if err != nil {
			return err
		}
		if err := p.setTaskWeights(w); err != nil {
			return err
		}
		t.weights = w
	}
	for s, d := range t.data {
		p.load(s, d, t.rows[s], true)
	}
	if err := t.fillMasks(p.net.masks); err != nil {
		return err
	}
	if err := p.run(); err != nil {
		return err
	}
	if t.rep {
		p.scaleHeads()
		copy(t.alpha, p.repAlpha)
	}
	for i := range t.losses {
		t.losses[i] = p.loss(i)
	}
	t.total = p.totalLoss()
	if err := t.checkFinite(); err != nil {
		return err
	}
	if diagnose {
		if err := t.tg.run(t.data, t.rows, p.net.masks); err != nil {
			return errors.WithMessage(err, "diagnosis")
		}
	}
	if err := t.updateNorms(p); err != nil {
		return err
	}
	if err := t.opt.Step(p.paramData, p.gradData); err != nil {
		return errors.WithMessage(err, "update")
	}
	return nil
}

// taskStep trains through the per-task programs: each task's gradient,
// the weighting's weights (which may read the step's losses), the
// combiner's weights from the weighted Gramian, then the update.
func (t *trainer) taskStep() error {
	tg := t.tg
	if err := t.fillMasks(tg.masks()); err != nil {
		return err
	}
	if err := tg.run(t.data, t.rows, tg.masks()); err != nil {
		return err
	}
	copy(t.losses, tg.losses)
	if err := t.checkLosses(); err != nil {
		return err
	}
	w, err := t.weighting.Weights(t.losses)
	if err != nil {
		return err
	}
	t.weights = w
	t.total = 0
	for i, l := range t.losses {
		t.total += w[i] * l
	}
	if t.combiner != nil {
		for i := range t.gramW {
			for j := range t.gramW {
				t.gramW[i][j] = w[i] * w[j] * tg.gram[i][j]
			}
		}
		if la, ok := t.combiner.(combine.LossAware); ok {
			la.SetLosses(t.losses)
		}
		if t.alpha, err = t.combiner.Weights(t.gramW); err != nil {
			return errors.WithMessagef(err, "combiner %s", t.combiner.Name())
		}
	}
	tg.combine(t.final, t.alpha, w)
	if err := t.updateNorms(tg.progs[0]); err != nil {
		return err
	}
	if err := t.opt.Step(t.params, t.final); err != nil {
		return errors.WithMessage(err, "update")
	}
	if ga, ok := t.weighting.(weighting.GradientAware); ok {
		if err := ga.Update(t.losses, tg.norms()); err != nil {
			return err
		}
	}
	return nil
}

// fillMasks draws this step's dropout masks.
func (t *trainer) fillMasks(masks []dropoutMask) error {
	for _, mask := range masks {
		if err := graph.FillDropoutMask(mask.node, mask.rate, t.dropRNG); err != nil {
			return err
		}
	}
	return nil
}

// updateNorms moves the batch-norm running statistics towards the batch
// statistics p computed.
func (t *trainer) updateNorms(p *program) error {
	for _, n := range p.net.norms {
		if err := n.stats.Update(len(t.rows[n.slot]), batchNormMomentum); err != nil {
			return err
		}
	}
	return nil
}

// slots returns the inputs of the programs the trainer runs.
func (t *trainer) slots() []*slot {
	if t.perTask {
		return t.tg.progs[0].slots
	}
	return t.prog.slots
}

// outProg returns the program whose outputs hold task i's predictions of
// the last step.
func (t *trainer) outProg(i int) *program {
	if t.perTask {
		return t.tg.progs[i]
	}
	return t.prog
}

// checkFinite returns an error naming the task whose loss is NaN or
// infinite, or the total when it alone is.
func (t *trainer) checkFinite() error {
	if err := t.checkLosses(); err != nil {
		return err
	}
	if isNonFinite(t.total) {
		return errors.WithMessagef(ErrNonFinite, "total loss %v", t.total)
	}
	return nil
}

// checkLosses returns an error naming the first task whose loss is NaN or
// infinite.
func (t *trainer) checkLosses() error {
	for i, task := range t.m.spec.Tasks {
		if l := t.losses[i]; isNonFinite(l) {
			return errors.WithMessagef(ErrNonFinite, "task %q: loss %v (is the learning rate too high?)", task.Name, l)
		}
	}
	return nil
}
