package gen

import (
	"fmt"
	"strconv"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// funcs emits the scalar helpers, for example:
//
//	// irisRelu computes relu(z) = max(z, 0).
//	func irisRelu(z float64) float64 {
//		if z < 0 {
//			return 0
//		}
//		return z
//	}
//
// For float32 models a helper that calls package math computes in float64.
//
// It emits those the code calls, which it has emitted before.
func (e *emitter) funcs() {
	for _, f := range e.m.Funcs {
		if !e.called[f] {
			continue
		}
		e.docf("%s computes %s.", f.Name, f.Doc)
		wide := e.m.Float == spec.Float32 && calls(f.Body)
		param := string(f.Param)
		if wide {
			param = "arg"
		}
		e.f.Func().Id(f.Name).Params(Id(param).Add(e.T())).Add(e.T()).BlockFunc(func(g *Group) {
			if wide {
				g.Id(string(f.Param)).Op(":=").Float64().Call(Id("arg"))
			}
			e.body(g, f.Body, wide)
		})
	}
}

// apply calls the helper f on x.
func (e *emitter) apply(f *ir.Func, x Code) *Statement {
	if e.called == nil {
		e.called = map[*ir.Func]bool{}
	}
	e.called[f] = true
	return Id(f.Name).Call(x)
}

// body emits the statements that return x; with wide set its variables
// are float64 values and the result is converted to the element type.
func (e *emitter) body(g *Group, x ir.Expr, wide bool) {
	vt := e.m.Float
	if wide {
		vt = spec.Float64
	}
	val := func(x ir.Expr) *Statement { return e.value(x, named, vt, vt) }
	ret := func(x ir.Expr) *Statement {
		if wide {
			return Return(e.narrow(val(x)))
		}
		return Return(val(x))
	}
	switch x := x.(type) {
	case ir.Let:
		g.Id(x.Name).Op(":=").Add(val(x.Value))
		e.body(g, x.Body, wide)
	case ir.Cond:
		g.If(Id(string(x.X)).Op(">").Lit(0)).Block(ret(x.Then))
		g.Add(ret(x.Else))
	case ir.Max:
		// A test and a branch, which cost less than Go's max: a NaN of x.X
		// is returned, as max returns it, and −0 too, as the assembly's
		// VMAXPS returns it (max returns +0).
		g.If(val(x.X).Op("<").Add(val(x.Y))).Block(ret(x.Y))
		g.Add(ret(x.X))
	default:
		g.Add(ret(x))
	}
}

// binding gives the Go value of each variable of an expression.
type binding func(ir.Var) *Statement

// named binds each variable to the Go variable of its name.
func named(v ir.Var) *Statement { return Id(string(v)) }

// value renders x, Let and Cond aside, as a Go expression of type t: the
// element type, or float64 inside a call of package math. Its variables
// are env's values, of type vt.
func (e *emitter) value(x ir.Expr, env binding, vt, t spec.DType) *Statement {
	convert := func(v *Statement, from spec.DType) *Statement {
		if from == t {
			return v
		}
		return Id(string(t)).Call(v)
	}
	switch x := x.(type) {
	case ir.Var:
		return convert(env(x), vt)
	case ir.Num:
		return num(float64(x))
	case ir.Call:
		args := make([]Code, len(x.Args))
		for i, a := range x.Args {
			args[i] = e.value(a, env, vt, spec.Float64)
		}
		return convert(Qual("math", x.Fn).Call(args...), spec.Float64)
	case ir.Apply:
		return convert(e.apply(x.F, e.value(x.X, env, vt, e.m.Float)), e.m.Float)
	case ir.Binary:
		p := prec[x.Op]
		return e.operand(x.X, p, false, env, vt, t).Op(x.Op).Add(e.operand(x.Y, p, true, env, vt, t))
	case ir.Neg:
		return Op("-").Add(e.operand(x.X, 3, false, env, vt, t))
	case ir.Max:
		return Max(e.value(x.X, env, vt, t), e.value(x.Y, env, vt, t))
	}
	panic(fmt.Sprintf("gen: cannot render %T inside an expression", x))
}

// calls reports whether x calls package math.
func calls(x ir.Expr) bool {
	switch x := x.(type) {
	case ir.Call:
		return true
	case ir.Binary:
		return calls(x.X) || calls(x.Y)
	case ir.Neg:
		return calls(x.X)
	case ir.Max:
		return calls(x.X) || calls(x.Y)
	case ir.Cond:
		return calls(x.Then) || calls(x.Else)
	case ir.Let:
		return calls(x.Value) || calls(x.Body)
	case ir.Apply:
		return calls(x.X)
	}
	return false
}

// num renders v in the shortest form that reads back exactly: 1, 0.5, 1e-05.
func num(v float64) *Statement {
	return Op(strconv.FormatFloat(v, 'g', -1, 64))
}

var prec = map[string]int{"+": 1, "-": 1, "*": 2, "/": 2}

// operand renders x as an operand of an operator of precedence p,
// parenthesized where Go's precedence would regroup it.
func (e *emitter) operand(x ir.Expr, p int, right bool, env binding, vt, t spec.DType) *Statement {
	if b, ok := x.(ir.Binary); ok {
		if q := prec[b.Op]; q < p || q == p && right {
			return Parens(e.value(x, env, vt, t))
		}
	}
	return e.value(x, env, vt, t)
}
