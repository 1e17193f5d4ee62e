//go:build openblas

package graph

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int num_threads);
// int openblas_get_num_threads(void);
import "C"

import (
	"os"

	"gonum.org/v1/netlib/blas/netlib"
	"gorgonia.org/gorgonia"
)

// BLAS names the library this build multiplies matrices with: built with
// -tags openblas, OpenBLAS through gonum's cgo binding (Debian:
// libopenblas-dev). Without the tag, gonum's pure-Go BLAS.
const BLAS = "OpenBLAS (cgo, gonum.org/v1/netlib)"

// init hands Gorgonia OpenBLAS and holds OpenBLAS to one thread unless
// OPENBLAS_NUM_THREADS says otherwise: the ops of this package split
// their work across the cores themselves, and an idle OpenBLAS thread
// spins (sched_yield) for a while after every call, taking a core from
// the goroutines that do the rest of the step.
func init() {
	gorgonia.Use(netlib.Implementation{})
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
}

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
