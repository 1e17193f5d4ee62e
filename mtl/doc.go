// Package mtl builds, trains and runs multi-task models.
//
// A model is declared by a [Spec]: the shape of one input example, the
// shared layers every task reads (the trunk), and the tasks, each with its
// own head and loss weight. [New] turns the spec into a Gorgonia expression
// graph — input → shared layers → one head per task → one loss per task →
// the weighted sum of the losses — differentiates the sum symbolically with
// gorgonia.Grad and runs it on Gorgonia's tape machine. The task weights are
// graph inputs, so a weighting scheme can change them between steps without
// rebuilding anything.
//
// Contracts:
//
//   - Errors: every public method returns an error instead of panicking; a
//     Gorgonia panic raised while a graph is built is recovered and returned.
//     Errors name the task, the layer, the shape or the step involved. Inputs
//     are validated before any tape machine runs, because a panic on the
//     machine's own goroutine cannot be recovered.
//   - Determinism: initial weights come from Spec.Seed, shuffling from
//     FitConfig.Seed; the same seeds and data give the same history.
//   - No example is dropped: the graph has a fixed batch size, so a last
//     partial batch is padded and its padding rows get zero weight in the
//     loss (see graph.Builder.CrossEntropy); it is trained on and evaluated
//     like any other.
//   - The package prints nothing: progress goes to the Recorder in
//     FitConfig.
//   - A Model is not safe for concurrent use.
//   - Numbers are float32 throughout training; the graph package checks the
//     same graphs in float64 against finite differences.
package mtl
