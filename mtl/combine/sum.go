package combine

// Sum adds the task gradients: α = 1 for every task, the gradient of the
// summed loss (LibMTL's EW with unit weights).
type Sum struct{}

var _ Combiner = Sum{}

// Name returns "sum".
func (Sum) Name() string { return SumName }

// Weights returns T ones.
func (Sum) Weights(gram [][]float64) ([]float64, error) {
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	return uniform(g.n, 1), nil
}
