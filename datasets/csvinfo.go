package datasets

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// csvStats returns the mean and the standard deviation (dividing by the row
// count, 1 where it is 0) of each of the nf features of x, computed in
// float64 in two passes.
func csvStats(x []float32, nf int) (mean, std []float64) {
	n := len(x) / nf
	mean = make([]float64, nf)
	std = make([]float64, nf)
	for i, v := range x {
		mean[i%nf] += float64(v)
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i, v := range x {
		d := float64(v) - mean[i%nf]
		std[i%nf] += d * d
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
		if std[j] == 0 {
			std[j] = 1
		}
	}
	return mean, std
}

// Standardize replaces each feature x of d by (x-Mean)/Std for its column,
// in place, computed in float64 and rounded once to float32. d must have
// Shape [len(info.Features)], as ReadCSV's sets do; Mean and Std must have
// one finite value per feature and Std be positive (ReadCSV gives a
// constant feature a Std of 1, so it becomes 0). When a result would not be
// a finite float32, or anything else is wrong, d is left unchanged and the
// error names the example and feature.
func (info *CSVInfo) Standardize(d *Dataset) error {
	if info == nil {
		return errors.New("datasets: standardize: nil CSVInfo")
	}
	if d == nil {
		return errors.New("datasets: standardize: nil dataset")
	}
	nf := len(info.Features)
	if len(info.Mean) != nf || len(info.Std) != nf {
		return fmt.Errorf("datasets: standardize: info has %d features, %d means and %d standard deviations", nf, len(info.Mean), len(info.Std))
	}
	if !slices.Equal(d.Shape, []int{nf}) {
		return fmt.Errorf("datasets: %s: standardize: dataset has shape %v, info has %d features", d.name(), d.Shape, nf)
	}
	if nf == 0 || len(d.Features)%nf != 0 {
		return fmt.Errorf("datasets: %s: standardize: %d features is not a whole number of examples of width %d", d.name(), len(d.Features), nf)
	}
	for j := range nf {
		if m, s := info.Mean[j], info.Std[j]; math.IsNaN(m) || math.IsInf(m, 0) || !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("datasets: standardize: feature %d (%q): mean %v and standard deviation %v, want finite and positive", j, info.Features[j], m, s)
		}
	}
	z := func(i int) float32 { return float32((float64(d.Features[i]) - info.Mean[i%nf]) / info.Std[i%nf]) }
	for i := range d.Features {
		if v := float64(z(i)); math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("datasets: %s: standardize: example %d: feature %d (%q) %v becomes %v", d.name(), i/nf, i%nf, info.Features[i%nf], d.Features[i], v)
		}
	}
	for i := range d.Features {
		d.Features[i] = z(i)
	}
	return nil
}
