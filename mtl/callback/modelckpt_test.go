package callback_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
	"github.com/gomtl/gomtl/mtl/optim"
)

func mustModelCheckpoint(t *testing.T, c callback.ModelCheckpointConfig) *callback.ModelCheckpoint {
	t.Helper()
	mc, err := callback.NewModelCheckpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	return mc
}

// bumpyConfig is fitConfig with Adam at 0.3, a rate high enough that the
// training loss does not fall every epoch, so that BestOnly skips some.
func bumpyConfig(epochs int, cbs ...mtl.Callback) mtl.FitConfig {
	cfg := fitConfig(epochs, cbs...)
	cfg.Optimizer = optim.Config{Name: optim.AdamName, LearningRate: 0.3}
	return cfg
}

// improved lists the epochs whose vals improved strictly on every earlier
// one: below in mode "min", above in "max".
func improved(vals []float64, mode string) []int {
	var epochs []int
	for i, v := range vals {
		better := true
		for _, w := range vals[:i] {
			if mode == "min" && !(v < w) || mode == "max" && !(v > w) {
				better = false
			}
		}
		if better {
			epochs = append(epochs, i+1)
		}
	}
	return epochs
}

// savedEpochs lists the epochs of the "ep-N" folders in root.
func savedEpochs(t *testing.T, root string) []int {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var epochs []int
	for _, e := range entries {
		n, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "ep-"))
		if err != nil || !e.IsDir() {
			t.Fatalf("unexpected entry %s in %s", e.Name(), root)
		}
		epochs = append(epochs, n)
	}
	slices.Sort(epochs)
	return epochs
}

// TestModelCheckpoint saves into one folder per epoch ("{epoch}") and
// checks which epochs were saved (every one, or with BestOnly those whose
// monitored value improved) and that mtl.Load of each folder gives the
// weights the model had at that epoch's end.
func TestModelCheckpoint(t *testing.T) {
	for _, c := range []struct {
		name      string
		cfg       callback.ModelCheckpointConfig
		skipsSome bool // the premise: BestOnly skips some epochs
	}{
		{"best-loss-min", callback.ModelCheckpointConfig{BestOnly: true, Monitor: "loss", Mode: "min"}, true},
		{"best-loss-max", callback.ModelCheckpointConfig{BestOnly: true, Monitor: "loss", Mode: "max"}, true},
		{"best-val-auto", callback.ModelCheckpointConfig{BestOnly: true}, true},
		{"every-epoch", callback.ModelCheckpointConfig{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			c.cfg.Dir = filepath.Join(root, "ep-{epoch}")
			weights := map[int]*mtl.Weights{}
			_, h := mustFit(t, bumpyConfig(6, mustModelCheckpoint(t, c.cfg), weightsAt(weights)))
			want := []int{1, 2, 3, 4, 5, 6}
			if c.cfg.BestOnly {
				key, mode := c.cfg.Monitor, c.cfg.Mode
				if key == "" {
					key, mode = "val_loss", "min"
				}
				want = improved(h.Metrics[key], mode)
				if c.skipsSome && len(want) == 6 {
					t.Fatalf("%s improved every epoch (%v): the test proves nothing", key, h.Metrics[key])
				}
			}
			if got := savedEpochs(t, root); !slices.Equal(got, want) {
				t.Fatalf("saved epochs %v, want %v (loss %v, val_loss %v)", got, want, h.Metrics["loss"], h.Metrics["val_loss"])
			}
			for _, e := range want {
				m, err := mtl.Load(filepath.Join(root, "ep-"+strconv.Itoa(e)))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(m.CopyWeights(), weights[e]) {
					t.Errorf("epoch %d: the saved weights differ from the model's at that epoch", e)
				}
			}
			if reflect.DeepEqual(weights[1], weights[2]) {
				t.Error("the weights of epochs 1 and 2 are equal: the comparisons prove nothing")
			}
		})
	}
}

// TestModelCheckpointOneFolder saves the best epochs into one folder:
// it ends holding the last improvement's weights.
func TestModelCheckpointOneFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "best")
	weights := map[int]*mtl.Weights{}
	mc := mustModelCheckpoint(t, callback.ModelCheckpointConfig{Dir: dir, BestOnly: true, Monitor: "loss"})
	_, h := mustFit(t, bumpyConfig(6, mc, weightsAt(weights)))
	best := improved(h.Metrics["loss"], "min")
	last := best[len(best)-1]
	if last == 6 {
		t.Fatalf("the last epoch improved (loss %v): the test proves nothing", h.Metrics["loss"])
	}
	m, err := mtl.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.CopyWeights(), weights[last]) {
		t.Errorf("the folder's weights are not those of epoch %d, the last improvement (loss %v)", last, h.Metrics["loss"])
	}
}

// TestModelCheckpointErrors checks the constructor's validation and that
// an unknown monitored key fails Fit, naming it.
func TestModelCheckpointErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  callback.ModelCheckpointConfig
		want string
	}{
		{"no folder", callback.ModelCheckpointConfig{Dir: " "}, "callback: model checkpoint: no folder"},
		{"bad mode", callback.ModelCheckpointConfig{Dir: "x", Mode: "best"}, `callback: model checkpoint: mode "best"`},
	} {
		mc, err := callback.NewModelCheckpoint(c.cfg)
		if err == nil || mc != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: NewModelCheckpoint returned %v, %v; want an error saying %q", c.name, mc, err, c.want)
		}
	}
	mc := mustModelCheckpoint(t, callback.ModelCheckpointConfig{Dir: t.TempDir(), BestOnly: true, Monitor: "val_nothing"})
	if _, _, err := fit(t, t.Context(), fitConfig(2, mc)); err == nil || !strings.Contains(err.Error(), `model checkpoint: monitored key "val_nothing"`) {
		t.Errorf("Fit returned %v, want an error naming the key", err)
	}
}

var _ mtl.Callback = (*callback.ModelCheckpoint)(nil)
