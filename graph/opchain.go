package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// An opChain applies a sequence of Gorgonia ops, keeping the first error
// (wrapped with the failing step's name) so that a formula reads as a
// sequence of lines. After an error every later step returns nil.
type opChain struct {
	what string // the layer or loss, for messages
	err  error
}

func (c *opChain) unary(step string, f func(*gorgonia.Node) (*gorgonia.Node, error), a *gorgonia.Node) *gorgonia.Node {
	if c.err != nil {
		return nil
	}
	n, err := f(a)
	if err != nil {
		c.err = errors.Wrapf(err, "graph: %s: %s", c.what, step)
	}
	return n
}

func (c *opChain) binary(step string, f func(a, b *gorgonia.Node) (*gorgonia.Node, error), a, b *gorgonia.Node) *gorgonia.Node {
	if c.err != nil {
		return nil
	}
	n, err := f(a, b)
	if err != nil {
		c.err = errors.Wrapf(err, "graph: %s: %s", c.what, step)
	}
	return n
}
