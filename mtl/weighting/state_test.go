package weighting

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl/optim"
)

// stateBase is the spec weights of the state tests: three tasks, unequal
// so that GradNorm's start is not all ones.
var stateBase = []float64{1, 2, 0.5}

// statefulConfigs are the weightings with state.
var statefulConfigs = []Config{
	{Name: DWAName},
	{Name: GradNormName, LR: 0.05},
	{Name: RLWName, Seed: 9},
}

// stepsPerEpoch is the epoch length of the state tests' runs.
const stepsPerEpoch = 3

// trainRun replays a training run's calls on a weighting: at step s the
// losses and gradient norms are drawn from PCG(s, 11), so a run continued
// from step s sees the same inputs as one that never stopped. The trainer's
// order is followed: Weights, then Update (GradNorm), then EndEpoch with
// the epoch-mean losses after every stepsPerEpoch steps.
type trainRun struct {
	step uint64
	sum  []float64 // the epoch's summed losses so far
}

func newTrainRun() *trainRun { return &trainRun{sum: make([]float64, len(stateBase))} }

func (r *trainRun) clone() *trainRun {
	return &trainRun{step: r.step, sum: clone(r.sum)}
}

// steps runs n steps and returns every weight Weights gave.
func (r *trainRun) steps(t *testing.T, w Weighting, n int) []float64 {
	t.Helper()
	var out []float64
	k := len(r.sum)
	for ; n > 0; n-- {
		rng := rand.New(rand.NewPCG(r.step, 11))
		r.step++
		losses, norms := make([]float64, k), make([]float64, k)
		for i := range losses {
			losses[i] = 0.1 + math.Abs(rng.NormFloat64())
			norms[i] = 0.1 + math.Abs(rng.NormFloat64())
			r.sum[i] += losses[i]
		}
		ws, err := w.Weights(losses)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ws...)
		if ga, ok := w.(GradientAware); ok {
			if err := ga.Update(losses, norms); err != nil {
				t.Fatal(err)
			}
		}
		if r.step%stepsPerEpoch == 0 {
			for i := range r.sum {
				r.sum[i] /= stepsPerEpoch
			}
			w.EndEpoch(r.sum)
			r.sum = make([]float64, k)
		}
	}
	return out
}

