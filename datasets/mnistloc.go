package datasets

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// MNISTLocConfig configures MNISTLoc and MNISTLocFrom. Its zero value gives
// the defaults: a 56×56 canvas, digits scaled by a factor drawn uniformly
// from [1, 1.5], six clutter fragments per image, seed 0.
type MNISTLocConfig struct {
	Size     int     `json:"size,omitempty"`      // canvas side in pixels, 0 means 56; at most 1024
	MinScale float64 `json:"min_scale,omitempty"` // smallest digit scale, 0 means 1; at least 0.25
	MaxScale float64 `json:"max_scale,omitempty"` // largest digit scale, 0 means 1.5; at least MinScale, and round(28*MaxScale) <= Size
	Clutter  int     `json:"clutter,omitempty"`   // clutter fragments per image, 0 means 6, -1 means none; at most 64
	Seed     uint64  `json:"seed,omitempty"`
}

// MNISTLoc defaults and limits.
const (
	mnistLocSize       = 56
	mnistLocMinScale   = 1
	mnistLocMaxScale   = 1.5
	mnistLocClutter    = 6
	mnistLocMaxSize    = 1024
	mnistLocFloorScale = 0.25
	mnistLocMaxClutter = 64
	mnistLocMaxValues  = 1 << 29 // canvas pixels of one dataset (2 GiB of float32)
)

// The clutter fragments are squares of side mnistLocFragMin to
// mnistLocFragMax pixels.
const (
	mnistLocFragMin = 6
	mnistLocFragMax = 8
)

// MNISTLocInk is the ink threshold of MNISTLoc: a pixel of the scaled digit
// is ink, and inside the digit's box, when it is above MNISTLocInk. A
// quarter of full intensity leaves out the faint anti-aliased fringe of
// MNIST strokes (some pixels are as faint as 1/255) and the blur that
// bilinear scaling adds, and keeps every visible stroke.
const MNISTLocInk = 0.25

// The PCG streams of MNISTLocFrom: rand.NewPCG(seed, mnistLocPlaceStream)
// places the digits and rand.NewPCG(seed, mnistLocClutterStream) the
// clutter, so that the clutter setting never moves a digit.
const (
	mnistLocPlaceStream   = 0x6c6f6370 // "locp"
	mnistLocClutterStream = 0x6c6f6363 // "locc"
)

// mnistLocTestSeed is XORed into the seed of the test split by MNISTLoc, so
// that the two splits draw from different streams for every seed.
const mnistLocTestSeed uint64 = 0x9e3779b97f4a7c15

// withDefaults returns cfg with its zero fields replaced by the defaults.
func (cfg MNISTLocConfig) withDefaults() MNISTLocConfig {
	if cfg.Size == 0 {
		cfg.Size = mnistLocSize
	}
	if cfg.MinScale == 0 {
		cfg.MinScale = mnistLocMinScale
	}
	if cfg.MaxScale == 0 {
		cfg.MaxScale = mnistLocMaxScale
	}
	if cfg.Clutter == 0 {
		cfg.Clutter = mnistLocClutter
	}
	return cfg
}

