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
//
// # Saving state
//
// *Adam, *SGD and *RMSProp implement encoding.BinaryMarshaler and
// encoding.BinaryUnmarshaler; [MarshalState] and [UnmarshalState] do the
// same for an [Optimizer] whose kind the caller does not know. The
// encoding holds the hyper-parameters and the state, bit for bit, so that
// an optimiser unmarshalled into a zero value (&Adam{}) takes exactly the
// steps the saved one would have taken. A nil state (no step taken yet)
// stays nil. UnmarshalBinary never panics: truncated, corrupt or
// oversized input gives an error that says what is wrong, and leaves the
// receiver unchanged.
//
// The layout (version 1), little-endian throughout:
//
//	tag      4 bytes: "adam", "sgd " or "rmsp"
//	version  1 byte: 1
//	adam:    learning rate, β1, β2, ε (float64 bits), steps (int64), M, V
//	sgd:     learning rate, momentum (float64 bits), velocity
//	rmsprop: learning rate, ρ, ε (float64 bits), running squares
//
// where each state (M, V, velocity, squares) is a byte, 0 for nil and 1
// otherwise, followed when 1 by the number of parameters (uint64) and, for
// each parameter, its length (uint64) and its values (float32 bits).
package optim
