package mtl

import (
	"math"

	"github.com/pkg/errors"
)

// Layer kinds.
const (
	DenseKind     = "dense"     // fully connected; sees examples flattened
	Conv2dKind    = "conv2d"    // 2-D convolution over (channels, height, width)
	MaxPoolKind   = "maxpool"   // 2-D max pooling
	FlattenKind   = "flatten"   // (channels, height, width) -> one vector
	DropoutKind   = "dropout"   // inverted dropout with a seeded mask, training only
	BatchNormKind = "batchnorm" // batch normalisation with running statistics
)

// A Layer is one step of a trunk, an expert, a tower or a head. Which
// fields matter depends on Kind; the others stay zero.
type Layer struct {
	Kind       string     `json:"kind"`
	Units      int        `json:"units,omitempty"`      // dense: output width
	Filters    int        `json:"filters,omitempty"`    // conv2d: output channels
	Kernel     int        `json:"kernel,omitempty"`     // conv2d: square kernel size
	Stride     int        `json:"stride,omitempty"`     // conv2d (0: 1), maxpool (0: Size)
	Padding    int        `json:"padding,omitempty"`    // conv2d: zero padding on each side
	Size       int        `json:"size,omitempty"`       // maxpool: square window size
	Rate       float64    `json:"rate,omitempty"`       // dropout: probability of dropping a value
	Activation Activation `json:"activation,omitempty"` // dense, conv2d: applied after the layer
}

// Dense returns a fully connected layer with the given width and
// activation.
func Dense(units int, act Activation) Layer {
	return Layer{Kind: DenseKind, Units: units, Activation: act}
}

// Conv2d returns a convolution with filters square kernels of the given
// size, stride 1 and no padding, followed by act.
func Conv2d(filters, kernel int, act Activation) Layer {
	return Layer{Kind: Conv2dKind, Filters: filters, Kernel: kernel, Activation: act}
}

// WithStride returns the conv2d or maxpool layer l with stride s.
func (l Layer) WithStride(s int) Layer {
	l.Stride = s
	return l
}

// WithPadding returns the conv2d layer l with p zeros of padding on each
// side.
func (l Layer) WithPadding(p int) Layer {
	l.Padding = p
	return l
}

// MaxPool returns a max pooling layer over size×size windows with stride
// size.
func MaxPool(size int) Layer { return Layer{Kind: MaxPoolKind, Size: size} }

// Flatten returns a layer that turns (channels, height, width) into one
// vector per example. Dense layers flatten their input themselves.
func Flatten() Layer { return Layer{Kind: FlattenKind} }

// Dropout returns an inverted dropout layer that zeroes each value with
// probability rate while training (scaling the rest by 1/(1-rate)) and
// passes values through unchanged at evaluation. Masks are drawn from a
// generator seeded by FitConfig.Seed.
func Dropout(rate float64) Layer { return Layer{Kind: DropoutKind, Rate: rate} }

// BatchNorm returns a batch normalisation layer: per feature for vectors,
// per channel for images. Training uses the batch's statistics (padding
// rows excluded) and updates running statistics, which evaluation uses.
func BatchNorm() Layer { return Layer{Kind: BatchNormKind} }

func (l Layer) validate() error {
	if !l.Activation.Valid() {
		return errors.Errorf("unknown activation %q", l.Activation)
	}
	// A size no tensor could hold is refused before anything is built.
	for _, f := range []struct {
		name string
		v    int
	}{{"units", l.Units}, {"filters", l.Filters}, {"kernel size", l.Kernel}, {"stride", l.Stride}, {"padding", l.Padding}, {"size", l.Size}} {
		if f.v > MaxElements {
			return errors.Errorf("%s layer with %s %d, more than mtl.MaxElements (%d)", l.Kind, f.name, f.v, MaxElements)
		}
	}
	switch l.Kind {
	case DenseKind:
		if l.Units < 1 {
			return errors.Errorf("dense layer with %d units", l.Units)
		}
	case Conv2dKind:
		switch {
		case l.Filters < 1:
			return errors.Errorf("conv2d layer with %d filters", l.Filters)
		case l.Kernel < 1:
			return errors.Errorf("conv2d layer with kernel size %d", l.Kernel)
		case l.Stride < 0:
			return errors.Errorf("conv2d layer with stride %d", l.Stride)
		case l.Padding < 0:
			return errors.Errorf("conv2d layer with padding %d", l.Padding)
		}
	case MaxPoolKind:
		if l.Size < 1 || l.Stride < 0 {
			return errors.Errorf("maxpool layer with size %d and stride %d", l.Size, l.Stride)
		}
	case FlattenKind, BatchNormKind:
	case DropoutKind:
		if !(l.Rate >= 0 && l.Rate < 1) || math.IsNaN(l.Rate) {
			return errors.Errorf("dropout rate %v, want a value in [0, 1)", l.Rate)
		}
	default:
		return errors.Errorf("unknown layer kind %q (want dense, conv2d, maxpool, flatten, dropout or batchnorm)", l.Kind)
	}
	if l.Activation != Linear && l.Kind != DenseKind && l.Kind != Conv2dKind {
		return errors.Errorf("%s layer cannot have an activation (%q)", l.Kind, l.Activation)
	}
	return nil
}

// stride returns the layer's effective stride.
func (l Layer) stride() int {
	switch {
	case l.Stride > 0:
		return l.Stride
	case l.Kind == MaxPoolKind:
		return l.Size
	}
	return 1
}

func cloneLayers(ls []Layer) []Layer {
	if ls == nil {
		return nil
	}
	return append(make([]Layer, 0, len(ls)), ls...)
}
