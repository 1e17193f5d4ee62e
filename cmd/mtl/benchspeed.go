package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/graph"
	"github.com/gomtl/gomtl/mtl"
)

// speedUsage is the text of mtl bench speed -h.
const speedUsage = `Usage: mtl bench speed --out DIR [flags]

Measure training throughput on the speed workloads: the seed MLP (MNIST,
Dense 64 ReLU, two heads) at batch 32 and 256, and the LeNet trunk on
MultiMNIST at batch 256. Each round trains every workload for --epochs
epochs in gomtl and, when python3 can import torch and --peer holds the
reference scripts (../shared/bench), runs the PyTorch reference right after
it at each of its thread settings, keeping its best; rounds are repeated
--rounds times and the figures are medians. Reports samples/s of both, the
ratio, the fraction of the GEMM roofline (training FLOPs per sample times
samples/s over the GEMM peak the peer's gemm_peak.py measures), heap
allocations per step and RSS after every epoch, and which BLAS the peer's
torch loaded (a reference BLAS makes its figures not count). Writes
speed.json into --out.

Flags:
`

// A speedWorkload is one workload of mtl bench speed.
type speedWorkload struct {
	Name    string  `json:"name"`
	Dataset string  `json:"dataset"`
	Batch   int     `json:"batch"`
	FLOPs   float64 `json:"train_flops_per_sample"` // 3 × 2 × the forward multiply-adds
	script  string  // the peer's script
	peer    []peerSetting
}

// A peerSetting is one thread setting the peer is run with.
type peerSetting struct {
	Threads  int    `json:"threads"`            // torch.set_num_threads
	OpenBLAS string `json:"openblas,omitempty"` // OPENBLAS_NUM_THREADS; "" leaves it unset
}

// Forward multiply-adds per example: the seed MLP (784·64 + 64·10 + 64·2)
// and MultiMNIST's LeNet (conv 10@5×5 on 28×28 → 24×24, conv 20@5×5×10 on
// 12×12 → 8×8, fc 320→50, two heads 50→50→10).
const (
	seedMACs  = 784*64 + 64*10 + 64*2
	lenetMACs = 25*10*24*24 + 250*20*8*8 + 320*50 + 2*(50*50+50*10)
)

// speedWorkloads are the workloads, in order; the thread settings are the
// peer's best ones on 2 cores (../shared/bench/README.md), and both are
// tried.
func speedWorkloads() []speedWorkload {
	seedPeer := []peerSetting{{Threads: 1}, {Threads: 2}}
	lenetPeer := []peerSetting{{Threads: 2, OpenBLAS: "1"}, {Threads: 1}}
	return []speedWorkload{
		{Name: "seed-32", Dataset: "mnist", Batch: 32, FLOPs: 6 * seedMACs, script: "torch_seed.py", peer: seedPeer},
		{Name: "seed-256", Dataset: "mnist", Batch: 256, FLOPs: 6 * seedMACs, script: "torch_seed.py", peer: seedPeer},
		{Name: "multimnist-256", Dataset: "multimnist", Batch: 256, FLOPs: 6 * lenetMACs, script: "torch_multimnist.py", peer: lenetPeer},
	}
}

// speedOptions are the flags of mtl bench speed.
type speedOptions struct {
	out       string
	rounds    int
	epochs    int
	limit     int
	workloads string
	peerDir   string
	python    string
	noPeer    bool
}

