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
