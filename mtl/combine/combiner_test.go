package combine

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNewBuildsEveryName(t *testing.T) {
	for _, name := range Names {
		c, err := New(Config{Name: name})
		if err != nil {
			t.Fatalf("New(%q): %v", name, err)
		}
		if c.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, c.Name())
		}
	}
	c, err := New(Config{})
	if err != nil || c.Name() != SumName {
		t.Errorf("New(Config{}) = %v, %v; want sum", c, err)
	}
	if _, ok := mustNew(t, Config{Name: MGDAName}).(LossAware); !ok {
		t.Error("New mgda is not LossAware")
	}
}

func mustNew(t *testing.T, cfg Config) Combiner {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewDefaults(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want Combiner
	}{
		{"cagrad c 0.5, rescale 1+c^2 (LibMTL)", Config{Name: CAGradName}, &CAGrad{C: 0.5, Rescale: RescaleSquare, MaxIter: 2000}},
		{"mgda none, 250 (MinNormSolver)", Config{Name: MGDAName}, &MGDA{Norm: NormNone, MaxIter: 250}},
		{"nash", Config{Name: NashName, Frobenius: true}, &NashMTL{Frobenius: true, MaxIter: 200}},
		{"upgrad", Config{Name: UPGradName, MaxIter: 7}, &UPGrad{MaxIter: 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustNew(t, tc.cfg)
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tc.want)
			if string(gj) != string(wj) {
				t.Errorf("got %s, want %s", gj, wj)
			}
		})
	}
}

func TestConfigJSON(t *testing.T) {
	b, err := json.Marshal(Config{})
	if err != nil || string(b) != "{}" {
		t.Errorf("zero Config marshals to %s, %v; want {}", b, err)
	}
	in := Config{Name: CAGradName, C: 0.4, Rescale: RescaleNone, Seed: 7}
	b, _ = json.Marshal(in)
	var out Config
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip of %+v gave %+v, %v", in, out, err)
	}
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		text string
	}{
		{"unknown name", Config{Name: "gradnorm"}, `unknown combiner "gradnorm", want one of sum, pcgrad, mgda, cagrad, nash, imtl, aligned, upgrad`},
		{"negative c", Config{Name: CAGradName, C: -1}, "cagrad c -1"},
		{"nan c", Config{Name: CAGradName, C: math.NaN()}, "cagrad c NaN"},
		{"rescale", Config{Name: CAGradName, Rescale: "2"}, `cagrad rescale "2"`},
		{"norm", Config{Name: MGDAName, Norm: "L2"}, `mgda normalisation "L2"`},
		{"max iter", Config{Name: MGDAName, MaxIter: -1}, "max_iter -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, want an ErrConfig", err)
			}
			if !strings.HasPrefix(err.Error(), "combine: ") || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q does not contain %q", err, tc.text)
			}
		})
	}
}

func TestWeightsRejectBadGramians(t *testing.T) {
	cases := []struct {
		name string
		gram [][]float64
		text string
	}{
		{"empty", nil, "no tasks"},
		{"not square", [][]float64{{1, 0}, {0}}, "row 1 has 1 entries, want 2"},
		{"asymmetric", [][]float64{{1, 0.5}, {0.4, 1}}, "not symmetric: [0][1] is 0.5 but [1][0] is 0.4"},
		{"nan", [][]float64{{1, math.NaN()}, {math.NaN(), 1}}, "entry [0][1] is NaN"},
		{"inf", [][]float64{{math.Inf(1)}}, "entry [0][0] is +Inf"},
		{"negative diagonal", [][]float64{{1, 0}, {0, -1}}, "diagonal entry [1][1] is -1"},
		{"overflowing trace", [][]float64{{1e308, 0}, {0, 1e308}}, "the trace overflows"},
	}
	for _, name := range Names {
		c := mustNew(t, Config{Name: name})
		for _, tc := range cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				alpha, err := c.Weights(tc.gram)
				if !errors.Is(err, ErrGramian) || alpha != nil {
					t.Fatalf("got %v, %v; want nil and an ErrGramian", alpha, err)
				}
				if !strings.HasPrefix(err.Error(), "combine: invalid gramian: ") || !strings.Contains(err.Error(), tc.text) {
					t.Errorf("error %q does not contain %q", err, tc.text)
				}
			})
		}
	}
}

