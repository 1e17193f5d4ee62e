package mtl

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/gomtl/gomtl/mtl/optim"
	"github.com/gomtl/gomtl/mtl/weighting"
)

// These tests drive every public entry point of the package with malformed
// arguments and require a clear error (naming the task, layer, shape or
// field involved), never a panic, and bounded memory: a size no tensor
// could hold must be refused before anything is allocated.

// badInputMaxAlloc bounds what one malformed call may allocate.
const badInputMaxAlloc = 256 << 20

// guard runs f and returns its error. A panic fails t (the row) instead of
// crashing the test binary, and so does allocating more than
// badInputMaxAlloc. Rows run one at a time, so the process-wide
// allocation count is the call's.
func guard(t *testing.T, f func() error) (err error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panicked: %v\n%s", r, debug.Stack())
				err = nil
			}
		}()
		err = f()
	}()
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > badInputMaxAlloc {
		t.Errorf("allocated %d MiB, want at most %d MiB", d>>20, badInputMaxAlloc>>20)
	}
	return err
}

// wantError fails t unless err is an error whose text holds every one of
// want (and wraps is, when given). An empty want asks for success.
func wantError(t *testing.T, err error, is error, want ...string) {
	t.Helper()
	if len(want) == 0 && is == nil {
		if err != nil {
			t.Errorf("error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("error %v does not wrap %v", err, is)
	}
}

// imageSpec is a two-task model on MNIST-shaped input.
func imageSpec(shared ...Layer) Spec {
	return Spec{Input: []int{1, 28, 28}, Shared: shared, Tasks: []Task{Classify("digit", 10), Classify("parity", 2)}}
}

func TestBadInputNew(t *testing.T) {
	withTasks := func(s Spec, tasks ...Task) Spec { s.Tasks = tasks; return s }
	withArch := func(s Spec, a Arch) Spec { s.Arch = a; return s }
	base := syntheticSpec
	manyTasks := make([]Task, 20000)
	for i := range manyTasks {
		manyTasks[i] = Classify("t"+strconv.Itoa(i), 2)
	}
	for _, tc := range []struct {
		name string
		spec Spec
		want []string
	}{
		// Tasks.
		{"no tasks", withTasks(base()), []string{"no tasks"}},
		{"empty task name", withTasks(base(), Classify("", 3)), []string{"task 0", `name ""`}},
		{"bad task name", withTasks(base(), Classify("1a", 3)), []string{`name "1a"`}},
		{"duplicate task", withTasks(base(), Classify("a", 3), Classify("a", 3)), []string{`task "a" appears twice`}},
		{"unknown task kind", withTasks(base(), Task{Name: "a", Kind: "rank"}), []string{`task "a"`, `unknown kind "rank"`}},
		{"one class", withTasks(base(), Classify("a", 1)), []string{`task "a"`, "1 classes"}},
		{"zero classes", withTasks(base(), Classify("a", 0)), []string{`task "a"`, "0 classes"}},
		{"negative classes", withTasks(base(), Classify("a", -1)), []string{`task "a"`, "-1 classes"}},
		{"absurd classes", withTasks(base(), Classify("a", 1<<40)), []string{`task "a"`, "1099511627776 classes", "MaxElements"}},
		{"binary with 3 classes", withTasks(base(), Task{Name: "a", Kind: BinaryKind, Classes: 3}), []string{`task "a"`, "binary", "not 3"}},
		{"zero outputs", withTasks(base(), Regress("r", 0)), []string{`task "r"`, "0 outputs"}},
		{"negative outputs", withTasks(base(), Regress("r", -2)), []string{`task "r"`, "-2 outputs"}},
		{"absurd outputs", withTasks(base(), Regress("r", 1<<40)), []string{`task "r"`, "1099511627776 outputs"}},
		{"box with 3 outputs", withTasks(base(), Task{Name: "b", Kind: BoxKind, Outputs: 3}), []string{`task "b"`, "not 3"}},
		{"loss on a classifier", withTasks(base(), Classify("a", 3).WithLoss(HuberLoss)), []string{`task "a"`, `loss "huber"`}},
		{"unknown loss", withTasks(base(), Regress("r", 1).WithLoss("l1")), []string{`task "r"`, `loss "l1"`}},
		{"negative weight", withTasks(base(), Classify("a", 3).WithWeight(-1)), []string{`task "a"`, "loss weight -1"}},
		{"NaN weight", withTasks(base(), Classify("a", 3).WithWeight(math.NaN())), []string{`task "a"`, "loss weight NaN"}},
		{"infinite weight", withTasks(base(), Classify("a", 3).WithWeight(math.Inf(1))), []string{`task "a"`, "loss weight +Inf"}},
		{"cascade from itself", withTasks(base(), Classify("a", 3).After("a")), []string{`task "a"`, "cascade from itself"}},
		{"cascade from unknown task", withTasks(base(), Classify("a", 3).After("zz")), []string{`task "a"`, `unknown task "zz"`}},
		{"cascade cycle", withTasks(base(), Classify("a", 3).After("b"), Classify("b", 2).After("a")), []string{"cascade cycle"}},
		{"cascade output", withTasks(base(), Task{Name: "a", Kind: ClassifyKind, Classes: 3, Cascade: &Cascade{From: "b", Output: "logits"}}, Classify("b", 2)), []string{`task "a"`, `cascade output "logits"`}},
		{"cascade hidden without head", withTasks(base(), Task{Name: "a", Kind: ClassifyKind, Classes: 3, Cascade: &Cascade{From: "b", Output: HiddenOutput}}, Classify("b", 2)), []string{`task "a"`, `hidden layer of "b"`}},
		{"20000 tasks", withArch(withTasks(base(), manyTasks...), Arch{Kind: CrossStitchArch}), []string{"20000 tasks", "MaxLayers"}},

		// Input shapes.
		{"no input shape", Spec{Shared: []Layer{Dense(4, ReLU)}, Tasks: []Task{Classify("a", 3)}}, []string{"input shape is empty"}},
		{"zero input dimension", Spec{Input: []int{0, 28}, Tasks: []Task{Classify("a", 3)}}, []string{"input shape [0 28]", "dimension 0 is 0"}},
		{"negative input dimension", Spec{Input: []int{1, -28, 28}, Tasks: []Task{Classify("a", 3)}}, []string{"input shape [1 -28 28]", "dimension 1 is -28"}},
		{"four input dimensions", Spec{Input: []int{1, 1, 28, 28}, Tasks: []Task{Classify("a", 3)}}, []string{"input shape [1 1 28 28]"}},
		{"absurd input shape", Spec{Input: []int{1 << 20, 1 << 20}, Tasks: []Task{Classify("a", 3)}}, []string{"input shape [1048576 1048576]", "MaxElements"}},
		{"overflowing input shape", Spec{Input: []int{1 << 40, 1 << 40, 1 << 40}, Tasks: []Task{Classify("a", 3)}}, []string{"input shape", "MaxElements"}},
		{"task input without inputs", withTasks(base(), Classify("a", 3).WithInput("img")), []string{`task "a" reads input "img"`}},

		// Layers.
		{"zero units", imageSpec(Dense(0, ReLU)), []string{"shared layer 0", "dense layer with 0 units"}},
		{"negative units", imageSpec(Dense(-3, ReLU)), []string{"shared layer 0", "-3 units"}},
		{"absurd units", imageSpec(Dense(1<<40, ReLU)), []string{"shared layer 0", "units 1099511627776", "MaxElements"}},
		{"absurd head units", withTasks(base(), Classify("a", 3).WithHead(Dense(4, ReLU), Dense(1<<40, ReLU))), []string{`task "a": head layer 1`, "units 1099511627776"}},
		{"too many parameters", imageSpec(Dense(1<<20, ReLU)), []string{"layer shared.0 (dense)", `"shared.0.w"`, "[784 1048576]", "MaxElements"}},
		{"unknown layer kind", imageSpec(Layer{Kind: "lstm"}), []string{"shared layer 0", `unknown layer kind "lstm"`}},
		{"unknown activation", imageSpec(Dense(4, "gelu")), []string{"shared layer 0", `unknown activation "gelu"`}},
		{"activation on maxpool", imageSpec(Layer{Kind: MaxPoolKind, Size: 2, Activation: ReLU}), []string{"shared layer 0", "maxpool layer cannot have an activation"}},
		{"conv zero filters", imageSpec(Conv2d(0, 3, ReLU)), []string{"shared layer 0", "0 filters"}},
		{"conv zero kernel", imageSpec(Conv2d(4, 0, ReLU)), []string{"shared layer 0", "kernel size 0"}},
		{"conv negative kernel", imageSpec(Conv2d(4, -3, ReLU)), []string{"shared layer 0", "kernel size -3"}},
		{"conv negative stride", imageSpec(Conv2d(4, 3, ReLU).WithStride(-1)), []string{"shared layer 0", "stride -1"}},
		{"conv negative padding", imageSpec(Conv2d(4, 3, ReLU).WithPadding(-1)), []string{"shared layer 0", "padding -1"}},
		{"conv kernel larger than input", imageSpec(Conv2d(4, 29, ReLU)), []string{"layer shared.0 (conv2d)", "kernel 29 larger than input (1, 1, 28, 28)"}},
		{"conv absurd filters", imageSpec(Conv2d(1<<40, 3, ReLU)), []string{"shared layer 0", "filters 1099511627776"}},
		{"conv absurd kernel", imageSpec(Conv2d(1, 1<<40, ReLU)), []string{"shared layer 0", "kernel size 1099511627776"}},
		{"conv huge padding", imageSpec(Conv2d(1, 3, ReLU).WithPadding(1 << 20)), []string{"layer shared.0 (conv2d)", "output", "MaxElements"}},
		{"conv huge patches", Spec{Input: []int{64, 64, 64}, Shared: []Layer{Conv2d(1, 64, ReLU).WithPadding(32)}, Tasks: []Task{Classify("a", 2)}}, []string{"layer shared.0 (conv2d)", "patches", "MaxElements"}},
		{"conv on vectors", Spec{Input: []int{784}, Shared: []Layer{Conv2d(4, 3, ReLU)}, Tasks: []Task{Classify("a", 2)}}, []string{"shared.0", "needs images", "[784]"}},
		{"conv after dense", imageSpec(Dense(8, ReLU), Conv2d(4, 3, ReLU)), []string{"shared.1", "needs images"}},
		{"maxpool zero size", imageSpec(MaxPool(0)), []string{"shared layer 0", "maxpool layer with size 0"}},
		{"maxpool negative stride", imageSpec(MaxPool(2).WithStride(-2)), []string{"shared layer 0", "stride -2"}},
		{"maxpool larger than input", imageSpec(MaxPool(30)), []string{"layer shared.0 (maxpool)", "window 30 larger than input"}},
		{"maxpool absurd size", imageSpec(MaxPool(1 << 40)), []string{"shared layer 0", "size 1099511627776"}},
		{"dropout rate 1", imageSpec(Dropout(1)), []string{"shared layer 0", "dropout rate 1"}},
		{"dropout rate 1.5", imageSpec(Dropout(1.5)), []string{"shared layer 0", "dropout rate 1.5"}},
		{"dropout negative rate", imageSpec(Dropout(-0.1)), []string{"shared layer 0", "dropout rate -0.1"}},
		{"dropout NaN rate", imageSpec(Dropout(math.NaN())), []string{"shared layer 0", "dropout rate NaN"}},

		// Architectures.
		{"unknown arch", withArch(base(), Arch{Kind: "moe"}), []string{"arch", `unknown kind "moe"`}},
		{"negative experts", withArch(base(), Arch{Kind: MMoEArch, Experts: -1}), []string{"arch", "-1 experts"}},
		{"absurd experts", withArch(base(), Arch{Kind: MMoEArch, Experts: 1 << 40}), []string{"mmoe", "1099511627776 experts", "MaxLayers"}},
		{"absurd task experts", withArch(base(), Arch{Kind: CGCArch, TaskExperts: 1 << 40}), []string{"cgc", "1099511627776 task experts", "MaxLayers"}},
		{"absurd levels", withArch(base(), Arch{Kind: PLEArch, Levels: 1 << 40}), []string{"ple", "1099511627776 levels", "MaxLayers"}},
		{"experts on hard sharing", withArch(base(), Arch{Experts: 2}), []string{"arch", "hard sharing takes no experts"}},
		{"unknown weighting", Spec{Input: []int{6}, Tasks: []Task{Classify("a", 3)}, Weighting: weighting.Config{Name: "softmax"}}, []string{`unknown weighting "softmax"`}},

		// Multi-input specs.
		{"input and inputs", Spec{Input: []int{6}, Inputs: []InputSpec{{Name: "img", Shape: []int{6}}}, Tasks: []Task{Classify("a", 3).WithInput("img")}}, []string{"both input and inputs"}},
		{"unknown task input", Spec{Inputs: []InputSpec{{Name: "img", Shape: []int{6}}}, Tasks: []Task{Classify("a", 3).WithInput("vec")}}, []string{`task "a" reads input "vec"`}},
		{"unused input", Spec{Inputs: []InputSpec{{Name: "img", Shape: []int{6}}, {Name: "vec", Shape: []int{6}}}, Tasks: []Task{Classify("a", 3).WithInput("img")}}, []string{`input "vec" is read by no task`}},
		{"duplicate input", Spec{Inputs: []InputSpec{{Name: "img", Shape: []int{6}}, {Name: "img", Shape: []int{6}}}, Tasks: []Task{Classify("a", 3).WithInput("img")}}, []string{`input "img" appears twice`}},
		{"absurd input", Spec{Inputs: []InputSpec{{Name: "img", Shape: []int{1 << 20, 1 << 20}}}, Tasks: []Task{Classify("a", 3).WithInput("img")}}, []string{"input img: shape [1048576 1048576]", "MaxElements"}},
		{"absurd encoder", Spec{Inputs: []InputSpec{{Name: "img", Shape: []int{6}, Encoder: []Layer{Dense(1<<40, ReLU)}}}, Tasks: []Task{Classify("a", 3).WithInput("img")}}, []string{`input "img": encoder layer 0`, "units 1099511627776"}},
		{"multi-input mmoe", Spec{Inputs: []InputSpec{{Name: "img", Shape: []int{6}}}, Arch: Arch{Kind: MMoEArch}, Tasks: []Task{Classify("a", 3).WithInput("img")}}, []string{"multi-input", "mmoe"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m *Model
			err := guard(t, func() (err error) { m, err = New(tc.spec); return err })
			wantError(t, err, nil, tc.want...)
			if err != nil && m != nil {
				t.Errorf("New returned a model with its error")
			}
		})
	}
}

func TestBadInputSpecFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := `{"input": [6], "shared": [{"kind": "dense", "units": 4}], "tasks": [{"name": "a", "kind": "classify", "classes": 3}]}`
	for _, tc := range []struct {
		name string
		path string
		want []string
	}{
		{"missing file", filepath.Join(dir, "missing.json"), []string{"spec file", "missing.json", "no such file"}},
		{"directory", dir, []string{"spec file", dir}},
		{"empty file", write("empty.json", ""), []string{"empty.json", "line 1"}},
		{"bad JSON", write("bad.json", "{\n\"input\": [6],\n\"tasks\": [\n"), []string{"bad.json", "unexpected end of file"}},
		{"unknown field", write("field.json", `{"input": [6], "task": []}`), []string{"field.json", `unknown field "task"`}},
		{"wrong type", write("type.json", "{\n\"input\": \"784\"}"), []string{"type.json", "line 2", `field "input"`}},
		{"two values", write("two.json", good+"\n"+good), []string{"two.json", "line 2", "more than one JSON value"}},
		{"negative units", write("neg.json", strings.Replace(good, `"units": 4`, `"units": -4`, 1)), []string{"neg.json", "shared layer 0", "-4 units"}},
		{"absurd units", write("huge.json", strings.Replace(good, `"units": 4`, `"units": 1099511627776`, 1)), []string{"huge.json", "shared layer 0", "units 1099511627776"}},
		{"overflowing units", write("overflow.json", strings.Replace(good, `"units": 4`, `"units": 1e30`, 1)), []string{"overflow.json", "units"}},
		{"absurd classes", write("classes.json", strings.Replace(good, `"classes": 3`, `"classes": 1099511627776`, 1)), []string{"classes.json", `task "a"`, "1099511627776 classes"}},
		{"no tasks", write("notasks.json", `{"input": [6], "shared": []}`), []string{"notasks.json", "no tasks"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(t, func() error { _, err := ReadSpecFile(tc.path); return err })
			wantError(t, err, nil, tc.want...)
		})
	}
}

func TestBadInputSpecMethods(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func() error
		want []string
	}{
		{"split at -1", func() error { _, err := syntheticSpec().SplitAt(-1); return err }, []string{"split at layer -1", "1 layers"}},
		{"split past the trunk", func() error { _, err := syntheticSpec().SplitAt(2); return err }, []string{"split at layer 2", "0 to 1"}},
		{"unknown trunk", func() error { _, err := Trunk("resnet"); return err }, []string{`"resnet"`}},
		{"parse nothing", func() error { _, err := ParseSpec(nil); return err }, []string{"line 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, guard(t, tc.call), nil, tc.want...) })
	}
}

// badData returns synthetic(50, 1) changed by f.
func badData(f func(d *datasets.Dataset)) *datasets.Dataset {
	d := synthetic(50, 1)
	f(d)
	return d
}

// badDataRows are malformed datasets for syntheticSpec, with the error each
// must give, shared by the Fit and Evaluate tests.
func badDataRows() []struct {
	name string
	data *datasets.Dataset
	is   error
	want []string
} {
	f32 := func(v float64) float32 { return float32(v) }
	return []struct {
		name string
		data *datasets.Dataset
		is   error
		want []string
	}{
		{"nil data", nil, nil, []string{"data is nil"}},
		{"no examples", &datasets.Dataset{Name: "none", Shape: []int{6}, Labels: []datasets.Labels{{Task: "a", Classes: 3}, {Task: "b", Classes: 2}}}, datasets.ErrEmpty, []string{"none", "empty"}},
		{"zero value dataset", &datasets.Dataset{}, datasets.ErrEmpty, []string{"empty"}},
		{"label equal to classes", badData(func(d *datasets.Dataset) { d.Labels[0].Values[7] = 3 }), nil, []string{`task "a"`, "example 7", "label 3 outside [0, 3)"}},
		{"label -2", badData(func(d *datasets.Dataset) { d.Labels[1].Values[4] = -2 }), nil, []string{`task "b"`, "example 4", "label -2"}},
		{"huge label", badData(func(d *datasets.Dataset) { d.Labels[1].Values[0] = 1 << 40 }), nil, []string{`task "b"`, "example 0", "label 1099511627776"}},
		{"short labels", badData(func(d *datasets.Dataset) { d.Labels[1].Values = d.Labels[1].Values[:49] }), nil, []string{`task "b"`, "49 labels for 50 examples"}},
		{"class count differs", badData(func(d *datasets.Dataset) { d.Labels[0].Classes = 4 }), nil, []string{`task "a" has 4 classes, but the model's task has 3`}},
		{"absurd class count", badData(func(d *datasets.Dataset) { d.Labels[0].Classes = 1 << 40 }), nil, []string{`task "a" has 1099511627776 classes`}},
		{"wrong width", badData(func(d *datasets.Dataset) { d.Shape = []int{5}; d.Features = d.Features[:250] }), nil, []string{"shape [5] (width 5)", "input is [6] (width 6)"}},
		{"ragged features", badData(func(d *datasets.Dataset) { d.Features = d.Features[:299] }), nil, []string{"299 features", "width 6"}},
		{"zero shape", badData(func(d *datasets.Dataset) { d.Shape = []int{0} }), nil, []string{"shape [0]", "dimension 0 is 0"}},
		{"negative shape", badData(func(d *datasets.Dataset) { d.Shape = []int{-6} }), nil, []string{"shape [-6]"}},
		{"overflowing shape", badData(func(d *datasets.Dataset) { d.Shape = []int{1 << 40, 1 << 40} }), nil, []string{"overflows"}},
		{"missing task", badData(func(d *datasets.Dataset) { d.Labels = d.Labels[:1] }), nil, []string{`task "b"`, `no task "b"`, `"a"`}},
		{"task as targets", badData(func(d *datasets.Dataset) {
			d.Targets = []datasets.Targets{{Task: "b", Dim: 1, Values: make([]float32, 50)}}
			d.Labels = d.Labels[:1]
		}), nil, []string{`task "b"`, "real-valued targets, not class labels"}},
		{"duplicate task", badData(func(d *datasets.Dataset) { d.Labels[1].Task = "a" }), nil, []string{`task "a"`, "duplicate"}},
		{"NaN feature", badData(func(d *datasets.Dataset) { d.Features[6*9+2] = f32(math.NaN()) }), nil, []string{"example 9", "feature 2 is NaN"}},
		{"+Inf feature", badData(func(d *datasets.Dataset) { d.Features[6*3] = f32(math.Inf(1)) }), nil, []string{"example 3", "feature 0 is +Inf"}},
		{"-Inf feature", badData(func(d *datasets.Dataset) { d.Features[6*49+5] = f32(math.Inf(-1)) }), nil, []string{"example 49", "feature 5 is -Inf"}},
	}
}

// paramSnapshot copies every parameter of m.
func paramSnapshot(m *Model) [][]float32 {
	var out [][]float32
	for _, name := range m.params.Names() {
		out = append(out, slices.Clone(m.params.Value(name).Data().([]float32)))
	}
	return out
}

func TestBadInputFit(t *testing.T) {
	good := synthetic(50, 1)
	withTargets := func(d *datasets.Dataset, dim int, v float32) *datasets.Dataset {
		d.Targets = []datasets.Targets{{Task: "r", Dim: dim, Values: make([]float32, 50*dim)}}
		d.Targets[0].Values[3] = v
		return d
	}
	regressSpec := func() Spec {
		s := syntheticSpec()
		s.Tasks = append(s.Tasks, Regress("r", 2))
		return s
	}
	type row struct {
		name string
		spec Spec
		data *datasets.Dataset
		cfg  FitConfig
		is   error
		want []string
	}
	var rows []row
	for _, r := range badDataRows() {
		rows = append(rows, row{name: r.name, data: r.data, is: r.is, want: r.want})
	}
	rows = append(rows, []row{
		{name: "extra task in the data is ignored", data: badData(func(d *datasets.Dataset) {
			d.Labels = append(d.Labels, datasets.Labels{Task: "extra", Classes: 2, Values: make([]int, 50)})
		}), cfg: FitConfig{Epochs: 1, BatchSize: 50}},
		{name: "NaN target", spec: regressSpec(), data: withTargets(synthetic(50, 1), 2, float32(math.NaN())), want: []string{`task "r"`, "example 1", "target value 1 is NaN"}},
		{name: "target width differs", spec: regressSpec(), data: withTargets(synthetic(50, 1), 1, 0), want: []string{`task "r" has 1 values per example`, "predicts 2"}},
		{name: "labels for a regression task", spec: regressSpec(), data: badData(func(d *datasets.Dataset) {
			d.Labels = append(d.Labels, datasets.Labels{Task: "r", Classes: 2, Values: make([]int, 50)})
		}), want: []string{`task "r"`, "class labels, not real-valued targets"}},
		{name: "image data of width 783", spec: imageSpec(Dense(4, ReLU)), data: &datasets.Dataset{Name: "short", Shape: []int{783}, Features: make([]float32, 783*2),
			Labels: []datasets.Labels{{Task: "digit", Classes: 10, Values: []int{1, 2}}, {Task: "parity", Classes: 2, Values: []int{1, 0}}}},
			want: []string{`"short"`, "width 783", "[1 28 28] (width 784)"}},
		{name: "negative epochs", data: good, cfg: FitConfig{Epochs: -1}, want: []string{"-1 epochs"}},
		{name: "negative batch", data: good, cfg: FitConfig{BatchSize: -1}, want: []string{"batch size -1"}},
		{name: "absurd batch", data: good, cfg: FitConfig{BatchSize: 1 << 40}, want: []string{"1099511627776", "MaxElements"}},
		{name: "negative limit", data: good, cfg: FitConfig{Limit: -1}, want: []string{"limit -1"}},
		{name: "negative diagnose", data: good, cfg: FitConfig{Diagnose: -1}, want: []string{"diagnose every -1 steps"}},
		{name: "validation split 1", data: good, cfg: FitConfig{ValidationSplit: 1}, want: []string{"validation split 1"}},
		{name: "negative validation split", data: good, cfg: FitConfig{ValidationSplit: -0.5}, want: []string{"validation split -0.5"}},
		{name: "NaN validation split", data: good, cfg: FitConfig{ValidationSplit: math.NaN()}, want: []string{"validation split NaN"}},
		{name: "split leaving no validation", data: good.Head(2), cfg: FitConfig{ValidationSplit: 0.1}, want: []string{"validation", "leaves 2 for training and 0"}},
		{name: "NaN validation data", data: good, cfg: FitConfig{ValidationData: badData(func(d *datasets.Dataset) { d.Features[0] = float32(math.NaN()) })}, want: []string{"validation", "example 0", "feature 0 is NaN"}},
		{name: "validation data of the wrong width", data: good, cfg: FitConfig{ValidationData: threeTasks(10, []int{7}, 1)}, want: []string{"validation", "width 7"}},
		{name: "unknown optimizer", data: good, cfg: FitConfig{Optimizer: optim.Config{Name: "adagrad"}}, want: []string{`unknown optimizer "adagrad"`}},
		{name: "negative learning rate", data: good, cfg: FitConfig{Optimizer: optim.Config{LearningRate: -1}}, want: []string{"learning rate -1"}},
		{name: "NaN learning rate", data: good, cfg: FitConfig{Optimizer: optim.Config{LearningRate: math.NaN()}}, want: []string{"learning rate NaN"}},
		{name: "infinite learning rate", data: good, cfg: FitConfig{Optimizer: optim.Config{LearningRate: math.Inf(1)}}, want: []string{"learning rate +Inf"}},
		{name: "unknown combiner", data: good, cfg: FitConfig{Combine: combine.Config{Name: "average"}}, want: []string{`unknown combiner "average"`}},
		{name: "checkpoint every -1 steps", data: good, cfg: FitConfig{Checkpoint: CheckpointConfig{Dir: t.TempDir(), EverySteps: -1}}, want: []string{"checkpoint every -1 steps"}},
		{name: "keep -1 checkpoints", data: good, cfg: FitConfig{Checkpoint: CheckpointConfig{Dir: t.TempDir(), Keep: -1}}, want: []string{"keep -1 checkpoints"}},
		{name: "unknown checkpoint monitor", data: good, cfg: FitConfig{Checkpoint: CheckpointConfig{Dir: t.TempDir(), Monitor: "val_c_loss"}}, want: []string{`monitor "val_c_loss"`, "a_loss"}},
		{name: "unknown checkpoint mode", data: good, cfg: FitConfig{Checkpoint: CheckpointConfig{Dir: t.TempDir(), Monitor: "loss", Mode: "median"}}, want: []string{`mode "median"`}},
	}...)
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			if spec.Tasks == nil {
				spec = syntheticSpec()
			}
			m := MustNew(spec)
			before := paramSnapshot(m)
			err := guard(t, func() error { _, err := m.Fit(context.Background(), tc.data, tc.cfg); return err })
			wantError(t, err, tc.is, tc.want...)
			if err != nil && !slices.EqualFunc(before, paramSnapshot(m), slices.Equal) {
				t.Errorf("a Fit that failed changed the weights")
			}
		})
	}
}

