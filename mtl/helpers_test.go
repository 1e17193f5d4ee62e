package mtl

import (
	"math/rand"
	"sync"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// synthetic returns n examples of width 6 with two learnable tasks:
// "a" (3 classes) is the argmax of the first three features, "b" (2
// classes) is whether features 3 and 4 sum above zero.
func synthetic(n int, seed int64) *datasets.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &datasets.Dataset{Name: "synthetic", Shape: []int{6}, Features: make([]float32, n*6),
		Labels: []datasets.Labels{{Task: "a", Classes: 3, Values: make([]int, n)}, {Task: "b", Classes: 2, Values: make([]int, n)}}}
	for i := 0; i < n; i++ {
		x := d.Features[i*6 : (i+1)*6]
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		d.Labels[0].Values[i] = argmax(x[:3])
		if x[3]+x[4] > 0 {
			d.Labels[1].Values[i] = 1
		}
	}
	return d
}

// syntheticSpec is a small two-task model for synthetic data.
func syntheticSpec() Spec {
	return Spec{Input: []int{6}, Shared: []Layer{Dense(16, ReLU)}, Tasks: []Task{Classify("a", 3), Classify("b", 2)}, Seed: 3}
}

// seedSpec is the seed article's model: Dense(64, ReLU) shared by a digit
// and a parity head.
func seedSpec() Spec {
	return Spec{Input: []int{784}, Shared: []Layer{Dense(64, ReLU)}, Tasks: []Task{Classify("digit", 10), Classify("parity", 2)}}
}

var mnistOnce struct {
	sync.Once
	train, test *datasets.Dataset
	err         error
}

// mnist loads MNIST once per test binary.
func mnist(t testing.TB) (train, test *datasets.Dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		if mnistOnce.train, mnistOnce.err = datasets.MNIST(datasets.Train); mnistOnce.err == nil {
			mnistOnce.test, mnistOnce.err = datasets.MNIST(datasets.Test)
		}
	})
	if mnistOnce.err != nil {
		t.Fatal(mnistOnce.err)
	}
	return mnistOnce.train, mnistOnce.test
}
