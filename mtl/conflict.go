package mtl

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/pkg/errors"
)

// Conflict records how the tasks' gradients on the shared parameters
// relate over a run (FitConfig.Diagnose): their norms and pairwise cosine
// similarities, sampled every few steps. A negative cosine means the two
// tasks pull the shared parameters in conflicting directions.
type Conflict struct {
	Tasks   []string         `json:"tasks"`
	Samples []ConflictSample `json:"samples"`
}

// A ConflictSample is one measurement of the task gradients.
type ConflictSample struct {
	Step  int       `json:"step"` // steps since Fit began, from 1
	Epoch int       `json:"epoch"`
	Norms []float64 `json:"norms"` // per task: the L2 norm of its gradient
	// Cosine[i][j] is the cosine similarity of tasks i and j's gradients
	// (0 when either is zero).
	Cosine [][]float64 `json:"cosine"`
}

// A PairConflict summarises one pair of tasks over a run.
type PairConflict struct {
	A, B       string
	MeanCosine float64 `json:"mean_cosine"`
	// ConflictShare is the share of samples with a negative cosine.
	ConflictShare float64 `json:"conflict_share"`
	MinCosine     float64 `json:"min_cosine"`
}

// newConflictSample computes norms and cosines from a Gramian.
func newConflictSample(step, epoch int, gram [][]float64) ConflictSample {
	s := ConflictSample{Step: step, Epoch: epoch, Norms: make([]float64, len(gram)), Cosine: make([][]float64, len(gram))}
	for i := range gram {
		s.Norms[i] = math.Sqrt(math.Max(gram[i][i], 0))
	}
	for i := range gram {
		s.Cosine[i] = make([]float64, len(gram))
		for j := range gram {
			if d := s.Norms[i] * s.Norms[j]; d > 0 {
				s.Cosine[i][j] = gram[i][j] / d
			}
		}
	}
	return s
}

// Pairs summarises every pair of tasks, in order (0,1), (0,2), ..., (1,2), ...
func (c *Conflict) Pairs() []PairConflict {
	var out []PairConflict
	for i := range c.Tasks {
		for j := i + 1; j < len(c.Tasks); j++ {
			p := PairConflict{A: c.Tasks[i], B: c.Tasks[j], MinCosine: math.Inf(1)}
			for _, s := range c.Samples {
				cos := s.Cosine[i][j]
				p.MeanCosine += cos
				p.MinCosine = math.Min(p.MinCosine, cos)
				if cos < 0 {
					p.ConflictShare++
				}
			}
			if n := float64(len(c.Samples)); n > 0 {
				p.MeanCosine /= n
				p.ConflictShare /= n
			} else {
				p.MinCosine = math.NaN()
			}
			out = append(out, p)
		}
	}
	return out
}

// WriteCSV writes one row per sample: step, epoch, each task's norm
// ("norm_<task>") and each pair's cosine ("cos_<a>_<b>").
func (c *Conflict) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"step", "epoch"}
	for _, t := range c.Tasks {
		head = append(head, "norm_"+t)
	}
	for i := range c.Tasks {
		for j := i + 1; j < len(c.Tasks); j++ {
			head = append(head, "cos_"+c.Tasks[i]+"_"+c.Tasks[j])
		}
	}
	if err := cw.Write(head); err != nil {
		return errors.Wrap(err, "mtl: conflict csv")
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	for _, s := range c.Samples {
		row := []string{strconv.Itoa(s.Step), strconv.Itoa(s.Epoch)}
		for _, n := range s.Norms {
			row = append(row, f(n))
		}
		for i := range c.Tasks {
			for j := i + 1; j < len(c.Tasks); j++ {
				row = append(row, f(s.Cosine[i][j]))
			}
		}
		if err := cw.Write(row); err != nil {
			return errors.Wrap(err, "mtl: conflict csv")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return errors.Wrap(err, "mtl: conflict csv")
	}
	return nil
}
