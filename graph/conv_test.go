package graph

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// refConv2d is a direct, loop-by-loop cross-correlation of x (batch, c, h,
// w) with kernels w (f, c, k, k) and bias (f), zero-padded by pad and
// moved by stride: the textbook definition the im2col layer must match.
func refConv2d(x []float64, batch, c, h, wd int, w, bias []float64, f, k, stride, pad int) []float64 {
	oh, ow := (h+2*pad-k)/stride+1, (wd+2*pad-k)/stride+1
	out := make([]float64, batch*f*oh*ow)
	for n := 0; n < batch; n++ {
		for o := 0; o < f; o++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					s := bias[o]
					for ch := 0; ch < c; ch++ {
						for p := 0; p < k; p++ {
							for q := 0; q < k; q++ {
								r, col := i*stride+p-pad, j*stride+q-pad
								if r < 0 || r >= h || col < 0 || col >= wd {
									continue
								}
								s += x[((n*c+ch)*h+r)*wd+col] * w[((o*c+ch)*k+p)*k+q]
							}
						}
					}
					out[((n*f+o)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return out
}

// runOnce compiles g to a tape machine, runs it once and closes it.
func runOnce(t *testing.T, g *gorgonia.ExprGraph, opts ...gorgonia.VMOpt) {
	t.Helper()
	vm := gorgonia.NewTapeMachine(g, opts...)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
}

// float64s returns a copy of the float64 values of n.
func float64s(t *testing.T, n *gorgonia.Node) []float64 {
	t.Helper()
	data, ok := n.Value().Data().([]float64)
	if !ok {
		t.Fatalf("%s holds %T, want []float64", n.Name(), n.Value().Data())
	}
	return append([]float64(nil), data...)
}

// setValues copies vals into the float64 tensor bound to n.
func setValues(t *testing.T, n *gorgonia.Node, vals ...float64) {
	t.Helper()
	data := n.Value().Data().([]float64)
	if len(data) != len(vals) {
		t.Fatalf("%s has %d values, got %d", n.Name(), len(data), len(vals))
	}
	copy(data, vals)
}

// maxAbsDiff returns max_i |a_i - b_i|, or +Inf when the lengths differ.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// trainableNodes returns x and every node of b's graph bound to a
// trainable parameter, in graph order.
func trainableNodes(b *Builder, x ...*gorgonia.Node) []*gorgonia.Node {
	wrt := append([]*gorgonia.Node(nil), x...)
	for _, n := range b.G.AllNodes() {
		if b.Params.Trainable(n.Name()) {
			wrt = append(wrt, n)
		}
	}
	return wrt
}

// squaresCost returns Σ r ⊙ y² for a fixed random r of y's shape: a
// non-linear scalar of y whose gradient reaches every element.
func squaresCost(t *testing.T, b *Builder, y *gorgonia.Node, rng *rand.Rand) *gorgonia.Node {
	t.Helper()
	r := must(b.Input("r", y.Shape()...))
	fill(t, r, rng)
	return gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(gorgonia.Must(gorgonia.Square(y)), r))))
}

// TestConv2dInit: the kernel is Glorot-uniform with fanIn C·k² = 27 and
// fanOut filters·k² = 36, so within ±sqrt(6/63); 108 draws come within 10%
// of that limit (all missing it has probability 0.9^108 ≈ 1e-5). The bias
// starts at zero.
func TestConv2dInit(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	must(b.Conv2d("c", must(b.Input("x", 1, 3, 5, 5)), 4, 3, 1, 0))
	limit, largest := math.Sqrt(6.0/63), 0.0
	for _, v := range paramValues(b.Params, "c.w") {
		largest = math.Max(largest, math.Abs(v))
	}
	if largest > limit || largest < 0.9*limit {
		t.Errorf("largest |kernel value| %v, want in [0.9, 1]·%v", largest, limit)
	}
	for _, v := range paramValues(b.Params, "c.b") {
		if v != 0 {
			t.Fatalf("bias starts at %v, want zeros", paramValues(b.Params, "c.b"))
		}
	}
}

