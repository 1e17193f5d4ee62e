package callback_test

import (
	"bytes"
	"encoding"
	"encoding/gob"
	"math/rand"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

// statefulRun is the callbacks of a run whose resumption depends on their
// saved state: EarlyStopping stops it after epoch 6 (the training loss in
// mode "max", patience 5) and ReduceLROnPlateau (patience 2, cooldown 2)
// halves the rate after epoch 3, then cools down, so that its wait and
// cooldown are both under way at some checkpoints; rates logs the rate of
// every epoch.
type statefulRun struct {
	es    *callback.EarlyStopping
	rates map[int]float64
	cbs   []mtl.Callback
}

func newStatefulRun(t *testing.T, restore bool) statefulRun {
	t.Helper()
	r := statefulRun{rates: map[int]float64{}}
	r.es = mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: "loss", Mode: "max", Patience: 5, RestoreBestWeights: restore})
	rlr := mustPlateau(t, callback.ReduceLROnPlateauConfig{Monitor: "loss", Mode: "max", Patience: 2, Cooldown: 2, Factor: 0.5})
	rates := mtl.CallbackFunc(func(tr *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochStart {
			r.rates[e.Epoch] = tr.LearningRate()
		}
		return nil
	})
	r.cbs = []mtl.Callback{r.es, rlr, rates}
	return r
}

// TestResumeStatefulCallbacks checkpoints a run with EarlyStopping and
// ReduceLROnPlateau after every step, resumes a spread of its checkpoints
// (mid-epoch, at epoch ends, after the stop) with freshly built callbacks
// of the same configs, and checks that every resumed run ends as the
// uninterrupted one: weights, history, the epoch it stopped after, the
// best value and the learning rate of every epoch it ran.
func TestResumeStatefulCallbacks(t *testing.T) {
	for _, restore := range []bool{true, false} {
		dir := t.TempDir()
		ref := newStatefulRun(t, restore)
		cfg := fitConfig(8, ref.cbs...)
		cfg.Checkpoint = mtl.CheckpointConfig{Dir: dir, EverySteps: 1, Keep: 1000}
		m1, h1 := mustFit(t, cfg)
		fallingLoss(t, h1)
		if h1.Epochs() != 6 || ref.es.StoppedEpoch() != 6 {
			t.Fatalf("restore %v: trained %d epochs, stopped after %d; want 6 and 6", restore, h1.Epochs(), ref.es.StoppedEpoch())
		}
		// By hand, as in TestReduceLROnPlateau: the wait reaches 2 after
		// epoch 3; epochs 4 and 5 cool down (the counter 2, 1, then 0
		// before epoch 5's check, which starts a new wait).
		if want := map[int]float64{1: 1e-3, 2: 1e-3, 3: 1e-3, 4: 5e-4, 5: 5e-4, 6: 5e-4}; !reflect.DeepEqual(ref.rates, want) {
			t.Fatalf("restore %v: rates %v, want %v", restore, ref.rates, want)
		}
		files, err := filepath.Glob(filepath.Join(dir, "step-*.ckpt"))
		if err != nil || len(files) != 6*stepsPerEpoch {
			t.Fatalf("restore %v: %d checkpoints (%v), want one per step", restore, len(files), err)
		}
		for i, f := range files {
			if i%4 != 0 && i != len(files)-1 && i != len(files)-2 {
				continue
			}
			what := "restore " + map[bool]string{true: "on", false: "off"}[restore] + ", resumed from " + filepath.Base(f)
			c, err := mtl.OpenCheckpoint(f)
			if err != nil {
				t.Fatal(err)
			}
			r := newStatefulRun(t, restore)
			m2, h2, err := c.Resume(t.Context(), trainData(), mtl.ResumeOptions{Dir: t.TempDir(), Callbacks: r.cbs})
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			sameRun(t, what, m1, m2, h1, h2)
			if r.es.StoppedEpoch() != 6 {
				t.Errorf("%s: StoppedEpoch %d, want 6", what, r.es.StoppedEpoch())
			}
			b1, e1 := ref.es.Best()
			if b2, e2 := r.es.Best(); b2 != b1 || e2 != e1 {
				t.Errorf("%s: Best() = %v, %d; want %v, %d", what, b2, e2, b1, e1)
			}
			for e, lr := range r.rates {
				if lr != ref.rates[e] {
					t.Errorf("%s: epoch %d: rate %v, want %v", what, e, lr, ref.rates[e])
				}
			}
		}
	}
}

