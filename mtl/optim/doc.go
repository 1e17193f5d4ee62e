// Package optim holds the gradient-descent optimisers gomtl trains with:
// Adam (the default), SGD, SGD with momentum and RMSProp.
//
// They work on plain float32 slices, not on Gorgonia values: the trainer
// hands each optimiser the parameter tensors' backing arrays and their
// gradients, in the same order on every step. That keeps the update free of
// allocations (Gorgonia's AdamSolver clones several tensors per parameter
// per step), lets a gradient combiner rewrite the gradients in place before
// the update, and keeps the optimiser state in slices a checkpoint can save.
//
// Update rules follow PyTorch's torch.optim (Adam with bias correction and
// epsilon outside the square root; momentum as v = μv + g, p -= lr·v;
// RMSProp as s = ρs + (1-ρ)g², p -= lr·g/(√s + ε)).
package optim