func TestWeightsRejectBadOptions(t *testing.T) {
	gram := [][]float64{{1}}
	cases := []struct {
		name string
		c    Combiner
	}{
		{"cagrad c", CAGrad{C: math.Inf(1)}},
		{"cagrad rescale", CAGrad{C: 1, Rescale: "square"}},
		{"mgda norm", MGDA{Norm: "max"}},
		{"nash ridge", NashMTL{Ridge: -1}},
		{"upgrad reg", UPGrad{RegEps: math.NaN()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.c.Weights(gram); !errors.Is(err, ErrConfig) {
				t.Errorf("got %v, want an ErrConfig", err)
			}
		})
	}
}

// Every combiner returns T finite weights on random Gramians of rank T,
// rank-deficient ones (fewer dimensions than tasks, two identical
// gradients, two opposite ones), ones with zero gradients, and T = 1.
func TestEveryCombinerFiniteOnRandomGramians(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	type gen struct {
		name string
		vs   func() [][]float64
	}
	gens := []gen{
		{"T=1", func() [][]float64 { return randVecs(rng, 1, 4) }},
		{"T=1 zero", func() [][]float64 { return [][]float64{{0, 0}} }},
		{"T=2", func() [][]float64 { return randVecs(rng, 2, 5) }},
		{"T=4 in 8-D", func() [][]float64 { return randVecs(rng, 4, 8) }},
		{"T=6 in 3-D", func() [][]float64 { return randVecs(rng, 6, 3) }},
		{"T=16 in 40-D", func() [][]float64 { return randVecs(rng, 16, 40) }},
		{"identical pair", func() [][]float64 {
			vs := randVecs(rng, 3, 5)
			vs[2] = append([]float64(nil), vs[0]...)
			return vs
		}},
		{"opposite pair", func() [][]float64 {
			vs := randVecs(rng, 2, 5)
			for k := range vs[1] {
				vs[1][k] = -vs[0][k]
			}
			return vs
		}},
		{"a zero gradient", func() [][]float64 {
			vs := randVecs(rng, 3, 5)
			clear(vs[1])
			return vs
		}},
		{"all zero", func() [][]float64 { return [][]float64{{0, 0}, {0, 0}, {0, 0}} }},
		{"scale 1e-12", func() [][]float64 { return scaled(randVecs(rng, 3, 4), 1e-12) }},
		{"scale 1e-140", func() [][]float64 { return scaled(randVecs(rng, 3, 4), 1e-140) }},
		{"scale 1e140", func() [][]float64 { return scaled(randVecs(rng, 4, 3), 1e140) }},
	}
	for _, g := range gens {
		for rep := 0; rep < 3; rep++ {
			vs := g.vs()
			gram := gramOf(vs)
			for _, name := range Names {
				c := mustNew(t, Config{Name: name, Seed: uint64(rep)})
				alpha, err := c.Weights(gram)
				if err != nil {
					t.Fatalf("%s on %s: %v", name, g.name, err)
				}
				if len(alpha) != len(vs) {
					t.Fatalf("%s on %s: %d weights for %d tasks", name, g.name, len(alpha), len(vs))
				}
				for _, a := range alpha {
					if math.IsNaN(a) || math.IsInf(a, 0) {
						t.Fatalf("%s on %s: weights %v", name, g.name, alpha)
					}
				}
			}
		}
	}
}

// scaled multiplies every vector by k.
func scaled(vs [][]float64, k float64) [][]float64 {
	for _, v := range vs {
		for i := range v {
			v[i] *= k
		}
	}
	return vs
}

// One task: the single-task answer (see the package doc).
func TestOneTask(t *testing.T) {
	gram := [][]float64{{4}} // ‖g‖ = 2
	cases := []struct {
		c    Combiner
		want float64
	}{
		{Sum{}, 1},
		{PCGrad{}, 1},
		{MGDA{}, 1},
		{MGDA{Norm: NormL2}, 0.5},    // 1/‖g‖
		{CAGrad{C: 0.5}, 1.5 / 1.25}, // (1+c)/(1+c²)
		{CAGrad{C: 0.5, Rescale: RescaleNone}, 1.5},
		{NashMTL{}, 0.5}, // α² ‖g‖² = 1
		{IMTL{}, 1},
		{AlignedMTL{}, 1},
		{UPGrad{}, 1},
	}
	for _, tc := range cases {
		got := mustWeights(t, tc.c, gram)
		assertClose(t, tc.c.Name(), got, []float64{tc.want}, 1e-9)
	}
}