// TestResumeCallbacksInOtherOrder checks that a resumed run given its
// callbacks in another order fails, naming the mix-up, rather than
// restoring one callback's state into another.
func TestResumeCallbacksInOtherOrder(t *testing.T) {
	dir := t.TempDir()
	cfg := fitConfig(2, newStatefulRun(t, true).cbs...)
	cfg.Checkpoint = mtl.CheckpointConfig{Dir: dir}
	mustFit(t, cfg)
	c, err := mtl.OpenCheckpoint(filepath.Join(dir, "step-000000005.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	r := newStatefulRun(t, true)
	r.cbs[0], r.cbs[1] = r.cbs[1], r.cbs[0]
	_, _, err = c.Resume(t.Context(), trainData(), mtl.ResumeOptions{Dir: t.TempDir(), Callbacks: r.cbs})
	if err == nil || !strings.Contains(err.Error(), `callback: reduce lr on plateau: decoding state: the state is of callback "early stopping"`) {
		t.Errorf("Resume returned %v, want an error naming the mix-up", err)
	}
}

// stateful is a callback with a saved state.
type stateful interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// craft encodes v as the state of the callback name, as state.go does.
func craft(t *testing.T, name string, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := gob.NewEncoder(&b)
	if err := enc.Encode(name); err != nil {
		t.Fatal(err)
	}
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestStateRejectsGarbage hands every stateful callback states that are
// not its own, or damaged: each is rejected with an error, without a
// panic, and leaves the callback's state as it was. Byte flips of a good
// state may decode; they must not panic. A good state round-trips.
func TestStateRejectsGarbage(t *testing.T) {
	// Good states, of callbacks that have seen two epochs; EarlyStopping
	// holds the weights of its best epoch.
	r := newStatefulRun(t, true)
	mcDir := filepath.Join(t.TempDir(), "m")
	mc := mustModelCheckpoint(t, callback.ModelCheckpointConfig{Dir: mcDir, BestOnly: true, Monitor: "loss"})
	mustFit(t, fitConfig(2, append(r.cbs, mc)...))
	good := map[string]stateful{"early stopping": r.es, "reduce lr on plateau": r.cbs[1].(stateful), "model checkpoint": mc}
	states := map[string][]byte{}
	for name, s := range good {
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		states[name] = b
	}
	type earlyWire struct {
		Best                     float64
		BestEpoch, Wait, Stopped int
		Weights                  []byte
	}
	type plateauWire struct {
		Best           float64
		Wait, Cooldown int
	}
	crafted := map[string][][]byte{
		"early stopping": {
			craft(t, "early stopping", earlyWire{Best: 1, Wait: -1}),
			craft(t, "early stopping", earlyWire{Best: 1, BestEpoch: -3}),
			craft(t, "early stopping", earlyWire{Best: 1, Stopped: -1}),
			craft(t, "early stopping", earlyWire{Best: 1, Weights: []byte("not weights")}),
			craft(t, "early stopping", 1.5),
		},
		"reduce lr on plateau": {
			craft(t, "reduce lr on plateau", plateauWire{Best: 1, Wait: -1}),
			craft(t, "reduce lr on plateau", plateauWire{Best: 1, Cooldown: -1}),
			craft(t, "reduce lr on plateau", "text"),
		},
		"model checkpoint": {
			craft(t, "model checkpoint", plateauWire{Best: 1}),
			craft(t, "model checkpoint", []byte{1, 2}),
		},
	}
	rng := rand.New(rand.NewSource(1))
	for name, s := range good {
		fresh := map[string]func() stateful{
			"early stopping": func() stateful {
				return mustEarlyStopping(t, callback.EarlyStoppingConfig{Monitor: "loss", Mode: "max", Patience: 5, RestoreBestWeights: true})
			},
			"reduce lr on plateau": func() stateful {
				return mustPlateau(t, callback.ReduceLROnPlateauConfig{Monitor: "loss", Mode: "max", Patience: 2, Cooldown: 2, Factor: 0.5})
			},
			"model checkpoint": func() stateful {
				return mustModelCheckpoint(t, callback.ModelCheckpointConfig{Dir: mcDir, BestOnly: true, Monitor: "loss"})
			},
		}[name]
		// Round trip.
		c := fresh()
		if err := c.UnmarshalBinary(states[name]); err != nil {
			t.Fatalf("%s: its own state: %v", name, err)
		}
		if b, err := c.MarshalBinary(); err != nil || !bytes.Equal(b, states[name]) {
			t.Errorf("%s: the state does not round-trip (%v)", name, err)
		}
		if !reflect.DeepEqual(c, s) {
			t.Errorf("%s: restored %+v, want %+v", name, c, s)
		}

		bad := [][]byte{nil, {}, []byte("garbage"), bytes.Repeat([]byte{0xff}, 64)}
		for n := range len(states[name]) {
			bad = append(bad, states[name][:n])
		}
		for other, b := range states {
			if other != name {
				bad = append(bad, b)
			}
		}
		for range 200 {
			b := make([]byte, rng.Intn(100))
			rng.Read(b)
			bad = append(bad, b)
		}
		bad = append(bad, crafted[name]...)
		for i, b := range bad {
			err := c.UnmarshalBinary(b)
			if err == nil || !strings.HasPrefix(err.Error(), "callback: "+name+": decoding state: ") {
				t.Errorf("%s: bad state %d (%d bytes, %q...): %v, want an error", name, i, len(b), b[:min(len(b), 16)], err)
			}
			if after, _ := c.MarshalBinary(); !bytes.Equal(after, states[name]) {
				t.Errorf("%s: bad state %d changed the callback's state", name, i)
				if err := c.UnmarshalBinary(states[name]); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i := range states[name] {
			b := slices.Clone(states[name])
			b[i] ^= 0xff
			_ = fresh().UnmarshalBinary(b) // must not panic
		}
	}
}