// runSpeed runs mtl bench speed with args, the arguments after "speed".
func runSpeed(ctx context.Context, e *env, args []string) error {
	const cmd = "bench speed"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &speedOptions{}
	names := make([]string, 0, 3)
	for _, w := range speedWorkloads() {
		names = append(names, w.Name)
	}
	fs.StringVar(&o.out, "out", "", "write speed.json into `DIR` (required)")
	fs.IntVar(&o.rounds, "rounds", 3, "interleaved rounds of every workload (the figures are medians)")
	fs.IntVar(&o.epochs, "epochs", 2, "epochs per run")
	fs.IntVar(&o.limit, "limit", 0, "train on the first `N` examples only (0: all 60,000; the peer's --train-n)")
	fs.StringVar(&o.workloads, "workloads", strings.Join(names, ","), "the workloads `LIST`: "+orList(names))
	fs.StringVar(&o.peerDir, "peer", defaultPeerDir(), "the folder of the PyTorch reference scripts (GOMTL_PEER_DIR)")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "the Python that runs the peer")
	fs.BoolVar(&o.noPeer, "no-peer", false, "measure gomtl only")
	fs.BoolVar(&e.json, "json", e.json, "print JSON lines on stdout instead of text")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, speedUsage)
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			fmt.Fprint(e.stdout, exitCodesText)
			return nil
		}
		return usageErrorf(cmd, "%v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf(cmd, "unexpected argument %q", fs.Arg(0))
	}
	ws, err := o.validate(names)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	rep, err := o.measure(ctx, e, ws)
	if err != nil {
		return err
	}
	d := &runDir{path: o.out}
	if err := d.writeJSON(speedFile, rep); err != nil {
		return err
	}
	if e.json {
		return e.emit(struct {
			MessageType string `json:"message_type"`
			*speedReport
		}{"speed", rep})
	}
	return writeSpeedTable(e.stdout, rep, filepath.Join(o.out, speedFile))
}

// speedFile is the report mtl bench speed writes.
const speedFile = "speed.json"

// defaultPeerDir is GOMTL_PEER_DIR, or ../shared/bench when it exists.
func defaultPeerDir() string {
	if d := os.Getenv("GOMTL_PEER_DIR"); d != "" {
		return d
	}
	if _, err := os.Stat(filepath.Join("..", "shared", "bench", "torch_seed.py")); err == nil {
		return filepath.Join("..", "shared", "bench")
	}
	return ""
}

// validate checks the flags and returns the chosen workloads.
func (o *speedOptions) validate(names []string) ([]speedWorkload, error) {
	const cmd = "bench speed"
	switch {
	case strings.TrimSpace(o.out) == "":
		return nil, usageErrorf(cmd, "--out DIR is required")
	case o.rounds < 1 || o.rounds > 100:
		return nil, usageErrorf(cmd, "--rounds %d, want 1 to 100", o.rounds)
	case o.epochs < 1 || o.epochs > 100:
		return nil, usageErrorf(cmd, "--epochs %d, want 1 to 100", o.epochs)
	case o.limit < 0:
		return nil, usageErrorf(cmd, "--limit %d, want 0 (all) or more", o.limit)
	}
	var ws []speedWorkload
	for _, name := range strings.Split(o.workloads, ",") {
		i := slices.Index(names, strings.TrimSpace(name))
		if i < 0 {
			return nil, usageErrorf(cmd, "--workloads: unknown workload %q, want %s", name, orList(names))
		}
		w := speedWorkloads()[i]
		if slices.ContainsFunc(ws, func(x speedWorkload) bool { return x.Name == w.Name }) {
			return nil, usageErrorf(cmd, "--workloads names %s twice", w.Name)
		}
		ws = append(ws, w)
	}
	return ws, nil
}

// speedReport is speed.json.
type speedReport struct {
	Machine   speedMachine   `json:"machine"`
	Rounds    int            `json:"rounds"`
	Epochs    int            `json:"epochs"`
	Limit     int            `json:"limit,omitempty"`
	Peer      peerInfo       `json:"peer"`
	Workloads []speedResults `json:"workloads"`
}

// speedMachine describes where the figures were taken.
type speedMachine struct {
	CPUs      int    `json:"cpus"`
	CPU       string `json:"cpu"`
	GoVersion string `json:"go"`
	Date      string `json:"date"`
	// BLAS is the library gomtl's matrix products ran on (graph.BLAS).
	BLAS string `json:"gomtl_blas"`
}

