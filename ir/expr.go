package ir

import (
	"fmt"
	"math"

	"github.com/nngen/nngen/spec"
)

// Expr is a scalar expression of a helper function's body.
type Expr interface{ isExpr() }

type (
	// Var is the helper's parameter or a name bound by Let.
	Var string
	// Num is a constant.
	Num float64
	// Call applies a function of package math to its arguments.
	Call struct {
		Fn   string
		Args []Expr
	}
	// Binary is X Op Y with Op one of + − * /.
	Binary struct {
		Op   string
		X, Y Expr
	}
	// Neg is −X.
	Neg struct{ X Expr }
	// Max is the larger of X and Y, NaN if either is (Go's max): no
	// branch, so no mispredicted one on data of mixed signs.
	Max struct{ X, Y Expr }
	// Cond is: if X > 0 then Then else Else.
	Cond struct {
		X          Var
		Then, Else Expr
	}
	// Let binds Name to Value in Body.
	Let struct {
		Name  string
		Value Expr
		Body  Expr
	}
	// Apply calls the helper F of the generated code on X.
	Apply struct {
		F *Func
		X Expr
	}
)

func (Var) isExpr()    {}
func (Num) isExpr()    {}
func (Call) isExpr()   {}
func (Binary) isExpr() {}
func (Neg) isExpr()    {}
func (Max) isExpr()    {}
func (Cond) isExpr()   {}
func (Let) isExpr()    {}
func (Apply) isExpr()  {}

func add(x, y Expr) Expr          { return Binary{"+", x, y} }
func sub(x, y Expr) Expr          { return Binary{"-", x, y} }
func mul(x, y Expr) Expr          { return Binary{"*", x, y} }
func div(x, y Expr) Expr          { return Binary{"/", x, y} }
func call(fn string, x Expr) Expr { return Call{fn, []Expr{x}} }

const (
	z = Z
	a = Var("a")
)

// sigmoid(v) = 1 / (1 + e^−v): for v ≪ 0 the exponential overflows to +Inf
// and the quotient rounds to 0, the correctly rounded result; no NaN arises.
func sigmoidOf(v Expr) Expr { return div(Num(1), add(Num(1), call("Exp", Neg{v}))) }

func sigmoidFunc() *Func {
	return &Func{Name: "Sigmoid", Param: z, Doc: "σ(z) = 1/(1+e^−z)", Body: sigmoidOf(z)}
}

// GELU, tanh approximation: gelu(z) = ½z(1 + tanh(c(z + k·z³))).
var (
	geluC = math.Sqrt(2 / math.Pi)
	geluK = 0.044715
)