func TestBadInputFitInputs(t *testing.T) {
	data := twoInputData(20, 1)
	with := func(name string, d *datasets.Dataset) map[string]*datasets.Dataset {
		out := map[string]*datasets.Dataset{"img": data["img"], "vec": data["vec"]}
		out[name] = d
		return out
	}
	wide := threeTasks(20, []int{7}, 1)
	wide.Labels, wide.Targets = wide.Labels[1:], nil
	nan := twoInputData(20, 1)["vec"]
	nan.Features[5] = float32(math.NaN())
	for _, tc := range []struct {
		name string
		data map[string]*datasets.Dataset
		cfg  FitConfig
		want []string
	}{
		{"nil map", nil, FitConfig{}, []string{`no training data for input "img"`}},
		{"missing input", map[string]*datasets.Dataset{"img": data["img"]}, FitConfig{}, []string{`no training data for input "vec"`}},
		{"unknown input", with("txt", data["vec"]), FitConfig{}, []string{`input "txt"`, "no such input", "img", "vec"}},
		{"nil dataset", with("vec", nil), FitConfig{}, []string{`"vec"`, "nil"}},
		{"empty dataset", with("vec", &datasets.Dataset{Name: "nothing", Shape: []int{6}}), FitConfig{}, []string{"input vec", "empty"}},
		{"wrong width", with("vec", wide), FitConfig{}, []string{"input vec", "width 7", "[6] (width 6)"}},
		{"swapped datasets", map[string]*datasets.Dataset{"img": data["vec"], "vec": data["img"]}, FitConfig{}, []string{"input"}},
		{"NaN feature", with("vec", nan), FitConfig{}, []string{"input vec", "example 0", "feature 5 is NaN"}},
		{"validation data", data, FitConfig{ValidationData: data["img"]}, []string{"ValidationData is for single-input models"}},
		{"absurd batch", data, FitConfig{BatchSize: 1 << 40}, []string{"1099511627776", "MaxElements"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := MustNew(twoInputSpec())
			err := guard(t, func() error { _, err := m.FitInputs(context.Background(), tc.data, tc.cfg); return err })
			wantError(t, err, nil, tc.want...)
		})
	}
	t.Run("Fit on a multi-input model", func(t *testing.T) {
		err := guard(t, func() error {
			_, err := MustNew(twoInputSpec()).Fit(context.Background(), data["img"], FitConfig{})
			return err
		})
		wantError(t, err, nil, "use FitInputs", "img", "vec")
	})
	t.Run("Evaluate on a multi-input model", func(t *testing.T) {
		err := guard(t, func() error {
			_, err := MustNew(twoInputSpec()).Evaluate(context.Background(), data["img"])
			return err
		})
		wantError(t, err, nil, "Inputs methods", "img", "vec")
	})
	t.Run("EvaluateInputs with a missing input", func(t *testing.T) {
		err := guard(t, func() error {
			_, err := MustNew(twoInputSpec()).EvaluateInputs(context.Background(), map[string]*datasets.Dataset{"img": data["img"]})
			return err
		})
		wantError(t, err, nil, `no evaluation data for input "vec"`)
	})
	t.Run("EvaluateInputs with an unknown input", func(t *testing.T) {
		err := guard(t, func() error {
			_, err := MustNew(twoInputSpec()).EvaluateInputs(context.Background(), with("txt", data["vec"]))
			return err
		})
		wantError(t, err, nil, `input "txt"`, "no such input")
	})
}

