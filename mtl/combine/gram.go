package combine

// block is the number of values per parameter that Gram and Apply handle
// at a time, so that every task's chunk stays in cache while all pairs
// (Gram) or all tasks (Apply) use it.
const block = 512

// Gram returns the Gramian of the task gradients, G[i][j] = <g_i, g_j>,
// where grads[t][p] is task t's gradient for parameter p and g_t is the
// concatenation of grads[t][0], grads[t][1], .... A nil slice, a task with
// fewer parameters than another, or a slice shorter than the same
// parameter's slice in another task counts as zeros. Products of float32
// values are accumulated in float64.
func Gram(grads [][][]float32) [][]float64 {
	return GramInto(nil, grads)
}

// GramInto is Gram writing into dst, which it reuses when dst has
// len(grads) rows each of capacity ≥ len(grads), and returns. It then
// allocates nothing.
func GramInto(dst [][]float64, grads [][][]float32) [][]float64 {
	n := len(grads)
	if len(dst) != n {
		dst = make([][]float64, n)
	}
	for i := range dst {
		if cap(dst[i]) < n {
			dst[i] = make([]float64, n)
		}
		dst[i] = dst[i][:n]
		clear(dst[i])
	}
	params := 0
	for _, g := range grads {
		params = max(params, len(g))
	}
	for p := 0; p < params; p++ {
		size := 0
		for _, g := range grads {
			if p < len(g) {
				size = max(size, len(g[p]))
			}
		}
		for off := 0; off < size; off += block {
			for i := 0; i < n; i++ {
				x := chunk(grads[i], p, off)
				if len(x) == 0 {
					continue
				}
				for j := i; j < n; j++ {
					y := chunk(grads[j], p, off)
					dst[i][j] += dot32(x, y)
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			dst[j][i] = dst[i][j]
		}
	}
	return dst
}

// chunk returns the values [off, off+block) of task gradient g's parameter
// p, clipped to what exists (nil when nothing does).
func chunk(g [][]float32, p, off int) []float32 {
	if p >= len(g) || off >= len(g[p]) {
		return nil
	}
	return g[p][off:min(off+block, len(g[p]))]
}

// dot32 returns Σ x[k]·y[k] over the common length, accumulated in
// float64.
func dot32(x, y []float32) float64 {
	m := min(len(x), len(y))
	x, y = x[:m], y[:m]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= m; k += 4 {
		s0 += float64(x[k]) * float64(y[k])
		s1 += float64(x[k+1]) * float64(y[k+1])
		s2 += float64(x[k+2]) * float64(y[k+2])
		s3 += float64(x[k+3]) * float64(y[k+3])
	}
	for ; k < m; k++ {
		s0 += float64(x[k]) * float64(y[k])
	}
	return (s0 + s1) + (s2 + s3)
}

// Apply writes the combined gradient d = Σ_t alpha[t]·g_t into dst:
// dst[p][k] = Σ_t alpha[t]·grads[t][p][k], accumulated in float64. Missing
// or nil task slices, and values past a task slice's end, count as zeros;
// values past len(dst[p]) are ignored, and so are tasks past len(alpha).
// Apply allocates nothing.
func Apply(dst [][]float32, alpha []float64, grads [][][]float32) {
	tasks := min(len(alpha), len(grads))
	var acc [block]float64
	for p, x := range dst {
		for off := 0; off < len(x); off += block {
			out := x[off:min(off+block, len(x))]
			a := acc[:len(out)]
			clear(a)
			for t := 0; t < tasks; t++ {
				if alpha[t] == 0 {
					continue
				}
				src := chunk(grads[t], p, off)
				src = src[:min(len(src), len(a))]
				w := alpha[t]
				for k, v := range src {
					a[k] += w * float64(v)
				}
			}
			for k, v := range a {
				out[k] = float32(v)
			}
		}
	}
}
