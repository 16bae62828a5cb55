package optim

import (
	"fmt"
	"math"
	"strings"
)

// Config holds the hyperparameters of the optimizers that New constructs.
// Each optimizer reads only the fields it uses and ignores the others.
// DefaultConfig gives the conventional values.
type Config struct {
	// Momentum is the momentum coefficient μ of "momentum" and
	// "nesterov", in (0, 1). Default 0.9; PyTorch's SGD has no
	// momentum by default, and 0.9 is the customary choice.
	Momentum float64

	// Beta1 and Beta2 are the moment decay rates of "adam" and "adamw",
	// in [0, 1). Defaults 0.9 and 0.999, as in PyTorch.
	Beta1, Beta2 float64

	// Eps is the denominator term ε of "adam" and "adamw", finite and
	// not negative. Default 1e-8, as in PyTorch.
	Eps float64

	// WeightDecay is the weight decay coefficient λ of every optimizer,
	// finite and not negative. It is an L2 penalty on the gradient,
	// except for "adamw", where it is decoupled. Default 0, or 0.01 for
	// "adamw", as in PyTorch.
	WeightDecay float64
}

// names lists the optimizers New knows, in the order they are reported.
var names = []string{"sgd", "momentum", "nesterov", "adam", "adamw"}

// Names returns the optimizer names New accepts.
func Names() []string {
	return append([]string(nil), names...)
}

// DefaultConfig returns the default hyperparameters for the named
// optimizer, as documented on Config. For an unknown name it returns the
// defaults shared by all optimizers.
func DefaultConfig(name string) Config {
	c := Config{Momentum: 0.9, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	if name == "adamw" {
		c.WeightDecay = 0.01
	}
	return c
}

// New returns a new optimizer selected by name, configured by cfg:
//
//	"sgd"       SGD without momentum
//	"momentum"  SGD with classical momentum
//	"nesterov"  SGD with Nesterov momentum
//	"adam"      Adam, weight decay as an L2 penalty
//	"adamw"     Adam with decoupled weight decay
//
// New returns an error if name is not one of these or if a field of cfg
// that the optimizer uses is out of range.
func New[T Float](name string, cfg Config) (Optimizer[T], error) {
	if err := cfg.check(name); err != nil {
		return nil, err
	}
	switch name {
	case "momentum", "nesterov":
		return &SGD[T]{
			Momentum:    T(cfg.Momentum),
			Nesterov:    name == "nesterov",
			WeightDecay: T(cfg.WeightDecay),
		}, nil
	case "adam", "adamw":
		return &Adam[T]{
			Beta1:       T(cfg.Beta1),
			Beta2:       T(cfg.Beta2),
			Eps:         T(cfg.Eps),
			WeightDecay: T(cfg.WeightDecay),
			Decoupled:   name == "adamw",
		}, nil
	default:
		return &SGD[T]{WeightDecay: T(cfg.WeightDecay)}, nil
	}
}

// check reports whether name is a known optimizer and the fields of c that
// it uses are in range.
func (c Config) check(name string) error {
	if indexOf(names, name) < 0 {
		return fmt.Errorf("optim: unknown optimizer %q (valid: %s)", name, strings.Join(names, ", "))
	}
	finite := func(x float64) bool { return math.Abs(x) <= math.MaxFloat64 }
	if !(c.WeightDecay >= 0 && finite(c.WeightDecay)) {
		return fmt.Errorf("optim: %s: weight decay %v is not finite and non-negative", name, c.WeightDecay)
	}
	switch name {
	case "momentum", "nesterov":
		if !(c.Momentum > 0 && c.Momentum < 1) {
			return fmt.Errorf("optim: %s: momentum %v is not in (0, 1)", name, c.Momentum)
		}
	case "adam", "adamw":
		if !(c.Beta1 >= 0 && c.Beta1 < 1) {
			return fmt.Errorf("optim: %s: beta1 %v is not in [0, 1)", name, c.Beta1)
		}
		if !(c.Beta2 >= 0 && c.Beta2 < 1) {
			return fmt.Errorf("optim: %s: beta2 %v is not in [0, 1)", name, c.Beta2)
		}
		if !(c.Eps >= 0 && finite(c.Eps)) {
			return fmt.Errorf("optim: %s: eps %v is not finite and non-negative", name, c.Eps)
		}
	}
	return nil
}
