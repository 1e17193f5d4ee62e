package datasets

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// tiny returns a dataset of n examples of shape [2]: example i has features
// (i, -i) and labels i%3 for task "a" and i%2 for task "b", so every copy
// can be traced back to its source example.
func tiny(n int) *Dataset {
	d := &Dataset{
		Name:     "tiny",
		Shape:    []int{2},
		Features: make([]float32, 0, 2*n),
		Labels: []Labels{
			{Task: "a", Classes: 3, Values: make([]int, n)},
			{Task: "b", Classes: 2, Values: make([]int, n)},
		},
	}
	for i := range n {
		d.Features = append(d.Features, float32(i), -float32(i))
		d.Labels[0].Values[i] = i % 3
		d.Labels[1].Values[i] = i % 2
	}
	return d
}

// withTargets adds two target sets to d, a tiny dataset: "r" of dimension 2
// holding (i, i+0.5) and "s" of dimension 1 holding -2i for example i.
func withTargets(d *Dataset) *Dataset {
	n := len(d.Labels[0].Values)
	d.Targets = []Targets{
		{Task: "r", Dim: 2, Values: make([]float32, 0, 2*n)},
		{Task: "s", Dim: 1, Values: make([]float32, 0, n)},
	}
	for i := range n {
		d.Targets[0].Values = append(d.Targets[0].Values, float32(i), float32(i)+0.5)
		d.Targets[1].Values = append(d.Targets[1].Values, -2*float32(i))
	}
	return d
}

// tinyVariants are the source datasets the copying tests run on: tiny with
// labels only, and tiny with targets too.
var tinyVariants = []struct {
	name string
	make func(n int) *Dataset
}{
	{"labels", tiny},
	{"targets", func(n int) *Dataset { return withTargets(tiny(n)) }},
}

// checkExamples asserts that d holds exactly the tiny examples src, in
// order, with the target sets of withTargets when d's source had them.
func checkExamples(t *testing.T, d *Dataset, src []int) {
	t.Helper()
	checkTargets(t, d, src)
	if err := d.Validate(); err != nil && len(src) > 0 {
		t.Fatalf("Validate: %v", err)
	}
	if d.Len() != len(src) || len(d.Labels) != 2 || !reflect.DeepEqual(d.Shape, []int{2}) {
		t.Fatalf("got %d examples of shape %v with %d tasks, want %d of [2] with 2", d.Len(), d.Shape, len(d.Labels), len(src))
	}
	for j, i := range src {
		if f := d.Features[2*j : 2*j+2]; f[0] != float32(i) || f[1] != -float32(i) {
			t.Errorf("example %d has features %v, want those of source example %d", j, f, i)
		}
		if a, b := d.Labels[0].Values[j], d.Labels[1].Values[j]; a != i%3 || b != i%2 {
			t.Errorf("example %d has labels %d %d, want %d %d", j, a, b, i%3, i%2)
		}
	}
	if d.Labels[0].Task != "a" || d.Labels[0].Classes != 3 || d.Labels[1].Task != "b" || d.Labels[1].Classes != 2 {
		t.Errorf("tasks changed: %+v %+v", d.Labels[0], d.Labels[1])
	}
}

// checkTargets asserts that d has the target sets of withTargets for the
// examples src, or none when d has no Targets.
func checkTargets(t *testing.T, d *Dataset, src []int) {
	t.Helper()
	if d.Targets == nil {
		return
	}
	if len(d.Targets) != 2 || d.Targets[0].Task != "r" || d.Targets[0].Dim != 2 || d.Targets[1].Task != "s" || d.Targets[1].Dim != 1 {
		t.Fatalf("target sets changed: %+v", d.Targets)
	}
	r, s := d.Targets[0].Values, d.Targets[1].Values
	if len(r) != 2*len(src) || len(s) != len(src) {
		t.Fatalf("%d and %d target values for %d examples, want %d and %d", len(r), len(s), len(src), 2*len(src), len(src))
	}
	for j, i := range src {
		if r[2*j] != float32(i) || r[2*j+1] != float32(i)+0.5 || s[j] != -2*float32(i) {
			t.Errorf("example %d has targets %v %v, want those of source example %d", j, r[2*j:2*j+2], s[j], i)
		}
	}
}

