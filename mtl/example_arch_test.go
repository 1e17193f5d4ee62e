package mtl_test

import (
	"fmt"

	"github.com/gomtl/gomtl/mtl"
)

// Hard sharing with the LeNet of Sener & Koltun 2018 on MultiMNIST: the
// convolutional trunk is shared and each digit has its own head.
func ExampleLeNet() {
	spec := mtl.LeNet().Spec(mtl.Classify("left", 10), mtl.Classify("right", 10))
	m, err := mtl.New(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(m.Summary())
	// Output:
	// Architecture: hard, input [1 28 28]
	// layer         kind     output      params  tasks
	// shared.0      conv2d   [10 24 24]  260     left,right
	// shared.1      maxpool  [10 12 12]  0       left,right
	// shared.2      conv2d   [20 8 8]    5020    left,right
	// shared.3      maxpool  [20 4 4]    0       left,right
	// shared.4      flatten  [320]       0       left,right
	// shared.5      dense    [50]        16050   left,right
	// left.head.0   dense    [50]        2550    left
	// left.out      output   [10]        510     left
	// right.head.0  dense    [50]        2550    right
	// right.out     output   [10]        510     right
	// Total params: 27450
}

// Where to branch: SplitAt(4) keeps the two convolutions shared and gives
// each task its own copy of the dense layers.
func ExampleSpec_SplitAt() {
	spec, err := mtl.LeNet().Spec(mtl.Classify("left", 10), mtl.Classify("right", 10)).SplitAt(4)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := mtl.MustNew(spec)
	fmt.Println("shared layers:", len(spec.Shared), "parameters:", m.NumParams())
	// Output:
	// shared layers: 4 parameters: 43500
}

// Cross-stitch: one tower per task, mixed after every layer by a learned
// 2×2 matrix that starts near the identity.
func ExampleArch_crossStitch() {
	m := mtl.MustNew(mtl.Spec{
		Input:  []int{784},
		Arch:   mtl.Arch{Kind: mtl.CrossStitchArch},
		Shared: []mtl.Layer{mtl.Dense(32, mtl.ReLU), mtl.Dense(16, mtl.ReLU)},
		Tasks:  []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)},
	})
	fmt.Print(m.Summary())
	// Output:
	// Architecture: cross-stitch, input [784]
	// layer           kind          output  params  tasks
	// tower.digit.0   dense         [32]    25120   digit
	// tower.parity.0  dense         [32]    25120   parity
	// cross_stitch.0  cross-stitch  [32]    4       digit,parity
	// tower.digit.1   dense         [16]    528     digit
	// tower.parity.1  dense         [16]    528     parity
	// cross_stitch.1  cross-stitch  [16]    4       digit,parity
	// digit.out       output        [10]    170     digit
	// parity.out      output        [2]     34      parity
	// Total params: 51508
}

// MMoE: three shared experts and a softmax gate per task.
func ExampleArch_mmoe() {
	m := mtl.MustNew(mtl.Spec{
		Input:  []int{100},
		Arch:   mtl.Arch{Kind: mtl.MMoEArch, Experts: 3},
		Shared: []mtl.Layer{mtl.Dense(16, mtl.ReLU)},
		Tasks: []mtl.Task{
			mtl.Regress("t1", 1).WithHead(mtl.Dense(8, mtl.ReLU)),
			mtl.Regress("t2", 1).WithHead(mtl.Dense(8, mtl.ReLU)),
		},
	})
	fmt.Print(m.Summary())
	// Output:
	// Architecture: mmoe, input [100]
	// layer       kind    output  params  tasks
	// expert.0.0  dense   [16]    1616    t1,t2
	// expert.1.0  dense   [16]    1616    t1,t2
	// expert.2.0  dense   [16]    1616    t1,t2
	// t1.gate     gate    [16]    303     t1
	// t2.gate     gate    [16]    303     t2
	// t1.head.0   dense   [8]     136     t1
	// t1.out      output  [1]     9       t1
	// t2.head.0   dense   [8]     136     t2
	// t2.out      output  [1]     9       t2
	// Total params: 5744
}

// PLE: two levels of task-specific and shared experts (CGC is one level).
func ExampleArch_ple() {
	m := mtl.MustNew(mtl.Spec{
		Input:  []int{784},
		Arch:   mtl.Arch{Kind: mtl.PLEArch, Experts: 1, TaskExperts: 1, Levels: 2},
		Shared: []mtl.Layer{mtl.Dense(16, mtl.ReLU)},
		Tasks:  []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)},
	})
	fmt.Print(m.Summary())
	// Output:
	// Architecture: ple, input [784]
	// layer                     kind    output  params  tasks
	// level0.digit.expert.0.0   dense   [16]    12560   digit
	// level0.parity.expert.0.0  dense   [16]    12560   parity
	// level0.shared.expert.0.0  dense   [16]    12560   digit,parity
	// level0.digit.gate         gate    [16]    1570    digit
	// level0.parity.gate        gate    [16]    1570    parity
	// level0.shared.gate        gate    [16]    2355    digit,parity
	// level1.digit.expert.0.0   dense   [16]    272     digit
	// level1.parity.expert.0.0  dense   [16]    272     parity
	// level1.shared.expert.0.0  dense   [16]    272     digit,parity
	// level1.digit.gate         gate    [16]    34      digit
	// level1.parity.gate        gate    [16]    34      parity
	// digit.out                 output  [10]    170     digit
	// parity.out                output  [2]     34      parity
	// Total params: 44263
}

// A cascade (the serial architecture): parity reads the digit head's
// probabilities beside the shared trunk.
func ExampleTask_After() {
	m := mtl.MustNew(mtl.Spec{
		Input:  []int{784},
		Shared: []mtl.Layer{mtl.Dense(32, mtl.ReLU)},
		Tasks:  []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2).After("digit")},
	})
	fmt.Print(m.Summary())
	// Output:
	// Architecture: hard+cascade, input [784]
	// layer       kind    output  params  tasks
	// shared.0    dense   [32]    25120   digit,parity
	// digit.out   output  [10]    330     digit,parity
	// parity.out  output  [2]     86      parity
	// Total params: 25536
}
