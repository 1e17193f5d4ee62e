package combine

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkGram4x1M(b *testing.B)  { benchGram(b, 4, 1<<20) }
func BenchmarkApply4x1M(b *testing.B) { benchApply(b, 4, 1<<20) }

func BenchmarkWeightsT4(b *testing.B) {
	for _, name := range Names {
		b.Run(name, func(b *testing.B) { benchWeights(b, name, 4) })
	}
}

func BenchmarkWeightsT16(b *testing.B) {
	for _, name := range Names {
		b.Run(name, func(b *testing.B) { benchWeights(b, name, 16) })
	}
}

// benchGrads returns tasks gradients of size values split over 4
// parameters.
func benchGrads(tasks, size int) [][][]float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	grads := make([][][]float32, tasks)
	for t := range grads {
		for p := 0; p < 4; p++ {
			s := make([]float32, size/4)
			for k := range s {
				s[k] = float32(rng.NormFloat64())
			}
			grads[t] = append(grads[t], s)
		}
	}
	return grads
}

func benchGram(b *testing.B, tasks, size int) {
	grads := benchGrads(tasks, size)
	dst := Gram(grads)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = GramInto(dst, grads)
	}
}

func benchApply(b *testing.B, tasks, size int) {
	grads := benchGrads(tasks, size)
	dst := make([][]float32, 4)
	for p := range dst {
		dst[p] = make([]float32, size/4)
	}
	alpha := uniform(tasks, 0.5)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Apply(dst, alpha, grads)
	}
}

func benchWeights(b *testing.B, name string, tasks int) {
	rng := rand.New(rand.NewPCG(3, 4))
	gram := gramOf(randVecs(rng, tasks, 2*tasks))
	c, err := New(Config{Name: name})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Weights(gram); err != nil {
			b.Fatal(err)
		}
	}
}