// checkNoSharing asserts that writing to got leaves src unchanged.
func checkNoSharing(t *testing.T, src, got *Dataset) {
	t.Helper()
	want := tiny(src.Len())
	if src.Targets != nil {
		want = withTargets(want)
	}
	want.Name = src.Name
	for i := range got.Features {
		got.Features[i] = 99
	}
	for _, l := range got.Labels {
		for i := range l.Values {
			l.Values[i] = 99
		}
	}
	for i := range got.Shape {
		got.Shape[i] = 99
	}
	for _, tg := range got.Targets {
		for i := range tg.Values {
			tg.Values[i] = 99
		}
	}
	if len(got.Labels) > 0 {
		got.Labels[0].Task = "changed"
	}
	if len(got.Targets) > 0 {
		got.Targets[0].Task = "changed"
	}
	if !reflect.DeepEqual(src, want) {
		t.Errorf("writing to the result changed the source")
	}
}

func TestDatasetLenWidth(t *testing.T) {
	tests := []struct {
		name       string
		d          *Dataset
		len, width int
	}{
		{"nil", nil, 0, 0},
		{"zero value", &Dataset{}, 0, 0},
		{"features without shape", &Dataset{Features: make([]float32, 6)}, 0, 0},
		{"mnist shape", &Dataset{Shape: []int{1, 28, 28}, Features: make([]float32, 3*784)}, 3, 784},
		{"partial example", &Dataset{Shape: []int{2}, Features: make([]float32, 5)}, 2, 2},
		{"zero dimension", &Dataset{Shape: []int{2, 0}, Features: make([]float32, 4)}, 0, 0},
		{"negative dimension", &Dataset{Shape: []int{-1, -2}, Features: make([]float32, 4)}, 0, 0},
		{"overflowing shape", &Dataset{Shape: []int{math.MaxInt / 2, 3}, Features: make([]float32, 4)}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Len(); got != tt.len {
				t.Errorf("Len() = %d, want %d", got, tt.len)
			}
			if got := tt.d.Width(); got != tt.width {
				t.Errorf("Width() = %d, want %d", got, tt.width)
			}
		})
	}
}

