package datasets

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fakeMNIST returns an n-image dataset shaped like MNIST: image k has the
// given pixels (a 784-value slice, or nil for blank) and digit k%10.
func fakeMNIST(name string, images [][]float32) *Dataset {
	n := len(images)
	d := &Dataset{
		Name:     name,
		Shape:    []int{1, 28, 28},
		Features: make([]float32, 0, n*784),
		Labels: []Labels{
			{Task: "digit", Classes: 10, Values: make([]int, n)},
			{Task: "parity", Classes: 2, Values: make([]int, n)},
		},
	}
	for k, img := range images {
		if img == nil {
			img = make([]float32, 784)
		}
		d.Features = append(d.Features, img...)
		d.Labels[0].Values[k] = k % 10
		d.Labels[1].Values[k] = k % 2
	}
	return d
}

// markedMNIST returns n images, each blank but for pixels (0, 0) and
// (26, 26), both (k+1)/255 in image k. In MultiMNIST, (0, 0) of the left
// image lands on result pixel (0, 0) and (26, 26) of the right image on
// result pixel (25, 25), where nothing else reaches, so the two markers
// tell which images an example was made from.
func markedMNIST(n int) *Dataset {
	images := make([][]float32, n)
	for k := range images {
		img := make([]float32, 784)
		img[0] = float32(k+1) / 255
		img[26*28+26] = float32(k+1) / 255
		images[k] = img
	}
	return fakeMNIST("mnist-marked", images)
}

// randomMNIST returns n images of random pixels v/255, with a third of
// them 0 as in real digits.
func randomMNIST(n int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 0))
	images := make([][]float32, n)
	for k := range images {
		img := make([]float32, 784)
		for p := range img {
			if rng.IntN(3) > 0 {
				img[p] = float32(rng.IntN(256)) / 255
			}
		}
		images[k] = img
	}
	return fakeMNIST("mnist-random", images)
}

// denorm inverts the MultiMNIST normalisation and scales to [0, 255].
func denorm(f float32) int {
	return int(math.Round((float64(f)*0.3081 + 0.1307) * 255))
}

func TestMultiResize(t *testing.T) {
	// floor((k+0.5)*36/28) by hand: k=2 gives 2.5*36/28 = 3.21, k=19 gives
	// 19.5*36/28 = 25.07, k=26 gives 34.07, k=27 gives 35.36.
	tests := []struct{ k, want int }{{0, 0}, {1, 1}, {2, 3}, {3, 4}, {5, 7}, {6, 8}, {19, 25}, {25, 32}, {26, 34}, {27, 35}}
	for _, tt := range tests {
		if got := multiResize(tt.k); got != tt.want {
			t.Errorf("multiResize(%d) = %d, want %d", tt.k, got, tt.want)
		}
	}
	for k := range 28 {
		if got, want := multiResize(k), int(math.Floor((float64(k)+0.5)*36/28)); got != want {
			t.Errorf("multiResize(%d) = %d, float formula gives %d", k, got, want)
		}
	}
}

// TestMultiMNISTFromByHand checks the recipe on one image, which is
// necessarily its own partner, against pixels worked out by hand.
func TestMultiMNISTFromByHand(t *testing.T) {
	img := make([]float32, 784)
	set := func(y, x int, v float32) { img[y*28+x] = v }
	set(0, 0, 0.5)   // left only: canvas (0, 0)
	set(1, 1, 0.6)   // as left at canvas (1, 1); as right at canvas (7, 7)
	set(7, 7, 0.2)   // left at canvas (7, 7), under the right image's 0.6
	set(2, 2, 0.3)   // as right at canvas (8, 8)
	set(8, 8, 0.9)   // left at canvas (8, 8), over the right image's 0.3
	set(26, 26, 0.7) // as right at canvas (32, 32), which the left image does not reach
	set(27, 27, 1)   // as left at canvas (27, 27); as right at canvas (33, 33), which no result pixel samples
	mnist := fakeMNIST("mnist-one", [][]float32{img})
	mnist.Labels[0].Values[0] = 7

	d, err := MultiMNISTFrom(mnist, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Name != "multimnist-one" || !slices.Equal(d.Shape, []int{1, 28, 28}) || d.Len() != 1 {
		t.Fatalf("got %q with %d examples of shape %v", d.Name, d.Len(), d.Shape)
	}
	if !reflect.DeepEqual(d.Labels, []Labels{{Task: "left", Classes: 10, Values: []int{7}}, {Task: "right", Classes: 10, Values: []int{7}}}) {
		t.Errorf("labels %+v, want left and right 7", d.Labels)
	}
	norm := func(p float32) float32 { return float32((float64(p) - 0.1307) / 0.3081) }
	tests := []struct {
		name string
		r, c int
		want float32 // pixel before normalisation
	}{
		{"left only", 0, 0, 0.5},
		{"left at (1, 1)", 1, 1, 0.6},
		{"overlap, right wins", 5, 5, 0.6}, // s(5) = 7: max(0.2, 0.6)
		{"overlap, left wins", 6, 6, 0.9},  // s(6) = 8: max(0.9, 0.3)
		{"right only", 25, 25, 0.7},        // s(25) = 32: right pixel (26, 26)
		{"left's last row", 21, 21, 1},     // s(21) = 27: max(1, right pixel (21, 21) = 0)
		{"empty canvas edge", 26, 26, 0},   // s(26) = 34: outside both images
		{"empty canvas corner", 27, 27, 0}, // s(27) = 35
		{"blank", 3, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := d.Features[tt.r*28+tt.c], norm(tt.want); got != want {
				t.Errorf("pixel (%d, %d) = %v, want %v (%v normalised)", tt.r, tt.c, got, want, tt.want)
			}
		})
	}
}

