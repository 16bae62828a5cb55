package optim_test

import (
	"fmt"

	"github.com/nngen/nngen/runtime/optim"
)

// This example fits p to the minimum of f(p) = ½‖p - c‖² with AdamW, a
// warm-up followed by cosine decay, and gradient clipping.
func Example() {
	const steps = 200
	c := []float64{1, -2}
	params := make([]float64, len(c))
	grads := make([]float64, len(c))

	opt, err := optim.New[float64]("adamw", optim.Config{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	if err != nil {
		fmt.Println(err)
		return
	}
	sched := optim.Warmup{
		Steps:    10,
		Schedule: optim.Cosine{Base: 0.1, Min: 0.001, Total: steps - 10},
	}
	for step := range steps {
		for i := range params {
			grads[i] = params[i] - c[i] // ∇f
		}
		optim.ClipGlobalNorm(grads, 1)
		opt.Step(params, grads, sched.Rate(step))
	}
	fmt.Printf("%.2f\n", params)

	// A checkpoint saves the optimizer state along with the parameters.
	state := opt.State()
	fmt.Println(state.Steps, state.Buffers[0].Name, state.Buffers[1].Name)

	// Output:
	// [1.00 -2.00]
	// 200 m v
}

func ExampleNew() {
	_, err := optim.New[float32]("adagrad", optim.DefaultConfig("adagrad"))
	fmt.Println(err)

	// Output:
	// optim: unknown optimizer "adagrad" (valid: sgd, momentum, nesterov, adam, adamw)
}