func TestBadInputEvaluate(t *testing.T) {
	for _, tc := range badDataRows() {
		t.Run(tc.name, func(t *testing.T) {
			m := MustNew(syntheticSpec())
			err := guard(t, func() error { _, err := m.Evaluate(context.Background(), tc.data); return err })
			wantError(t, err, tc.is, tc.want...)
		})
	}
}

func TestBadInputPredict(t *testing.T) {
	rows := func(n, width int) [][]float32 {
		x := make([][]float32, n)
		for i := range x {
			x[i] = make([]float32, width)
		}
		return x
	}
	with := func(x [][]float32, i, j int, v float64) [][]float32 { x[i][j] = float32(v); return x }
	image := MustNew(imageSpec(Dense(4, ReLU)))
	for _, tc := range []struct {
		name string
		x    [][]float32
		want []string
	}{
		{"nil rows", nil, []string{"predict", "no input rows"}},
		{"no rows", [][]float32{}, []string{"predict", "no input rows"}},
		{"empty row", [][]float32{nil}, []string{"row 0 has 0 values", "width 784"}},
		{"row of 783", rows(1, 783), []string{"row 0 has 783 values", "[1 28 28]", "width 784"}},
		{"ragged row", append(rows(300, 784), make([]float32, 785)), []string{"row 300 has 785 values"}},
		{"NaN value", with(rows(3, 784), 2, 17, math.NaN()), []string{"row 2 value 17 is NaN"}},
		{"+Inf value", with(rows(3, 784), 0, 0, math.Inf(1)), []string{"row 0 value 0 is +Inf"}},
		{"-Inf value", with(rows(3, 784), 1, 783, math.Inf(-1)), []string{"row 1 value 783 is -Inf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(t, func() error { _, err := image.Predict(context.Background(), tc.x); return err })
			wantError(t, err, nil, tc.want...)
		})
	}
	multi := MustNew(twoInputSpec())
	for _, tc := range []struct {
		name  string
		input string
		x     [][]float32
		want  []string
	}{
		{"unknown input", "txt", rows(1, 6), []string{`no input "txt"`, "img", "vec"}},
		{"empty input name", "", rows(1, 6), []string{`no input ""`}},
		{"wrong width for the input", "vec", rows(1, 16), []string{"row 0 has 16 values", "[6]"}},
	} {
		t.Run("PredictInput "+tc.name, func(t *testing.T) {
			err := guard(t, func() error { _, err := multi.PredictInput(context.Background(), tc.input, tc.x); return err })
			wantError(t, err, nil, tc.want...)
		})
	}
	t.Run("Predict on a multi-input model", func(t *testing.T) {
		err := guard(t, func() error { _, err := multi.Predict(context.Background(), rows(1, 6)); return err })
		wantError(t, err, nil, "use PredictInput")
	})
}

