package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// An Activation names an element-wise non-linearity. The empty string is
// the identity (a linear layer).
type Activation string

// The activations the builders know.
const (
	Linear    Activation = ""
	ReLU      Activation = "relu"
	Tanh      Activation = "tanh"
	Sigmoid   Activation = "sigmoid"
	LeakyReLU Activation = "leaky_relu" // slope LeakySlope below zero
)

// LeakySlope is the slope of LeakyReLU for negative inputs (Keras's default
// is 0.3, PyTorch's 0.01; gomtl follows PyTorch).
const LeakySlope = 0.01

// Valid reports whether a is one of the known activations.
func (a Activation) Valid() bool {
	switch a {
	case Linear, ReLU, Tanh, Sigmoid, LeakyReLU:
		return true
	}
	return false
}

// Activate applies a to x element-wise.
func (b *Builder) Activate(a Activation, x *gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "activation %q on %v", a, shapeOf(x))
	switch a {
	case Linear:
		return x, nil
	case ReLU:
		y, err = gorgonia.ApplyOp(reluOp{new(owned)}, x)
	case Tanh:
		y, err = gorgonia.Tanh(x)
	case Sigmoid:
		y, err = gorgonia.Sigmoid(x)
	case LeakyReLU:
		y, err = gorgonia.LeakyRelu(x, LeakySlope)
	default:
		return nil, errors.Errorf("graph: unknown activation %q (want relu, tanh, sigmoid, leaky_relu or empty for linear)", a)
	}
	if err != nil {
		return nil, errors.Wrapf(err, "graph: activation %q on %v", a, x.Shape())
	}
	return y, nil
}
