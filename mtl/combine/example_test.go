package combine_test

import (
	"fmt"

	"github.com/gomtl/gomtl/mtl/combine"
)

// Two tasks whose gradients conflict, g1 = (1, 0) and g2 = (−1, 1), each
// given as a list of parameter slices (one parameter here). PCGrad
// projects each onto the other's normal plane, g1' = (½, ½) and
// g2' = (0, 1), and adds them: d = 2·g1 + 1.5·g2 = (0.5, 1.5).
func ExampleNew() {
	grads := [][][]float32{
		{{1, 0}},  // task 1
		{{-1, 1}}, // task 2
	}
	c, err := combine.New(combine.Config{Name: combine.PCGradName, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	alpha, err := c.Weights(combine.Gram(grads))
	if err != nil {
		fmt.Println(err)
		return
	}
	d := [][]float32{make([]float32, 2)}
	combine.Apply(d, alpha, grads)
	fmt.Println(alpha, d[0])
	// Output: [2 1.5] [0.5 1.5]
}

// Every method on the same two conflicting gradients, with default
// options. By hand: mgda's are (3/5, 2/5); cagrad's dual is minimised at
// w = (1, 0), giving (½+¼, ½)/(1+c²) with c = ½, which happens to be the
// same; nash's solve α1−α2 = 1/α1 and 2α2−α1 = 1/α2; imtl's are
// (2−√2, √2−1); upgrad's are pcgrad's halved.
func ExampleNames() {
	gram := [][]float64{{1, -1}, {-1, 2}} // g1 = (1, 0), g2 = (−1, 1)
	for _, name := range combine.Names {
		c, err := combine.New(combine.Config{Name: name})
		if err != nil {
			fmt.Println(err)
			return
		}
		alpha, err := c.Weights(gram)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-7s %.4f\n", name, alpha)
	}
	// Output:
	// sum     [1.0000 1.0000]
	// pcgrad  [2.0000 1.5000]
	// mgda    [0.6000 0.4000]
	// cagrad  [0.6000 0.4000]
	// nash    [1.8478 1.3066]
	// imtl    [0.5858 0.4142]
	// aligned [1.1056 0.8292]
	// upgrad  [1.0000 0.7500]
}
