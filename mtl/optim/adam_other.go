//go:build !amd64 || purego

package optim

// haveAVX2 is false off amd64 and in purego builds.
var haveAVX2 = false

// updateWide does nothing without the assembly kernel.
func (adamStep) updateWide(p, g, m, v []float32) int { return 0 }
