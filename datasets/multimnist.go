package datasets

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
)

// MultiMNISTSeed is the seed MultiMNIST derives its training split with;
// its test split uses MultiMNISTSeed+1, so the two splits draw their
// partners from different generator states.
const MultiMNISTSeed uint64 = 2018

// MultiMNISTMean and MultiMNISTStd normalise MultiMNIST pixels: a pixel p
// in [0, 1] becomes the feature (p-MultiMNISTMean)/MultiMNISTStd. They are
// the MNIST training-set mean and standard deviation, the values that
// torchvision's MNIST examples and the MultiMNIST reference implementation
// use.
const (
	MultiMNISTMean = 0.1307
	MultiMNISTStd  = 0.3081
)

// The MultiMNIST canvas: image i at [0:28, 0:28], its partner at
// [6:34, 6:34], both in a multiCanvas×multiCanvas square.
const (
	multiCanvas = 36
	multiShift  = 6
)

// multiMNISTStream is the second PCG seed word (the stream) MultiMNISTFrom
// uses: rand.NewPCG(seed, multiMNISTStream).
const multiMNISTStream = 0x4d4e4953 // "MNIS"

// multiResize returns the canvas row (or column) that row (or column) k of
// the 28×28 result samples: floor((k+0.5)*36/28) = floor((2k+1)*9/14),
// computed in integers. (2k+1)*9 is odd, so never a multiple of 14, and the
// float formula of the reference implementation gives the same values.
func multiResize(k int) int {
	return (2*k + 1) * multiCanvas / (2 * mnistRows)
}

// MultiMNISTFrom derives MultiMNIST (Sener & Koltun, "Multi-Task Learning
// as Multi-Objective Optimization", NeurIPS 2018) from a loaded MNIST
// split, deterministically for a given seed; it reads and writes no files.
// mnist must be valid, of Shape [1 28 28] with pixels in [0, 1] (as
// MNISTFrom gives them, before any normalisation) and have a "digit" label
// set. See the package documentation for the recipe.
//
// The result has mnist.Len() examples of Shape [1 28 28], features
// normalised by (p-MultiMNISTMean)/MultiMNISTStd, and two label sets in
// this order: "left" (the digit of image i) and "right" (the digit of its
// partner), each with the Classes of "digit". Its name is mnist's with the
// prefix "mnist" replaced by "multimnist" ("mnist-train" gives
// "multimnist-train"), or "multimnist-" followed by mnist's name when that
// does not start with "mnist".
func MultiMNISTFrom(mnist *Dataset, seed uint64) (*Dataset, error) {
	if mnist == nil {
		return nil, errors.New("datasets: multimnist: nil MNIST dataset")
	}
	if err := mnist.Validate(); err != nil {
		return nil, err
	}
	if !slices.Equal(mnist.Shape, []int{1, mnistRows, mnistCols}) {
		return nil, fmt.Errorf("datasets: %s: MultiMNIST needs MNIST images of shape [1 %d %d], dataset has shape %v", mnist.name(), mnistRows, mnistCols, mnist.Shape)
	}
	digit, err := mnist.LabelsFor("digit")
	if err != nil {
		return nil, fmt.Errorf("%w; MultiMNIST needs the MNIST \"digit\" labels", err)
	}
	const w = mnistRows * mnistCols
	for i, v := range mnist.Features {
		if v < 0 || v > 1 {
			return nil, fmt.Errorf("datasets: %s: example %d: pixel %d is %v, MultiMNIST needs pixels in [0, 1] (as MNIST gives them, before normalisation)", mnist.name(), i/w, i%w, v)
		}
	}

	n := mnist.Len()
	partner := multiMNISTPartners(n, seed)
	pix := make([]float32, n*w)
	left := make([]int, n)
	right := make([]int, n)
	for i, j := range partner {
		composeMultiMNIST(pix[i*w:(i+1)*w], mnist.Features[i*w:(i+1)*w], mnist.Features[j*w:(j+1)*w])
		left[i] = digit.Values[i]
		right[i] = digit.Values[j]
	}
	for i, p := range pix {
		pix[i] = normalizeMultiMNIST(p)
	}
	return &Dataset{
		Name:     multiMNISTName(mnist.Name),
		Shape:    []int{1, mnistRows, mnistCols},
		Features: pix,
		Labels: []Labels{
			{Task: "left", Classes: digit.Classes, Values: left},
			{Task: "right", Classes: digit.Classes, Values: right},
		},
	}, nil
}

// multiMNISTName returns the name of the MultiMNIST set derived from an
// MNIST set named name.
func multiMNISTName(name string) string {
	if rest, ok := strings.CutPrefix(name, "mnist"); ok {
		return "multimnist" + rest
	}
	if name == "" {
		return "multimnist"
	}
	return "multimnist-" + name
}

// multiMNISTPartners returns the partner of each of n images: partner[i]
// is uniform in [0, n), drawn in order i = 0, 1, ... from
// rand.NewPCG(seed, multiMNISTStream). An image may be its own partner, as
// in the reference implementation.
func multiMNISTPartners(n int, seed uint64) []int {
	src := rand.NewPCG(seed, multiMNISTStream)
	partner := make([]int, n)
	for i := range partner {
		partner[i] = int(uniformBelow(src, uint64(n)))
	}
	return partner
}

