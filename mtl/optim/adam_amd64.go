//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

// haveAVX2 reports whether Adam's update runs in AVX2 assembly, eight
// values at a time: the square root and the division dominate the
// update, and the scalar loop pays for each value alone.
var haveAVX2 = cpu.X86.HasAVX2

// adamAVX2 is adamStep.update over n values, n a multiple of 8, with
// c1 = 1-b1 and c2 = 1-b2 (adam_amd64.s).
//
//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, b1, c1, b2, c2, eps, stepSize, invSqrtC2 float32)

// updateWide runs the update on the longest prefix of p whose length is
// a multiple of 8 and returns how many values it did.
func (k adamStep) updateWide(p, g, m, v []float32) int {
	n := len(p) &^ 7
	if !haveAVX2 || n == 0 {
		return 0
	}
	g, m, v = g[:n], m[:n], v[:n]
	adamAVX2(&p[0], &g[0], &m[0], &v[0], n, k.b1, 1-k.b1, k.b2, 1-k.b2, k.eps, k.stepSize, k.invSqrtC2)
	return n
}
