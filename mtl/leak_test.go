package mtl

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/gomtl/gomtl/mtl/optim"
)

// TestNoGoroutineLeft checks that no goroutine is left running after Fit
// returns, whether it finished, was cancelled or failed.
func TestNoGoroutineLeft(t *testing.T) {
	data := synthetic(200, 1)
	before := runtime.NumGoroutine()
	for _, tc := range []struct {
		name string
		cfg  func(cancel func()) FitConfig
	}{
		{"finished", func(func()) FitConfig { return FitConfig{Epochs: 2, ValidationSplit: 0.2} }},
		{"cancelled", func(cancel func()) FitConfig {
			return FitConfig{Epochs: 2, Callbacks: []Callback{CallbackFunc(func(_ *Training, e Event) error {
				if e.Kind == BatchEnd && e.Step == 2 {
					cancel()
				}
				return nil
			})}}
		}},
		{"failed", func(func()) FitConfig {
			return FitConfig{Epochs: 5, Optimizer: optim.Config{Name: optim.SGDName, LearningRate: 1e30}}
		}},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := MustNew(syntheticSpec()).Fit(ctx, data, tc.cfg(cancel))
		cancel()
		if tc.name != "finished" && err == nil {
			t.Errorf("%s: no error", tc.name)
		}
		deadline := time.Now().Add(time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("%s: %d goroutines after Fit, %d before:\n%s", tc.name, n, before, buf[:runtime.Stack(buf, true)])
		}
	}
}
