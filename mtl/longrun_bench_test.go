package mtl

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkLongRunRSS trains the seed model on MNIST for 100k steps of
// batch 32 (54 epochs, a checkpoint at every epoch's end) and reports the
// resident set size after the first 10k steps and at the end: it fails
// when RSS grew by more than 5%, or when goroutines are left running
// after Fit returns. Run it with make bench-memory (about 4 minutes).
func BenchmarkLongRunRSS(b *testing.B) {
	train, _ := mnist(b)
	const steps, warm = 100_000, 10_000
	goroutines := runtime.NumGoroutine()
	for i := 0; i < b.N; i++ {
		m := MustNew(seedSpec())
		var rssWarm, rssPeak int64
		var samples []string
		step := 0
		rec := RecorderFunc(func(e Event) {
			if e.Kind != BatchEnd {
				return
			}
			step++
			if step%warm == 0 {
				rss := residentBytes(b)
				samples = append(samples, strconv.FormatInt(rss>>20, 10))
				if step == warm {
					rssWarm = rss
				}
				rssPeak = max(rssPeak, rss)
			}
		})
		epochs := (steps + 1874) / 1875
		start := time.Now()
		_, err := m.Fit(context.Background(), train, FitConfig{Epochs: epochs, BatchSize: 32, Recorder: rec,
			Checkpoint: CheckpointConfig{Dir: b.TempDir()}})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%d steps in %v; RSS every %d steps (MiB): %s", step, time.Since(start).Round(time.Second), warm, strings.Join(samples, " "))
		growth := float64(rssPeak-rssWarm) / float64(rssWarm)
		b.ReportMetric(float64(rssWarm)/(1<<20), "MiB-rss-at-10k")
		b.ReportMetric(float64(rssPeak)/(1<<20), "MiB-rss-peak")
		b.ReportMetric(100*growth, "%rss-growth")
		if growth > 0.05 {
			b.Errorf("RSS grew by %.1f%% from step %d to the end (%d → %d MiB)", 100*growth, warm, rssWarm>>20, rssPeak>>20)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > goroutines {
		b.Errorf("%d goroutines after training, %d before", n, goroutines)
	}
}

// residentBytes reads the process's resident set size from /proc.
func residentBytes(tb testing.TB) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status on this system")
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Fatal("no VmRSS in /proc/self/status")
	return 0
}
