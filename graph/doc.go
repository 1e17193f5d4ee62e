// Package graph builds Gorgonia expression graphs for gomtl: parameters with
// deterministic initial values, layers (dense, convolution, max-pooling,
// dropout, batch normalisation, stop-gradient), activations and
// numerically stable losses, plus a finite-difference gradient checker.
//
// Contracts:
//
//   - Determinism: every initial value comes from the seeded *rand.Rand held
//     by a [Store]; nothing is seeded from the clock (Gorgonia's own
//     initialisers are never used). Dropout masks are inputs filled by
//     [FillDropoutMask] from the caller's math/rand/v2 generator.
//   - Shapes: a batch is the first axis. Dense layers take (batch, in) and
//     return (batch, out). Losses take per-example weights of shape (batch),
//     so a padded partial batch contributes nothing through its padding rows
//     and the loss is a weighted sum, not a mean over the fixed batch size.
//     Images are (batch, channels, height, width). Batch normalisation
//     takes the same row weights, so padding rows do not enter its
//     statistics.
//   - State: a [Store] holds trainable parameters and non-trainable state
//     (batch-norm running statistics). Names lists both, for saving;
//     TrainableNames lists what an optimiser may update.
//   - Errors: every builder returns an error naming the layer and the shapes
//     involved. Gorgonia panics raised while a graph is built are recovered
//     and returned as errors. Panics raised while a tape machine runs happen
//     on Gorgonia's own goroutine and cannot be recovered by callers, so the
//     mtl package validates every input before running a machine.
//   - Sizes: no input, parameter, layer output or convolution patch matrix
//     may hold more than [MaxElements] values, nor a [Store] more than
//     MaxElements in all. A larger shape is an error naming the node and
//     the shape, returned before anything is allocated, so that a typo
//     (1<<40 units, a batch of a trillion) cannot exhaust memory.
//   - Cross-entropy is built on this package's own fused log-softmax op,
//     never Log(SoftMax(x)), which Gorgonia's graph optimiser rewrites, nor
//     Gorgonia's LogSoftMax: in gorgonia/tensor v0.9.24 its forward pass
//     takes each row's maximum starting from the first row's first value,
//     so a row whose first class dominates by more than ~88 overflows in
//     float32 and the loss turns NaN after long training. Probabilities are
//     exp(LogSoftmax(x)), never gorgonia.SoftMax: in v0.9.18 SoftMax and
//     LogSoftMax hash alike, so a graph holding both on one node merges
//     them and a loss silently reads probabilities as log-probabilities.
//   - gorgonia.InverseSqrt has a wrong gradient in v0.9.18 (−g/(2y³)
//     instead of −g·y³/2); batch normalisation divides by Sqrt instead.
//   - A tape machine reuses an intermediate node's memory once its last
//     reader has run, so values read after a run (batch-norm statistics,
//     see [BatchNormStats]) must be on the machine's watchlist.
//
// This package and the graph-building parts of package mtl are the only
// places that import Gorgonia.
package graph