// validate checks cfg, with its defaults filled in.
func (cfg MNISTLocConfig) validate() error {
	switch {
	case cfg.Size < 1 || cfg.Size > mnistLocMaxSize:
		return fmt.Errorf("datasets: mnist-loc: canvas size %d outside [1, %d] (0 means %d)", cfg.Size, mnistLocMaxSize, mnistLocSize)
	case !(cfg.MinScale >= mnistLocFloorScale) || math.IsInf(cfg.MinScale, 0):
		return fmt.Errorf("datasets: mnist-loc: minimum scale %v, want a finite number >= %v (0 means %v)", cfg.MinScale, mnistLocFloorScale, mnistLocMinScale)
	case !(cfg.MaxScale >= cfg.MinScale) || math.IsInf(cfg.MaxScale, 0):
		return fmt.Errorf("datasets: mnist-loc: maximum scale %v, want a finite number >= the minimum scale %v (0 means %v)", cfg.MaxScale, cfg.MinScale, mnistLocMaxScale)
	case math.Round(mnistRows*cfg.MaxScale) > float64(cfg.Size): // in float64: a huge scale overflows int
		return fmt.Errorf("datasets: mnist-loc: a digit at the maximum scale %v is %.0f pixels wide, more than the canvas size %d", cfg.MaxScale, math.Round(mnistRows*cfg.MaxScale), cfg.Size)
	case cfg.Clutter < -1 || cfg.Clutter > mnistLocMaxClutter:
		return fmt.Errorf("datasets: mnist-loc: %d clutter fragments outside [-1, %d] (0 means %d, -1 none)", cfg.Clutter, mnistLocMaxClutter, mnistLocClutter)
	}
	return nil
}

// mnistLocSide returns the side in pixels of a digit at the given scale,
// round(28*scale).
func mnistLocSide(scale float64) int {
	return int(math.Round(mnistRows * scale))
}

// MNISTLoc returns a split of mnist-loc, MNIST turned into a task pair of
// classification and localisation (the "image classification + object
// detection" exercise): each digit sits at a random place and scale on a
// larger canvas strewn with clutter, and the tasks are to name the digit
// and to find its bounding box. It is MNISTLocFrom applied to
// MNIST(split), with seed cfg.Seed for Train and cfg.Seed XOR
// 0x9e3779b97f4a7c15 for Test, so that the two splits draw from different
// streams whatever the seed; the result is named "mnist-loc-train"
// (60,000 examples) or "mnist-loc-test" (10,000). It is not cached: the
// training split builds in about 3 s on two cores, MNIST's loading
// included, and holds 750 MB of float32 pixels at the default size.
//
// Each MNIST image i becomes one example, built thus:
//
//  1. its scale, uniform in [MinScale, MaxScale), gives the digit's side
//     s = round(28*scale) pixels; the 28×28 image is resized to s×s by
//     bilinear interpolation with half-pixel centres (output pixel k
//     samples the input at u = (k+0.5)*28/s - 0.5, clamped to [0, 27], as
//     OpenCV's INTER_LINEAR and PyTorch's interpolate with
//     align_corners=false do; there is no antialiasing below scale 1). At
//     scale 1 the image is copied unchanged;
//  2. the scaled digit is placed with its top-left corner at row y and
//     column x, each uniform in [0, Size-s], on a Size×Size canvas of
//     zeros;
//  3. the "box" target is the tight bounding box of the scaled digit's
//     ink, its pixels above MNISTLocInk, as (x0, y0, x1, y1) divided by
//     Size: x0 and y0 are the first ink column and row on the canvas, x1
//     and y1 one past the last, so every value is in [0, 1] and the box of
//     a digit filling the canvas is (0, 0, 1, 1). It is computed before
//     the clutter is drawn, so clutter never changes it, and every canvas
//     pixel outside it that is above MNISTLocInk is clutter. IoU scores a
//     predicted box against it;
//  4. cfg.Clutter fragments (6 by default) are pasted on the canvas, each
//     pixel the max of the fragment's and the canvas's: a fragment is an
//     f×f square, f uniform in [6, 8], cut at native scale from another
//     MNIST image j (uniform over the other images, never i itself), with
//     its top-left corner at (cy - ⌊f/2⌋, cx - ⌊f/2⌋) for a row cy and a
//     column cx drawn uniformly from j's ink box (its pixels above
//     MNISTLocInk; the whole image when it has none), moved inside the
//     28×28 image where the square would cross an edge; it is pasted with
//     its top-left corner uniform in [0, Size-f] in each direction. A
//     fragment shows a piece of stroke but not a digit, so a detector
//     cannot find the digit by finding ink.
//
// All draws come from math/rand/v2's PCG: the scale, then y, then x of
// each image in order from rand.NewPCG(seed, 0x6c6f6370), and, for each
// image in order and each of its fragments, j, f, cy, cx, then the
// fragment's row and column on the canvas from
// rand.NewPCG(seed, 0x6c6f6363). Integers are drawn by Lemire's
// multiply-and-reject method and the scale as MinScale +
// u*(MaxScale-MinScale) with u = (a>>11)/2⁵³ for the next 64-bit output a,
// so the data depends on the PCG algorithm only, never on the Go release. Turning clutter off or on changes the pixels
// but moves no digit and changes no box.
//
// The result has Shape [1 Size Size] with pixels in [0, 1], one label set,
// "digit" (MNIST's, 10 classes), and one target set, "box" (Dim 4), in
// that order.
func MNISTLoc(split Split, cfg MNISTLocConfig) (*Dataset, error) {
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	if err := cfg.withDefaults().validate(); err != nil {
		return nil, err
	}
	mnist, err := MNIST(split)
	if err != nil {
		return nil, err
	}
	if split == Test {
		cfg.Seed ^= mnistLocTestSeed
	}
	d, err := MNISTLocFrom(mnist, cfg)
	if err != nil {
		return nil, err
	}
	d.Name = "mnist-loc-" + split.String()
	return d, nil
}

