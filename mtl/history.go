package mtl

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/pkg/errors"
)

// A History holds one row of metrics per epoch, under Keras's keys: "loss"
// (the weighted total), "<task>_loss", "<task>_accuracy", and the same
// with a "val_" prefix when there is validation data.
type History struct {
	// Keys lists the metric names in a stable order.
	Keys []string `json:"keys"`
	// Metrics maps each key to one value per epoch.
	Metrics map[string][]float64 `json:"metrics"`
	// TrainExamples and TrainSeconds count the examples trained on and the
	// time spent on forward, backward and update passes (evaluation
	// excluded), over all epochs.
	TrainExamples int     `json:"train_examples"`
	TrainSeconds  float64 `json:"train_seconds"`
	// Conflict holds the gradient-conflict diagnostics when
	// FitConfig.Diagnose is set.
	Conflict *Conflict `json:"conflict,omitempty"`
}

// Epochs returns the number of epochs recorded.
func (h *History) Epochs() int {
	if len(h.Keys) == 0 {
		return 0
	}
	return len(h.Metrics[h.Keys[0]])
}

// Last returns the last value recorded under key, and whether there is one.
func (h *History) Last(key string) (float64, bool) {
	v := h.Metrics[key]
	if len(v) == 0 {
		return 0, false
	}
	return v[len(v)-1], true
}

// SamplesPerSecond returns training examples per second of training time.
func (h *History) SamplesPerSecond() float64 {
	if h.TrainSeconds == 0 {
		return 0
	}
	return float64(h.TrainExamples) / h.TrainSeconds
}

// add appends one epoch's row.
func (h *History) add(row map[string]float64, keys []string) {
	if h.Metrics == nil {
		h.Metrics = make(map[string][]float64, len(keys))
		h.Keys = keys
	}
	for _, k := range h.Keys {
		h.Metrics[k] = append(h.Metrics[k], row[k])
	}
}

// WriteCSV writes a header "epoch,<keys>" and one row per epoch.
func (h *History) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"epoch"}, h.Keys...)); err != nil {
		return errors.Wrap(err, "mtl: writing history csv")
	}
	for e := 0; e < h.Epochs(); e++ {
		rec := []string{strconv.Itoa(e + 1)}
		for _, k := range h.Keys {
			rec = append(rec, strconv.FormatFloat(h.Metrics[k][e], 'g', 8, 64))
		}
		if err := cw.Write(rec); err != nil {
			return errors.Wrap(err, "mtl: writing history csv")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return errors.Wrap(err, "mtl: writing history csv")
	}
	return nil
}

// MarshalJSON writes the history with null for a value that is not finite
// (the AUC of an epoch whose examples hold one class only), which JSON
// cannot hold.
func (h *History) MarshalJSON() ([]byte, error) {
	metrics := make(map[string][]any, len(h.Metrics))
	for k, vs := range h.Metrics {
		row := make([]any, len(vs))
		for i, v := range vs {
			row[i] = finiteOrNil(v)
		}
		metrics[k] = row
	}
	type plain History // without the methods, so no recursion
	return json.Marshal(struct {
		*plain
		Metrics map[string][]any `json:"metrics"`
	}{(*plain)(h), metrics})
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (h *History) UnmarshalJSON(b []byte) error {
	type plain History
	var v struct {
		*plain
		Metrics map[string][]*float64 `json:"metrics"`
	}
	v.plain = (*plain)(h)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	h.Metrics = make(map[string][]float64, len(v.Metrics))
	for k, vs := range v.Metrics {
		row := make([]float64, len(vs))
		for i, p := range vs {
			row[i] = math.NaN()
			if p != nil {
				row[i] = *p
			}
		}
		h.Metrics[k] = row
	}
	return nil
}

// SaveCSV writes the history as WriteCSV does to the file at path, under
// a temporary name that is fsynced and renamed into place, so the file is
// never half written.
func (h *History) SaveCSV(path string) error {
	var b bytes.Buffer
	if err := h.WriteCSV(&b); err != nil {
		return err
	}
	return errors.Wrapf(writeFileDurable(path, b.Bytes()), "mtl: writing %s", path)
}
