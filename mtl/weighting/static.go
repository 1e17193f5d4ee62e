package weighting

// Static returns the spec's weights, base, at every step: the default, and
// what training without a weighting does.
type Static struct {
	base []float64
}

var _ Weighting = Static{}

// Name returns "static".
func (Static) Name() string { return StaticName }

// Weights returns a copy of base. losses are not used, but when given they
// must have one entry per task.
func (s Static) Weights(losses []float64) ([]float64, error) {
	if err := checkLosses(losses, len(s.base)); err != nil {
		return nil, err
	}
	return clone(s.base), nil
}

// EndEpoch does nothing.
func (Static) EndEpoch([]float64) {}

// EW is equal weighting: every task's weight is 1 at every step, whatever
// the spec says (LibMTL's EW, the usual baseline).
type EW struct {
	k int
}

var _ Weighting = EW{}

// Name returns "ew".
func (EW) Name() string { return EWName }

// Weights returns K ones. losses are not used, but when given they must
// have one entry per task.
func (e EW) Weights(losses []float64) ([]float64, error) {
	if err := checkLosses(losses, e.k); err != nil {
		return nil, err
	}
	return ones(e.k), nil
}

// EndEpoch does nothing.
func (EW) EndEpoch([]float64) {}
