package mtl

import (
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// Training throughput of the seed model (784 → Dense 64 ReLU → digit and
// parity softmax heads, Adam) on MNIST. One op is one training step;
// -benchmem gives allocations per step. The samples/s metric counts
// forward + backward + update, like `mtl train`'s train_samples_per_second.
func BenchmarkTrainSeedBatch32(b *testing.B)  { benchmarkTrainSeed(b, 32) }
func BenchmarkTrainSeedBatch256(b *testing.B) { benchmarkTrainSeed(b, 256) }

func benchmarkTrainSeed(b *testing.B, batch int) {
	train, _ := mnist(b)
	benchmarkSteps(b, benchTrainer(b, seedSpec(), train, FitConfig{BatchSize: batch}), batch)
}

// Training throughput of MultiMNIST's LeNet (two conv + pool layers, two
// dense layers, left and right digit heads, Adam) at batch 256.
func BenchmarkTrainLeNetBatch256(b *testing.B) {
	train, _ := mnist(b)
	multi, err := datasets.MultiMNISTFrom(train.Head(4096), 1)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkSteps(b, benchTrainer(b, LeNet().Spec(Classify("left", 10), Classify("right", 10)), multi, FitConfig{BatchSize: 256}), 256)
}

// benchmarkSteps times b.N training steps of t, with allocations per step
// and samples/s.
func benchmarkSteps(b *testing.B, t *trainer, batch int) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t.next(0)
		if err := t.step(1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}
