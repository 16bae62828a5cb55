// Package optim provides the parameter update rules, gradient clipping and
// learning-rate schedules used to train nngen models.
//
// Generated models expose their parameters and gradients as flat slices, so
// every optimizer here works on a pair of equal-length slices:
//
//	for step := 0; step < total; step++ {
//		// ... forward and backward pass fill grads with the
//		// gradient averaged over the mini-batch ...
//		optim.ClipGlobalNorm(grads, 1)
//		opt.Step(params, grads, float32(sched.Rate(step)))
//	}
//
// The update rules follow the formulation used by PyTorch's torch.optim, so
// hyperparameters carry over unchanged: SGD with optional (Nesterov)
// momentum, Adam and AdamW. Optimizers allocate their per-parameter state on
// the first call to Step and do not allocate afterwards. Where the
// gradient is a sum over n samples, StepScaled(params, grads, 1/n, lr)
// takes its average in the same pass (see ScaledStepper).
//
// An optimizer's internal state (step count and moment vectors) can be
// exported with State and restored with SetState, which is what a
// checkpoint writer needs to resume training exactly where it stopped.
// Hyperparameters are not part of that state; they are configuration.
//
// Schedules map the 0-based index of an optimizer step to a learning rate.
// Step index s is the number of Step calls made before the one the rate is
// for, so the first update uses Rate(0).
//
// The element loops of the optimizers run as assembly kernels on amd64 with
// AVX2 and on arm64 with NEON, and as plain Go elsewhere, on amd64 without
// AVX2, and with the purego build tag. The kernels give the same bits as
// the plain Go loops (see kernels.go for where that holds).
package optim

//go:generate go run github.com/nngen/nngen/internal/asmgen optim
