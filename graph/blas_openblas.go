//go:build openblas

package graph

// #cgo LDFLAGS: -lopenblas
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
