package weighting

import (
	"math"
	"testing"
)

// TestDWA checks the weights of each epoch against values worked by hand
// from Liu et al. 2019, eq. 7 (LibMTL's DWA.backward): ones while fewer
// than two epochs are reported, then K·softmax(r/T), r_t = L_t(e-1)/L_t(e-2).
func TestDWA(t *testing.T) {
	for _, tc := range []struct {
		name        string
		temperature float64
		history     [][]float64 // epoch-mean losses reported after each epoch
		want        [][]float64 // weights during epoch 0, 1, ..., len(history)
	}{
		{
			name:    "two tasks",
			history: [][]float64{{1, 2}, {0.5, 1.8}, {0.4, 0.9}},
			want: [][]float64{
				{1, 1}, // epoch 0: no history
				{1, 1}, // epoch 1: one epoch reported
				// epoch 2: r = (0.5, 0.9), r/2 = (0.25, 0.45);
				// w_1 = 2/(1 + e^0.2) = 2/2.221402758 = 0.900332005,
				// w_2 = 2 - w_1 = 1.099667995 (task 2 fell less, gains weight).
				{0.900332005375044, 1.099667994624956},
				// epoch 3: r = (0.8, 0.5), w_1 = 2/(1 + e^-0.15) = 1.074859691.
				{1.0748596906874992, 0.9251403093125009},
			},
		},
		{
			name:        "three tasks, temperature 1",
			temperature: 1,
			history:     [][]float64{{2, 2, 1}, {1, 2, 2}},
			// r = (0.5, 1, 2); w = 3·(e^0.5, e^1, e^2)/(e^0.5 + e + e^2)
			// = 3·(1.648721, 2.718282, 7.389056)/11.756059.
			want: [][]float64{{1, 1, 1}, {1, 1, 1}, {0.42073314949826546, 0.6936716928664471, 1.8855951576352874}},
		},
		{
			name:    "three tasks, default temperature",
			history: [][]float64{{2, 2, 1}, {1, 2, 2}},
			// r/2 = (0.25, 0.5, 1); w = 3·(e^0.25, e^0.5, e^1)/(1.284025 + 1.648721 + 2.718282).
			want: [][]float64{{1, 1, 1}, {1, 1, 1}, {0.6816593190533418, 0.8752678911865492, 1.443072789760109}},
		},
		{
			name:    "equal ratios give ones",
			history: [][]float64{{4, 2}, {2, 1}},
			want:    [][]float64{{1, 1}, {1, 1}, {1, 1}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, Config{Name: DWAName, Temperature: tc.temperature}, make([]float64, len(tc.history[0])))
			for epoch, want := range tc.want {
				got, err := w.Weights(nil)
				if err != nil {
					t.Fatal(err)
				}
				assertClose(t, "epoch weights", got, want, 1e-12)
				if math.Abs(sum(got)-float64(len(want))) > 1e-12 {
					t.Errorf("epoch %d: weights sum to %v, want K = %d", epoch, sum(got), len(want))
				}
				if epoch < len(tc.history) {
					w.EndEpoch(tc.history[epoch])
				}
			}
		})
	}
}

func TestDWAErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		history [][]float64
		want    string
	}{
		{"wrong length", [][]float64{{1, 1}, {1}}, "weighting: 1 epoch-mean losses for 2 tasks (epoch 1)"},
		{"nan", [][]float64{{1, math.NaN()}}, "weighting: dwa: epoch-mean loss of task 1 is NaN, want a finite value >= 0 (epoch 0)"},
		{"negative", [][]float64{{-2, 1}}, "weighting: dwa: epoch-mean loss of task 0 is -2"},
		{"zero then ratio", [][]float64{{1, 0}, {1, 1}}, "weighting: dwa: epoch-mean loss of task 1 is 0 in epoch 0, so its loss ratio is undefined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, Config{Name: DWAName}, []float64{1, 1})
			for _, h := range tc.history {
				w.EndEpoch(h)
			}
			_, err := w.Weights(nil)
			assertErr(t, err, tc.want)
			w.EndEpoch([]float64{1, 1}) // the error stays
			_, err = w.Weights(nil)
			assertErr(t, err, tc.want)
		})
	}
}
