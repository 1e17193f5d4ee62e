package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePython stands in for python3 + torch: it answers the BLAS probe,
// prints gemm_peak.py's lines and the training scripts' last JSON line
// (the thread count times 1000 samples/s, so the best setting is known).
const fakePython = `#!/bin/sh
if [ "$1" = "-c" ]; then
	echo "9.9.9-fake"
	echo "/usr/lib/x86_64-linux-gnu/${FAKE_BLAS:-openblas-pthread}/libblas.so.3"
	exit 0
fi
script=$(basename "$1"); shift
threads=1
while [ $# -gt 0 ]; do
	case "$1" in
	--threads) threads=$2; shift ;;
	--out) mkdir -p "$2"; touch "$2/multimnist-test-labels.idx"; shift ;;
	esac
	shift
done
case "$script" in
gemm_peak.py) echo "threads=1 n= 1024  median    50.0  best 55.0"; echo "threads=2 n= 2048  median   100.0  best 120.0" ;;
multimnist_gen.py) ;;
*) echo '{"epoch": 1, "samples_per_s": 1}'; echo "{\"median_samples_per_s\": ${threads}000}" ;;
esac
`

// TestBenchSpeed runs mtl bench speed on a little data against a fake
// peer and checks the report: both sides measured, the best thread
// setting kept, the ratio and the roofline fractions computed from them.
func TestBenchSpeed(t *testing.T) {
	dir := t.TempDir()
	peer := filepath.Join(dir, "peer")
	os.MkdirAll(peer, 0o755)
	for _, s := range []string{"torch_seed.py", "torch_multimnist.py", "gemm_peak.py", "multimnist_gen.py"} {
		os.WriteFile(filepath.Join(peer, s), nil, 0o644)
	}
	python := filepath.Join(dir, "python")
	if err := os.WriteFile(python, []byte(fakePython), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	r := runMTL(context.Background(), "bench", "speed", "--out", out, "--rounds", "2", "--epochs", "1", "--limit", "512",
		"--workloads", "seed-32,seed-256", "--peer", peer, "--python", python)
	if r.code != 0 {
		t.Fatal(r)
	}
	var rep speedReport
	raw, err := os.ReadFile(filepath.Join(out, speedFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Peer.Ran || rep.Peer.BLAS != "OpenBLAS" || !rep.Peer.BLASCounts || rep.Peer.GEMMPeak != 100 {
		t.Errorf("peer %+v, want OpenBLAS and a GEMM peak of 100", rep.Peer)
	}
	if len(rep.Workloads) != 2 {
		t.Fatalf("%d workloads, want 2", len(rep.Workloads))
	}
	for _, w := range rep.Workloads {
		if len(w.GomtlSamples) != 2 || w.Gomtl <= 0 || w.AllocsPerStep <= 0 || len(w.RSSMiB) != 1 {
			t.Errorf("%s: gomtl figures %v (median %v), allocs %v, rss %v", w.Name, w.GomtlSamples, w.Gomtl, w.AllocsPerStep, w.RSSMiB)
		}
		if w.Peer != 2000 || len(w.PeerBest) != 2 || w.PeerBest[0].Threads != 2 {
			t.Errorf("%s: peer %v with settings %v, want 2000 at 2 threads", w.Name, w.Peer, w.PeerBest)
		}
		if math.Abs(w.Ratio-w.Gomtl/2000) > 1e-9 || math.Abs(w.Roofline-w.Gomtl*w.FLOPs/100e9) > 1e-12 {
			t.Errorf("%s: ratio %v, roofline %v do not follow from the figures", w.Name, w.Ratio, w.Roofline)
		}
	}
	if !strings.Contains(r.stdout, "seed-256") || !strings.Contains(r.stdout, "OpenBLAS") {
		t.Errorf("table:\n%s", r.stdout)
	}

	// A reference BLAS is reported and its figures flagged.
	t.Setenv("FAKE_BLAS", "blas")
	r = runMTL(context.Background(), "bench", "speed", "--out", out, "--rounds", "1", "--epochs", "1", "--limit", "256",
		"--workloads", "seed-256", "--peer", peer, "--python", python)
	if r.code != 0 || !strings.Contains(r.stdout, "do not count") {
		t.Errorf("reference BLAS not reported: %v", r)
	}

	// Without torch the peer is reported as not run and gomtl still measured.
	r = runMTL(context.Background(), "bench", "speed", "--out", out, "--rounds", "1", "--epochs", "1", "--limit", "256",
		"--workloads", "seed-256", "--peer", peer, "--python", filepath.Join(dir, "no-python"))
	if r.code != 0 || !strings.Contains(r.stdout, "peer: not run") || !strings.Contains(r.stdout, "cannot import torch") {
		t.Errorf("missing torch: %v", r)
	}
}

func TestBenchSpeedUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "speed"}, "--out DIR is required"},
		{[]string{"bench", "speed", "--out", "x", "--rounds", "0"}, "--rounds 0"},
		{[]string{"bench", "speed", "--out", "x", "--workloads", "seed-32,vgg"}, `unknown workload "vgg"`},
		{[]string{"bench", "speed", "--out", "x", "--workloads", "seed-32,seed-32"}, "twice"},
		{[]string{"bench", "--seeds", "2", "speed", "--out", "x"}, "--seeds is a flag of mtl bench, not of mtl bench speed"},
	} {
		r := runMTL(context.Background(), tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: %v, want exit 2 and %q", tc.args, r, tc.want)
		}
	}
}
