package graph_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomtl/gomtl/graph"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A LeNet-style feature extractor for MNIST: flat pixels reshaped to
// images, two convolution and max-pool stages, flattened for a dense head.
func ExampleBuilder_Conv2d() {
	b := graph.NewBuilder(graph.NewStore(tensor.Float32, 1))
	x, _ := b.Input("x", 32, 784)
	img, _ := b.Reshape(x, 32, 1, 28, 28)
	h, _ := b.Conv2d("conv1", img, 8, 5, 1, 2) // 28+2·2-5+1 = 28
	h, _ = b.Activate(graph.ReLU, h)
	h, _ = b.MaxPool2d(h, 2, 2)
	fmt.Println("stage 1:", h.Shape())
	h, _ = b.Conv2d("conv2", h, 16, 5, 1, 0) // 14-5+1 = 10
	h, _ = b.Activate(graph.ReLU, h)
	h, _ = b.MaxPool2d(h, 2, 2)
	fmt.Println("stage 2:", h.Shape())
	flat, _ := b.Flatten(h)
	fmt.Println("flat:", flat.Shape())
	fmt.Println("conv2 kernel:", b.Params.Value("conv2.w").Shape(), "bias:", b.Params.Value("conv2.b").Shape())

	_, err := b.Conv2d("conv3", h, 4, 7, 1, 0)
	fmt.Println(err)
	// Output:
	// stage 1: (32, 8, 14, 14)
	// stage 2: (32, 16, 5, 5)
	// flat: (32, 400)
	// conv2 kernel: (16, 8, 5, 5) bias: (1, 16, 1, 1)
	// graph: conv2d "conv3": kernel 7 larger than input (32, 16, 5, 5) padded by 0
}

// Dropout's mask is an input the caller refills from its own seeded
// generator before each training step, so a run can be replayed.
func ExampleFillDropoutMask() {
	b := graph.NewBuilder(graph.NewStore(tensor.Float64, 1))
	x, _ := b.Input("x", 2, 5)
	copy(x.Value().Data().([]float64), []float64{1, 1, 1, 1, 1, 2, 2, 2, 2, 2})
	y, mask, _ := b.Dropout("drop", x, 0.5)
	vm := gorgonia.NewTapeMachine(b.G)
	defer vm.Close()

	rng := rand.New(rand.NewPCG(1, 2))
	for step := 0; step < 2; step++ {
		if err := graph.FillDropoutMask(mask, 0.5, rng); err != nil {
			fmt.Println(err)
			return
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(y.Value().Data())
	}
	// Output:
	// [2 0 2 0 2 0 4 0 4 0]
	// [2 2 0 2 2 4 4 4 4 4]
}