func TestDatasetValidate(t *testing.T) {
	tests := []struct {
		name   string
		d      func() *Dataset
		is     error  // want errors.Is(err, is) when not nil
		substr string // want the error to contain it; "" wants no error
	}{
		{"valid", func() *Dataset { return tiny(4) }, nil, ""},
		{"no tasks", func() *Dataset { d := tiny(4); d.Labels = nil; return d }, nil, ""},
		{"nil", func() *Dataset { return nil }, ErrEmpty, "datasets: nil dataset"},
		{"zero value", func() *Dataset { return &Dataset{} }, ErrEmpty, "datasets: unnamed dataset: empty dataset"},
		{"no examples", func() *Dataset { return tiny(0) }, ErrEmpty, "datasets: tiny: empty dataset"},
		{"nil shape", func() *Dataset { d := tiny(4); d.Shape = nil; return d }, nil, "datasets: tiny: shape is empty"},
		{"zero in shape", func() *Dataset { d := tiny(4); d.Shape = []int{2, 0}; return d }, nil, "datasets: tiny: shape [2 0]: dimension 1 is 0"},
		{"partial example", func() *Dataset { d := tiny(4); d.Features = d.Features[:7]; return d }, nil,
			"datasets: tiny: 7 features is not a whole number of examples of width 2 (shape [2])"},
		{"NaN", func() *Dataset { d := tiny(4); d.Features[5] = float32(math.NaN()); return d }, nil, "datasets: tiny: example 2: feature 1 is NaN"},
		{"+Inf", func() *Dataset { d := tiny(4); d.Features[6] = float32(math.Inf(1)); return d }, nil, "datasets: tiny: example 3: feature 0 is +Inf"},
		{"-Inf", func() *Dataset { d := tiny(4); d.Features[0] = float32(math.Inf(-1)); return d }, nil, "datasets: tiny: example 0: feature 0 is -Inf"},
		{"no task name", func() *Dataset { d := tiny(4); d.Labels[1].Task = ""; return d }, nil, "datasets: tiny: label set 1 has no task name"},
		{"duplicate task", func() *Dataset { d := tiny(4); d.Labels[1].Task = "a"; return d }, nil, `datasets: tiny: task "a": duplicate task name`},
		{"zero classes", func() *Dataset { d := tiny(4); d.Labels[1].Classes = 0; return d }, nil, `datasets: tiny: task "b": 0 classes, want >= 1`},
		{"short labels", func() *Dataset { d := tiny(4); d.Labels[0].Values = d.Labels[0].Values[:3]; return d }, nil, `datasets: tiny: task "a": 3 labels for 4 examples`},
		{"long labels", func() *Dataset { d := tiny(4); d.Labels[1].Values = append(d.Labels[1].Values, 0); return d }, nil, `datasets: tiny: task "b": 5 labels for 4 examples`},
		{"negative label", func() *Dataset { d := tiny(4); d.Labels[0].Values[2] = -2; return d }, nil, `datasets: tiny: task "a": example 2: label -2 outside [0, 3) (or NoLabel, -1)`},
		{"with targets", func() *Dataset { return withTargets(tiny(4)) }, nil, ""},
		{"targets only", func() *Dataset { d := withTargets(tiny(4)); d.Labels = nil; return d }, nil, ""},
		{"no target task name", func() *Dataset { d := withTargets(tiny(4)); d.Targets[1].Task = ""; return d }, nil,
			"datasets: tiny: target set 1 has no task name"},
		{"duplicate target task", func() *Dataset { d := withTargets(tiny(4)); d.Targets[1].Task = "r"; return d }, nil,
			`datasets: tiny: task "r": duplicate task name`},
		{"target named like labels", func() *Dataset { d := withTargets(tiny(4)); d.Targets[0].Task = "b"; return d }, nil,
			`datasets: tiny: task "b": duplicate task name`},
		{"zero target dim", func() *Dataset { d := withTargets(tiny(4)); d.Targets[0].Dim = 0; return d }, nil,
			`datasets: tiny: task "r": target dimension 0, want >= 1`},
		{"negative target dim", func() *Dataset { d := withTargets(tiny(4)); d.Targets[1].Dim = -3; return d }, nil,
			`datasets: tiny: task "s": target dimension -3, want >= 1`},
		{"huge target dim", func() *Dataset { d := withTargets(tiny(4)); d.Targets[1].Dim = math.MaxInt/2 + 1; return d }, nil,
			`datasets: tiny: task "s": 4 target values for 4 examples of dimension`},
		{"short targets", func() *Dataset { d := withTargets(tiny(4)); d.Targets[0].Values = d.Targets[0].Values[:7]; return d }, nil,
			`datasets: tiny: task "r": 7 target values for 4 examples of dimension 2`},
		{"long targets", func() *Dataset {
			d := withTargets(tiny(4))
			d.Targets[1].Values = append(d.Targets[1].Values, 0)
			return d
		}, nil,
			`datasets: tiny: task "s": 5 target values for 4 examples of dimension 1`},
		{"wrong target dim", func() *Dataset { d := withTargets(tiny(4)); d.Targets[1].Dim = 2; return d }, nil,
			`datasets: tiny: task "s": 4 target values for 4 examples of dimension 2`},
		{"NaN target", func() *Dataset { d := withTargets(tiny(4)); d.Targets[0].Values[5] = float32(math.NaN()); return d }, nil,
			`datasets: tiny: task "r": example 2: target value 1 is NaN`},
		{"+Inf target", func() *Dataset { d := withTargets(tiny(4)); d.Targets[1].Values[3] = float32(math.Inf(1)); return d }, nil,
			`datasets: tiny: task "s": example 3: target value 0 is +Inf`},
		{"-Inf target", func() *Dataset { d := withTargets(tiny(4)); d.Targets[0].Values[0] = float32(math.Inf(-1)); return d }, nil,
			`datasets: tiny: task "r": example 0: target value 0 is -Inf`},
		{"label too big", func() *Dataset {
			// The example from the package's brief, verbatim.
			d := &Dataset{Name: "mnist-train", Shape: []int{1}, Features: make([]float32, 20),
				Labels: []Labels{{Task: "digit", Classes: 10, Values: make([]int, 20)}}}
			d.Labels[0].Values[17] = 12
			return d
		}, nil, `datasets: mnist-train: task "digit": example 17: label 12 outside [0, 10)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d().Validate()
			if tt.substr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.substr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.substr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Validate() = %v, want an error wrapping %v", err, tt.is)
			}
			if tt.is == nil && errors.Is(err, ErrEmpty) {
				t.Errorf("Validate() = %v wraps ErrEmpty", err)
			}
		})
	}
}

func TestDatasetLabelsFor(t *testing.T) {
	d := tiny(4)
	l, err := d.LabelsFor("b")
	if err != nil || l != &d.Labels[1] {
		t.Fatalf("LabelsFor(b) = %p, %v; want %p", l, err, &d.Labels[1])
	}
	tests := []struct {
		name string
		d    *Dataset
		task string
		want string
	}{
		{"unknown", tiny(4), "c", `datasets: tiny: no task "c" (tasks: "a", "b")`},
		{"unknown with targets", withTargets(tiny(4)), "c", `datasets: tiny: no task "c" (tasks: "a", "b", "r", "s")`},
		{"targets task", withTargets(tiny(4)), "r", `datasets: tiny: task "r" has real-valued targets, not class labels (see TargetsFor)`},
		{"no tasks", &Dataset{Name: "bare"}, "a", `datasets: bare: no task "a" (no tasks)`},
		{"nil", nil, "a", "datasets: nil dataset has no tasks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.d.LabelsFor(tt.task)
			if l != nil || err == nil || err.Error() != tt.want {
				t.Errorf("LabelsFor(%q) = %v, %v; want error %q", tt.task, l, err, tt.want)
			}
		})
	}
}

func TestDatasetTargetsFor(t *testing.T) {
	d := withTargets(tiny(4))
	tg, err := d.TargetsFor("s")
	if err != nil || tg != &d.Targets[1] {
		t.Fatalf("TargetsFor(s) = %p, %v; want %p", tg, err, &d.Targets[1])
	}
	tests := []struct {
		name string
		d    *Dataset
		task string
		want string
	}{
		{"unknown", withTargets(tiny(4)), "c", `datasets: tiny: no task "c" (tasks: "a", "b", "r", "s")`},
		{"targets only", &Dataset{Name: "reg", Targets: []Targets{{Task: "y", Dim: 1}}}, "z", `datasets: reg: no task "z" (tasks: "y")`},
		{"labels task", withTargets(tiny(4)), "a", `datasets: tiny: task "a" has class labels, not real-valued targets (see LabelsFor)`},
		{"no targets", tiny(4), "r", `datasets: tiny: no task "r" (tasks: "a", "b")`},
		{"no tasks", &Dataset{}, "a", `datasets: unnamed dataset: no task "a" (no tasks)`},
		{"nil", nil, "a", "datasets: nil dataset has no tasks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := tt.d.TargetsFor(tt.task)
			if tg != nil || err == nil || err.Error() != tt.want {
				t.Errorf("TargetsFor(%q) = %v, %v; want error %q", tt.task, tg, err, tt.want)
			}
		})
	}
}

func TestDatasetSubset(t *testing.T) {
	tests := []struct {
		name   string
		idx    []int
		substr string // "" wants success
	}{
		{"reorder and repeat", []int{3, 0, 3, 1}, ""},
		{"all", []int{0, 1, 2, 3}, ""},
		{"empty", []int{}, ""},
		{"nil", nil, ""},
		{"past the end", []int{0, 4}, "datasets: tiny: subset index 4 (position 1) outside [0, 4)"},
		{"negative", []int{-1}, "datasets: tiny: subset index -1 (position 0) outside [0, 4)"},
	}
	for _, v := range tinyVariants {
		for _, tt := range tests {
			t.Run(v.name+"/"+tt.name, func(t *testing.T) {
				d := v.make(4)
				got, err := d.Subset(tt.idx)
				if tt.substr != "" {
					if got != nil || err == nil || !strings.Contains(err.Error(), tt.substr) {
						t.Fatalf("Subset(%v) = %v, %v; want an error containing %q", tt.idx, got, err, tt.substr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.Name != "tiny" {
					t.Errorf("Name = %q, want tiny", got.Name)
				}
				checkExamples(t, got, tt.idx)
				checkNoSharing(t, d, got)
			})
		}
	}

	inconsistent := []struct {
		name   string
		spoil  func(d *Dataset)
		substr string
	}{
		{"labels", func(d *Dataset) { d.Labels[1].Values = d.Labels[1].Values[:2] }, `datasets: tiny: task "b": 2 labels for 4 examples`},
		{"targets", func(d *Dataset) { d.Targets[0].Values = d.Targets[0].Values[:7] }, `datasets: tiny: task "r": 7 target values for 4 examples of dimension 2`},
		{"target dim", func(d *Dataset) { d.Targets[1].Dim = 0 }, `datasets: tiny: task "s": target dimension 0, want >= 1`},
	}
	for _, tt := range inconsistent {
		t.Run("inconsistent "+tt.name, func(t *testing.T) {
			d := withTargets(tiny(4))
			tt.spoil(d)
			if got, err := d.Subset([]int{3}); got != nil || err == nil || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("Subset = %v, %v; want an error containing %q", got, err, tt.substr)
			}
		})
	}
	t.Run("nil dataset", func(t *testing.T) {
		var d *Dataset
		if _, err := d.Subset([]int{0}); err == nil {
			t.Error("Subset of nil dataset gave no error")
		}
	})
}

func TestDatasetHead(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{
		{-1, []int{0, 1, 2, 3}},
		{0, []int{0, 1, 2, 3}},
		{1, []int{0}},
		{3, []int{0, 1, 2}},
		{4, []int{0, 1, 2, 3}},
		{9, []int{0, 1, 2, 3}},
	}
	for _, v := range tinyVariants {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/n=%d", v.name, tt.n), func(t *testing.T) {
				d := v.make(4)
				got := d.Head(tt.n)
				if got.Name != "tiny" {
					t.Errorf("Name = %q, want tiny", got.Name)
				}
				checkExamples(t, got, tt.want)
				checkNoSharing(t, d, got)
			})
		}
	}
	t.Run("nil", func(t *testing.T) {
		var d *Dataset
		if d.Head(3) != nil {
			t.Error("Head of nil dataset is not nil")
		}
	})
	t.Run("short labels", func(t *testing.T) {
		// An invalid dataset must not make Head panic.
		d := tiny(4)
		d.Labels[0].Values = d.Labels[0].Values[:1]
		if got := d.Head(3); len(got.Labels[0].Values) != 1 || len(got.Labels[1].Values) != 3 {
			t.Errorf("Head(3) of short labels = %v", got.Labels)
		}
	})
	t.Run("bad targets", func(t *testing.T) {
		// Neither must invalid target sets: short ones are copied as far as
		// they go, ones with a bad Dim whole.
		tests := []struct {
			name  string
			spoil func(d *Dataset)
			want  []int // lengths of the copied r and s values
		}{
			{"short", func(d *Dataset) { d.Targets[0].Values = d.Targets[0].Values[:3] }, []int{3, 3}},
			{"zero dim", func(d *Dataset) { d.Targets[0].Dim = 0 }, []int{8, 3}},
			{"negative dim", func(d *Dataset) { d.Targets[1].Dim = -1 }, []int{6, 4}},
			{"huge dim", func(d *Dataset) { d.Targets[1].Dim = math.MaxInt }, []int{6, 4}},
			{"big dim", func(d *Dataset) { d.Targets[1].Dim = 1 << 40 }, []int{6, 4}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				d := withTargets(tiny(4))
				tt.spoil(d)
				got := d.Head(3)
				if r, s := len(got.Targets[0].Values), len(got.Targets[1].Values); r != tt.want[0] || s != tt.want[1] {
					t.Errorf("Head(3) copied %d and %d target values, want %v", r, s, tt.want)
				}
			})
		}
	})
}

func TestDatasetSplitTail(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		fraction float64
		val      int    // validation examples wanted; -1 wants a nil val
		substr   string // "" wants success
	}{
		// round(0.2*10) = 2: Keras's validation_split=0.2 on 10 examples
		// trains on the first 8 and validates on the last 2.
		{"fifth of ten", 10, 0.2, 2, ""},
		{"zero", 10, 0, -1, ""},
		{"zero of empty", 0, 0, -1, ""},
		{"quarter rounds half up", 10, 0.25, 3, ""}, // round(2.5) = 3
		{"half of three", 3, 0.5, 2, ""},            // round(1.5) = 2
		{"almost all", 10, 0.9, 9, ""},
		{"rounds to no validation", 10, 0.04, 0, "validation fraction 0.04 of 10 examples leaves 10 for training and 0 for validation"},
		{"rounds to no training", 10, 0.96, 0, "leaves 0 for training and 10 for validation"},
		{"empty dataset", 0, 0.5, 0, "leaves 0 for training and 0 for validation"},
		{"one", 10, 1, 0, "validation fraction 1 outside [0, 1)"},
		{"negative", 10, -0.1, 0, "validation fraction -0.1 outside [0, 1)"},
		{"NaN", 10, math.NaN(), 0, "validation fraction NaN outside [0, 1)"},
		{"Inf", 10, math.Inf(1), 0, "validation fraction +Inf outside [0, 1)"},
	}
	for _, v := range tinyVariants {
		for _, tt := range tests {
			t.Run(v.name+"/"+tt.name, func(t *testing.T) {
				d := v.make(tt.n)
				train, val, err := d.SplitTail(tt.fraction)
				if tt.substr != "" {
					if train != nil || val != nil || err == nil || !strings.Contains(err.Error(), tt.substr) {
						t.Fatalf("SplitTail(%v) = %v, %v, %v; want an error containing %q", tt.fraction, train, val, err, tt.substr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				nval := max(tt.val, 0)
				var trainIdx, valIdx []int
				for i := range tt.n {
					if i < tt.n-nval {
						trainIdx = append(trainIdx, i)
					} else {
						valIdx = append(valIdx, i)
					}
				}
				checkExamples(t, train, trainIdx)
				if train.Name != "tiny" {
					t.Errorf("train.Name = %q, want tiny", train.Name)
				}
				checkNoSharing(t, d, train)
				if tt.val < 0 {
					if val != nil {
						t.Errorf("val = %d examples, want nil", val.Len())
					}
					return
				}
				checkExamples(t, val, valIdx)
				if val.Name != "tiny-val" {
					t.Errorf("val.Name = %q, want tiny-val", val.Name)
				}
				checkNoSharing(t, d, val)
			})
		}
	}
	t.Run("inconsistent targets", func(t *testing.T) {
		d := withTargets(tiny(10))
		d.Targets[1].Values = d.Targets[1].Values[:9]
		if _, _, err := d.SplitTail(0.2); err == nil || !strings.Contains(err.Error(), `task "s": 9 target values for 10 examples of dimension 1`) {
			t.Errorf("SplitTail = %v, want a target-length error", err)
		}
	})
	t.Run("inconsistent labels", func(t *testing.T) {
		d := tiny(10)
		d.Labels[0].Values = d.Labels[0].Values[:9]
		if _, _, err := d.SplitTail(0.2); err == nil || !strings.Contains(err.Error(), `task "a": 9 labels for 10 examples`) {
			t.Errorf("SplitTail = %v, want a label-length error", err)
		}
	})
}