// activation returns f, f' and what f' is computed from. The derivative
// reads the saved output a wherever that is exact and no dearer than z.
func activation(act spec.Activation, alpha float64) *Activation {
	f := func(name, doc string, body Expr) *Func { return &Func{Name: name, Param: z, Doc: doc, Body: body} }
	d := func(name string, param Var, doc string, body Expr) *Func {
		return &Func{Name: name + "Deriv", Param: param, Doc: doc, Body: body}
	}
	switch act {
	case spec.ReLU:
		return &Activation{Name: act, Formula: "max(z, 0)", Deriv: "1 if a > 0 else 0", DerivOf: OfA, Rectifier: true,
			Func:      f("Relu", "relu(z) = max(z, 0)", Max{z, Num(0)}),
			DerivFunc: d("Relu", a, "relu'(z) = 1 if z > 0 else 0, read off a = relu(z)", Cond{a, Num(1), Num(0)}),
		}
	case spec.LeakyReLU:
		name := fmt.Sprintf("LeakyRelu%s", numName(alpha))
		return &Activation{Name: act, Formula: fmt.Sprintf("z if z > 0 else %g·z", alpha), Deriv: fmt.Sprintf("1 if a > 0 else %g", alpha), DerivOf: OfA,
			Func:      f(name, fmt.Sprintf("leaky_relu(z) = z if z > 0 else α·z = max(z, α·z), α = %g", alpha), Max{z, mul(Num(alpha), z)}),
			DerivFunc: d(name, a, "leaky_relu'(z) = 1 if z > 0 else α, read off a (same sign as z)", Cond{a, Num(1), Num(alpha)}),
		}
	case spec.Sigmoid:
		return &Activation{Name: act, Formula: "σ(z) = 1/(1+e^−z)", Deriv: "a(1 − a)", DerivOf: OfA,
			Func:      sigmoidFunc(),
			DerivFunc: d("Sigmoid", a, "σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)", mul(a, sub(Num(1), a))),
		}
	case spec.Tanh:
		return &Activation{Name: act, Formula: "tanh(z)", Deriv: "1 − a²", DerivOf: OfA,
			Func:      f("Tanh", "tanh(z)", call("Tanh", z)),
			DerivFunc: d("Tanh", a, "tanh'(z) = 1 − tanh²(z) = 1 − a²", sub(Num(1), mul(a, a))),
		}
	case spec.Softplus:
		return &Activation{Name: act, Formula: "log(1 + e^z)", Deriv: "1 − e^−a", DerivOf: OfA,
			Func: f("Softplus", "softplus(z) = log(1 + e^z), as z + log(1 + e^−z) for z > 0 so that nothing overflows",
				Cond{z, add(z, call("Log1p", call("Exp", Neg{z}))), call("Log1p", call("Exp", z))}),
			DerivFunc: d("Softplus", a, "softplus'(z) = σ(z) = 1 − e^−a with a = softplus(z); −expm1(−a) keeps it exact for small a",
				Neg{call("Expm1", Neg{a})}),
		}
	case spec.ELU:
		name := fmt.Sprintf("Elu%s", numName(alpha))
		return &Activation{Name: act, Formula: fmt.Sprintf("z if z > 0 else %g·(e^z − 1)", alpha), Deriv: fmt.Sprintf("1 if a > 0 else a + %g", alpha), DerivOf: OfA,
			Func:      f(name, fmt.Sprintf("elu(z) = z if z > 0 else α(e^z − 1), α = %g", alpha), Cond{z, z, mul(Num(alpha), call("Expm1", z))}),
			DerivFunc: d(name, a, "elu'(z) = 1 if z > 0 else α·e^z = a + α", Cond{a, Num(1), add(a, Num(alpha))}),
		}
	case spec.GELU:
		u := mul(Num(geluC), add(z, mul(Num(geluK), mul(mul(z, z), z))))
		return &Activation{Name: act, Formula: "½z(1 + tanh(√(2/π)(z + 0.044715z³)))", Deriv: "½(1 + t) + ½z(1 − t²)·√(2/π)(1 + 3·0.044715z²), t = tanh(…)", DerivOf: OfZ,
			Func: f("Gelu", "gelu(z) = ½z(1 + tanh(√(2/π)(z + 0.044715z³))), the tanh approximation",
				mul(mul(Num(0.5), z), add(Num(1), call("Tanh", u)))),
			DerivFunc: d("Gelu", z, "gelu'(z) = ½(1 + t) + ½z(1 − t²)·√(2/π)(1 + 3·0.044715z²), t = tanh(√(2/π)(z + 0.044715z³))",
				Let{"t", call("Tanh", u), add(
					mul(Num(0.5), add(Num(1), Var("t"))),
					mul(mul(mul(Num(0.5), z), sub(Num(1), mul(Var("t"), Var("t")))),
						mul(Num(geluC), add(Num(1), mul(Num(3*geluK), mul(z, z))))))}),
		}
	case spec.SiLU:
		return &Activation{Name: act, Formula: "z·σ(z)", Deriv: "σ(z)(1 + z(1 − σ(z)))", DerivOf: OfZ,
			Func: f("Silu", "silu(z) = z·σ(z) = z/(1 + e^−z)", div(z, add(Num(1), call("Exp", Neg{z})))),
			DerivFunc: d("Silu", z, "silu'(z) = σ(z)(1 + z(1 − σ(z)))",
				Let{"s", sigmoidOf(z), mul(Var("s"), add(Num(1), mul(z, sub(Num(1), Var("s")))))}),
		}
	}
	return &Activation{Name: spec.Identity, Formula: "z", Deriv: "1", DerivOf: OfA}
}

// numName turns a parameter into part of an identifier: 0.01 → "0_01".
func numName(v float64) string {
	b := []byte(fmt.Sprint(v))
	for i, c := range b {
		if c < '0' || c > '9' {
			b[i] = '_'
		}
	}
	return string(b)
}
