package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// loadMNIST reads a split of MNIST from dir, or from the GoMNIST module's
// copy when dir is empty.
func loadMNIST(dir string, split datasets.Split) (*datasets.Dataset, error) {
	if dir == "" {
		return datasets.MNIST(split)
	}
	return datasets.MNISTFrom(dir, split)
}

// loadModel loads the model saved in dir, which is either a model folder
// or a run folder holding one in model/.
func loadModel(dir string) (*mtl.Model, error) {
	inner := filepath.Join(dir, modelDir)
	if st, err := os.Stat(inner); err == nil && st.IsDir() {
		dir = inner
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("model folder %s does not exist", dir)
	}
	return mtl.Load(dir)
}

// readImages reads the images of an IDX file of uint8 pixels, N examples
// of width values each (for MNIST, [N 28 28]), scaled to [0, 1] as MNIST
// is.
func readImages(path string, width int) ([][]float32, error) {
	x, err := datasets.ReadIDXFile(path)
	if err != nil {
		return nil, err
	}
	per := 0
	if len(x.Dims) >= 2 {
		per = 1
		for _, d := range x.Dims[1:] {
			per *= d
		}
	}
	if x.Type != datasets.IDXUint8 || per != width {
		return nil, fmt.Errorf("%s: want uint8 images of %d pixels each, such as [N 28 28]; the file holds %s %v", path, width, x.Type, x.Dims)
	}
	pixels, err := x.Pixels()
	if err != nil {
		return nil, err
	}
	rows := make([][]float32, x.Len())
	for i := range rows {
		rows[i] = pixels[i*width : (i+1)*width]
	}
	return rows, nil
}