// speedResults are one workload's figures.
type speedResults struct {
	speedWorkload
	// Gomtl: samples/s of every epoch of every round, and the median.
	GomtlSamples []float64 `json:"gomtl_samples_per_s"`
	Gomtl        float64   `json:"gomtl_median_samples_per_s"`
	// Peer: its best setting's median samples/s per round, the setting,
	// and the median over rounds; 0 when the peer did not run.
	PeerSamples []float64     `json:"peer_samples_per_s,omitempty"`
	PeerBest    []peerSetting `json:"peer_best_settings,omitempty"`
	Peer        float64       `json:"peer_median_samples_per_s,omitempty"`
	Ratio       float64       `json:"ratio,omitempty"` // gomtl / peer
	// Roofline is gomtl's samples/s × FLOPs per sample over the GEMM peak.
	Roofline     float64 `json:"roofline_fraction,omitempty"`
	PeerRoofline float64 `json:"peer_roofline_fraction,omitempty"`
	// AllocsPerStep and BytesPerStep are heap allocations per training
	// step in the last epoch of the last round.
	AllocsPerStep float64 `json:"allocs_per_step"`
	BytesPerStep  float64 `json:"bytes_per_step"`
	// RSSMiB is the resident set after every epoch of the last round;
	// RSSGrowth is (last − first) / first.
	RSSMiB    []float64 `json:"rss_mib_per_epoch"`
	RSSGrowth float64   `json:"rss_growth"`
}

// measure runs the rounds.
func (o *speedOptions) measure(ctx context.Context, e *env, ws []speedWorkload) (*speedReport, error) {
	rep := &speedReport{Rounds: o.rounds, Epochs: o.epochs, Limit: o.limit,
		Machine: speedMachine{CPUs: runtime.NumCPU(), CPU: cpuName(), GoVersion: runtime.Version(), Date: e.now().UTC().Format(time.RFC3339), BLAS: graph.BLAS}}
	peer := newPeer(o)
	rep.Peer = peer.info
	if peer.ok() {
		peak, err := peer.gemmPeak(ctx)
		if err != nil {
			return nil, err
		}
		rep.Peer.GEMMPeak = peak
	}
	data := map[string]map[string]*datasets.Dataset{}
	for _, w := range ws {
		rep.Workloads = append(rep.Workloads, speedResults{speedWorkload: w})
	}
	for round := 1; round <= o.rounds; round++ {
		for i := range rep.Workloads {
			r := &rep.Workloads[i]
			if err := o.runGomtl(ctx, e, r, data, round); err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", r.Name, round, err)
			}
			if peer.ok() {
				best, set, err := peer.train(ctx, r.speedWorkload, o)
				if err != nil {
					return nil, fmt.Errorf("%s, round %d: the peer: %w", r.Name, round, err)
				}
				r.PeerSamples, r.PeerBest = append(r.PeerSamples, best), append(r.PeerBest, set)
			}
			if !e.json {
				fmt.Fprintf(e.stderr, "round %d/%d %-15s gomtl %8.0f samples/s", round, o.rounds, r.Name, r.GomtlSamples[len(r.GomtlSamples)-1])
				if peer.ok() {
					fmt.Fprintf(e.stderr, "   torch %8.0f samples/s", r.PeerSamples[len(r.PeerSamples)-1])
				}
				fmt.Fprintln(e.stderr)
			}
		}
	}
	for i := range rep.Workloads {
		r := &rep.Workloads[i]
		r.Gomtl = median(r.GomtlSamples)
		if rep.Peer.GEMMPeak > 0 {
			r.Roofline = r.Gomtl * r.FLOPs / (rep.Peer.GEMMPeak * 1e9)
		}
		if len(r.PeerSamples) > 0 {
			r.Peer = median(r.PeerSamples)
			r.Ratio = r.Gomtl / r.Peer
			if rep.Peer.GEMMPeak > 0 {
				r.PeerRoofline = r.Peer * r.FLOPs / (rep.Peer.GEMMPeak * 1e9)
			}
		}
	}
	return rep, nil
}