// TestMultiMNISTFromCanvas compares MultiMNISTFrom with a direct
// transcription of the reference implementation's numpy code: an explicit
// 36×36 canvas and the float resize formula.
func TestMultiMNISTFromCanvas(t *testing.T) {
	const n, seed = 30, 11
	mnist := randomMNIST(n, 3)
	d, err := MultiMNISTFrom(mnist, seed)
	if err != nil {
		t.Fatal(err)
	}
	partner := multiMNISTPartners(n, seed)
	var idx [28]int
	for k := range idx {
		idx[k] = int(math.Floor((float64(k) + 0.5) * 36 / 28))
	}
	for i, j := range partner {
		var canvas [36][36]float32
		for y := range 28 {
			for x := range 28 {
				canvas[y][x] = mnist.Features[i*784+y*28+x]
			}
		}
		for y := range 28 {
			for x := range 28 {
				canvas[y+6][x+6] = max(canvas[y+6][x+6], mnist.Features[j*784+y*28+x])
			}
		}
		for r := range 28 {
			for c := range 28 {
				want := float32((float64(canvas[idx[r]][idx[c]]) - 0.1307) / 0.3081)
				if got := d.Features[i*784+r*28+c]; got != want {
					t.Fatalf("example %d (partner %d): pixel (%d, %d) = %v, want %v", i, j, r, c, got, want)
				}
			}
		}
		if l, r := d.Labels[0].Values[i], d.Labels[1].Values[i]; l != i%10 || r != j%10 {
			t.Errorf("example %d (partner %d): labels %d %d, want %d %d", i, j, l, r, i%10, j%10)
		}
	}
}

func TestMultiMNISTFromLabels(t *testing.T) {
	const n = 50
	mnist := markedMNIST(n)
	d, err := MultiMNISTFrom(mnist, 5)
	if err != nil {
		t.Fatal(err)
	}
	partners := map[int]bool{}
	for i := range n {
		left := denorm(d.Features[i*784]) - 1
		right := denorm(d.Features[i*784+25*28+25]) - 1
		if left != i || right < 0 || right >= n {
			t.Fatalf("example %d is made of images %d and %d", i, left, right)
		}
		partners[right] = true
		if l, r := d.Labels[0].Values[i], d.Labels[1].Values[i]; l != left%10 || r != right%10 {
			t.Errorf("example %d (images %d and %d): labels %d %d, want %d %d", i, left, right, l, r, left%10, right%10)
		}
	}
	// 50 uniform draws from 50 hit about 50(1-1/e) = 32 images.
	if len(partners) < 20 {
		t.Errorf("only %d distinct partners among %d examples", len(partners), n)
	}
}

func TestMultiMNISTFromDeterminism(t *testing.T) {
	mnist := markedMNIST(40)
	a, err := MultiMNISTFrom(mnist, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MultiMNISTFrom(mnist, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two derivations with seed 9 differ")
	}
	c, err := MultiMNISTFrom(mnist, 10)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.Labels[1].Values, c.Labels[1].Values) {
		t.Error("seeds 9 and 10 give the same partners")
	}
	if !reflect.DeepEqual(mnist, markedMNIST(40)) {
		t.Error("MultiMNISTFrom changed its input")
	}
}

func TestMultiMNISTPartnersUniform(t *testing.T) {
	// 70,000 draws over 7 values: each count is Binomial(70000, 1/7), mean
	// 10,000 and standard deviation 93; 600 is over 6 standard deviations.
	const n, draws = 7, 70000
	src := rand.NewPCG(1, 2)
	var counts [n]int
	for range draws {
		counts[uniformBelow(src, n)]++
	}
	for v, c := range counts {
		if c < draws/n-600 || c > draws/n+600 {
			t.Errorf("value %d drawn %d times of %d, want about %d", v, c, draws, draws/n)
		}
	}
	if got := multiMNISTPartners(1, 3); !slices.Equal(got, []int{0}) {
		t.Errorf("partners of one image = %v, want [0]", got)
	}
}