// saveState marshals w, which must be Stateful.
func saveState(t *testing.T, w Weighting) []byte {
	t.Helper()
	s, ok := w.(Stateful)
	if !ok {
		t.Fatalf("%s (%T) is not Stateful", w.Name(), w)
	}
	data, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestStateResumesBitIdentical runs each stateful weighting k steps,
// restores its state into a fresh one from New (as the trainer does) and
// checks that both then give the same weights for n steps, bit for bit.
// k = 7 crosses two epoch ends, so DWA's weights have left 1.
func TestStateResumesBitIdentical(t *testing.T) {
	const n = 10
	for _, cfg := range statefulConfigs {
		for _, k := range []int{0, 1, 7} {
			t.Run(fmt.Sprintf("%s/k=%d", cfg.Name, k), func(t *testing.T) {
				orig := mustNew(t, cfg, stateBase)
				r := newTrainRun()
				r.steps(t, orig, k)
				data := saveState(t, orig)
				restored := mustNew(t, cfg, stateBase)
				if err := restored.(Stateful).UnmarshalBinary(data); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(saveState(t, restored), data) {
					t.Error("restored state differs from the saved one")
				}
				r2 := r.clone()
				want := r.steps(t, orig, n)
				got := r2.steps(t, restored, n)
				if i := firstDiff(got, want); i >= 0 {
					t.Errorf("weights after resuming differ from the uninterrupted run's at %d:\n got %v\nwant %v", i, got, want)
				}
				if !bytes.Equal(saveState(t, restored), saveState(t, orig)) {
					t.Error("state after resuming differs from the uninterrupted run's")
				}
			})
		}
	}
}

// firstDiff returns the first index where a and b differ in bits or
// length, -1 if none.
func firstDiff(a, b []float64) int {
	for i := range min(len(a), len(b)) {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// The stateless weightings are not Stateful; what New returns for the
// stateful ones is.
func TestStatefulNames(t *testing.T) {
	for _, name := range knownNames() {
		_, ok := mustNew(t, Config{Name: name}, stateBase).(Stateful)
		want := name == DWAName || name == GradNormName || name == RLWName
		if ok != want {
			t.Errorf("%s: Stateful %v, want %v", name, ok, want)
		}
	}
}

// RLW keeps drawing what rand.New(rand.NewPCG(seed, 0x726c77)) gives, the
// generator it held before its source was kept for saving.
func TestRLWDrawsUnchanged(t *testing.T) {
	w := mustNew(t, Config{Name: RLWName, Seed: 3}, stateBase)
	rng := rand.New(rand.NewPCG(3, 0x726c77))
	for step := 0; step < 5; step++ {
		z := make([]float64, len(stateBase))
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		softmaxTo(z, z, 1)
		got, _ := w.Weights(nil)
		assertClose(t, fmt.Sprintf("step %d", step), got, z, 0)
	}
}

// A DWA whose EndEpoch was given a bad report keeps failing with the same
// text after a restore.
func TestDWAStateKeepsError(t *testing.T) {
	orig := mustNew(t, Config{Name: DWAName}, stateBase)
	orig.EndEpoch([]float64{1, 2})
	_, want := orig.Weights(nil)
	restored := mustNew(t, Config{Name: DWAName}, stateBase)
	if err := restored.(Stateful).UnmarshalBinary(saveState(t, orig)); err != nil {
		t.Fatal(err)
	}
	_, got := restored.Weights(nil)
	if want == nil || got == nil || got.Error() != want.Error() {
		t.Errorf("restored error %v, want %v", got, want)
	}
}

// le64 appends v little-endian.
func le64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

// savedAfter returns the state of cfg's weighting after 7 steps.
func savedAfter(t *testing.T, cfg Config, base []float64) []byte {
	t.Helper()
	w := mustNew(t, cfg, base)
	r := newTrainRun()
	r.sum = make([]float64, len(base))
	r.steps(t, w, 7)
	return saveState(t, w)
}

// TestUnmarshalErrors restores bad states into a fresh weighting of each
// kind: each must give an error containing want and leave the weighting
// as it was.
func TestUnmarshalErrors(t *testing.T) {
	dwa := savedAfter(t, Config{Name: DWAName}, stateBase)
	gn := savedAfter(t, Config{Name: GradNormName, LR: 0.05}, stateBase)
	rlw := savedAfter(t, Config{Name: RLWName, Seed: 9}, stateBase)
	sgd, _ := optim.MarshalState(&optim.SGD{LearningRate: 0.05})
	gnHead := gn[:5+8+8+3*8+1+3*8]  // up to the optimiser state's length
	dwaHead := dwa[: 5+8+8 : 5+8+8] // up to the epoch count; appends copy
	for _, tc := range []struct {
		name string
		cfg  Config
		data []byte
		want string
	}{
		{"dwa empty", Config{Name: DWAName}, nil, "weighting: dwa state: truncated: the header needs 5 bytes"},
		{"dwa wrong version", Config{Name: DWAName}, append([]byte("dwa \x02"), dwa[5:]...), "format version 2, this build reads version 1"},
		{"dwa given rlw's state", Config{Name: DWAName}, rlw, `tag "rlw ", want "dwa "`},
		{"dwa other task count", Config{Name: DWAName}, savedAfter(t, Config{Name: DWAName}, []float64{1, 1}), "saved for 2 tasks, this dwa has 3"},
		{"dwa other temperature", Config{Name: DWAName, Temperature: 3}, dwa, "saved with temperature 2, this dwa has 3"},
		{"dwa history without epochs", Config{Name: DWAName}, append(le64(dwaHead, 0), dwa[len(dwaHead)+8:]...), "no epochs reported, yet"},
		{"dwa epochs without history", Config{Name: DWAName}, append(append(le64(dwaHead, 2), 0), make([]byte, 3*8+1)...), "2 epochs reported, yet the last epoch's losses are missing"},
		{"dwa bad error flag", Config{Name: DWAName}, append(append([]byte(nil), dwa[:len(dwa)-1]...), 7), "error flag is 7"},
		{"dwa huge error text", Config{Name: DWAName}, le64(append(append([]byte(nil), dwa[:len(dwa)-1]...), 1), 1<<62), "truncated: error needs 4611686018427387904 bytes"},
		{"dwa trailing bytes", Config{Name: DWAName}, append(append([]byte(nil), dwa...), 0, 0), "2 bytes left over"},
		{"gradnorm other alpha", Config{Name: GradNormName, LR: 0.05, Alpha: 2}, gn, "saved with alpha 1.5, this gradnorm has 2"},
		{"gradnorm other lr", Config{Name: GradNormName, LR: 0.01}, gn, "saved with Adam {LearningRate:0.05"},
		{"gradnorm bad presence", Config{Name: GradNormName, LR: 0.05}, append(append([]byte(nil), gn[:5+8+8+3*8]...), 9), "initial losses presence byte is 9"},
		{"gradnorm huge optimiser", Config{Name: GradNormName, LR: 0.05}, le64(append([]byte(nil), gnHead...), math.MaxUint64), "truncated: optimiser state needs 18446744073709551615 bytes"},
		{"gradnorm sgd optimiser", Config{Name: GradNormName, LR: 0.05}, append(le64(append([]byte(nil), gnHead...), uint64(len(sgd))), sgd...), "the optimiser is a *optim.SGD"},
		{"gradnorm bad optimiser", Config{Name: GradNormName, LR: 0.05}, append(le64(append([]byte(nil), gnHead...), 5), "adam\x01"...), "optim: adam state: truncated"},
		{"gradnorm given dwa's state", Config{Name: GradNormName}, dwa, `tag "dwa ", want "gnrm"`},
		{"rlw garbage", Config{Name: RLWName}, []byte("\x00\xff garbage \x13\x37 and more garbage"), `tag "\x00\xff g"`},
		{"rlw bad generator", Config{Name: RLWName}, append(le64(append([]byte("rlw \x01"), le64(nil, 3)...), 4), "pcg?"...), "generator: "},
		{"rlw other task count", Config{Name: RLWName}, savedAfter(t, Config{Name: RLWName}, []float64{1}), "saved for 1 tasks, this rlw has 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustNew(t, tc.cfg, stateBase)
			before := saveState(t, w)
			err := w.(Stateful).UnmarshalBinary(tc.data)
			assertErr(t, err, tc.want)
			if !bytes.Equal(saveState(t, w), before) {
				t.Error("the weighting changed on error")
			}
		})
	}
}

// Every proper prefix of a saved state is an error.
func TestUnmarshalTruncated(t *testing.T) {
	for _, cfg := range statefulConfigs {
		data := savedAfter(t, cfg, stateBase)
		for n := 0; n < len(data); n++ {
			if err := mustNew(t, cfg, stateBase).(Stateful).UnmarshalBinary(data[:n]); err == nil {
				t.Fatalf("%s: %d of %d bytes: no error", cfg.Name, n, len(data))
			}
		}
	}
}

// Zero values were not built by New: they neither save nor restore.
func TestStateNotBuiltByNew(t *testing.T) {
	for _, s := range []Stateful{&DWA{}, &GradNorm{}, &RLW{}} {
		if _, err := s.MarshalBinary(); err == nil || !strings.Contains(err.Error(), "not built by New") {
			t.Errorf("%T.MarshalBinary: error %v", s, err)
		}
		if err := s.UnmarshalBinary(nil); err == nil || !strings.Contains(err.Error(), "not built by New") {
			t.Errorf("%T.UnmarshalBinary: error %v", s, err)
		}
	}
}