// runGomtl trains workload r once for the configured epochs and records
// its figures.
func (o *speedOptions) runGomtl(ctx context.Context, e *env, r *speedResults, data map[string]map[string]*datasets.Dataset, round int) error {
	t := &trainOptions{}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	t.register(fs)
	args := []string{"--dataset", r.Dataset, "--batch", strconv.Itoa(r.Batch), "--epochs", strconv.Itoa(o.epochs),
		"--val-split", "0", "--limit", strconv.Itoa(o.limit), "--seed", strconv.Itoa(round)}
	if err := fs.Parse(args); err != nil {
		return err
	}
	t.set = setFlags(fs)
	d, spec, err := t.prepare()
	if err != nil {
		return err
	}
	train, ok := data[r.Dataset]
	if !ok {
		if train, err = d.loadSplit(t.src, spec, datasets.Train, 0); err != nil {
			return err
		}
		data[r.Dataset] = train
	}
	m, err := mtl.New(spec)
	if err != nil {
		return err
	}
	var before runtime.MemStats
	r.RSSMiB = r.RSSMiB[:0]
	rec := mtl.RecorderFunc(func(ev mtl.Event) {
		switch ev.Kind {
		case mtl.EpochStart:
			runtime.ReadMemStats(&before)
		case mtl.EpochEnd:
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			r.AllocsPerStep = float64(after.Mallocs-before.Mallocs) / float64(ev.Steps)
			r.BytesPerStep = float64(after.TotalAlloc-before.TotalAlloc) / float64(ev.Steps)
			r.GomtlSamples = append(r.GomtlSamples, float64(ev.Examples)/ev.Elapsed.Seconds())
			r.RSSMiB = append(r.RSSMiB, float64(rssBytes())/(1<<20))
		}
	})
	cfg := t.fitConfig(rec)
	if _, err := trainOn(ctx, m, train, cfg); err != nil {
		return err
	}
	if n := len(r.RSSMiB); n > 0 && r.RSSMiB[0] > 0 {
		r.RSSGrowth = (r.RSSMiB[n-1] - r.RSSMiB[0]) / r.RSSMiB[0]
	}
	return nil
}

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// rssBytes reads the process's resident set size from /proc (0 elsewhere).
func rssBytes() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuName reads the CPU's model name from /proc/cpuinfo.
func cpuName() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// writeSpeedTable prints the report as a table.
func writeSpeedTable(w io.Writer, rep *speedReport, path string) error {
	fmt.Fprintf(w, "%s, %d CPUs, %s, gomtl on %s; %d rounds × %d epochs, medians\n", rep.Machine.CPU, rep.Machine.CPUs, rep.Machine.GoVersion, rep.Machine.BLAS, rep.Rounds, rep.Epochs)
	if rep.Peer.Ran {
		fmt.Fprintf(w, "peer: torch %s on %s; GEMM peak %.1f GFLOP/s\n", rep.Peer.Torch, rep.Peer.BLAS, rep.Peer.GEMMPeak)
	} else {
		fmt.Fprintf(w, "peer: not run (%s)\n", rep.Peer.Reason)
	}
	fmt.Fprintf(w, "%-15s %12s %12s %7s %9s %9s %12s %10s\n", "workload", "gomtl/s", "torch/s", "ratio", "roofline", "torch-rf", "allocs/step", "rss-growth")
	for _, r := range rep.Workloads {
		fmt.Fprintf(w, "%-15s %12.0f %12s %7s %9s %9s %12.0f %9.1f%%\n", r.Name, r.Gomtl, orDash(r.Peer, "%.0f"), orDash(r.Ratio, "%.2f×"),
			orDash(100*r.Roofline, "%.1f%%"), orDash(100*r.PeerRoofline, "%.1f%%"), r.AllocsPerStep, 100*r.RSSGrowth)
	}
	_, err := fmt.Fprintf(w, "Report: %s\n", path)
	return err
}

// orDash formats v, or "-" for 0.
func orDash(v float64, format string) string {
	if v == 0 || math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf(format, v)
}
