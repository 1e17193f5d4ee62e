package datasets

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// CacheEnv is the environment variable that overrides the folder derived
// datasets are cached in; the value "off" turns the cache off.
const CacheEnv = "GOMTL_CACHE"

// multiCacheVersion is the format version of MultiMNIST cache files. Bump
// it whenever the layout or the derivation changes (the recipe, the seeds,
// the RNG), so that files written before are rebuilt rather than used.
const multiCacheVersion = 1

// maxCacheHeader bounds the header of a cache file.
const maxCacheHeader = 1 << 10

// cacheDir returns the folder derived datasets are cached in: $GOMTL_CACHE
// when set and not empty, else the folder gomtl in os.UserCacheDir(). It
// returns "" (no cache) when GOMTL_CACHE is "off" or no user cache folder
// is known.
func cacheDir() string {
	if dir := os.Getenv(CacheEnv); dir != "" {
		if dir == "off" {
			return ""
		}
		return dir
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "gomtl")
}

// multiCacheKey is what a MultiMNIST cache file must have been built from.
type multiCacheKey struct {
	split Split
	seed  uint64
}

// path returns the cache file of k in dir.
func (k multiCacheKey) path(dir string) string {
	return filepath.Join(dir, "multimnist-"+k.split.String()+".cache")
}

// headerPrefix returns the start of the header of k's cache file, up to the
// example count. A file whose header does not start with exactly these
// bytes was built another way and is rebuilt.
func (k multiCacheKey) headerPrefix() string {
	return fmt.Sprintf("gomtl multimnist cache\nversion %d\nsplit %s\nseed %d\nsource %s@%s\nexamples ",
		multiCacheVersion, k.split, k.seed, GoMNISTModule, GoMNISTVersion)
}

// cacheSizes returns the sizes in bytes of the two IDX files of an n-example
// MultiMNIST cache: uint8 images [n 28 28] and uint8 labels [n 2].
func cacheSizes(n int) (img, lbl int) {
	return 4 + 3*4 + n*mnistRows*mnistCols, 4 + 2*4 + 2*n
}