// MNISTLocFrom derives mnist-loc from a loaded MNIST split with the given
// configuration, deterministically for a given cfg.Seed; it reads and
// writes no files. See MNISTLoc for the construction. mnist must be valid,
// of Shape [1 28 28] with pixels in [0, 1] (as MNISTFrom gives them, before
// any normalisation), have a "digit" label set, and have ink (a pixel above
// MNISTLocInk) in every image; with clutter it must have at least two
// images, so that fragments come from another digit. Labels equal to
// NoLabel are kept.
//
// The result has mnist.Len() examples, one per image in order, and is named
// as mnist is with the prefix "mnist" replaced by "mnist-loc"
// ("mnist-train" gives "mnist-loc-train"), or "mnist-loc-" followed by
// mnist's name when that does not start with "mnist".
func MNISTLocFrom(mnist *Dataset, cfg MNISTLocConfig) (*Dataset, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if mnist == nil {
		return nil, errors.New("datasets: mnist-loc: nil MNIST dataset")
	}
	if err := mnist.Validate(); err != nil {
		return nil, err
	}
	if !slices.Equal(mnist.Shape, []int{1, mnistRows, mnistCols}) {
		return nil, fmt.Errorf("datasets: %s: mnist-loc needs MNIST images of shape [1 %d %d], dataset has shape %v", mnist.name(), mnistRows, mnistCols, mnist.Shape)
	}
	digit, err := mnist.LabelsFor("digit")
	if err != nil {
		return nil, fmt.Errorf("%w; mnist-loc needs the MNIST \"digit\" labels", err)
	}
	const w = mnistRows * mnistCols
	for i, v := range mnist.Features {
		if v < 0 || v > 1 {
			return nil, fmt.Errorf("datasets: %s: example %d: pixel %d is %v, mnist-loc needs pixels in [0, 1] (as MNIST gives them, before normalisation)", mnist.name(), i/w, i%w, v)
		}
	}
	n := mnist.Len()
	if cfg.Clutter > 0 && n < 2 {
		return nil, fmt.Errorf("datasets: %s: mnist-loc clutter is cut from other images, and the dataset has only %d (set Clutter to -1 for none)", mnist.name(), n)
	}
	size := cfg.Size
	area := size * size
	if n > mnistLocMaxValues/area {
		return nil, fmt.Errorf("datasets: %s: mnist-loc of %d examples on a %d×%d canvas is more than %d pixels", mnist.name(), n, size, size, mnistLocMaxValues)
	}

	// The ink box of every source image, for cutting fragments.
	var srcBox []inkBox
	if cfg.Clutter > 0 {
		srcBox = make([]inkBox, n)
		for j := range srcBox {
			b, ok := findInk(mnist.Features[j*w:(j+1)*w], mnistCols, 0, 0, mnistRows, mnistCols)
			if !ok {
				b = inkBox{0, 0, mnistRows, mnistCols}
			}
			srcBox[j] = b
		}
	}

	place := rand.NewPCG(cfg.Seed, mnistLocPlaceStream)
	clutter := rand.NewPCG(cfg.Seed, mnistLocClutterStream)
	pix := make([]float32, n*area)
	boxes := make([]float32, 0, 4*n)
	maxSide := mnistLocSide(cfg.MaxScale)
	scaled := make([]float32, 0, maxSide*maxSide)
	for i := range n {
		scale := cfg.MinScale + unitFloat(place)*(cfg.MaxScale-cfg.MinScale)
		s := min(mnistLocSide(scale), size)
		y := int(uniformBelow(place, uint64(size-s+1)))
		x := int(uniformBelow(place, uint64(size-s+1)))

		canvas := pix[i*area : (i+1)*area]
		scaled = resizeBilinear(scaled[:0], mnist.Features[i*w:(i+1)*w], s)
		for r := range s {
			copy(canvas[(y+r)*size+x:(y+r)*size+x+s], scaled[r*s:(r+1)*s])
		}
		b, ok := findInk(canvas, size, y, x, y+s, x+s)
		if !ok {
			return nil, fmt.Errorf("datasets: %s: example %d: no pixel above the ink threshold %v after scaling by %.4g, so the digit has no box", mnist.name(), i, MNISTLocInk, scale)
		}
		boxes = append(boxes,
			float32(b.x0)/float32(size), float32(b.y0)/float32(size),
			float32(b.x1)/float32(size), float32(b.y1)/float32(size))

		for range max(cfg.Clutter, 0) {
			j := int(uniformBelow(clutter, uint64(n-1)))
			if j >= i {
				j++ // uniform over the images other than i
			}
			f := mnistLocFragMin + int(uniformBelow(clutter, mnistLocFragMax-mnistLocFragMin+1))
			sb := srcBox[j]
			cy := sb.y0 + int(uniformBelow(clutter, uint64(sb.y1-sb.y0)))
			cx := sb.x0 + int(uniformBelow(clutter, uint64(sb.x1-sb.x0)))
			top := min(max(cy-f/2, 0), mnistRows-f)
			left := min(max(cx-f/2, 0), mnistCols-f)
			dy := int(uniformBelow(clutter, uint64(max(size-f+1, 1))))
			dx := int(uniformBelow(clutter, uint64(max(size-f+1, 1))))
			if f > size {
				continue // a canvas smaller than the fragment gets none of it; the draws are made all the same
			}
			src := mnist.Features[j*w : (j+1)*w]
			for r := range f {
				row := canvas[(dy+r)*size+dx : (dy+r)*size+dx+f]
				for c := range row {
					row[c] = max(row[c], src[(top+r)*mnistCols+left+c])
				}
			}
		}
	}
	return &Dataset{
		Name:     mnistLocName(mnist.Name),
		Shape:    []int{1, size, size},
		Features: pix,
		Labels:   []Labels{{Task: "digit", Classes: digit.Classes, Values: slices.Clone(digit.Values)}},
		Targets:  []Targets{{Task: "box", Dim: 4, Values: boxes}},
	}, nil
}

