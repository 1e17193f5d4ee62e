// Package weighting chooses the task loss weights of multi-task training:
// how much each task's loss counts in the total the shared parameters
// descend. It implements the loss weightings of LibMTL
// (https://github.com/median-research-group/LibMTL, LibMTL/weighting) that
// act on losses rather than on gradients (gradient combiners such as PCGrad
// live in mtl/combine).
//
// # The protocol
//
// The trainer minimises total = Σ_t w_t·L_t, where L_t is task t's
// unweighted loss and the w_t are graph inputs set before each step. For K
// tasks whose spec weights are base, [New] builds a [Weighting]; each step
// the trainer calls Weights once and feeds the result to the graph, and
// after each epoch it calls EndEpoch with the epoch-mean unweighted
// training losses. Methods that need more say so:
//
//   - [NeedsTaskGradients] ("gradnorm"): the trainer computes each task's
//     gradient first, calls Weights, combines the gradients with those
//     weights, and then calls [GradientAware].Update with the step's losses
//     and the L2 norms of the unweighted per-task gradients on the shared
//     parameters. Update moves the weights for the next step, as in the
//     GradNorm paper: the step's update uses the current weights.
//   - [Symbolic] ("uw", "gls"): the total is not Σ w_t·L_t with weights
//     known before the step, so the trainer builds it in the graph. This
//     package names those methods, documents their formulas and provides
//     reference functions ([UWTotal], [UWGrad]) for the trainer's tests.
//     GLS also has a per-step form when the trainer knows the losses before
//     the update (see [GLS]).
//
// # Methods
//
// K is the number of tasks (len(base)).
//
//   - static ([Static]): base, every step.
//   - ew ([EW]): equal weighting, all 1.
//   - dwa ([DWA]; Liu, Johns & Davison 2019, "End-to-end multi-task learning
//     with attention", CVPR): 1 for the first two epochs, then
//     w = K·softmax(r/T) with r_t = L_t(e-1)/L_t(e-2), the ratio of the last
//     two epoch-mean training losses; temperature T = 2.
//   - rlw ([RLW]; Lin et al. 2021, "Reasonable effectiveness of random
//     weighting: a litmus test for multi-task learning", TMLR 2022,
//     arXiv:2111.10603): w = softmax(z), z drawn from a standard normal
//     each step; the weights sum to 1, as in LibMTL.
//   - gls ([GLS]; Chennupati et al. 2019, "MultiNet++: multi-stream feature
//     aggregation and geometric loss strategy for multi-task learning",
//     CVPR workshops): total = (Π_t L_t)^(1/K); per step w_t = G/(K·L_t)
//     with G = (Π_t L_t)^(1/K), the gradient of the total with respect to
//     L_t.
//   - uw ([UW]; Kendall, Gal & Cipolla 2018, "Multi-task learning using
//     uncertainty to weigh losses for scene geometry and semantics", CVPR):
//     total = Σ_t L_t/(2·exp(s_t)) + s_t/2 with learned log-variances s_t,
//     initialised to [UWInit] = -0.5 (LibMTL's form and initial value).
//   - gradnorm ([GradNorm]; Chen et al. 2018, "GradNorm: gradient
//     normalization for adaptive loss balancing in deep multitask
//     networks", ICML): weights learned by Adam on Σ_t |w_t·n_t − Ḡ·r_t^α|,
//     renormalised to sum K after each update; α = 1.5.
//
// Each type's documentation gives its formula in full, its defaults and
// where it departs from LibMTL or the paper.
//
// # Contracts
//
//   - Errors: nothing panics on bad input. New rejects an unknown name, an
//     empty base, a negative or non-finite base weight and out-of-range
//     tuning; Weights and Update reject inputs of the wrong length and
//     negative or non-finite losses, naming the task index. Error text
//     starts "weighting: "; [ErrNoLosses] and [ErrSymbolic] can be tested
//     with errors.Is.
//   - Determinism: the only randomness is RLW's, drawn from a math/rand/v2
//     PCG seeded from Config.Seed; the same seed gives the same weights.
//     Nothing reads the clock.
//   - Weights returns a fresh slice the caller may keep or modify.
//   - A Weighting is not safe for concurrent use. Its state (DWA's loss
//     history, GradNorm's weights and Adam moments, RLW's generator) is not
//     part of Config: the stateful weightings implement [Stateful], so a
//     checkpoint can save it and a resumed run continue bit for bit.
//
// # Saved state
//
// MarshalBinary writes, little-endian, a 4-byte tag ("dwa ", "gnrm" or
// "rlw "), a version byte (1), the number of tasks K (uint64) and then:
//
//	dwa:      temperature (float64 bits), epochs (uint64), the last
//	          epoch's losses (a byte, 0 for none, else 1 and K float64s),
//	          the weights (K float64s), the error (a byte, 0 for none,
//	          else 1 and its text as a uint64 length and bytes)
//	gradnorm: alpha (float64 bits), the weights (K float64s), the initial
//	          losses (a byte, 0 for none, else 1 and K float64s), Adam's
//	          state (a uint64 length and optim.MarshalState's bytes)
//	rlw:      the PCG's state (a uint64 length and rand.PCG.MarshalBinary's
//	          20 bytes)
//
// UnmarshalBinary checks K, the temperature or alpha and Adam's
// hyper-parameters against the receiver's, bit for bit. A restored DWA
// error has the saved text but wraps nothing. GradNorm's scratch copies of
// the weights and their gradient are not saved: each Update overwrites
// them before reading them.
package weighting
