package mtl

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"time"

	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
	"github.com/pkg/errors"
)

// checkpointData is the payload of a checkpoint file: everything a
// trainer needs to continue exactly where it stopped.
type checkpointData struct {
	Spec   []byte // the model's Spec, as JSON
	Config []byte // the FitConfig, as JSON (no data, recorder or callbacks)
	// HasValidationData: the run validated on FitConfig.ValidationData,
	// which a resumed run must be given again.
	HasValidationData bool
	Params            []ckptTensor
	Optimizer         []byte // optim.MarshalState
	Weighting         []byte // weighting.Stateful; nil for stateless ones
	Combiner          []byte // combine.Stateful; nil for stateless ones
	ShuffleRNG        []byte // rand.PCG.MarshalBinary
	DropoutRNG        []byte
	Orders            [][]int // per input: the example order
	Cursor            []int   // per input: the next position in Orders
	Data              []dataPrint
	Steps             int // steps taken since the run began
	Epoch             ckptEpoch
	History           History
	Callbacks         [][]byte // per callback: its state, nil if it has none
	Best              float64  // the monitored value of best.ckpt
	HasBest           bool
	Stopped           bool // a callback stopped training
	Done              bool // training ended
}

// ckptTensor is one parameter of the model.
type ckptTensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// ckptEpoch is an epochState.
type ckptEpoch struct {
	Epoch, Step int
	Total       float64
	TaskLoss    []float64
	Tallies     []ckptTally
	Seen        int
	Elapsed     time.Duration
}

// ckptTally is a tally.
type ckptTally struct {
	Examples, Hits     int
	AbsErr, SqErr, IoU float64
	Values, IoU50      int
	Scores             []float32
	Positive           []bool
}