// mnistLocName returns the name of the mnist-loc set derived from an MNIST
// set named name.
func mnistLocName(name string) string {
	if rest, ok := strings.CutPrefix(name, "mnist"); ok {
		return "mnist-loc" + rest
	}
	if name == "" {
		return "mnist-loc"
	}
	return "mnist-loc-" + name
}

// unitFloat returns a uniform float64 in [0, 1): the top 53 bits of the
// next output of src divided by 2⁵³.
func unitFloat(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) / (1 << 53)
}

// inkBox is a rectangle of pixels, rows [y0, y1) and columns [x0, x1).
type inkBox struct{ y0, x0, y1, x1 int }

// findInk returns the tight box of the pixels above MNISTLocInk within rows
// [y0, y1) and columns [x0, x1) of img, an image stride pixels wide, and
// false when there are none.
func findInk(img []float32, stride, y0, x0, y1, x1 int) (inkBox, bool) {
	b := inkBox{y0: y1, x0: x1, y1: y0, x1: x0}
	for r := y0; r < y1; r++ {
		for c := x0; c < x1; c++ {
			if img[r*stride+c] > MNISTLocInk {
				b.y0, b.y1 = min(b.y0, r), max(b.y1, r+1)
				b.x0, b.x1 = min(b.x0, c), max(b.x1, c+1)
			}
		}
	}
	return b, b.y0 < b.y1
}

