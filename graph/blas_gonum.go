//go:build !openblas

package graph

// BLAS names the library this build multiplies matrices with: gonum's
// pure-Go BLAS, Gorgonia's default. Build with -tags openblas (and
// Debian's libopenblas-dev installed) for OpenBLAS through cgo.
const BLAS = "gonum (pure Go)"

// serialBLAS runs f: gonum's BLAS splits no small product across threads.
func serialBLAS(f func()) { f() }
