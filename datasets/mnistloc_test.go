package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// blobMNIST returns n images shaped like MNIST, image k with digit k%10: a
// random rectangle of ink at least 3 pixels on a side (values in [0.3, 1],
// all above MNISTLocInk, so that some survives scaling by 0.5) whose box is
// returned, plus faint pixels (at most 0.2, below the
// threshold) scattered over the whole image.
func blobMNIST(n int, seed uint64) (*Dataset, []inkBox) {
	rng := rand.New(rand.NewPCG(seed, 1))
	images := make([][]float32, n)
	boxes := make([]inkBox, n)
	for k := range images {
		img := make([]float32, 784)
		for range 20 {
			img[rng.IntN(784)] = 0.2 * rng.Float32()
		}
		b := inkBox{y0: rng.IntN(20), x0: rng.IntN(20)}
		b.y1 = b.y0 + 3 + rng.IntN(26-b.y0)
		b.x1 = b.x0 + 3 + rng.IntN(26-b.x0)
		for r := b.y0; r < b.y1; r++ {
			for c := b.x0; c < b.x1; c++ {
				img[r*28+c] = 0.3 + 0.7*rng.Float32()
			}
		}
		images[k], boxes[k] = img, b
	}
	return fakeMNIST("mnist-blob", images), boxes
}

// boxAt returns the "box" target of example i.
func boxAt(t *testing.T, d *Dataset, i int) [4]float32 {
	t.Helper()
	tg, err := d.TargetsFor("box")
	if err != nil {
		t.Fatal(err)
	}
	return [4]float32(tg.Values[4*i : 4*i+4])
}

// checkBoxTight asserts that box, in canvas pixels, is the tight box of the
// pixels above MNISTLocInk of img, a size×size canvas without clutter:
// every such pixel is inside it and each of its four edges touches one.
func checkBoxTight(t *testing.T, img []float32, size int, box [4]float32, what string) {
	t.Helper()
	for k, v := range box {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("%s: box %v: value %d outside [0, 1]", what, box, k)
		}
	}
	x0, y0 := int(math.Round(float64(box[0])*float64(size))), int(math.Round(float64(box[1])*float64(size)))
	x1, y1 := int(math.Round(float64(box[2])*float64(size))), int(math.Round(float64(box[3])*float64(size)))
	if x0 >= x1 || y0 >= y1 {
		t.Fatalf("%s: empty box %v", what, box)
	}
	var top, bottom, left, right bool
	for r := range size {
		for c := range size {
			if img[r*size+c] <= MNISTLocInk {
				continue
			}
			if r < y0 || r >= y1 || c < x0 || c >= x1 {
				t.Fatalf("%s: ink %v at row %d, column %d outside the box rows [%d, %d), columns [%d, %d)", what, img[r*size+c], r, c, y0, y1, x0, x1)
			}
			top = top || r == y0
			bottom = bottom || r == y1-1
			left = left || c == x0
			right = right || c == x1-1
		}
	}
	if !top || !bottom || !left || !right {
		t.Fatalf("%s: box rows [%d, %d), columns [%d, %d) is not tight: ink on top, bottom, left, right edge: %v %v %v %v", what, y0, y1, x0, x1, top, bottom, left, right)
	}
}

