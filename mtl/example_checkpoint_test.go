package mtl_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// A run saves its training state after every epoch into a folder; a
// later process opens the newest good checkpoint there and resumes (here,
// to train two more epochs).
func ExampleCheckpoint_Resume() {
	dir, _ := os.MkdirTemp("", "gomtl-example-")
	defer os.RemoveAll(dir)
	train, _ := datasets.MNIST(datasets.Train)
	train = train.Head(2000)

	spec := mtl.Spec{Input: []int{1, 28, 28}, Shared: []mtl.Layer{mtl.Dense(32, mtl.ReLU)},
		Tasks: []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)}}
	cfg := mtl.FitConfig{Epochs: 2, ValidationSplit: 0.2,
		Checkpoint: mtl.CheckpointConfig{Dir: filepath.Join(dir, "checkpoints"), Monitor: "val_loss"}}
	if _, err := mtl.MustNew(spec).Fit(context.Background(), train, cfg); err != nil {
		fmt.Println(err)
		return
	}

	c, err := mtl.OpenCheckpoint(filepath.Join(dir, "checkpoints"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d epochs done, %d steps, finished: %v\n", filepath.Base(c.Path), c.History().Epochs(), c.Steps, c.Done)
	_, hist, err := c.Resume(context.Background(), train, mtl.ResumeOptions{Epochs: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("epochs after resuming:", hist.Epochs())
	// Output:
	// step-000000100.ckpt: 2 epochs done, 100 steps, finished: true
	// epochs after resuming: 4
}