// writeMultiMNISTCache writes c to path, in the folder dir (created if
// missing), atomically: the bytes go to a temporary file in dir that is
// renamed over path once complete, so a reader sees the old file or the new
// one, never a part. The layout is a text header
//
//	gomtl multimnist cache
//	version <multiCacheVersion>
//	split <train|test>
//	seed <seed>
//	source <GoMNISTModule>@<GoMNISTVersion>
//	examples <n>
//	sha256 <64 hex digits: SHA-256 of everything after the blank line>
//	<blank line>
//
// followed by two IDX files as WriteIDX writes them: the pixels, uint8
// [n 28 28] in [0, 255] before normalisation, then the labels, uint8 [n 2]
// (left, right).
func writeMultiMNISTCache(dir, path string, key multiCacheKey, c *multiMNISTBytes) (err error) {
	img := &IDX{Type: IDXUint8, Dims: []int{c.n, mnistRows, mnistCols}, Data: c.pixels}
	lbl := &IDX{Type: IDXUint8, Dims: []int{c.n, 2}, Data: c.labels}
	sum := sha256.New()
	if err := writeIDXPair(sum, img, lbl); err != nil {
		return err
	}
	header := fmt.Sprintf("%s%d\nsha256 %x\n\n", key.headerPrefix(), c.n, sum.Sum(nil))

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("datasets: cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("datasets: cache: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := w.WriteString(header); err != nil {
		return fmt.Errorf("datasets: cache: %s: %w", tmp.Name(), err)
	}
	if err := writeIDXPair(w, img, lbl); err != nil {
		return fmt.Errorf("%w: %s", err, tmp.Name())
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("datasets: cache: %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("datasets: cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("datasets: cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("datasets: cache: %w", err)
	}
	return nil
}

// writeIDXPair writes the two IDX files of a cache file to w.
func writeIDXPair(w io.Writer, img, lbl *IDX) error {
	if err := WriteIDX(w, img); err != nil {
		return err
	}
	return WriteIDX(w, lbl)
}

// readMultiMNISTCache reads the cache file at path, checking everything:
// the header must be exactly the one key's file would have, the file
// exactly as long as its example count says, the SHA-256 of its IDX files
// the one the header records, the IDX files of the right types and shapes
// and the labels digits. Any failure is an error naming path; the caller
// rebuilds the data.
func readMultiMNISTCache(path string, key multiCacheKey) (*multiMNISTBytes, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: cache: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: cache: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("datasets: cache: %s: not a regular file", path)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("datasets: cache: %s: %s", path, fmt.Sprintf(format, args...))
	}

	head := make([]byte, min(st.Size(), maxCacheHeader))
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, fmt.Errorf("datasets: cache: %s: %w", path, err)
	}
	prefix := key.headerPrefix()
	if !bytes.HasPrefix(head, []byte(prefix)) {
		return nil, bad("header is not that of a version %d cache of split %s with seed %d", multiCacheVersion, key.split, key.seed)
	}
	rest := head[len(prefix):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, bad("header ends inside the example count")
	}
	n, err := strconv.Atoi(string(rest[:nl]))
	if err != nil || n < 1 || n > MaxIDXBytes/(mnistRows*mnistCols) || strconv.Itoa(n) != string(rest[:nl]) {
		return nil, bad("bad example count %q", rest[:nl])
	}
	rest = rest[nl+1:]
	const sumLine = len("sha256 ") + 2*sha256.Size + len("\n\n")
	if len(rest) < sumLine || !bytes.HasPrefix(rest, []byte("sha256 ")) || !bytes.Equal(rest[sumLine-2:sumLine], []byte("\n\n")) {
		return nil, bad("bad sha256 line")
	}
	want, err := hex.DecodeString(string(rest[len("sha256 ") : sumLine-2]))
	if err != nil {
		return nil, bad("bad sha256 line: %v", err)
	}
	start := len(head) - len(rest) + sumLine
	imgLen, lblLen := cacheSizes(n)
	if size := int64(start + imgLen + lblLen); st.Size() != size {
		return nil, bad("%d bytes, a cache of %d examples has %d", st.Size(), n, size)
	}

	payload := make([]byte, imgLen+lblLen)
	if _, err := f.ReadAt(payload, int64(start)); err != nil {
		return nil, fmt.Errorf("datasets: cache: %s: %w", path, err)
	}
	if got := sha256.Sum256(payload); !bytes.Equal(got[:], want) {
		return nil, bad("SHA-256 %x, header says %x", got, want)
	}
	img, err := readIDX(bytes.NewReader(payload[:imgLen]), path, int64(imgLen))
	if err != nil {
		return nil, err
	}
	lbl, err := readIDX(bytes.NewReader(payload[imgLen:]), path, int64(lblLen))
	if err != nil {
		return nil, err
	}
	if img.Type != IDXUint8 || len(img.Dims) != 3 || img.Dims[0] != n || img.Dims[1] != mnistRows || img.Dims[2] != mnistCols {
		return nil, bad("images are %s %v, want uint8 [%d %d %d]", img.Type, img.Dims, n, mnistRows, mnistCols)
	}
	if lbl.Type != IDXUint8 || len(lbl.Dims) != 2 || lbl.Dims[0] != n || lbl.Dims[1] != 2 {
		return nil, bad("labels are %s %v, want uint8 [%d 2]", lbl.Type, lbl.Dims, n)
	}
	for i, v := range lbl.Data {
		if v >= mnistClasses {
			return nil, bad("example %d: label %d outside [0, %d)", i/2, v, mnistClasses)
		}
	}
	return &multiMNISTBytes{n: n, pixels: img.Data, labels: lbl.Data}, nil
}
