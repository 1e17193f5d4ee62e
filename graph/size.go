package graph

import (
	"fmt"
	"math"

	"github.com/pkg/errors"
)

// MaxElements is the most values one tensor of a graph may hold: an input
// (batch included), a parameter, a layer's output or a convolution's
// unfolded patches. It is also the most values a Store may hold in all.
// 1<<28 float32 values are 1 GiB. A shape above it (a typo such as 1<<40
// units, or a batch far larger than any dataset) is an error naming the
// node and the shape, returned before anything is allocated, instead of an
// out-of-memory crash.
const MaxElements = 1 << 28

// shapeSize returns the number of values of shape, or an error when a
// dimension is below 1 or the product exceeds MaxElements (checked
// without overflow). what names the node for the error.
func shapeSize(what string, shape []int) (int, error) {
	if len(shape) == 0 {
		return 0, errors.Errorf("graph: %s: empty shape", what)
	}
	n := 1
	for i, d := range shape {
		if d < 1 {
			return 0, errors.Errorf("graph: %s: shape %v: dimension %d is %d, want at least 1", what, shape, i, d)
		}
		if n > MaxElements/d {
			return 0, errors.Errorf("graph: %s: shape %v holds %s values, more than graph.MaxElements (%d)", what, shape, product(shape), MaxElements)
		}
		n *= d
	}
	return n, nil
}

// product formats the product of shape for messages, exactly when it fits
// an int and approximately otherwise.
func product(shape []int) string {
	n, f := 1, 1.0
	exact := true
	for _, d := range shape {
		f *= float64(d)
		if exact && d > 0 && n > math.MaxInt/d {
			exact = false
		}
		n *= d
	}
	if exact {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%.3g", f)
}
