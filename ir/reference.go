package ir

import (
	"maps"
	"math"
)

// TrainedForward computes, in float64, the output of the trained model
// for the raw features x by the formulas the generated code follows: the
// standardization, then layer by layer z = W·a + b and the activation,
// then the head. It is the reference that the generated test compares
// the compiled Forward with. m must carry trained parameters.
func (m *Model) TrainedForward(x []float64) []float64 {
	t := m.Trained
	a := make([]float64, len(x))
	for i := range x {
		a[i] = (x[i] - t.Mean[i]) / t.Std[i]
	}
	for _, l := range m.Layers {
		w, b := t.Params[l.Offset:l.Offset+l.In*l.Out], t.Params[l.Offset+l.In*l.Out:]
		z := make([]float64, l.Out)
		for o := range z {
			z[o] = b[o]
			for i, v := range a {
				z[o] += w[o*l.In+i] * v
			}
			if l.Act != nil && l.Act.Func != nil {
				z[o] = l.Act.Func.Apply(z[o])
			}
		}
		a = z
	}
	return m.Head.apply(a)
}

// Apply evaluates f at v.
func (f *Func) Apply(v float64) float64 {
	return eval(f.Body, map[string]float64{string(f.Param): v})
}

// mathFuncs are the functions of package math that a Call may name.
var mathFuncs = map[string]func(float64) float64{
	"Abs": math.Abs, "Exp": math.Exp, "Expm1": math.Expm1, "Log": math.Log, "Log1p": math.Log1p, "Tanh": math.Tanh,
}

// eval evaluates e with the variables bound in env.
func eval(e Expr, env map[string]float64) float64 {
	switch e := e.(type) {
	case Var:
		return env[string(e)]
	case Num:
		return float64(e)
	case Call:
		fn, ok := mathFuncs[e.Fn]
		if !ok || len(e.Args) != 1 {
			panic("ir: cannot evaluate math." + e.Fn)
		}
		return fn(eval(e.Args[0], env))
	case Binary:
		x, y := eval(e.X, env), eval(e.Y, env)
		switch e.Op {
		case "+":
			return x + y
		case "-":
			return x - y
		case "*":
			return x * y
		case "/":
			return x / y
		}
		panic("ir: unknown operator " + e.Op)
	case Neg:
		return -eval(e.X, env)
	case Max:
		return max(eval(e.X, env), eval(e.Y, env))
	case Cond:
		if env[string(e.X)] > 0 {
			return eval(e.Then, env)
		}
		return eval(e.Else, env)
	case Apply:
		return e.F.Apply(eval(e.X, env))
	case Let:
		inner := maps.Clone(env)
		inner[e.Name] = eval(e.Value, env)
		return eval(e.Body, inner)
	}
	panic("ir: unknown expression")
}
