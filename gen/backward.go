package gen

import (
	"fmt"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// backward emits Backward: the loss and its fused gradient at the output,
// then one block per step of the backward schedule.
func (e *emitter) backward() {
	m, n := e.m, e.m.Names
	dropout := ""
	if m.Masks > 0 {
		dropout = `
	∂L/∂aₙ = mₙ ⊙ ∂L/∂hₙ    (dropout on layer n: hₙ = mₙ ⊙ aₙ feeds layer n+1)`
	}
	e.docf(`Backward adds to g the gradient of the weighted loss w·L of one sample
with respect to every parameter, and returns w·L. s must hold what Trace
saved for x; y is the target: %s; w is the sample's weight, 1 for the
plain loss.

The loss is %s. Backpropagation is the chain rule applied from the top
layer down. With δₙ = ∂L/∂zₙ the gradient at layer n's pre-activation:

	δ at the output = ∂L/∂z = %s, times w
	∂L/∂Wₙ = δₙ·aₙ₋₁ᵀ    ∂L/∂bₙ = δₙ    (a₀ = x)
	δₙ₋₁ = (Wₙᵀ·δₙ) ⊙ f'ₙ₋₁(zₙ₋₁)%s

δ at the output: %s.`, m.Head.TargetDoc, m.Head.Formula, m.Head.DeltaDoc, dropout, m.Head.Fused)
	e.f.Func().Params(Id("m").Op("*").Id(m.Name)).Id("Backward").Params(
		Id("g").Op("*").Id(m.Name), Id("s").Op("*").Id(n.Trace),
		Id("x").Op("*").Index(Id(n.Inputs)).Add(e.T()), Id("y").Op("*").Index(Id(n.Outputs)).Add(e.T()),
		Id("w").Add(e.T()),
	).Params(Id("loss").Add(e.T())).BlockFunc(func(g *Group) {
		st := m.Backward[0]
		l := st.Layer
		g.Comment(e.outputDoc(l))
		g.Var().Id(st.Delta).Add(e.vec(l.Out))
		e.lossAndDelta(g, func(k Code) binding {
			return bind(ir.Z, field("s", l.Z)(k)).with(ir.P, field("s", l.A)(k)).with(ir.Y, local("y")(k)).
				with(ir.LSE, Id("s").Dot("LogSumExp")).with(ir.W, Id("w"))
		}, local(st.Delta))
		for _, st := range m.Backward {
			e.step(g, st)
		}
		g.Return(Id("loss"))
	})
}

// lossAndDelta emits the loss of one sample and δ of the output layer,
// the variables of the head's expressions bound by env for each output k,
// or by locals, emitted first:
//
//	for k := range 3 {
//		d2[k] = w * (s.Y[k] - y[k])
//		loss += w * (y[k] * (s.LogSumExp - s.Z2[k]))
//	}
func (e *emitter) lossAndDelta(g *Group, env func(k Code) binding, delta vector, locals ...ir.Local) {
	h := e.m.Head
	each(g, "k", h.Outputs, func(g *Group, k Code) {
		env := env(k)
		for _, l := range append(locals, h.Locals...) {
			g.Id(string(l.Name)).Op(":=").Add(e.headValue(l.Value, env))
			env = env.with(l.Name, Id(string(l.Name)))
		}
		g.Add(delta(k)).Op("=").Add(e.headValue(h.Delta, env))
		g.Id("loss").Op("+=").Add(e.headValue(h.Term, env))
	})
}

// outputDoc is the comment above the loss and δ of the output layer.
func (e *emitter) outputDoc(l *ir.Layer) string {
	return fmt.Sprintf("Layer %d (output): the loss, and δ%d = ∂L/∂z%d = %s (%s), both times the sample's weight w.", l.N, l.N, l.N, e.m.Head.DeltaDoc, e.m.Head.Fused)
}

// wide converts x to float64 for package math when the element type is float32.
func (e *emitter) wide(x Code) Code {
	if e.m.Float == spec.Float64 {
		return x
	}
	return Float64().Call(x)
}

// step emits one layer of the backward pass: the parameter gradients and,
// unless it is the first layer, δ of the layer below.
func (e *emitter) step(g *Group, st *ir.Step) {
	l := st.Layer
	in := local("x")
	if st.Below != nil {
		in = field("s", st.Below.Next())
	}
	d := local(st.Delta)
	if st.Below == nil {
		g.Comment(fmt.Sprintf("Layer %d: ∂L/∂W%d += δ%d·xᵀ, ∂L/∂b%d += δ%d.", l.N, l.N, l.N, l.N, l.N))
	} else {
		input := e.inputName(l, true)
		g.Comment(fmt.Sprintf("Layer %d: ∂L/∂W%d += δ%d·%sᵀ, ∂L/∂b%d += δ%d, and %s = W%dᵀ·δ%d = ∂L/∂%s.",
			l.N, l.N, l.N, input, l.N, l.N, st.Up, l.N, l.N, input))
		g.Var().Id(st.Up).Add(e.vec(l.In))
	}
	w, gw := field("m", l.W), field("g", l.W)
	if l.Unrolled {
		for o := range l.Out {
			g.Id("g").Dot(l.B).Index(Lit(o)).Op("+=").Add(d(Lit(o)))
			for i := range l.In {
				g.Add(gw(Lit(o)).Index(Lit(i))).Op("+=").Add(d(Lit(o))).Op("*").Add(in(Lit(i)))
			}
		}
		if st.Below != nil {
			for i := range l.In {
				sum := w(Lit(0)).Index(Lit(i)).Op("*").Add(d(Lit(0)))
				for o := 1; o < l.Out; o++ {
					sum = sum.Op("+").Add(w(Lit(o)).Index(Lit(i))).Op("*").Add(d(Lit(o)))
				}
				g.Id(st.Up).Index(Lit(i)).Op("=").Add(sum)
			}
		}
	} else {
		each(g, "o", l.Out, func(g *Group, o Code) { g.Id("g").Dot(l.B).Index(o).Op("+=").Add(d(o)) })
		g.Comment(fmt.Sprintf("∂L/∂W%d[o][i] += δ%d[o]·%s[i]: a product of a %d×1 and a 1×%d matrix.", l.N, l.N, e.inputName(l, true), l.Out, l.In))
		g.Id(e.gemm()).Call(Lit(l.Out), Lit(l.In), Lit(1), Id(st.Delta).Index(Op(":")), Lit(1), Lit(1), in(Op(":")), Lit(l.In), e.flat(Id("g"), l), Lit(l.In), Nil(), Nil(), e.deltaMode(st, e.gemmAdd()))
		if st.Below != nil {
			g.Comment(fmt.Sprintf("%s = W%dᵀ·δ%d = Σₒ δ%d[o]·W%d[o], the rows of W%d weighted by δ%d: the 1×%d product δ%dᵀ·W%d.",
				st.Up, l.N, l.N, l.N, l.N, l.N, l.N, l.In, l.N, l.N))
			g.Id(e.gemm()).Call(Lit(1), Lit(l.In), Lit(l.Out), Id(st.Delta).Index(Op(":")), Lit(0), Lit(1), e.flat(Id("m"), l), Lit(l.In), Id(st.Up).Index(Op(":")), Lit(l.In), Nil(), Nil(), e.deltaMode(st, e.gemmSet()))
		}
	}
	if st.Below == nil {
		return
	}
	if dr := st.Below.Dropout; dr != nil {
		g.Comment(dropoutBackDoc(st))
		each(g, "i", st.Below.Out, func(g *Group, i Code) {
			g.Id(st.Up).Index(i).Op("*=").Id("s").Dot(dr.M).Index(i)
		})
	}
	act := st.Below.Act
	if act.DerivFunc == nil {
		g.Comment(fmt.Sprintf("δ%d = ∂L/∂z%d = %s: layer %d is linear, its derivative is 1; %s is δ%d.", st.Below.N, st.Below.N, st.Up, st.Below.N, st.Up, st.Below.N))
		return
	}
	g.Comment(fmt.Sprintf("δ%d = ∂L/∂z%d = %s ⊙ %s'(z%d), with %s'(z) = %s; %s holds δ%d from here on.",
		st.Below.N, st.Below.N, st.Up, act.Name, st.Below.N, act.Name, act.Deriv, st.Up, st.Below.N))
	deriv := func(i Code) *Statement {
		return Id(st.Up).Index(i).Op("*=").Add(e.apply(act.DerivFunc, Id("s").Dot(st.DerivArg).Index(i)))
	}
	if st.Below.Unrolled {
		for i := range st.Below.Out {
			g.Add(deriv(Lit(i)))
		}
		return
	}
	each(g, "i", st.Below.Out, func(g *Group, i Code) { g.Add(deriv(i)) })
}

// dropoutBackDoc is the comment above the product with the dropout mask
// in the backward step st.
func dropoutBackDoc(st *ir.Step) string {
	n := st.Below.N
	return fmt.Sprintf("%s = ∂L/∂a%d = m%d ⊙ ∂L/∂h%d: the gradient flows through the units that dropout kept, scaled by their mask as they were, and not through those it dropped.", st.Up, n, n, n)
}
