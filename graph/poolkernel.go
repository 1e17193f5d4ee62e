package graph

import "math"

// The max-pooling kernels of maxPoolOp and maxPoolGradOp.

// maxPoolForward sets y (n, c, oh, ow) to the maximum of each window of
// x (n, c, h, w) (g.pad is 0 for pooling), examples split over workers.
func maxPoolForward[T float32 | float64](g convGeom, x, y []T) {
	plane, out := g.h*g.w, g.positions()
	n := len(x) / (g.c * plane)
	forParts(n, func(_, lo, hi int) {
		for pl := lo * g.c; pl < hi*g.c; pl++ {
			xp, yp := x[pl*plane:(pl+1)*plane], y[pl*out:(pl+1)*out]
			for oy := 0; oy < g.oh; oy++ {
				row := yp[oy*g.ow : (oy+1)*g.ow]
				top := xp[oy*g.stride*g.w:]
				if g.k == 2 {
					r0, r1 := top[:g.w], top[g.w:2*g.w]
					for ox := range row {
						j := ox * g.stride
						row[ox] = max(r0[j], r0[j+1], r1[j], r1[j+1])
					}
					continue
				}
				for ox := range row {
					m := top[ox*g.stride]
					for ki := 0; ki < g.k; ki++ {
						for _, v := range top[ki*g.w+ox*g.stride : ki*g.w+ox*g.stride+g.k] {
							m = max(m, v)
						}
					}
					row[ox] = m
				}
			}
		}
	})
}

// argmax4 returns the index of the first maximum of the 2×2 window with
// top row at a and bottom row at b in x.
func argmax4[T float32 | float64](x []T, a, b int) int {
	top, bottom := a, b
	if x[a+1] > x[a] {
		top = a + 1
	}
	if x[b+1] > x[b] {
		bottom = b + 1
	}
	if x[bottom] > x[top] {
		return bottom
	}
	return top
}

// orderKey maps v to an integer with the same order (-0 below +0): the
// compiler turns a comparison of integers, unlike one of floats, into a
// conditional move rather than a branch.
func orderKey(v float32) int32 {
	u := int32(math.Float32bits(v))
	return u ^ (u >> 31 & math.MaxInt32)
}

// after is 1 when b > a and 0 otherwise, computed without a branch.
func after(a, b float32) int {
	return int(uint64(int64(orderKey(a))-int64(orderKey(b))) >> 63)
}

// tiledPoolGrad32 is maxPoolGrad for float32 2×2 windows of stride 2
// that tile the planes pl in [lo, hi): argmax4 on order keys, without a
// branch per comparison. Where a window's maximum falls is as good as
// random, so mispredicted branches cost more than the rest of the work.
func tiledPoolGrad32(g convGeom, x, dy, dx []float32, lo, hi int) {
	plane, out := g.h*g.w, g.positions()
	for pl := lo; pl < hi; pl++ {
		xp, dxp, dyp := x[pl*plane:(pl+1)*plane], dx[pl*plane:(pl+1)*plane], dy[pl*out:(pl+1)*out]
		clear(dxp)
		for oy := 0; oy < g.oh; oy++ {
			r0, r1 := 2*oy*g.w, (2*oy+1)*g.w
			for ox, d := range dyp[oy*g.ow : (oy+1)*g.ow] {
				top := r0 + 2*ox + after(xp[r0+2*ox], xp[r0+2*ox+1])
				bottom := r1 + 2*ox + after(xp[r1+2*ox], xp[r1+2*ox+1])
				if orderKey(xp[bottom]) > orderKey(xp[top]) {
					top = bottom
				}
				dxp[top] = d
			}
		}
	}
}

// maxPoolGrad sets dx (n, c, h, w) to the gradient of max-pooling x:
// each window's gradient dy goes to its first maximum.
func maxPoolGrad[T float32 | float64](g convGeom, x, dy, dx []T) {
	plane, out := g.h*g.w, g.positions()
	n := len(x) / (g.c * plane)
	// 2×2 windows tiling the input write every value of dx themselves.
	tiled := g.k == 2 && g.stride == 2 && 2*g.oh == g.h && 2*g.ow == g.w
	if x32, ok := any(x).([]float32); ok && tiled {
		forParts(n, func(_, lo, hi int) {
			tiledPoolGrad32(g, x32, any(dy).([]float32), any(dx).([]float32), lo*g.c, hi*g.c)
		})
		return
	}
	forParts(n, func(_, lo, hi int) {
		if !tiled {
			clear(dx[lo*g.c*plane : hi*g.c*plane])
		}
		for pl := lo * g.c; pl < hi*g.c; pl++ {
			xp, dxp, dyp := x[pl*plane:(pl+1)*plane], dx[pl*plane:(pl+1)*plane], dy[pl*out:(pl+1)*out]
			for oy := 0; oy < g.oh; oy++ {
				if g.k == 2 {
					r0, r1 := oy*g.stride*g.w, oy*g.stride*g.w+g.w
					if tiled {
						clear(dxp[r0 : r1+g.w])
					}
					for ox, d := range dyp[oy*g.ow : (oy+1)*g.ow] {
						dxp[argmax4(xp, r0+ox*g.stride, r1+ox*g.stride)] += d
					}
					continue
				}
				for ox := 0; ox < g.ow; ox++ {
					top := oy*g.stride*g.w + ox*g.stride
					at := top
					for ki := 0; ki < g.k; ki++ {
						for j := top + ki*g.w; j < top+ki*g.w+g.k; j++ {
							if xp[j] > xp[at] {
								at = j
							}
						}
					}
					dxp[at] += dyp[oy*g.ow+ox]
				}
			}
		}
	})
}
