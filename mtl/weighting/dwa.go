package weighting

import "fmt"

// DWA is Dynamic Weight Average (Liu, Johns & Davison 2019, "End-to-end
// multi-task learning with attention", CVPR, eq. 7), as LibMTL's DWA
// computes it from the epoch-mean training losses:
//
//	w_t = 1                              in the first two epochs
//	w_t = K·exp(r_t/T) / Σ_i exp(r_i/T)  afterwards
//	r_t = L_t(e-1) / L_t(e-2)
//
// where L_t(e) is task t's mean unweighted training loss over epoch e, as
// reported by EndEpoch, and T is the temperature (Config.Temperature, 2 by
// default). A task whose loss fell less over the last epoch (larger r_t)
// gets more weight; the weights always sum to K. They change only when
// EndEpoch is called.
type DWA struct {
	k           int
	temperature float64
	epochs      int       // epochs reported so far
	last        []float64 // the last epoch's mean losses
	w           []float64 // the weights of the coming epoch
	err         error     // a bad report, returned by every later Weights
}

var _ Weighting = (*DWA)(nil)

func newDWA(k int, temperature float64) *DWA {
	return &DWA{k: k, temperature: temperature, w: ones(k)}
}

// Name returns "dwa".
func (*DWA) Name() string { return DWAName }

// Weights returns the weights of the current epoch. losses are not used,
// but when given they must have one entry per task. Once EndEpoch has been
// given a bad report, Weights returns the error it describes: the loss
// history has a gap DWA cannot fill.
func (d *DWA) Weights(losses []float64) ([]float64, error) {
	if d.err != nil {
		return nil, d.err
	}
	if err := checkLosses(losses, d.k); err != nil {
		return nil, err
	}
	if d.w == nil { // the zero DWA: no tasks
		return []float64{}, nil
	}
	return clone(d.w), nil
}

// EndEpoch records the epoch-mean unweighted training losses and, from the
// second report on, sets the weights of the next epoch. A report of the
// wrong length, with a negative or non-finite loss, or (after the first)
// with a task whose previous mean was 0 is recorded as an error that
// Weights returns.
func (d *DWA) EndEpoch(meanLosses []float64) {
	if d.err != nil {
		return
	}
	epoch := d.epochs
	if err := checkLen("epoch-mean losses", meanLosses, d.k); err != nil {
		d.err = fmt.Errorf("%w (epoch %d)", err, epoch)
		return
	}
	if err := checkNonNegative(DWAName, "epoch-mean loss", meanLosses); err != nil {
		d.err = fmt.Errorf("%w (epoch %d)", err, epoch)
		return
	}
	if d.last != nil {
		r := make([]float64, d.k)
		for t := range r {
			if d.last[t] == 0 {
				d.err = fmt.Errorf("weighting: dwa: epoch-mean loss of task %d is 0 in epoch %d, so its loss ratio is undefined", t, epoch-1)
				return
			}
			r[t] = meanLosses[t] / d.last[t]
		}
		softmaxTo(d.w, r, d.temperature)
		for t := range d.w {
			d.w[t] *= float64(d.k)
		}
	}
	d.last = clone(meanLosses)
	d.epochs++
}
