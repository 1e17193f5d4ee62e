// Package combine merges per-task gradients that may conflict into one
// update direction, as the gradient-manipulation methods of LibMTL
// (https://github.com/median-research-group/LibMTL, folder LibMTL/weighting)
// and TorchJD (https://github.com/TorchJD/torchjd) do.
//
// # The contract
//
// Every method returns the update direction as a linear combination of the
// task gradients,
//
//	d = Σ_t α_t g_t,
//
// and computes the weights α from the T×T Gramian G[i][j] = <g_i, g_j>
// alone. A [Combiner] never sees a parameter: the trainer computes G with
// [Gram] (or [GramInto], which reuses its destination), asks the combiner
// for α, and writes d with [Apply]. Because only G is needed, the same
// combiner works on gradients with respect to the shared parameters and on
// gradients with respect to a shared representation (MGDA-UB).
//
// The methods, by the name [New] knows them by ([Names]):
//
//   - sum: α = 1 (plain summed-loss gradient).
//   - pcgrad: PCGrad, Yu et al. 2020, projecting conflicting gradients
//     ([PCGrad]).
//   - mgda: the min-norm point of the gradients' convex hull, Sener &
//     Koltun 2018 ([MGDA]).
//   - cagrad: conflict-averse gradient descent, Liu et al. 2021 ([CAGrad]).
//   - nash: Nash-MTL, Navon et al. 2022 ([NashMTL]).
//   - imtl: IMTL-G, Liu et al. 2021 ([IMTL]).
//   - aligned: Aligned-MTL, Senushkin et al. 2023 ([AlignedMTL]).
//   - upgrad: UPGrad, Quinton & Rey 2024 ([UPGrad]).
//
// Each type's documentation names the reference implementation it follows
// and where it departs from it.
//
// # Errors
//
// Nothing here panics. Weights returns an error wrapping [ErrGramian] when
// the Gramian is empty, not square, not symmetric (beyond a relative 1e-9
// of its largest entry), has a NaN or infinite entry, or has a negative
// diagonal entry (a negative squared norm). [New] and Weights return an
// error wrapping [ErrConfig] for an unknown name or option, and MGDA's loss
// normalisations return one wrapping [ErrLosses] when the losses are
// missing or not positive. Solvers that stop at their iteration cap return
// their last iterate, which is always a valid, finite weight vector.
//
// # Degenerate input
//
// One task gives the single-task answer (α = [1] for every method except
// where the method itself rescales: MGDA with "l2" normalisation gives
// 1/‖g‖, Nash-MTL 1/‖g‖, CAGrad (1+c)/(1+c²)). Zero gradients never produce
// NaN or Inf; each type documents what it returns for them. All-zero
// gradients give d = 0 whatever α is.
//
// # Determinism and state
//
// Every method is a deterministic function of G except [PCGrad], whose
// visiting order comes from a seeded math/rand/v2 generator it holds: the
// same seed and the same sequence of calls give the same weights. That
// generator is the only state that carries from call to call: *PCGrad
// implements [Stateful], so a checkpoint can save it and a resumed run
// draw what the uninterrupted run would have. [MGDA] keeps the losses given
// to SetLosses ([LossAware]), but they are set again before every step.
// Combiners are therefore not safe for concurrent use.
package combine
