package mtl

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
)

// TestArchitecturesLearnMNIST trains every architecture briefly on real
// MNIST (digit and parity) and asserts held-out accuracy. The floors sit
// well below what each reaches (hard sharing gets about 0.90 / 0.92 here)
// and far above chance (0.10 / 0.50).
func TestArchitecturesLearnMNIST(t *testing.T) {
	train, test := mnist(t)
	tasks := func() []Task { return []Task{Classify("digit", 10), Classify("parity", 2)} }
	dense := []Layer{Dense(32, ReLU)}
	cascade := tasks()
	cascade[1] = cascade[1].After("digit") // parity reads the digit probabilities
	cascadeStop := tasks()
	cascadeStop[1] = cascadeStop[1].After("digit")
	cascadeStop[1].Cascade.StopGradient = true
	for _, tc := range []struct {
		name  string
		spec  Spec
		limit int
	}{
		{"hard", Spec{Input: []int{784}, Shared: dense, Tasks: tasks()}, 4000},
		{"hard-lenet", LeNet().Spec(tasks()...), 3000},
		{"cross-stitch", Spec{Input: []int{784}, Arch: Arch{Kind: CrossStitchArch}, Shared: dense, Tasks: tasks()}, 4000},
		{"mmoe", Spec{Input: []int{784}, Arch: Arch{Kind: MMoEArch}, Shared: dense, Tasks: tasks()}, 4000},
		{"cgc", Spec{Input: []int{784}, Arch: Arch{Kind: CGCArch}, Shared: dense, Tasks: tasks()}, 4000},
		{"ple", Spec{Input: []int{784}, Arch: Arch{Kind: PLEArch}, Shared: dense, Tasks: tasks()}, 4000},
		{"cascade", Spec{Input: []int{784}, Shared: dense, Tasks: cascade}, 4000},
		{"cascade-stop", Spec{Input: []int{784}, Shared: dense, Tasks: cascadeStop}, 4000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Seed = 1
			m, err := New(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Fit(context.Background(), train, FitConfig{Epochs: 2, Limit: tc.limit, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			res, err := m.Evaluate(context.Background(), test.Head(2000))
			if err != nil {
				t.Fatal(err)
			}
			for task, floor := range map[string]float64{"digit": 0.82, "parity": 0.85} {
				if r, _ := res.Task(task); r.Accuracy < floor {
					t.Errorf("%s: held-out accuracy %.4f, want at least %.2f", task, r.Accuracy, floor)
				}
			}
			t.Logf("digit %.4f parity %.4f", res.Tasks[0].Accuracy, res.Tasks[1].Accuracy)
		})
	}
}

// TestArchitecturesSaveLoad trains each architecture one epoch, saves and
// loads it, and checks the loaded model predicts exactly the same.
func TestArchitecturesSaveLoad(t *testing.T) {
	for _, tc := range archCases() {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			d := threeTasks(40, tc.spec.Input, 2)
			if _, err := m.Fit(context.Background(), d, FitConfig{BatchSize: 16}); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "model")
			if err := m.Save(dir); err != nil {
				t.Fatal(err)
			}
			loaded, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			x := make([][]float32, 10)
			for i := range x {
				x[i] = d.Features[i*d.Width() : (i+1)*d.Width()]
			}
			want, err := m.Predict(context.Background(), x)
			if err != nil {
				t.Fatal(err)
			}
			got, err := loaded.Predict(context.Background(), x)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("loaded model predicts %v, saved one %v", got, want)
			}
			if !reflect.DeepEqual(loaded.Summary(), m.Summary()) {
				t.Errorf("summary after load differs:\n%v\nwant\n%v", loaded.Summary(), m.Summary())
			}
		})
	}
}