func TestBadInputNilModel(t *testing.T) {
	var m *Model
	ctx := context.Background()
	d := synthetic(10, 1)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Evaluate", func() error { _, err := m.Evaluate(ctx, d); return err }},
		{"EvaluateInputs", func() error { _, err := m.EvaluateInputs(ctx, map[string]*datasets.Dataset{"": d}); return err }},
		{"Predict", func() error { _, err := m.Predict(ctx, [][]float32{make([]float32, 6)}); return err }},
		{"PredictInput", func() error { _, err := m.PredictInput(ctx, "", [][]float32{make([]float32, 6)}); return err }},
		{"Fit", func() error { _, err := m.Fit(ctx, d, FitConfig{}); return err }},
		{"FitInputs", func() error { _, err := m.FitInputs(ctx, map[string]*datasets.Dataset{"": d}, FitConfig{}); return err }},
		{"Save", func() error { return m.Save(filepath.Join(t.TempDir(), "never")) }},
		{"SetWeights", func() error { return m.SetWeights(&Weights{}) }},
		{"accessors", func() error {
			if m.Spec().Tasks != nil || m.NumParams() != 0 || m.Params() != nil || m.Summary() == nil || m.CopyWeights() == nil {
				t.Error("a nil model's accessors return values")
			}
			return errors.New("nil model")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, guard(t, tc.call), nil, "nil model")
		})
	}
}

