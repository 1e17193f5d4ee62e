package optim_test

import (
	"fmt"

	"github.com/gomtl/gomtl/mtl/optim"
)

// Minimise (p - 3)² with Adam: the optimiser updates the slice in place.
func ExampleNew() {
	opt, err := optim.New(optim.Config{Name: optim.AdamName, LearningRate: 0.1})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := []float32{0}
	g := []float32{0}
	for i := 0; i < 500; i++ {
		g[0] = 2 * (p[0] - 3)
		if err := opt.Step([][]float32{p}, [][]float32{g}); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("%.2f\n", p[0])
	// Output: 3.00
}
