package mtl

import (
	"context"
	"time"

	"github.com/pkg/errors"
)

// epochState is the progress of the epoch in progress: how many of its
// steps are done and the sums its History row is made of.
type epochState struct {
	epoch    int // 1-based
	step     int // steps of this epoch done
	total    float64
	taskLoss []float64 // per task: Σ batch loss × labelled rows
	tallies  []tally
	seen     int
	elapsed  time.Duration
}

func newEpochState(epoch, tasks int) epochState {
	return epochState{epoch: epoch, taskLoss: make([]float64, tasks), tallies: make([]tally, tasks)}
}

// run trains until the last epoch ends, a callback stops training, ctx is
// cancelled or a step fails. Checkpoints are written as configured, and
// when training stops early (not when a step fails: the last good
// checkpoint stays the newest).
func (t *trainer) run(ctx context.Context) error {
	if err := t.callback(Event{Kind: TrainBegin, Epoch: t.ep.epoch, Epochs: t.cfg.Epochs, Steps: t.steps}); err != nil {
		return err
	}
	for t.ep.epoch <= t.cfg.Epochs && !t.stopReq {
		if err := t.runEpoch(ctx); err != nil {
			return err
		}
	}
	if err := t.callback(Event{Kind: TrainEnd, Epoch: t.ep.epoch - 1, Epochs: t.cfg.Epochs, Steps: t.steps}); err != nil {
		return err
	}
	return t.saveCheckpoint(nil, true)
}

// runEpoch trains on the rest of the epoch in progress, records its row
// and starts the next.
func (t *trainer) runEpoch(ctx context.Context) error {
	epoch := t.ep.epoch
	if t.ep.step == 0 {
		for s := range t.data {
			t.shuffle(s)
		}
		ev := Event{Kind: EpochStart, Epoch: epoch, Epochs: t.cfg.Epochs, Steps: t.steps}
		t.cfg.Recorder.Record(ev)
		if err := t.callback(ev); err != nil {
			return err
		}
	}
	for t.ep.step < t.steps {
		if err := ctx.Err(); err != nil {
			err = errors.Wrapf(err, "mtl: epoch %d: stopped before step %d", epoch, t.ep.step+1)
			if cerr := t.saveCheckpoint(nil, false); cerr != nil {
				return errors.WithMessagef(err, "and the checkpoint failed: %v", cerr)
			}
			return err
		}
		if err := t.trainStep(); err != nil {
			return errors.WithMessagef(err, "mtl: epoch %d step %d", epoch, t.ep.step+1)
		}
		ev := Event{Kind: BatchEnd, Epoch: epoch, Epochs: t.cfg.Epochs, Step: t.ep.step, Steps: t.steps,
			Examples: t.ep.seen, Loss: t.ep.total / float64(t.ep.seen), Elapsed: t.ep.elapsed}
		t.cfg.Recorder.Record(ev)
		if err := t.callback(ev); err != nil {
			return err
		}
		if t.stopReq {
			return t.saveCheckpoint(nil, false) // the partial epoch is not recorded
		}
		if every := t.cfg.Checkpoint.EverySteps; every > 0 && t.step0%every == 0 && t.ep.step < t.steps {
			if err := t.saveCheckpoint(nil, false); err != nil {
				return err
			}
		}
	}
	row, err := t.endEpoch(ctx)
	if err != nil {
		return err
	}
	return t.saveCheckpoint(row, false)
}

// trainStep takes the next batch of every input, trains on it and adds
// its losses and scores to the epoch's sums.
func (t *trainer) trainStep() error {
	n := 0
	for s := range t.data {
		t.next(s)
		n += len(t.rows[s])
	}
	start := time.Now()
	if err := t.step(t.ep.epoch); err != nil {
		return err
	}
	elapsed := time.Since(start)
	t.ep.elapsed += elapsed
	t.hist.TrainSeconds += elapsed.Seconds()
	t.hist.TrainExamples += n
	t.ep.total += t.total * float64(n)
	for s, sl := range t.slots() {
		for _, i := range sl.tasks {
			// A task's batch loss is its mean over the batch's labelled rows.
			p := t.outProg(i)
			t.ep.taskLoss[i] += t.losses[i] * float64(p.counts[i])
			t.ep.tallies[i].add(p, i, t.data[s], t.rows[s])
		}
	}
	t.ep.seen += n
	t.ep.step++
	return nil
}

// endEpoch turns the epoch's sums into its History row, validates, tells
// the recorder and the callbacks, and starts the next epoch.
func (t *trainer) endEpoch(ctx context.Context) (map[string]float64, error) {
	epoch, tasks := t.ep.epoch, t.m.spec.Tasks
	row := map[string]float64{"loss": t.ep.total / float64(t.ep.seen)}
	means := make([]float64, len(tasks))
	for i, task := range tasks {
		means[i] = t.ep.taskLoss[i] / float64(max(t.ep.tallies[i].examples, 1))
		row[task.Name+"_loss"] = means[i]
		for _, name := range metricNames(task.Kind) {
			row[task.Name+"_"+name] = t.ep.tallies[i].metric(name)
		}
	}
	t.weighting.EndEpoch(means)
	if t.valData != nil {
		res, err := t.m.evaluate(ctx, t.valData...)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: epoch %d: validation", epoch)
		}
		res.addTo(row, "val_")
	}
	t.hist.add(row, t.keys)
	elapsed := t.ep.elapsed
	t.ep = newEpochState(epoch+1, len(tasks))
	ev := Event{Kind: EpochEnd, Epoch: epoch, Epochs: t.cfg.Epochs, Steps: t.steps, Examples: t.examples(),
		Loss: row["loss"], Metrics: row, Keys: t.keys, Elapsed: elapsed}
	t.cfg.Recorder.Record(ev)
	if err := t.callback(ev); err != nil {
		return nil, err
	}
	return row, nil
}

// callback hands e to every callback in turn.
func (t *trainer) callback(e Event) error {
	for _, c := range t.cfg.Callbacks {
		if err := c.OnEvent(t.training, e); err != nil {
			return errors.WithMessagef(err, "mtl: %s: callback %T", e.Kind, c)
		}
	}
	return nil
}

// saveCheckpoint writes a checkpoint of the state after the last step,
// unless checkpoints are off. row is the History row of the epoch that
// just ended (nil within an epoch), done marks the end of training.
func (t *trainer) saveCheckpoint(row map[string]float64, done bool) error {
	if t.ckpt == nil {
		return nil
	}
	d, err := t.snapshot(done)
	if err != nil {
		return errors.WithMessage(err, "mtl: checkpoint")
	}
	return errors.WithMessage(t.ckpt.save(d, row), "mtl: checkpoint")
}