// resizeBilinear appends to dst the 28×28 image src resized to s×s by
// bilinear interpolation with half-pixel centres, and returns the result.
// Output pixel (r, c) interpolates src at (v(r), v(c)), with
// v(k) = (k+0.5)*28/s - 0.5 clamped to [0, 27]; at s = 28, v(k) = k and
// the image is unchanged. Values are computed in float64 and clamped to
// [0, 1] against rounding.
func resizeBilinear(dst, src []float32, s int) []float32 {
	type tap struct {
		i0, i1 int
		t      float64
	}
	taps := make([]tap, s)
	for k := range taps {
		u := (float64(k)+0.5)*mnistRows/float64(s) - 0.5
		u = min(max(u, 0), mnistRows-1)
		i0 := int(u)
		taps[k] = tap{i0, min(i0+1, mnistRows-1), u - float64(i0)}
	}
	for _, tr := range taps {
		row0 := src[tr.i0*mnistCols : (tr.i0+1)*mnistCols]
		row1 := src[tr.i1*mnistCols : (tr.i1+1)*mnistCols]
		for _, tc := range taps {
			top := float64(row0[tc.i0]) + tc.t*(float64(row0[tc.i1])-float64(row0[tc.i0]))
			bot := float64(row1[tc.i0]) + tc.t*(float64(row1[tc.i1])-float64(row1[tc.i0]))
			v := top + tr.t*(bot-top)
			dst = append(dst, float32(min(max(v, 0), 1)))
		}
	}
	return dst
}

// IoU returns the intersection over union of the boxes a and b, each
// (x0, y0, x1, y1) with x0 <= x1 and y0 <= y1, as MNISTLoc's "box" targets
// are: the area they share divided by the area they cover. It is 1 for
// identical boxes of positive area and 0 for disjoint ones. A box with
// x1 <= x0 or y1 <= y0 is empty, so its IoU with anything is 0, and so is
// the IoU of boxes that touch only along an edge or that hold a NaN; the
// result is never NaN. It is computed in float64.
func IoU(a, b [4]float32) float32 {
	areaA := boxArea(float64(a[0]), float64(a[1]), float64(a[2]), float64(a[3]))
	areaB := boxArea(float64(b[0]), float64(b[1]), float64(b[2]), float64(b[3]))
	inter := boxArea(
		max(float64(a[0]), float64(b[0])), max(float64(a[1]), float64(b[1])),
		min(float64(a[2]), float64(b[2])), min(float64(a[3]), float64(b[3])))
	union := areaA + areaB - inter
	if !(inter > 0) || !(union > 0) {
		return 0
	}
	r := inter / union
	if math.IsNaN(r) {
		return 0 // infinite boxes
	}
	return float32(min(r, 1))
}

// boxArea returns the area of the box (x0, y0, x1, y1), 0 when it is empty
// or holds a NaN, and +Inf when the area overflows.
func boxArea(x0, y0, x1, y1 float64) float64 {
	w, h := x1-x0, y1-y0
	if !(w > 0) || !(h > 0) {
		return 0
	}
	return w * h
}