// TestMNISTLocByHand checks single images against canvases and boxes
// worked out by hand, on canvases where the digit has only one place.
func TestMNISTLocByHand(t *testing.T) {
	block := make([]float32, 784)
	for r := 5; r < 10; r++ {
		for c := 10; c < 13; c++ {
			block[r*28+c] = 1
		}
	}
	block[20*28+20] = 0.2  // faint: on the canvas, not in the box
	block[0] = MNISTLocInk // not above the threshold: not in the box

	dot := make([]float32, 784)
	dot[10*28+10] = 1

	tests := []struct {
		name   string
		img    []float32
		cfg    MNISTLocConfig
		box    [4]float32
		pixels map[[2]int]float32 // (row, column) → value, worked by hand
	}{
		{
			// Scale 1 on a 28×28 canvas: the image is copied unchanged and
			// the box is rows [5, 10), columns [10, 13).
			name: "block at scale 1",
			img:  block,
			cfg:  MNISTLocConfig{Size: 28, MinScale: 1, MaxScale: 1, Clutter: -1},
			box:  [4]float32{10.0 / 28, 5.0 / 28, 13.0 / 28, 10.0 / 28},
			pixels: map[[2]int]float32{
				{5, 10}: 1, {9, 12}: 1, {4, 10}: 0, {10, 12}: 0, {5, 13}: 0,
				{20, 20}: 0.2, {0, 0}: MNISTLocInk,
			},
		},
		{
			// Scale 2 on a 56×56 canvas: output k samples the input at
			// u = (k+0.5)/2 - 0.5, so columns 19, 20, 21, 22 sample 9.25,
			// 9.75, 10.25, 10.75 and take 0.25, 0.75, 0.75, 0.25 of the
			// dot; pixels are products of a row and a column weight. Only
			// 0.75² = 0.5625 is above 0.25, so the box is rows and
			// columns [20, 22).
			name: "dot at scale 2",
			img:  dot,
			cfg:  MNISTLocConfig{Size: 56, MinScale: 2, MaxScale: 2, Clutter: -1},
			box:  [4]float32{20.0 / 56, 20.0 / 56, 22.0 / 56, 22.0 / 56},
			pixels: map[[2]int]float32{
				{20, 20}: 0.5625, {21, 21}: 0.5625, {19, 19}: 0.0625, {19, 20}: 0.1875,
				{22, 21}: 0.1875, {18, 20}: 0, {20, 23}: 0,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mnist := fakeMNIST("mnist-hand", [][]float32{tt.img})
			mnist.Labels[0].Values[0] = 4
			d, err := MNISTLocFrom(mnist, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			size := tt.cfg.Size
			if d.Name != "mnist-loc-hand" || d.Len() != 1 || !slices.Equal(d.Shape, []int{1, size, size}) {
				t.Fatalf("got %q with %d examples of shape %v", d.Name, d.Len(), d.Shape)
			}
			if !reflect.DeepEqual(d.Labels, []Labels{{Task: "digit", Classes: 10, Values: []int{4}}}) {
				t.Errorf("labels %+v, want digit 4", d.Labels)
			}
			if got := boxAt(t, d, 0); got != tt.box {
				t.Errorf("box %v, want %v", got, tt.box)
			}
			for p, want := range tt.pixels {
				if got := d.Features[p[0]*size+p[1]]; got != want {
					t.Errorf("pixel (%d, %d) = %v, want %v", p[0], p[1], got, want)
				}
			}
			if tt.cfg.MinScale == 1 && !slices.Equal(d.Features, tt.img) {
				t.Errorf("at scale 1 on a 28×28 canvas the image changed")
			}
		})
	}
}

// TestMNISTLocRecipe replays the documented placement draws and checks
// that each unscaled digit sits where they say, and that its box is the
// source image's ink box moved there.
func TestMNISTLocRecipe(t *testing.T) {
	const n, size, seed = 40, 40, 9
	mnist, src := blobMNIST(n, 2)
	d, err := MNISTLocFrom(mnist, MNISTLocConfig{Size: size, MinScale: 1, MaxScale: 1, Clutter: -1, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	place := rand.NewPCG(seed, 0x6c6f6370)
	for i := range n {
		_ = unitFloat(place) // the scale, 1 whatever it draws
		y := int(uniformBelow(place, size-28+1))
		x := int(uniformBelow(place, size-28+1))
		img := d.Features[i*size*size : (i+1)*size*size]
		for r := range size {
			for c := range size {
				want := float32(0)
				if r >= y && r < y+28 && c >= x && c < x+28 {
					want = mnist.Features[i*784+(r-y)*28+c-x]
				}
				if img[r*size+c] != want {
					t.Fatalf("example %d at (%d, %d): pixel (%d, %d) = %v, want %v", i, y, x, r, c, img[r*size+c], want)
				}
			}
		}
		b := src[i]
		want := [4]float32{float32(x+b.x0) / size, float32(y+b.y0) / size, float32(x+b.x1) / size, float32(y+b.y1) / size}
		if got := boxAt(t, d, i); got != want {
			t.Errorf("example %d at (%d, %d): box %v, want %v", i, y, x, got, want)
		}
	}
}

// TestMNISTLocBoxTight checks, over scales up and down, that each box holds
// all of its digit's ink and is tight around it, and lies in [0, 1].
func TestMNISTLocBoxTight(t *testing.T) {
	mnist, _ := blobMNIST(60, 3)
	tests := []struct {
		name string
		cfg  MNISTLocConfig
	}{
		{"defaults", MNISTLocConfig{Clutter: -1, Seed: 1}},
		{"shrink", MNISTLocConfig{Size: 30, MinScale: 0.5, MaxScale: 1, Clutter: -1, Seed: 2}},
		{"grow to the canvas", MNISTLocConfig{Size: 64, MinScale: 1.5, MaxScale: 64.0 / 28, Clutter: -1, Seed: 3}},
		{"odd scales", MNISTLocConfig{Size: 50, MinScale: 1.1, MaxScale: 1.7, Clutter: -1, Seed: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := MNISTLocFrom(mnist, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			size := d.Shape[1]
			for i := range d.Len() {
				img := d.Features[i*size*size : (i+1)*size*size]
				checkBoxTight(t, img, size, boxAt(t, d, i), fmt.Sprintf("example %d", i))
				for p, v := range img {
					if !(v >= 0 && v <= 1) {
						t.Fatalf("example %d: pixel %d is %v, outside [0, 1]", i, p, v)
					}
				}
			}
		})
	}
}

// TestMNISTLocClutter checks that clutter adds ink (the canvas is the max
// of the bare one and the fragments) but moves no digit and changes no box
// or label, and that fragments come from other images only.
func TestMNISTLocClutter(t *testing.T) {
	t.Run("boxes", func(t *testing.T) {
		mnist, _ := blobMNIST(50, 5)
		bare, err := MNISTLocFrom(mnist, MNISTLocConfig{Clutter: -1, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, clutter := range []int{0, 1, 20} {
			d, err := MNISTLocFrom(mnist, MNISTLocConfig{Clutter: clutter, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Targets, bare.Targets) || !reflect.DeepEqual(d.Labels, bare.Labels) {
				t.Fatalf("clutter %d changed the boxes or labels", clutter)
			}
			changed := 0
			for p, v := range d.Features {
				if v < bare.Features[p] {
					t.Fatalf("clutter %d: pixel %d fell from %v to %v", clutter, p, bare.Features[p], v)
				}
				if v != bare.Features[p] {
					changed++
				}
			}
			if changed == 0 {
				t.Errorf("clutter %d changed no pixel", clutter)
			}
		}
	})

	t.Run("from other images", func(t *testing.T) {
		// Two images of flat ink, 0.5 and 0.75, over most of the image, so
		// that every fragment is ink. A pixel that clutter changes in
		// example i must take the other image's value.
		flat := func(v float32) []float32 {
			img := make([]float32, 784)
			for r := 4; r < 24; r++ {
				for c := 4; c < 24; c++ {
					img[r*28+c] = v
				}
			}
			return img
		}
		mnist := fakeMNIST("mnist-flat", [][]float32{flat(0.5), flat(0.75)})
		cfg := MNISTLocConfig{Size: 80, MinScale: 1, MaxScale: 1, Seed: 11}
		d, err := MNISTLocFrom(mnist, cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Clutter = -1
		bare, err := MNISTLocFrom(mnist, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, other := range []float32{0.75, 0.5} {
			changed := 0
			for p := i * 6400; p < (i+1)*6400; p++ {
				if d.Features[p] != bare.Features[p] {
					changed++
					if d.Features[p] != other {
						t.Fatalf("example %d: clutter pixel %d is %v, want %v from the other image", i, p-i*6400, d.Features[p], other)
					}
				}
			}
			if changed < 36 {
				t.Errorf("example %d: clutter changed %d pixels, want at least one 6×6 fragment's worth", i, changed)
			}
		}
	})
}

func TestMNISTLocDeterminism(t *testing.T) {
	mnist, _ := blobMNIST(30, 6)
	build := func(seed uint64) *Dataset {
		t.Helper()
		d, err := MNISTLocFrom(mnist, MNISTLocConfig{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := build(3), build(3)
	if !reflect.DeepEqual(a, b) {
		t.Error("two builds with seed 3 differ")
	}
	for _, seed := range []uint64{4, 3 ^ mnistLocTestSeed} {
		c := build(seed)
		if reflect.DeepEqual(a.Targets, c.Targets) || slices.Equal(a.Features, c.Features) {
			t.Errorf("seeds 3 and %#x give the same boxes or pixels", seed)
		}
	}
	if !reflect.DeepEqual(mnist.Labels, []Labels{
		{Task: "digit", Classes: 10, Values: a.Labels[0].Values},
		{Task: "parity", Classes: 2, Values: mnist.Labels[1].Values},
	}) {
		t.Error("digit labels differ from the source's")
	}
	a.Labels[0].Values[0] = 9
	if mnist.Labels[0].Values[0] == 9 {
		t.Error("the result shares its labels with the source")
	}
}

func TestMNISTLocFromBad(t *testing.T) {
	good := func() *Dataset { d, _ := blobMNIST(3, 1); return d }
	tests := []struct {
		name  string
		mnist *Dataset
		cfg   MNISTLocConfig
		want  string
	}{
		{"nil", nil, MNISTLocConfig{}, "nil MNIST dataset"},
		{"invalid", &Dataset{Name: "x", Shape: []int{1, 28, 28}}, MNISTLocConfig{}, "empty dataset"},
		{"shape", func() *Dataset { d := tiny(2); return d }(), MNISTLocConfig{}, "shape [1 28 28], dataset has shape [2]"},
		{"no digit", func() *Dataset { d := good(); d.Labels = d.Labels[1:]; return d }(), MNISTLocConfig{}, `no task "digit"`},
		{"pixel above 1", func() *Dataset { d := good(); d.Features[784+5] = 2; return d }(), MNISTLocConfig{}, "mnist-blob: example 1: pixel 5 is 2"},
		{"negative pixel", func() *Dataset { d := good(); d.Features[3] = -0.5; return d }(), MNISTLocConfig{}, "example 0: pixel 3 is -0.5"},
		{"blank image", fakeMNIST("mnist-blank", [][]float32{nil, nil}), MNISTLocConfig{}, "mnist-blank: example 0: no pixel above the ink threshold 0.25"},
		{"clutter from one image", func() *Dataset { d, _ := blobMNIST(1, 1); return d }(), MNISTLocConfig{}, "only 1 (set Clutter to -1 for none)"},
		{"size negative", good(), MNISTLocConfig{Size: -1}, "canvas size -1 outside [1, 1024]"},
		{"size too big", good(), MNISTLocConfig{Size: 1025}, "canvas size 1025 outside [1, 1024]"},
		{"digit wider than canvas", good(), MNISTLocConfig{Size: 40}, "maximum scale 1.5 is 42 pixels wide, more than the canvas size 40"},
		{"min scale too small", good(), MNISTLocConfig{MinScale: 0.2}, "minimum scale 0.2, want a finite number >= 0.25"},
		{"min scale negative", good(), MNISTLocConfig{MinScale: -1}, "minimum scale -1"},
		{"min scale NaN", good(), MNISTLocConfig{MinScale: math.NaN()}, "minimum scale NaN"},
		{"min scale Inf", good(), MNISTLocConfig{MinScale: math.Inf(1)}, "minimum scale +Inf"},
		{"max below min", good(), MNISTLocConfig{MinScale: 1.6}, "maximum scale 1.5, want a finite number >= the minimum scale 1.6"},
		{"max NaN", good(), MNISTLocConfig{MaxScale: math.NaN()}, "maximum scale NaN"},
		{"clutter -2", good(), MNISTLocConfig{Clutter: -2}, "-2 clutter fragments outside [-1, 64]"},
		{"clutter 65", good(), MNISTLocConfig{Clutter: 65}, "65 clutter fragments outside [-1, 64]"},
		{"too many pixels", func() *Dataset { d, _ := blobMNIST(513, 1); return d }(), MNISTLocConfig{Size: 1024}, "513 examples on a 1024×1024 canvas is more than 536870912 pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := MNISTLocFrom(tt.mnist, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "datasets: ") {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if d != nil {
				t.Errorf("dataset returned with error %v", err)
			}
		})
	}
}

func TestMNISTLocBadArguments(t *testing.T) {
	tests := []struct {
		name  string
		split Split
		cfg   MNISTLocConfig
		want  string
	}{
		{"split", Split(7), MNISTLocConfig{}, "unknown split Split(7)"},
		{"config", Train, MNISTLocConfig{Size: 20}, "more than the canvas size 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Both are refused before MNIST is loaded.
			if _, err := MNISTLoc(tt.split, tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestMNISTLocName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mnist-train", "mnist-loc-train"},
		{"mnist-test", "mnist-loc-test"},
		{"mnist", "mnist-loc"},
		{"digits", "mnist-loc-digits"},
		{"", "mnist-loc"},
	}
	for _, tt := range tests {
		if got := mnistLocName(tt.in); got != tt.want {
			t.Errorf("mnistLocName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMNISTLocReal builds mnist-loc from the first 3,000 real training
// digits and checks the boxes against a clutter-free build.
func TestMNISTLocReal(t *testing.T) {
	mnist := loadMNIST(t, Train).Head(3000)
	d, err := MNISTLocFrom(mnist, MNISTLocConfig{})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := MNISTLocFrom(mnist, MNISTLocConfig{Clutter: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Name != "mnist-loc-train" || d.Len() != 3000 || !slices.Equal(d.Shape, []int{1, 56, 56}) {
		t.Fatalf("got %q with %d examples of shape %v", d.Name, d.Len(), d.Shape)
	}
	if !slices.Equal(d.Labels[0].Values, mnist.Labels[0].Values) || !reflect.DeepEqual(d.Targets, bare.Targets) {
		t.Fatal("labels differ from MNIST's or boxes from the clutter-free build's")
	}
	const area = 56 * 56
	var meanW, meanH, outside float64
	for i := range d.Len() {
		box := boxAt(t, d, i)
		checkBoxTight(t, bare.Features[i*area:(i+1)*area], 56, box, fmt.Sprintf("example %d", i))
		meanW += float64(box[2] - box[0])
		meanH += float64(box[3] - box[1])
		// Ink outside the box is all clutter.
		x0, y0, x1, y1 := int(box[0]*56+0.5), int(box[1]*56+0.5), int(box[2]*56+0.5), int(box[3]*56+0.5)
		for r := range 56 {
			for c := range 56 {
				if (r < y0 || r >= y1 || c < x0 || c >= x1) && d.Features[i*area+r*56+c] > MNISTLocInk {
					outside++
				}
			}
		}
	}
	n := float64(d.Len())
	// An MNIST digit's ink is about 20 pixels high and 4 to 20 wide at
	// scale 1 (LeCun fitted each digit in a 20×20 box), so 25 high at the
	// mean scale 1.25: about 0.45 of 56.
	if meanH /= n; meanH < 0.35 || meanH > 0.5 {
		t.Errorf("mean box height %.3f, want about 0.45", meanH)
	}
	if meanW /= n; meanW < 0.2 || meanW > meanH {
		t.Errorf("mean box width %.3f, want between 0.2 and the mean height %.3f", meanW, meanH)
	}
	if outside /= n; outside < 10 {
		t.Errorf("%.1f clutter pixels outside the box per image, want some", outside)
	}
	t.Logf("mean box %.3f×%.3f of the canvas, %.1f clutter ink pixels outside it per image", meanW, meanH, outside)
}

// TestMNISTLocTest builds the full test split and checks it against
// MNISTLocFrom with the documented test seed.
func TestMNISTLocTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 10,000 examples")
	}
	cfg := MNISTLocConfig{Clutter: -1, Seed: 5}
	d, err := MNISTLoc(Test, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Name != "mnist-loc-test" || d.Len() != 10000 {
		t.Fatalf("got %q with %d examples", d.Name, d.Len())
	}
	// Without clutter, the first examples depend only on the first images.
	head := loadMNIST(t, Test).Head(100)
	want, err := MNISTLocFrom(head, MNISTLocConfig{Clutter: -1, Seed: 5 ^ 0x9e3779b97f4a7c15})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Head(100); !slices.Equal(got.Features, want.Features) || !reflect.DeepEqual(got.Targets, want.Targets) {
		t.Error("MNISTLoc(Test) differs from MNISTLocFrom with the seed XOR 0x9e3779b97f4a7c15")
	}
	train, err := MNISTLocFrom(head, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(train.Targets, want.Targets) {
		t.Error("the test split draws the same placements as the training split")
	}
}

func TestIoU(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name string
		a, b [4]float32
		want float32 // worked by hand: shared area / (area a + area b - shared area)
	}{
		{"identical", [4]float32{0.1, 0.2, 0.5, 0.7}, [4]float32{0.1, 0.2, 0.5, 0.7}, 1},
		{"disjoint", [4]float32{0, 0, 1, 1}, [4]float32{2, 2, 3, 3}, 0},
		{"disjoint in x only", [4]float32{0, 0, 1, 1}, [4]float32{2, 0, 3, 1}, 0},
		{"touching edge", [4]float32{0, 0, 1, 1}, [4]float32{1, 0, 2, 1}, 0},
		{"diagonal overlap", [4]float32{0, 0, 2, 2}, [4]float32{1, 1, 3, 3}, 1.0 / 7}, // 1 / (4+4-1)
		{"half", [4]float32{0, 0, 1, 1}, [4]float32{0, 0, 0.5, 1}, 0.5},               // 0.5 / (1+0.5-0.5)
		{"contained", [4]float32{0, 0, 4, 4}, [4]float32{1, 1, 2, 2}, 1.0 / 16},       // 1 / (16+1-1)
		{"strip", [4]float32{0, 0, 4, 1}, [4]float32{1, -1, 2, 3}, 1.0 / 7},           // 1 / (4+4-1)
		{"zero width", [4]float32{0, 0, 0, 1}, [4]float32{0, 0, 0, 1}, 0},
		{"point", [4]float32{0.5, 0.5, 0.5, 0.5}, [4]float32{0, 0, 1, 1}, 0},
		{"zero both", [4]float32{}, [4]float32{}, 0},
		{"inverted", [4]float32{1, 1, 0, 0}, [4]float32{0, 0, 1, 1}, 0},
		{"inverted both", [4]float32{1, 1, 0, 0}, [4]float32{1, 1, 0, 0}, 0},
		{"NaN", [4]float32{0, 0, nan, 1}, [4]float32{0, 0, 1, 1}, 0},
		{"infinite", [4]float32{-inf, -inf, inf, inf}, [4]float32{-inf, -inf, inf, inf}, 0},
		{"infinite and finite", [4]float32{0, 0, inf, 1}, [4]float32{0, 0, 1, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ab := range [][2][4]float32{{tt.a, tt.b}, {tt.b, tt.a}} {
				got := IoU(ab[0], ab[1])
				if math.Abs(float64(got-tt.want)) > 1e-7 || math.IsNaN(float64(got)) {
					t.Errorf("IoU(%v, %v) = %v, want %v", ab[0], ab[1], got, tt.want)
				}
			}
		})
	}
}

func ExampleIoU() {
	// Two 2×2 boxes that share a 1×1 corner: 1 / (4 + 4 - 1).
	fmt.Printf("%.4f\n", IoU([4]float32{0, 0, 2, 2}, [4]float32{1, 1, 3, 3}))
	fmt.Println(IoU([4]float32{0, 0, 1, 1}, [4]float32{0, 0, 1, 1}))
	fmt.Println(IoU([4]float32{0, 0, 0, 1}, [4]float32{0, 0, 0, 1}))
	// Output:
	// 0.1429
	// 1
	// 0
}

// BenchmarkMNISTLocFromTrain times the derivation of the full training
// split (MNIST loaded outside the timer).
func BenchmarkMNISTLocFromTrain(b *testing.B) {
	mnist, err := MNIST(Train)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MNISTLocFrom(mnist, MNISTLocConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}
