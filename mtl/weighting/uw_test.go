package weighting

import (
	"errors"
	"math"
	"testing"
)

// TestUWHandValues: losses (1, 2), log-variances (-0.5, 0).
// total = 1·e^0.5/2 - 0.25 + 2/2 + 0 = 0.824360635 + 0.75 = 1.574360635;
// ∂/∂L = (e^0.5/2, 1/2) = (0.824360635, 0.5);
// ∂/∂s = (0.5 - e^0.5/2, 0.5 - 2/2) = (-0.324360635, -0.5).
func TestUWHandValues(t *testing.T) {
	losses, logVars := []float64{1, 2}, []float64{-0.5, 0}
	assertClose(t, "UWTotal", []float64{UWTotal(losses, logVars)}, []float64{1.574360635350064}, 1e-12)
	dL, ds := UWGrad(losses, logVars)
	assertClose(t, "∂total/∂L", dL, []float64{0.8243606353500641, 0.5}, 1e-12)
	assertClose(t, "∂total/∂s", ds, []float64{-0.3243606353500641, -0.5}, 1e-12)
	assertClose(t, "UWWeights", UWWeights(logVars), dL, 0)

	// The minimum over s_t is at s_t = log L_t (Kendall et al. 2018: the
	// learned variance tracks the loss).
	_, ds = UWGrad([]float64{0.3, 4}, []float64{math.Log(0.3), math.Log(4)})
	assertClose(t, "∂total/∂s at s = log L", ds, []float64{0, 0}, 1e-15)

	// Initial effective weight: e^0.5/2.
	assertClose(t, "initial weight", UWWeights([]float64{UWInit}), []float64{0.8243606353500641}, 1e-15)
}

// TestUWGradient checks UWGrad against central finite differences of
// UWTotal, with respect to both the losses and the log-variances.
func TestUWGradient(t *testing.T) {
	for _, tc := range []struct {
		name            string
		losses, logVars []float64
	}{
		{"at init", []float64{0.9, 2.3, 0.05}, []float64{UWInit, UWInit, UWInit}},
		{"mixed", []float64{1.7, 0.2}, []float64{1.1, -2.4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dL, ds := UWGrad(tc.losses, tc.logVars)
			const h = 1e-6
			fdL := make([]float64, len(tc.losses))
			fds := make([]float64, len(tc.losses))
			for i := range tc.losses {
				up, down := clone(tc.losses), clone(tc.losses)
				up[i] += h
				down[i] -= h
				fdL[i] = (UWTotal(up, tc.logVars) - UWTotal(down, tc.logVars)) / (2 * h)
				up, down = clone(tc.logVars), clone(tc.logVars)
				up[i] += h
				down[i] -= h
				fds[i] = (UWTotal(tc.losses, up) - UWTotal(tc.losses, down)) / (2 * h)
			}
			assertClose(t, "∂total/∂L", dL, fdL, 1e-7)
			assertClose(t, "∂total/∂s", ds, fds, 1e-7)
		})
	}
}

func TestUWMismatchedLengths(t *testing.T) {
	if got := UWTotal([]float64{1, 2}, []float64{0}); !math.IsNaN(got) {
		t.Errorf("UWTotal with mismatched lengths = %v, want NaN", got)
	}
	if dL, ds := UWGrad([]float64{1}, nil); dL != nil || ds != nil {
		t.Errorf("UWGrad with mismatched lengths = %v, %v, want nil, nil", dL, ds)
	}
}

func TestUWWeightsIsSymbolic(t *testing.T) {
	w := mustNew(t, Config{Name: UWName}, []float64{1, 1})
	_, err := w.Weights([]float64{1, 1})
	if !errors.Is(err, ErrSymbolic) {
		t.Errorf("error %v, want ErrSymbolic", err)
	}
	assertErr(t, err, "weighting: built in the graph, not per-step weights: uw learns log-variances")
}
