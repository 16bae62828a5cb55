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
//		if z > 0 {
//			return z
//		}
//		return 0
//	}
//
// For float32 models a helper that calls package math computes in float64.
func (e *emitter) funcs() {
	for _, f := range e.m.Funcs {
		e.f.Comment(fmt.Sprintf("%s computes %s.", f.Name, f.Doc))
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

// body emits the statements that return x.
func (e *emitter) body(g *Group, x ir.Expr, wide bool) {
	ret := func(x ir.Expr) *Statement {
		if wide {
			return Return(e.narrow(expr(x)))
		}
		return Return(expr(x))
	}
	switch x := x.(type) {
	case ir.Let:
		g.Id(x.Name).Op(":=").Add(expr(x.Value))
		e.body(g, x.Body, wide)
	case ir.Cond:
		g.If(Id(string(x.X)).Op(">").Lit(0)).Block(ret(x.Then))
		g.Add(ret(x.Else))
	default:
		g.Add(ret(x))
	}
}

// expr renders a scalar expression; Let and Cond appear only at the top
// of a body.
func expr(x ir.Expr) *Statement {
	switch x := x.(type) {
	case ir.Var:
		return Id(string(x))
	case ir.Num:
		return num(float64(x))
	case ir.Call:
		args := make([]Code, len(x.Args))
		for i, a := range x.Args {
			args[i] = expr(a)
		}
		return Qual("math", x.Fn).Call(args...)
	case ir.Binary:
		p := prec[x.Op]
		return operand(x.X, p, false).Op(x.Op).Add(operand(x.Y, p, true))
	case ir.Neg:
		return Op("-").Add(operand(x.X, 3, false))
	case ir.Max:
		return Max(expr(x.X), expr(x.Y))
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
func operand(x ir.Expr, p int, right bool) *Statement {
	if b, ok := x.(ir.Binary); ok {
		if q := prec[b.Op]; q < p || q == p && right {
			return Parens(expr(x))
		}
	}
	return expr(x)
}
