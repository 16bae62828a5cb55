package ir

import (
	"fmt"
	"math"

	"github.com/nngen/nngen/spec"
)

// Head is the output layer's activation and the loss paired with it, the
// math gen renders for them: the output y from the logits z, the loss of
// one sample and its gradient δ = ∂L/∂z, fused with the head so that it
// is exact and cheap, and the prose of comments.
//
// The expressions are of one output k, in the variables Z (the logit
// zₖ), P (the output pₖ, as the forward pass saved it), Y (the target yₖ),
// LSE (log Σⱼ exp zⱼ, for softmax) and, once weighed, W (the sample's
// weight).
type Head struct {
	Act     spec.Activation
	Loss    spec.Loss
	Outputs int // K
	// Softmax says that the output is y = softmax(z), computed after
	// subtracting the largest logit so that no exp overflows, and that the
	// loss reads LSE, which the forward pass saves; Out is nil then.
	Softmax bool
	Out     Expr // pₖ from zₖ, for a head applied to each output
	// Locals are bound, in order, before Delta and Term, which may read them.
	Locals []Local
	Delta  Expr // δₖ = ∂L/∂zₖ
	Term   Expr // the loss of output k: L = Σₖ Term
	Target Target
	// Classifier says that the outputs are probabilities of classes;
	// Binary that there is one, of class 1, predicted where σ(z) ≥ ½,
	// that is z ≥ 0.
	Classifier, Binary bool

	Formula   string // the head and the loss, in math
	DeltaDoc  string // δ in math
	Fused     string // why δ is so simple
	OutputDoc string // what an output is: "class probabilities"
	OutDoc    string // y in math, for Forward's doc
	TargetDoc string // what a target is
}

// Local is a name bound to a value in the expressions of a head.
type Local struct {
	Name  Var
	Value Expr
}

// Target is the kind of target values a head is trained on.
type Target int

const (
	OneHot Target = iota // class probabilities summing to 1, one-hot for a label
	Bits                 // 0 or 1 for each output
	Real                 // any value
)

// The variables of a head's expressions.
const (
	Z   = Var("z")
	P   = Var("p")
	Y   = Var("y")
	LSE = Var("lse")
	W   = Var("w")
)

// head returns the head for the output activation act with k outputs.
func head(act spec.Activation, loss spec.Loss, k int) Head {
	K := Num(float64(k))
	switch act {
	case spec.Softmax:
		return Head{Act: act, Loss: loss, Outputs: k, Softmax: true,
			Delta:      sub(P, Y),
			Term:       mul(Y, sub(LSE, Z)),
			Target:     OneHot,
			Classifier: true,
			Formula:    "p = softmax(z), L = −Σₖ yₖ log pₖ = Σₖ yₖ (logΣⱼ exp zⱼ − zₖ)",
			DeltaDoc:   "p − y",
			Fused:      "softmax and cross-entropy fused; y sums to 1",
			OutputDoc:  "class probabilities",
			OutDoc:     "y = softmax(z), the probability of each class, z the output layer's logits",
			TargetDoc:  "class probabilities summing to 1, a one-hot vector for a class label",
		}
	case spec.Sigmoid:
		delta := "p − y"
		if k > 1 {
			delta = fmt.Sprintf("(p − y)/K = %g·(p − y)", 1/float64(k))
		}
		// max(z, 0) − z·y + log(1 + e^−|z|) is −y log σ(z) − (1−y) log(1−σ(z))
		// without the logarithm of a probability that rounds to 0.
		v := Var("v")
		return Head{Act: act, Loss: loss, Outputs: k,
			Out:        Apply{sigmoidFunc(), Z},
			Locals:     []Local{{v, Z}},
			Delta:      scale(1/float64(k), sub(P, Y)),
			Term:       over(add(sub(Max{v, Num(0)}, mul(v, Y)), call("Log1p", call("Exp", Neg{call("Abs", v)}))), K),
			Target:     Bits,
			Classifier: true, Binary: k == 1,
			Formula:   fmt.Sprintf("p = σ(z), L = −(1/K) Σₖ yₖ log pₖ + (1−yₖ) log(1−pₖ) = (1/K) Σₖ max(zₖ,0) − zₖyₖ + log(1+exp(−|zₖ|)), K = %d", k),
			DeltaDoc:  delta,
			Fused:     "sigmoid and binary cross-entropy fused",
			OutputDoc: "independent probabilities",
			OutDoc:    "y = σ(z), the probability of each output, z the output layer's logits",
			TargetDoc: "0 or 1 for each output",
		}
	}
	r := Var("r")
	return Head{Act: act, Loss: loss, Outputs: k,
		Out:       Z,
		Locals:    []Local{{r, sub(P, Y)}},
		Delta:     scale(2/float64(k), r),
		Term:      over(mul(r, r), K),
		Target:    Real,
		Formula:   fmt.Sprintf("ŷ = z, L = (1/K) Σₖ (zₖ − yₖ)², K = %d", k),
		DeltaDoc:  fmt.Sprintf("(2/K)(z − y) = %g·(z − y)", 2/float64(k)),
		Fused:     "the derivative of the mean squared error",
		OutputDoc: "regression values",
		OutDoc:    "y = z, the output layer's values",
		TargetDoc: "the expected values",
	}
}

// weigh multiplies the loss of a sample by its weight W, and so δ, the
// loss's derivative: w·L and w·δ, whatever the head.
func (h *Head) weigh() {
	h.Delta, h.Term = mul(W, h.Delta), mul(W, h.Term)
}

// scale is c·x, or x for c = 1.
func scale(c float64, x Expr) Expr {
	if c == 1 {
		return x
	}
	return mul(Num(c), x)
}

// over is x/k, or x for k = 1.
func over(x Expr, k Num) Expr {
	if k == 1 {
		return x
	}
	return div(x, k)
}

// apply computes the head's outputs from the logits z, in place.
func (h *Head) apply(z []float64) []float64 {
	if h.Softmax {
		top := math.Inf(-1)
		for _, v := range z {
			top = math.Max(top, v)
		}
		sum := 0.0
		for k, v := range z {
			z[k] = math.Exp(v - top)
			sum += z[k]
		}
		for k := range z {
			z[k] /= sum
		}
		return z
	}
	for k, v := range z {
		z[k] = eval(h.Out, map[string]float64{string(Z): v})
	}
	return z
}

// useFuncs replaces each helper the head's expressions call with the one
// use returns, which names it and shares it with the layers.
func (h *Head) useFuncs(use func(*Func) *Func) {
	h.Out = useIn(h.Out, use)
	for i, l := range h.Locals {
		h.Locals[i].Value = useIn(l.Value, use)
	}
	h.Delta, h.Term = useIn(h.Delta, use), useIn(h.Term, use)
}

// useIn returns x with each helper F it applies replaced by use(F).
func useIn(x Expr, use func(*Func) *Func) Expr {
	switch x := x.(type) {
	case Apply:
		return Apply{use(x.F), useIn(x.X, use)}
	case Call:
		args := make([]Expr, len(x.Args))
		for i, a := range x.Args {
			args[i] = useIn(a, use)
		}
		return Call{x.Fn, args}
	case Binary:
		return Binary{x.Op, useIn(x.X, use), useIn(x.Y, use)}
	case Neg:
		return Neg{useIn(x.X, use)}
	case Max:
		return Max{useIn(x.X, use), useIn(x.Y, use)}
	case Cond:
		return Cond{x.X, useIn(x.Then, use), useIn(x.Else, use)}
	case Let:
		return Let{x.Name, useIn(x.Value, use), useIn(x.Body, use)}
	}
	return x
}
