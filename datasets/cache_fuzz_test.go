package datasets

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"testing"
)

// FuzzReadMultiMNISTCache checks that readMultiMNISTCache never panics on
// a cache file holding any bytes, and returns either an error naming the
// file and nothing else, or n examples of 28×28 pixels and two digit
// labels each, which writeMultiMNISTCache writes back byte for byte. The
// file is head, then, when fixSum is set, the sha256 line of body and a
// blank line, then body: fixSum lets the fuzzer change the IDX files
// behind a header whose checksum still matches. The seeds are caches of 1
// and 3 examples written by writeMultiMNISTCache when the fuzzing
// starts, whole and split that way, and damaged copies.
func FuzzReadMultiMNISTCache(f *testing.F) {
	key := multiCacheKey{split: Test, seed: MultiMNISTSeed + 1}
	for _, n := range []int{1, 3} {
		c := &multiMNISTBytes{n: n, pixels: make([]byte, n*mnistRows*mnistCols), labels: make([]byte, 2*n)}
		for i := range c.pixels {
			c.pixels[i] = byte(i * 7)
		}
		for i := range c.labels {
			c.labels[i] = byte(i % mnistClasses)
		}
		dir := f.TempDir()
		path := key.path(dir)
		if err := writeMultiMNISTCache(dir, path, key, c); err != nil {
			f.Fatal(err)
		}
		file, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file, []byte(nil), false)
		i := bytes.Index(file, []byte("sha256 "))
		j := bytes.Index(file, []byte("\n\n")) + 2
		head, body := file[:i], file[j:]
		f.Add(head, body, true)
		f.Add(file[:len(file)-1], []byte(nil), false)                                                           // truncated
		f.Add(head, append(bytes.Clone(body), 0), true)                                                         // a byte too many
		f.Add(head, append(bytes.Clone(body[:len(body)-1]), mnistClasses), true)                                // a label of 10
		f.Add(bytes.Replace(head, []byte("seed 2019"), []byte("seed 2018"), 1), body, true)                     // another key
		f.Add(bytes.Replace(head, []byte(fmt.Sprintf("examples %d", n)), []byte("examples 02"), 1), body, true) // a count that is not canonical
	}
	f.Fuzz(func(t *testing.T, head, body []byte, fixSum bool) {
		file := bytes.Clone(head)
		if fixSum {
			file = fmt.Appendf(file, "sha256 %x\n\n", sha256.Sum256(body))
		}
		file = append(file, body...)
		dir := t.TempDir()
		path := key.path(dir)
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := readMultiMNISTCache(path, key)
		if err != nil {
			if c != nil {
				t.Fatalf("cache returned with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "datasets: ") || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if c.n < 1 || len(c.pixels) != c.n*mnistRows*mnistCols || len(c.labels) != 2*c.n {
			t.Fatalf("%d examples with %d pixels and %d labels", c.n, len(c.pixels), len(c.labels))
		}
		for i, l := range c.labels {
			if l >= mnistClasses {
				t.Fatalf("label %d is %d", i, l)
			}
		}
		dir2 := t.TempDir()
		path2 := key.path(dir2)
		if err := writeMultiMNISTCache(dir2, path2, key, c); err != nil {
			t.Fatal(err)
		}
		again, err := os.ReadFile(path2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, file) {
			t.Fatalf("writing the cache read gives another file:\n got %q\nwant %q", again[:min(len(again), 300)], file[:min(len(file), 300)])
		}
	})
}
