package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// peerInfo describes the PyTorch peer of mtl bench speed.
type peerInfo struct {
	Ran    bool   `json:"ran"`
	Reason string `json:"reason,omitempty"` // why it did not run
	Python string `json:"python,omitempty"`
	Dir    string `json:"dir,omitempty"`
	Torch  string `json:"torch,omitempty"`
	// BLAS is the library torch's matrix products ran on: "OpenBLAS",
	// "MKL", or "reference BLAS (libblas3)", against which its figures do
	// not count (BLASCounts false).
	BLAS       string  `json:"blas,omitempty"`
	BLASCounts bool    `json:"blas_counts"`
	GEMMPeak   float64 `json:"gemm_peak_gflops,omitempty"` // float32, best thread setting
}

// A peer runs the reference scripts.
type peer struct {
	info    peerInfo
	dataDir string // MultiMNIST IDX files for torch_multimnist.py
}

// newPeer finds the peer: the scripts in o.peerDir and a Python that
// imports torch. Without either, the peer is reported as not run.
func newPeer(o *speedOptions) *peer {
	p := &peer{info: peerInfo{Python: o.python, Dir: o.peerDir}, dataDir: filepath.Join(o.out, "peer-data")}
	switch {
	case o.noPeer:
		p.info.Reason = "--no-peer"
		return p
	case o.peerDir == "":
		p.info.Reason = "no reference scripts: set --peer or GOMTL_PEER_DIR"
		return p
	}
	if _, err := os.Stat(filepath.Join(o.peerDir, "torch_seed.py")); err != nil {
		p.info.Reason = fmt.Sprintf("no torch_seed.py in %s", o.peerDir)
		return p
	}
	out, err := exec.Command(o.python, "-c", blasProbe).Output()
	if err != nil {
		p.info.Reason = fmt.Sprintf("%s cannot import torch (install python3-torch and libopenblas0-pthread)", o.python)
		return p
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	p.info.Torch = lines[0]
	maps := strings.ToLower(strings.Join(lines[1:], "\n"))
	switch {
	case strings.Contains(maps, "openblas"):
		p.info.BLAS, p.info.BLASCounts = "OpenBLAS", true
	case strings.Contains(maps, "mkl"):
		p.info.BLAS, p.info.BLASCounts = "MKL", true
	case strings.Contains(maps, "libblas"):
		p.info.BLAS = "reference BLAS (libblas3): the peer's figures do not count; install libopenblas0-pthread"
	default:
		p.info.BLAS = "unknown (no BLAS library mapped)"
	}
	p.info.Ran = true
	return p
}

// blasProbe prints torch's version, then the BLAS libraries mapped into
// the process after a matrix product.
const blasProbe = `import torch
torch.mm(torch.ones(64, 64), torch.ones(64, 64))
print(torch.__version__)
print("\n".join(l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() or "mkl" in l.lower()))`

func (p *peer) ok() bool { return p.info.Ran }

// gemmPeak runs gemm_peak.py and returns its best median GFLOP/s.
func (p *peer) gemmPeak(ctx context.Context) (float64, error) {
	out, err := p.run(ctx, nil, "gemm_peak.py", "--sizes", "1024,2048", "--threads", "1,2")
	if err != nil {
		return 0, err
	}
	best := 0.0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "median" {
				if v, err := strconv.ParseFloat(f[i+1], 64); err == nil {
					best = max(best, v)
				}
			}
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("gemm_peak.py printed no median:\n%s", out)
	}
	return best, nil
}

// train runs the workload's script at each thread setting and returns
// the best median samples/s and its setting.
func (p *peer) train(ctx context.Context, w speedWorkload, o *speedOptions) (float64, peerSetting, error) {
	args := []string{"--bs", strconv.Itoa(w.Batch), "--epochs", strconv.Itoa(o.epochs)}
	if o.limit > 0 {
		args = append(args, "--train-n", strconv.Itoa(o.limit))
	}
	if w.script == "torch_seed.py" {
		args = append(args, "--eval-at", "0")
	} else {
		if err := p.multiMNIST(ctx); err != nil {
			return 0, peerSetting{}, err
		}
		args = append(args, "--data", p.dataDir)
	}
	best, set := 0.0, peerSetting{}
	for _, s := range w.peer {
		var env []string
		if s.OpenBLAS != "" {
			env = []string{"OPENBLAS_NUM_THREADS=" + s.OpenBLAS}
		}
		out, err := p.run(ctx, env, w.script, append(args, "--threads", strconv.Itoa(s.Threads))...)
		if err != nil {
			return 0, set, err
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		var last struct {
			Median float64 `json:"median_samples_per_s"`
		}
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Median <= 0 {
			return 0, set, fmt.Errorf("%s: no median_samples_per_s in its last line %q", w.script, lines[len(lines)-1])
		}
		if last.Median > best {
			best, set = last.Median, s
		}
	}
	return best, set, nil
}

// multiMNIST generates the peer's MultiMNIST files once.
func (p *peer) multiMNIST(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(p.dataDir, "multimnist-test-labels.idx")); err == nil {
		return nil
	}
	_, err := p.run(ctx, nil, "multimnist_gen.py", "--out", p.dataDir)
	return err
}

// run runs one of the peer's scripts and returns its standard output.
func (p *peer) run(ctx context.Context, env []string, script string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, p.info.Python, append([]string{filepath.Join(p.info.Dir, script)}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("%s %s: %v\n%s", script, strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.String(), nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