func TestBadInputLoad(t *testing.T) {
	dir := t.TempDir()
	saved := func(name string, edit func(dir string) error) string {
		out := filepath.Join(dir, name)
		if err := MustNew(syntheticSpec()).Save(out); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			if err := edit(out); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	write := func(text string) func(string) error {
		return func(dir string) error { return os.WriteFile(filepath.Join(dir, "model.json"), []byte(text), 0o644) }
	}
	setSpec := func(f func(s *Spec)) func(string) error {
		return func(dir string) error {
			return editManifest(dir, func(m map[string]any) {
				s := syntheticSpec()
				f(&s)
				raw, _ := json.Marshal(s)
				var v any
				_ = json.Unmarshal(raw, &v)
				m["spec"] = v
			})
		}
	}
	plain := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(plain, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		dir  string
		want []string
	}{
		{"missing folder", filepath.Join(dir, "missing"), []string{"load", "missing", "no such file"}},
		{"a file, not a folder", plain, []string{"load", "plain-file"}},
		{"empty manifest", saved("empty", write("")), []string{"load", "model.json"}},
		{"manifest is an array", saved("array", write("[1, 2]")), []string{"load", "model.json"}},
		{"manifest of another format", saved("format", write(`{"format": "keras"}`)), []string{"model.json", `format "keras"`}},
		{"spec with absurd units", saved("units", setSpec(func(s *Spec) { s.Shared[0].Units = 1 << 40 })), []string{"model.json", "shared layer 0", "units 1099511627776"}},
		{"spec with absurd classes", saved("classes", setSpec(func(s *Spec) { s.Tasks[0].Classes = 1 << 40 })), []string{"model.json", `task "a"`, "1099511627776 classes"}},
		{"spec with no tasks", saved("notasks", setSpec(func(s *Spec) { s.Tasks = nil })), []string{"model.json", "no tasks"}},
		{"spec that differs from the weights", saved("wider", setSpec(func(s *Spec) { s.Shared[0].Units = 17 })), []string{"model.json", "shared.0.w"}},
		{"missing weights", saved("noweights", func(dir string) error { return os.Remove(filepath.Join(dir, "weights.bin")) }), []string{"load", "weights.bin"}},
		{"truncated weights", saved("short", func(dir string) error {
			return editFile(filepath.Join(dir, "weights.bin"), func(b []byte) []byte { return b[:len(b)-4] })
		}), []string{"weights.bin", "bytes"}},
		{"damaged weights", saved("damaged", func(dir string) error {
			return editFile(filepath.Join(dir, "weights.bin"), func(b []byte) []byte { b[0] ^= 1; return b })
		}), []string{"weights.bin", "checksum"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(t, func() error { _, err := Load(tc.dir); return err })
			wantError(t, err, nil, tc.want...)
		})
	}
}

func TestBadInputCheckpoint(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// header is a checkpoint header claiming n payload bytes.
	header := func(version uint32, n uint64) []byte {
		b := append([]byte(CheckpointMagic), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(b[16:], version)
		binary.LittleEndian.PutUint64(b[20:], n)
		return append(b, make([]byte, 32)...)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		want []string
	}{
		{"missing file", filepath.Join(dir, "missing.ckpt"), []string{"missing.ckpt"}},
		{"folder without checkpoints", empty, []string{"empty"}},
		{"empty file", write("empty.ckpt", nil), []string{"empty.ckpt", "truncated"}},
		{"not a checkpoint", write("model.json", []byte(strings.Repeat("{}", 40))), []string{"model.json", "not a gomtl checkpoint"}},
		{"newer version", write("v9.ckpt", header(9, 0)), []string{"v9.ckpt", "format version 9"}},
		{"absurd payload length", write("huge.ckpt", header(CheckpointVersion, 1<<62)), []string{"huge.ckpt", "4611686018427387904 payload bytes"}},
		{"payload that is not gob", write("junk.ckpt", header(CheckpointVersion, 0)), []string{"junk.ckpt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(t, func() error { _, err := OpenCheckpoint(tc.path); return err })
			wantError(t, err, nil, tc.want...)
		})
	}
}

// TestFitBatchLargerThanData checks that a batch far larger than the data
// is clamped to the data instead of allocating a program of padding.
func TestFitBatchLargerThanData(t *testing.T) {
	var h *History
	err := guard(t, func() (err error) {
		h, err = MustNew(syntheticSpec()).Fit(context.Background(), synthetic(50, 1), FitConfig{BatchSize: 1 << 22})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.TrainExamples != 50 {
		t.Errorf("trained on %d examples, want 50", h.TrainExamples)
	}
}