func TestMultiMNISTName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mnist-train", "multimnist-train"},
		{"mnist-test", "multimnist-test"},
		{"mnist-train-val", "multimnist-train-val"},
		{"mnist", "multimnist"},
		{"digits", "multimnist-digits"},
		{"", "multimnist"},
	}
	for _, tt := range tests {
		if got := multiMNISTName(tt.in); got != tt.want {
			t.Errorf("multiMNISTName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMultiMNISTFromBad(t *testing.T) {
	tests := []struct {
		name   string
		mnist  func() *Dataset
		substr string
	}{
		{"nil", func() *Dataset { return nil }, "datasets: multimnist: nil MNIST dataset"},
		{"empty", func() *Dataset { return fakeMNIST("mnist-none", nil) }, "datasets: mnist-none: empty dataset"},
		{"invalid", func() *Dataset { d := markedMNIST(3); d.Labels[0].Values[2] = 10; return d },
			`datasets: mnist-marked: task "digit": example 2: label 10 outside [0, 10)`},
		{"flat", func() *Dataset { d := markedMNIST(3); d.Shape = []int{784}; return d },
			"datasets: mnist-marked: MultiMNIST needs MNIST images of shape [1 28 28], dataset has shape [784]"},
		{"no digit", func() *Dataset { d := markedMNIST(3); d.Labels = d.Labels[1:]; return d },
			`datasets: mnist-marked: no task "digit" (tasks: "parity"); MultiMNIST needs the MNIST "digit" labels`},
		{"normalised", func() *Dataset { d := markedMNIST(3); d.Features[2*784+5] = -0.42; return d },
			"datasets: mnist-marked: example 2: pixel 5 is -0.42, MultiMNIST needs pixels in [0, 1]"},
		{"0-255", func() *Dataset { d := markedMNIST(3); d.Features[30] = 255; return d },
			"datasets: mnist-marked: example 0: pixel 30 is 255, MultiMNIST needs pixels in [0, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := MultiMNISTFrom(tt.mnist(), 1)
			if d != nil || err == nil || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("MultiMNISTFrom = %v, %v; want an error containing %q", d, err, tt.substr)
			}
		})
	}
}

// TestMultiMNISTReal derives both splits from the real MNIST and checks
// what can be checked without the reference implementation's numpy
// partners: sizes, names, labels and pixels that only the left image
// reaches.
func TestMultiMNISTReal(t *testing.T) {
	tests := []struct {
		split Split
		name  string
		len   int
	}{
		{Test, "multimnist-test", 10000},
		{Train, "multimnist-train", 60000},
	}
	for _, tt := range tests {
		t.Run(tt.split.String(), func(t *testing.T) {
			if tt.split == Train && testing.Short() {
				t.Skip("full training split in -short mode")
			}
			t.Setenv(CacheEnv, t.TempDir())
			d, err := MultiMNIST(tt.split)
			if err != nil {
				t.Fatal(err)
			}
			mnist := loadMNIST(t, tt.split)
			if d.Name != tt.name || d.Len() != tt.len || !slices.Equal(d.Shape, []int{1, 28, 28}) {
				t.Fatalf("got %q with %d examples of shape %v, want %q with %d of [1 28 28]", d.Name, d.Len(), d.Shape, tt.name, tt.len)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			want, err := MultiMNISTFrom(mnist, MultiMNISTSeed+uint64(tt.split))
			if err != nil {
				t.Fatal(err)
			}
			want.Name = tt.name
			if !sameDataset(d, want) {
				t.Fatal("MultiMNIST differs from MultiMNISTFrom(MNIST) with its documented seed")
			}
			hit, err := MultiMNIST(tt.split)
			if err != nil || !sameDataset(hit, d) {
				t.Fatalf("second MultiMNIST call, from the cache (%v), differs from the first", err)
			}
			if !slices.Equal(d.Labels[0].Values, mnist.Labels[0].Values) {
				t.Error(`"left" labels differ from the MNIST digits`)
			}
			var counts [10]int
			for _, v := range d.Labels[1].Values {
				counts[v]++
			}
			for digit, c := range counts {
				// Each digit is about a tenth of MNIST (892 to 6742 of them);
				// uniform partners keep that within a few percent.
				if c < tt.len/14 || c > tt.len/7 {
					t.Errorf("digit %d is the right digit of %d examples", digit, c)
				}
			}
			// Result rows and columns 0..4 sample canvas 0..5, which only the
			// left image reaches.
			lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
			for i := range d.Len() {
				for r := range 5 {
					for c := range 5 {
						got := denorm(d.Features[i*784+r*28+c])
						if want := int(math.Round(float64(mnist.Features[i*784+multiResize(r)*28+multiResize(c)]) * 255)); got != want {
							t.Fatalf("example %d: pixel (%d, %d) is %d/255, MNIST pixel is %d/255", i, r, c, got, want)
						}
					}
				}
			}
			for _, v := range d.Features {
				lo, hi = min(lo, v), max(hi, v)
			}
			// (0-0.1307)/0.3081 = -0.4242 and (1-0.1307)/0.3081 = 2.8215.
			if math.Abs(float64(lo)+0.4242) > 1e-4 || math.Abs(float64(hi)-2.8215) > 1e-4 {
				t.Errorf("features in [%v, %v], want [-0.4242, 2.8215]", lo, hi)
			}
		})
	}
}
