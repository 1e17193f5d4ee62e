// Package mtl builds, trains and runs multi-task models.
//
// A model is declared by a [Spec]: the shape of one input example, an
// architecture ([Arch]), the layers it shares, and the tasks, each with its
// own head, kind (classification or regression) and loss weight. [New]
// turns the spec into a Gorgonia expression graph — input → shared part →
// one head per task → one loss per task → the weighted sum of the losses —
// differentiates the sum symbolically with gorgonia.Grad and runs it on
// Gorgonia's tape machine. The task weights are graph inputs, so a
// weighting scheme can change them between steps without rebuilding
// anything. A spec is plain data: it is saved with every model and can be
// read from a JSON file ([ReadSpecFile]).
//
// # Architectures
//
// The article this package implements names three: branch, parallel and
// serial. All are declared in the spec and work on any layer stack (dense
// or convolutional):
//
//   - hard (branch): Spec.Shared is one trunk that every task reads; each
//     task's Head continues from it. [Spec.SplitAt] moves the branching
//     point: where to split the trunk is one number.
//   - cross-stitch (parallel, soft sharing; Misra et al. 2016): each task
//     has its own tower with the layers of Spec.Shared, and after every
//     layer (except flatten and dropout) a cross-stitch unit mixes the
//     towers with a learned T×T matrix, one per layer (not per channel),
//     initialised to 0.9 on the diagonal and 0.1/(T-1) elsewhere.
//   - mmoe (parallel; Ma et al. 2018): Arch.Experts experts, each a copy of
//     Spec.Shared, and per task a softmax gate (one dense layer on the
//     input) that mixes them.
//   - cgc and ple (parallel; Tang et al. 2020): each task has
//     Arch.TaskExperts experts of its own beside Arch.Experts shared ones,
//     and a gate mixing its own and the shared experts. PLE stacks
//     Arch.Levels such levels, with a shared gate between levels feeding
//     the next level's shared experts; upper levels' experts have the
//     layers Arch.Upper.
//   - cascade (serial): a task with a [Cascade] reads an upstream task's
//     probabilities (or regression values, or last hidden layer) beside
//     the shared representation. It combines with every architecture
//     above. Gradients flow through the upstream output unless
//     Cascade.StopGradient is set.
//
// [Model.Summary] lists every layer built, with its output shape,
// parameter count and the tasks whose losses train it.
//
// # Layers and shapes
//
// Dense layers see examples flattened; conv2d and maxpool layers see
// images (batch, channels, height, width): the model's input is reshaped
// from Spec.Input ([channels, height, width] or [height, width]) when an
// image layer reads it. Dropout is active in training only, with masks
// drawn from FitConfig.Seed. Batch normalisation uses the batch's
// statistics in training (padding rows excluded) and running statistics,
// saved with the model, otherwise.
//
// # Notebooks
//
// [History], [Result], [Summary], [Conflict] and [Comparison] render
// themselves in a Jupyter notebook run by the gophernotes Go kernel,
// which shows a cell's last value through its renderer methods: each has
// HTML() string, a table, and History, Conflict and Comparison also have
// PNG() []byte, a plot drawn with gonum/plot. Front ends prefer HTML, so
// a plot is shown with display.PNG(v.PNG()). The package does not import
// gophernotes. A renderer cannot return an error: when it cannot render
// (a nil value, nothing to plot, a plot that fails), it returns a small
// PNG or HTML paragraph whose text, starting "mtl:", says what failed;
// it never panics. gophernotes cannot call generic code, so the exported
// API of this package and of datasets, optim, weighting and combine has
// no type parameters (TestPublicAPIHasNoGenerics).
//
// # Contracts
//
//   - Errors: every public method returns an error instead of panicking; a
//     Gorgonia panic raised while a graph is built is recovered and returned.
//     Errors name the task, the layer, the shape or the step involved. Inputs
//     are validated before any tape machine runs, because a panic on the
//     machine's own goroutine cannot be recovered.
//   - Determinism: initial weights come from Spec.Seed, shuffling and
//     dropout masks from FitConfig.Seed; the same seeds and data give the
//     same history.
//   - No example is dropped: the graph has a fixed batch size, so a last
//     partial batch is padded and its padding rows get zero weight in the
//     loss (see graph.Builder.CrossEntropy) and in batch statistics; it is
//     trained on and evaluated like any other.
//   - The package prints nothing: progress goes to the Recorder in
//     FitConfig.
//   - A Model is not safe for concurrent use.
//   - Numbers are float32 throughout training; the tests check the same
//     compiled programs, of every architecture, in float64 against finite
//     differences.
package mtl
