//go:build openblas

package graph

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int num_threads);
// int openblas_get_num_threads(void);
import "C"

import (
	"gonum.org/v1/netlib/blas/netlib"
	"gorgonia.org/gorgonia"
)

// BLAS names the library this build multiplies matrices with: built with
// -tags openblas, OpenBLAS through gonum's cgo binding (Debian:
// libopenblas-dev). Without the tag, gonum's pure-Go BLAS.
const BLAS = "OpenBLAS (cgo, gonum.org/v1/netlib)"

func init() { gorgonia.Use(netlib.Implementation{}) }

// serialBLAS runs f with OpenBLAS on one thread, for code that splits its
// work across goroutines itself (the convolution ops), and restores the
// thread count after.
func serialBLAS(f func()) {
	n := C.openblas_get_num_threads()
	if n > 1 {
		C.openblas_set_num_threads(1)
		defer C.openblas_set_num_threads(n)
	}
	f()
}