// dataPrint identifies the training data of one input, so that a run is
// not resumed on other data.
type dataPrint struct {
	Input    string
	Examples int
	CRC      uint32 // CRC-32C of the features, labels and targets
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// fingerprint returns d's dataPrint.
func fingerprint(d *boundData) dataPrint {
	buf := make([]byte, 0, 1<<16)
	crc := uint32(0)
	flush := func() {
		crc = crc32.Update(crc, crcTable, buf)
		buf = buf[:0]
	}
	put := func(v uint32) {
		if len(buf)+4 > cap(buf) {
			flush()
		}
		buf = binary.LittleEndian.AppendUint32(buf, v)
	}
	for _, f := range d.features {
		put(math.Float32bits(f))
	}
	for _, ls := range d.labels {
		for _, l := range ls {
			put(uint32(int32(l)))
		}
	}
	for _, ts := range d.targets {
		for _, v := range ts {
			put(math.Float32bits(v))
		}
	}
	flush()
	return dataPrint{Input: d.name, Examples: d.n, CRC: crc}
}

// fingerprints returns the dataPrint of every input's training data,
// computed once per trainer: the data does not change during a run.
func (t *trainer) fingerprints() []dataPrint {
	if t.prints == nil {
		for _, d := range t.data {
			t.prints = append(t.prints, fingerprint(d))
		}
	}
	return t.prints
}

// snapshot returns the trainer's state as a checkpoint payload.
func (t *trainer) snapshot(done bool) (*checkpointData, error) {
	d := &checkpointData{
		HasValidationData: t.cfg.ValidationData != nil,
		Steps:             t.step0,
		Stopped:           t.stopReq,
		Done:              done,
		Cursor:            slices.Clone(t.cursor),
		History:           *t.hist,
	}
	var err error
	if d.Spec, err = json.Marshal(t.m.spec); err != nil {
		return nil, errors.Wrap(err, "encoding the spec")
	}
	if d.Config, err = json.Marshal(t.cfg); err != nil {
		return nil, errors.Wrap(err, "encoding the fit config")
	}
	for _, name := range t.m.params.Names() {
		v := t.m.params.Value(name)
		d.Params = append(d.Params, ckptTensor{Name: name, Shape: slices.Clone([]int(v.Shape())), Data: slices.Clone(v.Data().([]float32))})
	}
	if d.Optimizer, err = optim.MarshalState(t.opt); err != nil {
		return nil, err
	}
	if s, ok := t.weighting.(weighting.Stateful); ok {
		if d.Weighting, err = s.MarshalBinary(); err != nil {
			return nil, errors.WithMessagef(err, "weighting %s", t.weighting.Name())
		}
	}
	if s, ok := t.combiner.(combine.Stateful); ok {
		if d.Combiner, err = s.MarshalBinary(); err != nil {
			return nil, errors.WithMessagef(err, "combiner %s", t.combiner.Name())
		}
	}
	if d.ShuffleRNG, err = t.shufflePCG.MarshalBinary(); err != nil {
		return nil, err
	}
	if d.DropoutRNG, err = t.dropPCG.MarshalBinary(); err != nil {
		return nil, err
	}
	for _, o := range t.orders {
		d.Orders = append(d.Orders, slices.Clone(o))
	}
	d.Data = t.fingerprints()
	d.Epoch = ckptEpoch{Epoch: t.ep.epoch, Step: t.ep.step, Total: t.ep.total, TaskLoss: slices.Clone(t.ep.taskLoss),
		Seen: t.ep.seen, Elapsed: t.ep.elapsed}
	for _, a := range t.ep.tallies {
		d.Epoch.Tallies = append(d.Epoch.Tallies, ckptTally{Examples: a.examples, Hits: a.hits, AbsErr: a.absErr, SqErr: a.sqErr,
			IoU: a.iou, Values: a.values, IoU50: a.iou50, Scores: slices.Clone(a.scores), Positive: slices.Clone(a.positive)})
	}
	for i, c := range t.cfg.Callbacks {
		var state []byte
		if m, ok := c.(encoding.BinaryMarshaler); ok {
			if state, err = m.MarshalBinary(); err != nil {
				return nil, errors.WithMessagef(err, "callback %d (%T)", i, c)
			}
		}
		d.Callbacks = append(d.Callbacks, state)
	}
	return d, nil
}

// restore sets the trainer's state from a checkpoint of the same spec,
// config and data. The model's weights are set by Checkpoint.Model.
func (t *trainer) restore(d *checkpointData) error {
	if len(d.Data) != len(t.data) || len(d.Orders) != len(t.data) || len(d.Cursor) != len(t.data) {
		return errors.Errorf("the checkpoint has %d inputs' data, the model %d", len(d.Data), len(t.data))
	}
	prints := t.fingerprints()
	for s, p := range d.Data {
		if got := prints[s]; got != p {
			return errors.Errorf("input %q: the training data differs from the checkpoint's (%d examples, CRC %08x; the checkpoint's: %d examples, CRC %08x)",
				p.Input, got.Examples, got.CRC, p.Examples, p.CRC)
		}
		if len(d.Orders[s]) != t.data[s].n || d.Cursor[s] < 0 || d.Cursor[s] > t.data[s].n {
			return errors.Errorf("input %q: the checkpoint's example order does not fit its %d examples", p.Input, t.data[s].n)
		}
	}
	opt, err := optim.UnmarshalState(d.Optimizer)
	if err != nil {
		return errors.WithMessage(err, "optimizer state")
	}
	t.opt = opt
	if err := restoreState(t.weighting, d.Weighting, "weighting "+t.weighting.Name()); err != nil {
		return err
	}
	if t.combiner != nil {
		if err := restoreState(t.combiner, d.Combiner, "combiner "+t.combiner.Name()); err != nil {
			return err
		}
	}
	if err := t.shufflePCG.UnmarshalBinary(d.ShuffleRNG); err != nil {
		return errors.Wrap(err, "shuffle generator")
	}
	if err := t.dropPCG.UnmarshalBinary(d.DropoutRNG); err != nil {
		return errors.Wrap(err, "dropout generator")
	}
	t.orders, t.cursor = d.Orders, d.Cursor
	tasks := len(t.m.spec.Tasks)
	e := d.Epoch
	if len(e.TaskLoss) != tasks || len(e.Tallies) != tasks || e.Epoch < 1 || e.Step < 0 || e.Step > t.steps {
		return errors.Errorf("the checkpoint's epoch state (epoch %d, step %d of %d, %d tasks) does not fit the model's %d tasks", e.Epoch, e.Step, t.steps, len(e.TaskLoss), tasks)
	}
	t.ep = epochState{epoch: e.Epoch, step: e.Step, total: e.Total, taskLoss: e.TaskLoss, seen: e.Seen, elapsed: e.Elapsed}
	for _, a := range e.Tallies {
		t.ep.tallies = append(t.ep.tallies, tally{examples: a.Examples, hits: a.Hits, absErr: a.AbsErr, sqErr: a.SqErr,
			iou: a.IoU, values: a.Values, iou50: a.IoU50, scores: a.Scores, positive: a.Positive})
	}
	t.step0 = d.Steps
	t.stopReq = d.Stopped
	*t.hist = d.History
	if t.conflict != nil {
		if t.hist.Conflict == nil {
			t.hist.Conflict = t.conflict
		}
		t.conflict = t.hist.Conflict
	}
	for i, state := range d.Callbacks {
		switch {
		case state == nil:
		case i >= len(t.cfg.Callbacks):
			return errors.Errorf("the checkpoint holds the state of callback %d, but only %d callbacks were given", i, len(t.cfg.Callbacks))
		default:
			c := t.cfg.Callbacks[i]
			if err := restoreState(c, state, fmt.Sprintf("callback %d (%T)", i, c)); err != nil {
				return err
			}
		}
	}
	if t.ckpt != nil && d.HasBest {
		t.ckpt.best = d.Best
	}
	return nil
}

// restoreState hands state to v's UnmarshalBinary; a nil state needs
// none, a state for a v without one is an error.
func restoreState(v any, state []byte, what string) error {
	u, ok := v.(encoding.BinaryUnmarshaler)
	switch {
	case state == nil:
		return nil
	case !ok:
		return errors.Errorf("the checkpoint holds a state for %s, which cannot take one", what)
	}
	if err := u.UnmarshalBinary(state); err != nil {
		return errors.WithMessagef(err, "%s state", what)
	}
	return nil
}