// uniformBelow returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method ("Fast Random Integer Generation in an
// Interval", 2019). It is written out here, rather than using
// rand.Rand.IntN, so that MultiMNIST depends only on the PCG stream, whose
// algorithm is fixed, and not on how a Go release maps it to integers:
// the derived set is cached on disk.
func uniformBelow(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// composeMultiMNIST writes to dst (28×28) the MultiMNIST image of a (at
// the top left of the canvas) and b (its partner, at the bottom right):
// pixel (r, c) of dst is canvas pixel (multiResize(r), multiResize(c)),
// where the canvas holds the max of a and b where they overlap and 0 where
// neither reaches.
func composeMultiMNIST(dst, a, b []float32) {
	for r := range mnistRows {
		y := multiResize(r)
		for c := range mnistCols {
			x := multiResize(c)
			var v float32
			if y < mnistRows && x < mnistCols {
				v = a[y*mnistCols+x]
			}
			if yb, xb := y-multiShift, x-multiShift; yb >= 0 && yb < mnistRows && xb >= 0 && xb < mnistCols {
				v = max(v, b[yb*mnistCols+xb])
			}
			dst[r*mnistCols+c] = v
		}
	}
}

// normalizeMultiMNIST returns (p-MultiMNISTMean)/MultiMNISTStd, computed in
// float64 and rounded once to float32.
func normalizeMultiMNIST(p float32) float32 {
	return float32((float64(p) - MultiMNISTMean) / MultiMNISTStd)
}

// multiMNISTTable returns the feature of each cached pixel value v: the
// normalised value of v/255, the MNIST pixel MNISTFrom makes of v.
func multiMNISTTable() *[256]float32 {
	var table [256]float32
	for v := range table {
		table[v] = normalizeMultiMNIST(float32(v) / 255)
	}
	return &table
}

// MultiMNIST returns a split of MultiMNIST: MultiMNISTFrom applied to
// MNIST(split) with seed MultiMNISTSeed for Train and MultiMNISTSeed+1 for
// Test, named "multimnist-train" (60,000 examples) or "multimnist-test"
// (10,000).
//
// The derived images and labels are cached on disk, so that a second call
// (in this process or another) skips loading MNIST and deriving: see the
// package documentation for where and how. The cache is best-effort: a
// missing, unreadable, corrupt or mismatched cache file is rebuilt and
// rewritten, and a cache that cannot be written is skipped; neither is an
// error, and the data returned is the same either way.
func MultiMNIST(split Split) (*Dataset, error) {
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	return multiMNISTCached(cacheDir(), split, MNIST)
}

// multiMNISTCached is MultiMNIST with the cache folder (or "" for none) and
// the MNIST loader given, for tests.
func multiMNISTCached(dir string, split Split, load func(Split) (*Dataset, error)) (*Dataset, error) {
	key := multiCacheKey{split: split, seed: MultiMNISTSeed + uint64(split)}
	path := ""
	if dir != "" {
		path = key.path(dir)
		if c, err := readMultiMNISTCache(path, key); err == nil {
			return c.dataset(split), nil
		}
	}
	mnist, err := load(split)
	if err != nil {
		return nil, err
	}
	d, err := MultiMNISTFrom(mnist, key.seed)
	if err != nil {
		return nil, err
	}
	d.Name = "multimnist-" + split.String()
	if path != "" {
		if c, ok := cacheableMultiMNIST(d); ok {
			// Best-effort: a cache that cannot be written costs only time.
			_ = writeMultiMNISTCache(dir, path, key, c)
		}
	}
	return d, nil
}

// multiMNISTBytes is MultiMNIST in the form it is cached in: pixels in
// [0, 255] before normalisation, and the left and right digits.
type multiMNISTBytes struct {
	n      int
	pixels []byte // n*784, row-major
	labels []byte // n*2: left, right, example after example
}

// dataset returns the Dataset that c holds, normalised exactly as
// MultiMNISTFrom normalises real MNIST (whose pixels are value/255).
func (c *multiMNISTBytes) dataset(split Split) *Dataset {
	table := multiMNISTTable()
	features := make([]float32, len(c.pixels))
	for i, v := range c.pixels {
		features[i] = table[v]
	}
	left := make([]int, c.n)
	right := make([]int, c.n)
	for i := range c.n {
		left[i] = int(c.labels[2*i])
		right[i] = int(c.labels[2*i+1])
	}
	return &Dataset{
		Name:     "multimnist-" + split.String(),
		Shape:    []int{1, mnistRows, mnistCols},
		Features: features,
		Labels: []Labels{
			{Task: "left", Classes: mnistClasses, Values: left},
			{Task: "right", Classes: mnistClasses, Values: right},
		},
	}
}

// cacheableMultiMNIST returns d in cached form, and false unless reading
// that form back gives d exactly: every feature must be the normalised
// value of some v/255 and the labels digits below 10. Real MNIST always
// qualifies.
func cacheableMultiMNIST(d *Dataset) (*multiMNISTBytes, bool) {
	if len(d.Labels) != 2 || d.Labels[0].Classes != mnistClasses || d.Labels[1].Classes != mnistClasses {
		return nil, false
	}
	table := multiMNISTTable()
	n := d.Len()
	c := &multiMNISTBytes{n: n, pixels: make([]byte, len(d.Features)), labels: make([]byte, 2*n)}
	for i, f := range d.Features {
		// Invert the normalisation, then check the guess against the table.
		v := math.Round((float64(f)*MultiMNISTStd + MultiMNISTMean) * 255)
		if v < 0 || v > 255 || table[int(v)] != f {
			return nil, false
		}
		c.pixels[i] = byte(v)
	}
	for t, l := range d.Labels {
		for i, v := range l.Values {
			c.labels[2*i+t] = byte(v)
		}
	}
	return c, true
}