func TestConv2dHandValues(t *testing.T) {
	// x is the 3×3 image 1..9, the kernel [[1 2] [3 4]], bias 0.5.
	// Worked by hand: at (0,0) 1·1+2·2+4·3+5·4 = 37, then 47, 67, 77.
	// With padding 1 and stride 2 the windows sit at rows/cols -1 and 1:
	// (-1,-1) sees only x[0][0]·4 = 4; (-1,1) sees x[0][1]·3 + x[0][2]·4 =
	// 6+12 = 18; (1,-1) sees x[1][0]·2 + x[2][0]·4 = 8+28 = 36; (1,1)
	// sees 5·1+6·2+8·3+9·4 = 77.
	for _, tc := range []struct {
		name            string
		stride, padding int
		want            []float64
	}{
		{"stride 1 padding 0", 1, 0, []float64{37.5, 47.5, 67.5, 77.5}},
		{"stride 2 padding 1", 2, 1, []float64{4.5, 18.5, 36.5, 77.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(NewStore(tensor.Float64, 1))
			x := must(b.Input("x", 1, 1, 3, 3))
			setValues(t, x, 1, 2, 3, 4, 5, 6, 7, 8, 9)
			y := must(b.Conv2d("c", x, 1, 2, tc.stride, tc.padding))
			if err := b.Params.Set("c.w", []float64{1, 2, 3, 4}); err != nil {
				t.Fatal(err)
			}
			if err := b.Params.Set("c.b", []float64{0.5}); err != nil {
				t.Fatal(err)
			}
			runOnce(t, b.G)
			if !y.Shape().Eq(tensor.Shape{1, 1, 2, 2}) {
				t.Fatalf("output shape %v, want (1, 1, 2, 2)", y.Shape())
			}
			if got := float64s(t, y); maxAbsDiff(got, tc.want) > 1e-12 {
				t.Errorf("output %v, want %v", got, tc.want)
			}
		})
	}
}

// TestConv2dMatchesReference compares Conv2d with refConv2d on random
// multi-channel inputs, also for two stacked convolutions (the second
// reads the first's transposed output) and in float32.
func TestConv2dMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		dtype                       tensor.Dtype
		batch, c, h, w              int
		filters, k, stride, pad     int
		filters2, k2, stride2, pad2 int // a second convolution when filters2 > 0
	}{
		{name: "3x5x5 k3 s1 p0", dtype: tensor.Float64, batch: 2, c: 3, h: 5, w: 5, filters: 4, k: 3, stride: 1},
		{name: "2x6x7 k3 s2 p1", dtype: tensor.Float64, batch: 3, c: 2, h: 6, w: 7, filters: 3, k: 3, stride: 2, pad: 1},
		{name: "wide 2x8x7 k5 s1 p0", dtype: tensor.Float64, batch: 3, c: 2, h: 8, w: 7, filters: 3, k: 5, stride: 1},
		{name: "float32 wide 3x6x9 k3 s1 p0", dtype: tensor.Float32, batch: 3, c: 3, h: 6, w: 9, filters: 4, k: 3, stride: 1},
		{name: "1x4x4 k1 s1 p0", dtype: tensor.Float64, batch: 1, c: 1, h: 4, w: 4, filters: 2, k: 1, stride: 1},
		{name: "stacked", dtype: tensor.Float64, batch: 2, c: 2, h: 7, w: 6, filters: 3, k: 3, stride: 1, pad: 1, filters2: 2, k2: 2, stride2: 2},
		{name: "float32 stacked", dtype: tensor.Float32, batch: 2, c: 2, h: 7, w: 6, filters: 3, k: 3, stride: 1, pad: 1, filters2: 2, k2: 3, stride2: 1, pad2: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(3))
			b := NewBuilder(NewStore(tc.dtype, 4))
			x := must(b.Input("x", tc.batch, tc.c, tc.h, tc.w))
			xv := make([]float64, x.Shape().TotalSize())
			for i := range xv {
				xv[i] = rng.NormFloat64()
			}
			setAny(x, xv)
			y := must(b.Conv2d("c1", x, tc.filters, tc.k, tc.stride, tc.pad))
			bias1 := randomParam(t, b.Params, "c1.b", rng)
			oh, ow := (tc.h+2*tc.pad-tc.k)/tc.stride+1, (tc.w+2*tc.pad-tc.k)/tc.stride+1
			want := refConv2d(xv, tc.batch, tc.c, tc.h, tc.w, paramValues(b.Params, "c1.w"), bias1, tc.filters, tc.k, tc.stride, tc.pad)
			if tc.filters2 > 0 {
				y = must(b.Conv2d("c2", y, tc.filters2, tc.k2, tc.stride2, tc.pad2))
				bias2 := randomParam(t, b.Params, "c2.b", rng)
				want = refConv2d(want, tc.batch, tc.filters, oh, ow, paramValues(b.Params, "c2.w"), bias2, tc.filters2, tc.k2, tc.stride2, tc.pad2)
				oh, ow = (oh+2*tc.pad2-tc.k2)/tc.stride2+1, (ow+2*tc.pad2-tc.k2)/tc.stride2+1
				tc.filters = tc.filters2
			}
			flat := must(b.Flatten(y)) // reads the transposed convolution output directly
			runOnce(t, b.G)
			if wantShape := (tensor.Shape{tc.batch, tc.filters, oh, ow}); !y.Shape().Eq(wantShape) {
				t.Fatalf("output shape %v, want %v", y.Shape(), wantShape)
			}
			tol := 1e-12
			if tc.dtype == tensor.Float32 {
				tol = 1e-5
			}
			if d := maxAbsDiff(valuesOfT(t, y), want); d > tol {
				t.Errorf("output differs from the reference by %g, want <= %g", d, tol)
			}
			if d := maxAbsDiff(valuesOfT(t, flat), want); d > tol {
				t.Errorf("flattened output differs from the reference by %g, want <= %g", d, tol)
			}
		})
	}
}

