package combine

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// stepGram is the Gramian of step s of the state tests: 5 tasks in 3-D
// (many conflicts), drawn from PCG(s, 13), so a resumed run sees the same
// Gramians as one that never stopped.
func stepGram(s int) [][]float64 {
	return gramOf(randVecs(rand.New(rand.NewPCG(uint64(s), 13)), 5, 3))
}

// weightsFrom calls c.Weights on the Gramians of steps from, from+1, …,
// from+n-1 and returns every weight.
func weightsFrom(t *testing.T, c Combiner, from, n int) []float64 {
	t.Helper()
	var out []float64
	for s := from; s < from+n; s++ {
		out = append(out, mustWeights(t, c, stepGram(s))...)
	}
	return out
}

// assertBits fails unless got and want are identical bit for bit.
func assertBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d weights, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: weight %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestPCGradStateResumes runs PCGrad k steps, restores its state into a
// fresh one from New (as the trainer does) and into a zero PCGrad, and
// checks that both then give the original's weights for n steps, bit for
// bit. 20 steps without a restore give several distinct results
// (TestPCGradSeededDeterminism), so a generator that was not restored
// shows.
func TestPCGradStateResumes(t *testing.T) {
	const n = 20
	cfg := Config{Name: PCGradName, Seed: 42}
	for _, k := range []int{0, 1, 7} {
		orig := mustNew(t, cfg)
		weightsFrom(t, orig, 0, k)
		data, err := orig.(Stateful).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		fresh := mustNew(t, cfg)
		if err := fresh.(Stateful).UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		zero := &PCGrad{}
		if err := zero.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		for _, c := range []Stateful{fresh.(Stateful), zero} {
			if again, _ := c.MarshalBinary(); !bytes.Equal(again, data) {
				t.Errorf("k=%d: restored state differs from the saved one", k)
			}
		}
		want := weightsFrom(t, orig, k, n)
		assertBits(t, "restored into New's", weightsFrom(t, fresh, k, n), want)
		assertBits(t, "restored into a zero PCGrad", weightsFrom(t, zero, k, n), want)
	}
}

// New's PCGrad draws what rand.New(rand.NewPCG(seed, pcgradStream)) gives,
// the generator it held before its source was kept for saving.
func TestPCGradDrawsUnchanged(t *testing.T) {
	got := weightsFrom(t, mustNew(t, Config{Name: PCGradName, Seed: 7}), 0, 20)
	want := weightsFrom(t, PCGrad{Rand: rand.New(rand.NewPCG(7, pcgradStream))}, 0, 20)
	assertBits(t, "seed 7", got, want)
}

// A nil Rand (index order) round-trips as nil, even into New's PCGrad; a
// Rand set by hand cannot be saved.
func TestPCGradStateNilAndHandSetRand(t *testing.T) {
	data, err := (&PCGrad{}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	p := mustNew(t, Config{Name: PCGradName, Seed: 1}).(*PCGrad)
	if err := p.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if p.Rand != nil {
		t.Error("Rand is not nil after restoring a nil-Rand state")
	}
	assertBits(t, "index order", weightsFrom(t, p, 0, 3), weightsFrom(t, PCGrad{}, 0, 3))

	hand := &PCGrad{Rand: rand.New(rand.NewPCG(1, 2))}
	if _, err := hand.MarshalBinary(); err == nil || !strings.Contains(err.Error(), "not built by New") {
		t.Errorf("hand-set Rand: error %v", err)
	}
	replaced := mustNew(t, Config{Name: PCGradName}).(*PCGrad)
	replaced.Rand = rand.New(rand.NewPCG(1, 2))
	if _, err := replaced.MarshalBinary(); err == nil {
		t.Error("replaced Rand: no error")
	}
}

// Only pcgrad's combiner is Stateful.
func TestStatefulCombiners(t *testing.T) {
	for _, name := range Names {
		_, ok := mustNew(t, Config{Name: name}).(Stateful)
		if ok != (name == PCGradName) {
			t.Errorf("%s: Stateful %v", name, ok)
		}
	}
}

// TestPCGradUnmarshalErrors restores bad states into New's PCGrad; each
// must give an error containing want and leave the generator as it was.
func TestPCGradUnmarshalErrors(t *testing.T) {
	good, _ := mustNew(t, Config{Name: PCGradName, Seed: 3}).(Stateful).MarshalBinary()
	withLen := func(n uint64, tail string) []byte {
		return append(binary.LittleEndian.AppendUint64([]byte("pcgr\x01\x01"), n), tail...)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated: 0 bytes, the header needs 6"},
		{"wrong tag", append([]byte("dwa "), good[4:]...), `tag "dwa ", want "pcgr"`},
		{"wrong version", append([]byte("pcgr\x02"), good[5:]...), "format version 2, this build reads version 1"},
		{"bad flag", []byte("pcgr\x01\x05"), "generator flag is 5"},
		{"nil with trailing bytes", []byte("pcgr\x01\x00xyz"), "3 bytes left over"},
		{"no length", []byte("pcgr\x01\x01abc"), "the generator's length needs 8 bytes, 3 left"},
		{"huge length", withLen(1<<63, "pcg:"), "the generator's length is 9223372036854775808, but 4 bytes follow"},
		{"not a pcg", withLen(20, "xyz:0123456789abcdef"), "generator: "},
		{"garbage", []byte("\x89PNG\r\n\x1a\n garbage"), `tag "\x89PNG"`},
	}
	for n := 0; n < len(good); n++ {
		cases = append(cases, struct {
			name string
			data []byte
			want string
		}{"truncated", good[:n], "combine: pcgrad state: "})
	}
	for _, tc := range cases {
		p := mustNew(t, Config{Name: PCGradName, Seed: 5}).(*PCGrad)
		before, _ := p.MarshalBinary()
		if err := p.UnmarshalBinary(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s (%q): error %v, want one containing %q", tc.name, tc.data, err, tc.want)
		}
		if after, _ := p.MarshalBinary(); !bytes.Equal(after, before) {
			t.Errorf("%s: the generator changed on error", tc.name)
		}
	}
}
