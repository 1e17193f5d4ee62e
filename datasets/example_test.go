package datasets_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/gomtl/gomtl/datasets"
)

func ExampleMNIST() {
	train, err := datasets.MNIST(datasets.Train)
	if err != nil {
		fmt.Println(err)
		return
	}
	digits, err := train.LabelsFor("digit")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Len(), digits.Values[0])
	// Output: 60000 5
}

func ExampleReadIDX() {
	// A 2x3 uint8 IDX file: two zero bytes, type 0x08, two dimensions,
	// then the dimensions as big-endian uint32 and the six elements.
	file := []byte{
		0, 0, 0x08, 2,
		0, 0, 0, 2,
		0, 0, 0, 3,
		1, 2, 3, 4, 5, 6,
	}
	x, err := datasets.ReadIDX(bytes.NewReader(file), "in-memory")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x.Type, x.Dims, x.Len(), x.Data)

	// The same file cut short is a *FormatError naming where the data ran out.
	_, err = datasets.ReadIDX(bytes.NewReader(file[:15]), "short")
	var fe *datasets.FormatError
	fmt.Println(errors.As(err, &fe), err)
	// Output:
	// uint8 [2 3] 2 [1 2 3 4 5 6]
	// true datasets: short: offset 15: file ends after 3 of 6 payload bytes (uint8 [2 3], payload starts at offset 12)
}

func ExampleDataset_SplitTail() {
	d := &datasets.Dataset{
		Name:     "toy",
		Shape:    []int{1},
		Features: []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		Labels:   []datasets.Labels{{Task: "big", Classes: 2, Values: []int{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}}},
	}
	train, val, err := d.SplitTail(0.2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Name, train.Features)
	fmt.Println(val.Name, val.Features, val.Labels[0].Values)
	// Output:
	// toy [0 1 2 3 4 5 6 7]
	// toy-val [8 9] [1 1]
}

func ExampleDataset_TargetsFor() {
	// Two examples with a class label and a bounding box (x, y, w, h) each.
	d := &datasets.Dataset{
		Name:     "boxes",
		Shape:    []int{2},
		Features: []float32{0.1, 0.2, 0.3, 0.4},
		Labels:   []datasets.Labels{{Task: "class", Classes: 3, Values: []int{2, 0}}},
		Targets:  []datasets.Targets{{Task: "box", Dim: 4, Values: []float32{1, 2, 3, 4, 5, 6, 7, 8}}},
	}
	if err := d.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	box, err := d.TargetsFor("box")
	if err != nil {
		fmt.Println(err)
		return
	}
	i := 1
	fmt.Println(box.Dim, box.Values[i*box.Dim:(i+1)*box.Dim])

	_, err = d.TargetsFor("class")
	fmt.Println(err)
	_, err = d.TargetsFor("depth")
	fmt.Println(err)
	// Output:
	// 4 [5 6 7 8]
	// datasets: boxes: task "class" has class labels, not real-valued targets (see LabelsFor)
	// datasets: boxes: no task "depth" (tasks: "class", "box")
}

func ExampleMMoESynthetic() {
	train, test, err := datasets.MMoESynthetic(datasets.MMoEConfig{Correlation: 0.9, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	t1, err := train.TargetsFor("t1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Name, train.Len(), train.Shape, t1.Dim, len(t1.Values))
	fmt.Println(test.Name, test.Len(), test.Shape, len(test.Targets))
	// Output:
	// mmoe-synth-train 10000 [100] 1 10000
	// mmoe-synth-test 2000 [100] 2
}

func ExampleMultiMNISTFrom() {
	// A hand-made MNIST of three images: image k is blank but for its top
	// left pixel, k/2, and has digit k+1.
	mnist := &datasets.Dataset{
		Name:     "mnist-tiny",
		Shape:    []int{1, 28, 28},
		Features: make([]float32, 3*784),
		Labels:   []datasets.Labels{{Task: "digit", Classes: 10, Values: []int{1, 2, 3}}},
	}
	for k := range 3 {
		mnist.Features[k*784] = float32(k) / 2
	}
	d, err := datasets.MultiMNISTFrom(mnist, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	left, _ := d.LabelsFor("left")
	right, _ := d.LabelsFor("right")
	fmt.Println(d.Name, d.Len(), d.Shape, left.Values, right.Values)
	// The top left pixel comes from the left image alone, normalised:
	// (0.5-0.1307)/0.3081 = 1.1986.
	fmt.Printf("%.4f\n", d.Features[1*784])
	// Output:
	// multimnist-tiny 3 [1 28 28] [1 2 3] [3 2 3]
	// 1.1986
}