// setAny copies vals into the float32 or float64 tensor bound to n.
func setAny(n *gorgonia.Node, vals []float64) {
	switch data := n.Value().Data().(type) {
	case []float64:
		copy(data, vals)
	case []float32:
		for i, v := range vals {
			data[i] = float32(v)
		}
	}
}

// valuesOfT returns n's float32 or float64 values as float64s.
func valuesOfT(t *testing.T, n *gorgonia.Node) []float64 {
	t.Helper()
	v, err := valuesOf(n, n.Name())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// paramValues returns a Store entry's values as float64s.
func paramValues(s *Store, name string) []float64 {
	switch data := s.Value(name).Data().(type) {
	case []float64:
		return append([]float64(nil), data...)
	case []float32:
		out := make([]float64, len(data))
		for i, v := range data {
			out[i] = float64(v)
		}
		return out
	}
	return nil
}

// randomParam sets a Store entry to standard normal values and returns
// them.
func randomParam(t *testing.T, s *Store, name string, rng *rand.Rand) []float64 {
	t.Helper()
	v := make([]float64, s.Value(name).Shape().TotalSize())
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	if err := s.Set(name, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestConv2dGradients(t *testing.T) {
	for _, tc := range []struct {
		batch, c, h, w              int
		filters, k, stride, padding int
	}{
		{2, 3, 5, 5, 2, 3, 1, 0},
		{3, 2, 6, 8, 3, 4, 1, 0},
		{2, 2, 5, 6, 3, 3, 1, 1},
		{1, 3, 6, 5, 2, 3, 2, 0},
		{2, 2, 6, 6, 3, 2, 2, 1},
	} {
		name := fmt.Sprintf("c%d %dx%d f%d k%d s%d p%d", tc.c, tc.h, tc.w, tc.filters, tc.k, tc.stride, tc.padding)
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(5))
			b := NewBuilder(NewStore(tensor.Float64, 6))
			x := must(b.Input("x", tc.batch, tc.c, tc.h, tc.w))
			fill(t, x, rng)
			y := must(b.Conv2d("conv", x, tc.filters, tc.k, tc.stride, tc.padding))
			randomParam(t, b.Params, "conv.b", rng) // a zero bias would hide a wrong bias gradient less well
			cost := squaresCost(t, b, y, rng)
			wrt := trainableNodes(b, x)
			if len(wrt) != 3 {
				t.Fatalf("found %d nodes to check, want x, conv.w and conv.b", len(wrt))
			}
			worst, err := CheckGradients(b.G, cost, wrt, GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

// TestConvNetGradients checks a small classifier built the way an MNIST
// model is: a flat input reshaped to images, convolution, ReLU, max-pool,
// flatten, dense, cross-entropy; and that a second run gives the same
// gradients (no op accumulates into a stale buffer).
func TestConvNetGradients(t *testing.T) {
	const batch, side, classes = 3, 6, 3
	rng := rand.New(rand.NewSource(8))
	b := NewBuilder(NewStore(tensor.Float64, 9))
	flat := must(b.Input("x", batch, side*side))
	fillDistinct(flat, rng)
	target := must(b.Input("target", batch, classes))
	oneHot(target, rng)
	w := must(b.Input("w", batch))
	setValues(t, w, 0.5, 0.5, 0) // the last row is padding
	img := must(b.Reshape(flat, batch, 1, side, side))
	h := must(b.Conv2d("conv", img, 2, 3, 1, 1))
	randomParam(t, b.Params, "conv.b", rng)
	h = must(b.Activate(Tanh, h))
	h = must(b.MaxPool2d(h, 2, 2))
	h = must(b.Flatten(h))
	if !h.Shape().Eq(tensor.Shape{batch, 2 * 3 * 3}) {
		t.Fatalf("flattened shape %v, want (3, 18)", h.Shape())
	}
	cost := must(b.CrossEntropy(must(b.LogSoftmax(must(b.Dense("out", h, classes)))), target, w))
	wrt := trainableNodes(b, flat)
	worst, err := CheckGradients(b.G, cost, wrt, GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if worst.RelErr > 1e-6 {
		t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
	}

	vm := gorgonia.NewTapeMachine(b.G)
	defer vm.Close()
	var first [][]float64
	for run := 0; run < 2; run++ {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		for i, n := range wrt {
			g, err := n.Grad()
			if err != nil {
				t.Fatal(err)
			}
			v := append([]float64(nil), g.Data().([]float64)...)
			if run == 0 {
				first = append(first, v)
			} else if d := maxAbsDiff(v, first[i]); d != 0 {
				t.Errorf("gradient of %s changed by %g between identical runs", n.Name(), d)
			}
		}
	}
}

// fillDistinct sets the float64 tensor bound to n to a random permutation
// of 0.1·(k - len/2), so that no two values are within 0.1 of each other:
// a finite-difference step of 1e-6 never changes which value of a pooling
// window is largest.
func fillDistinct(n *gorgonia.Node, rng *rand.Rand) {
	data := n.Value().Data().([]float64)
	for i, k := range rng.Perm(len(data)) {
		data[i] = 0.1 * float64(k-len(data)/2)
	}
}

func TestMaxPool2dValues(t *testing.T) {
	// x is the 4×4 image 1..16 (row-major) and, as a second channel, its
	// negation. Window maxima worked by hand.
	img := make([]float64, 32)
	for i := 0; i < 16; i++ {
		img[i], img[16+i] = float64(i+1), -float64(i+1)
	}
	for _, tc := range []struct {
		name         string
		size, stride int
		shape        tensor.Shape
		want         []float64
	}{
		{"2 by 2", 2, 2, tensor.Shape{1, 2, 2, 2}, []float64{6, 8, 14, 16, -1, -3, -9, -11}},
		{"3 stride 1", 3, 1, tensor.Shape{1, 2, 2, 2}, []float64{11, 12, 15, 16, -1, -2, -5, -6}},
		{"3 stride 2 drops the edge", 3, 2, tensor.Shape{1, 2, 1, 1}, []float64{11, -1}},
		{"whole image", 4, 1, tensor.Shape{1, 2, 1, 1}, []float64{16, -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(NewStore(tensor.Float64, 1))
			x := must(b.Input("x", 1, 2, 4, 4))
			setValues(t, x, img...)
			y := must(b.MaxPool2d(x, tc.size, tc.stride))
			runOnce(t, b.G)
			if !y.Shape().Eq(tc.shape) {
				t.Fatalf("output shape %v, want %v", y.Shape(), tc.shape)
			}
			if got := float64s(t, y); maxAbsDiff(got, tc.want) != 0 {
				t.Errorf("output %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMaxPool2dGradients(t *testing.T) {
	for _, tc := range []struct {
		name           string
		batch, c, h, w int
		size, stride   int
	}{
		{"2x2 stride 2", 2, 3, 4, 4, 2, 2},
		{"3x3 stride 1 overlapping", 2, 2, 5, 5, 3, 1},
		{"2x2 stride 2 odd edge", 1, 2, 5, 7, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(10))
			b := NewBuilder(NewStore(tensor.Float64, 1))
			x := must(b.Input("x", tc.batch, tc.c, tc.h, tc.w))
			fillDistinct(x, rng)
			cost := squaresCost(t, b, must(b.MaxPool2d(x, tc.size, tc.stride)), rng)
			worst, err := CheckGradients(b.G, cost, []*gorgonia.Node{x}, GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

func TestReshapeAndFlatten(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", 2, 6))
	setValues(t, x, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	img := must(b.Reshape(x, 2, 1, 2, 3))
	back := must(b.Flatten(img))
	if same := must(b.Flatten(x)); same != x {
		t.Error("Flatten of a matrix is not the matrix itself")
	}
	if same := must(b.Reshape(x, 2, 6)); same != x {
		t.Error("Reshape to the same shape is not the node itself")
	}
	runOnce(t, b.G)
	for _, tc := range []struct {
		name  string
		n     *gorgonia.Node
		shape tensor.Shape
	}{
		{"reshape", img, tensor.Shape{2, 1, 2, 3}},
		{"flatten", back, tensor.Shape{2, 6}},
	} {
		if !tc.n.Shape().Eq(tc.shape) {
			t.Errorf("%s: shape %v, want %v", tc.name, tc.n.Shape(), tc.shape)
		}
		if got := float64s(t, tc.n); maxAbsDiff(got, float64s(t, x)) != 0 {
			t.Errorf("%s: values %v, want row-major order kept", tc.name, got)
		}
	}
}
