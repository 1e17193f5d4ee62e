package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/gomtl/gomtl/mtl"
)

// conflictSummary is the "conflict" object of summary.json, written when
// --diagnose is set: how often the task gradients were measured and each
// pair's summary over the run (none when no sample was taken).
type conflictSummary struct {
	Every   int           `json:"every"`   // --diagnose: steps between samples
	Samples int           `json:"samples"` // samples taken
	Pairs   []pairSummary `json:"pairs"`
}

// pairSummary is mtl.PairConflict as summary.json writes it.
type pairSummary struct {
	A, B          string
	MeanCosine    float64
	ConflictShare float64 // the share of samples with a negative cosine
	MinCosine     float64
}

// MarshalJSON writes p with null for the values that are not finite.
func (p pairSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		A             string `json:"a"`
		B             string `json:"b"`
		MeanCosine    any    `json:"mean_cosine"`
		ConflictShare any    `json:"conflict_share"`
		MinCosine     any    `json:"min_cosine"`
	}{p.A, p.B, finiteOrNil(p.MeanCosine), finiteOrNil(p.ConflictShare), finiteOrNil(p.MinCosine)})
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (p *pairSummary) UnmarshalJSON(b []byte) error {
	var raw struct {
		A             string   `json:"a"`
		B             string   `json:"b"`
		MeanCosine    *float64 `json:"mean_cosine"`
		ConflictShare *float64 `json:"conflict_share"`
		MinCosine     *float64 `json:"min_cosine"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	orNaN := func(v *float64) float64 {
		if v == nil {
			return math.NaN()
		}
		return *v
	}
	*p = pairSummary{A: raw.A, B: raw.B, MeanCosine: orNaN(raw.MeanCosine),
		ConflictShare: orNaN(raw.ConflictShare), MinCosine: orNaN(raw.MinCosine)}
	return nil
}

// newConflictSummary summarises c, sampled every `every` steps; nil
// without diagnostics.
func newConflictSummary(c *mtl.Conflict, every int) *conflictSummary {
	if c == nil {
		return nil
	}
	s := &conflictSummary{Every: every, Samples: len(c.Samples), Pairs: []pairSummary{}}
	if len(c.Samples) == 0 {
		return s // the pairs' statistics are undefined
	}
	for _, p := range c.Pairs() {
		s.Pairs = append(s.Pairs, pairSummary{A: p.A, B: p.B, MeanCosine: p.MeanCosine,
			ConflictShare: p.ConflictShare, MinCosine: p.MinCosine})
	}
	return s
}

// writeConflictReport prints the pairs' cosine statistics as a table.
func writeConflictReport(w io.Writer, s *conflictSummary) error {
	if s.Samples == 0 {
		_, err := fmt.Fprintf(w, "Gradient cosines: no sample (training took fewer than --diagnose %d steps)\n", s.Every)
		return err
	}
	fmt.Fprintf(w, "Gradient cosines on the shared parameters, %d samples every %d steps:\n", s.Samples, s.Every)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  tasks\tmean\tmin\tnegative")
	for _, p := range s.Pairs {
		fmt.Fprintf(tw, "  %s/%s\t%.4f\t%.4f\t%.1f%%\n", p.A, p.B, p.MeanCosine, p.MinCosine, 100*p.ConflictShare)
	}
	return tw.Flush()
}
