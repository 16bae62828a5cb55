package gen

import (
	"fmt"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
)

// The chunked forms of TrainBatch and ForwardBatch, for models with looped
// layers (ir.Model.Chunk > 0): a chunk of samples goes through the network
// layer by layer, each weight row is read once per chunk, and the inner
// loops serve four samples at a time.

// sample returns the vector field of the trace of sample q in the chunk:
// s[q].A1[i].
func sample(k Code, name string) vector {
	return func(i Code) *Statement { return Id("s").Index(k).Dot(name).Index(i) }
}

// row returns the input row of layer l for sample k of the chunk: the
// sample itself for the first layer, else the previous layer's output.
func (e *emitter) row(l *ir.Layer, k Code) *Statement {
	if l.N == 1 {
		return Parens(Op("*").Index(Id(e.m.Names.Inputs)).Add(e.T())).Call(
			Id("x").Index(Parens(Id("base").Op("+").Add(k)).Op("*").Id(e.m.Names.Inputs).Op(":")))
	}
	return Op("&").Id("s").Index(k).Dot(e.m.Layers[l.N-2].A)
}

// plus is k+j for j > 0.
func plus(k string, j int) Code {
	if j == 0 {
		return Id(k)
	}
	return Id(k).Op("+").Lit(j)
}

// denseChunk emits the forward step of layer l for the c samples of the
// chunk:
//
//	for o := range 512 {
//		w := &m.W1[o]
//		q := 0
//		for ; q+4 <= c; q += 4 {
//			x0, x1, x2, x3 := …rows of samples q…q+3…
//			v0, v1, v2, v3 := wideDot4x784(w, x0, x1, x2, x3)
//			s[q].A1[o] = wideRelu(m.B1[o] + v0)
//			…
//		}
//		for ; q < c; q++ { s[q].A1[o] = wideRelu(m.B1[o] + wideDot784(w, …row of sample q…)) }
//	}
func (e *emitter) denseChunk(g *Group, l *ir.Layer) {
	store := func(g *Group, k Code, v *Statement) {
		o := Id("o")
		if l.Z != "" {
			g.Add(sample(k, l.Z)(o)).Op("=").Add(v)
			v = sample(k, l.Z)(o)
		}
		if l.Output() {
			return
		}
		if l.Act.Func != nil {
			v = Id(l.Act.Func.Name).Call(v)
		}
		g.Add(sample(k, l.A)(o)).Op("=").Add(v)
	}
	g.For(Id("o").Op(":=").Range().Lit(l.Out)).BlockFunc(func(g *Group) {
		g.Id("w").Op(":=").Op("&").Id("m").Dot(l.W).Index(Id("o"))
		g.Id("q").Op(":=").Lit(0)
		g.For(Op(";").Id("q").Op("+").Lit(4).Op("<=").Id("c"), Id("q").Op("+=").Lit(4)).BlockFunc(func(g *Group) {
			for j := range 4 {
				g.Id(fmt.Sprintf("x%d", j)).Op(":=").Add(e.row(l, plus("q", j)))
			}
			g.List(Id("v0"), Id("v1"), Id("v2"), Id("v3")).Op(":=").Id(e.kernel("Dot4x", l.In)).Call(Id("w"), Id("x0"), Id("x1"), Id("x2"), Id("x3"))
			for j := range 4 {
				store(g, plus("q", j), Id("m").Dot(l.B).Index(Id("o")).Op("+").Id(fmt.Sprintf("v%d", j)))
			}
		})
		g.For(Op(";").Id("q").Op("<").Id("c"), Id("q").Op("++")).BlockFunc(func(g *Group) {
			store(g, Id("q"), Id("m").Dot(l.B).Index(Id("o")).Op("+").Id(e.kernel("Dot", l.In)).Call(Id("w"), e.row(l, Id("q"))))
		})
	})
}

// forwardChunk emits the forward pass of the c samples of a chunk, with
// the head applied to each.
func (e *emitter) forwardChunk(g *Group) {
	m := e.m
	for _, l := range m.Layers {
		g.Comment(e.layerDoc(l, inputName(l)) + " Four samples at a time.")
		e.denseChunk(g, l)
	}
	last := m.Layers[len(m.Layers)-1]
	g.Comment("The head of each sample.")
	g.For(Id("q").Op(":=").Range().Id("c")).BlockFunc(func(g *Group) {
		var lse *Statement
		if m.Head.Act == "softmax" {
			lse = Id("s").Index(Id("q")).Dot("LogSumExp")
		}
		e.head(g, sample(Id("q"), last.Z), sample(Id("q"), last.A), lse)
	})
}

// stepChunk emits one layer of the backward pass over the chunk:
//
//	for o := range 10 {
//		gw, w := &g.W3[o], &m.W3[o]
//		var db float32
//		for ; q+4 <= c; q += 4 {
//			e0, … := d3[q][o], …
//			wideOuter4x512(gw, e0, e1, e2, e3, x0, x1, x2, x3)   // ∂L/∂W3[o] += Σ eⱼ·xⱼ
//			wideAxpy4x512(u0, u1, u2, u3, e0, e1, e2, e3, w)    // d2[q+j] += eⱼ·W3[o]
//		}
//		…
//		g.B3[o] += db
//	}
func (e *emitter) stepChunk(g *Group, st *ir.Step) {
	l, down := st.Layer, st.Below != nil
	if down {
		g.Comment(fmt.Sprintf("Layer %d: ∂L/∂W%d += Σₖ δ%dₖ·a%dₖᵀ, ∂L/∂b%d += Σₖ δ%dₖ, and %s = W%dᵀ·δ%d for each sample.",
			l.N, l.N, l.N, st.Below.N, l.N, l.N, st.Up, l.N, l.N))
		g.For(Id("q").Op(":=").Range().Id("c")).Block(
			Id(st.Up).Index(Id("q")).Op("=").Add(e.vec(l.In)).Values(),
		)
	} else {
		g.Comment(fmt.Sprintf("Layer %d: ∂L/∂W%d += Σₖ δ%dₖ·xₖᵀ, ∂L/∂b%d += Σₖ δ%dₖ.", l.N, l.N, l.N, l.N, l.N))
	}
	ds := func(k Code) *Statement { return Id(st.Delta).Index(k).Index(Id("o")) }
	g.For(Id("o").Op(":=").Range().Lit(l.Out)).BlockFunc(func(g *Group) {
		if down {
			g.List(Id("gw"), Id("w")).Op(":=").Op("&").Id("g").Dot(l.W).Index(Id("o")).Op(",").Op("&").Id("m").Dot(l.W).Index(Id("o"))
		} else {
			g.Id("gw").Op(":=").Op("&").Id("g").Dot(l.W).Index(Id("o"))
		}
		g.Var().Id("db").Add(e.T())
		g.Id("q").Op(":=").Lit(0)
		g.For(Op(";").Id("q").Op("+").Lit(4).Op("<=").Id("c"), Id("q").Op("+=").Lit(4)).BlockFunc(func(g *Group) {
			for j := range 4 {
				g.Id(fmt.Sprintf("e%d", j)).Op(":=").Add(ds(plus("q", j)))
			}
			if !l.Output() {
				g.If(Id("e0").Op("==").Lit(0).Op("&&").Id("e1").Op("==").Lit(0).Op("&&").Id("e2").Op("==").Lit(0).Op("&&").Id("e3").Op("==").Lit(0)).Block(Continue()).Comment("as for units a relu turned off")
			}
			g.Id("db").Op("+=").Parens(Id("e0").Op("+").Id("e1")).Op("+").Parens(Id("e2").Op("+").Id("e3"))
			for j := range 4 {
				g.Id(fmt.Sprintf("x%d", j)).Op(":=").Add(e.row(l, plus("q", j)))
			}
			if down {
				for j := range 4 {
					g.Id(fmt.Sprintf("u%d", j)).Op(":=").Op("&").Id(st.Up).Index(plus("q", j))
				}
			}
			g.Id(e.kernel("Outer4x", l.In)).Call(Id("gw"), Id("e0"), Id("e1"), Id("e2"), Id("e3"), Id("x0"), Id("x1"), Id("x2"), Id("x3"))
			if down {
				g.Id(e.kernel("Axpy4x", l.In)).Call(Id("u0"), Id("u1"), Id("u2"), Id("u3"), Id("e0"), Id("e1"), Id("e2"), Id("e3"), Id("w"))
			}
		})
		g.For(Op(";").Id("q").Op("<").Id("c"), Id("q").Op("++")).BlockFunc(func(g *Group) {
			g.Id("eq").Op(":=").Add(ds(Id("q")))
			g.Id("db").Op("+=").Id("eq")
			g.Id(e.kernel("Axpy", l.In)).Call(Id("gw"), Id("eq"), e.row(l, Id("q")))
			if down {
				g.Id(e.kernel("Axpy", l.In)).Call(Op("&").Id(st.Up).Index(Id("q")), Id("eq"), Id("w"))
			}
		})
		g.Id("g").Dot(l.B).Index(Id("o")).Op("+=").Id("db")
	})
	if !down || st.Below.Act.DerivFunc == nil {
		return
	}
	act := st.Below.Act
	g.Comment(fmt.Sprintf("δ%d = %s ⊙ %s'(z%d) for each sample, with %s'(z) = %s.", st.Below.N, st.Up, act.Name, st.Below.N, act.Name, act.Deriv))
	g.For(Id("q").Op(":=").Range().Id("c")).Block(
		For(Id("i").Op(":=").Range().Lit(st.Below.Out)).Block(
			Id(st.Up).Index(Id("q")).Index(Id("i")).Op("*=").Id(act.DerivFunc.Name).Call(sample(Id("q"), st.DerivArg)(Id("i"))),
		),
	)
}

// chunkLoop emits the loop over the chunks of a batch of n samples, with
// the declarations its body needs first.
func (e *emitter) chunkLoop(g *Group, decls []Code, body func(g *Group)) {
	m := e.m
	g.Var().Id("s").Index(Lit(m.Chunk)).Id(m.Names.Trace)
	for _, d := range decls {
		g.Add(d)
	}
	g.For(Id("base").Op(":=").Lit(0), Id("base").Op("<").Id("n"), Id("base").Op("+=").Lit(m.Chunk)).BlockFunc(func(g *Group) {
		g.Id("c").Op(":=").Min(Lit(m.Chunk), Id("n").Op("-").Id("base"))
		body(g)
	})
}

// trainChunked emits the body of TrainBatch for a chunked model.
func (e *emitter) trainChunked(g *Group) {
	m := e.m
	var decls []Code
	for _, st := range m.Backward {
		decls = append(decls, Var().Id(st.Delta).Index(Lit(m.Chunk)).Add(e.vec(st.Layer.Out)))
	}
	e.chunkLoop(g, decls, func(g *Group) {
		e.forwardChunk(g)
		st := m.Backward[0]
		g.Comment(e.outputDoc(st.Layer) + " For each sample.")
		g.For(Id("q").Op(":=").Range().Id("c")).BlockFunc(func(g *Group) {
			g.Id("t").Op(":=").Parens(Op("*").Index(Id(m.Names.Outputs)).Add(e.T())).Call(
				Id("y").Index(Parens(Id("base").Op("+").Id("q")).Op("*").Id(m.Names.Outputs).Op(":")))
			var lse *Statement
			if m.Head.Act == "softmax" {
				lse = Id("s").Index(Id("q")).Dot("LogSumExp")
			} else {
				lse = Lit(0)
			}
			dk := func(i Code) *Statement { return Id(st.Delta).Index(Id("q")).Index(i) }
			e.lossAndDelta(g, sample(Id("q"), st.Layer.Z), sample(Id("q"), st.Layer.A), local("t"), dk, lse)
		})
		for _, st := range m.Backward {
			e.stepChunk(g, st)
		}
	})
}

// forwardChunked emits the body of ForwardBatch for a chunked model.
func (e *emitter) forwardChunked(g *Group) {
	m := e.m
	e.chunkLoop(g, nil, func(g *Group) {
		e.forwardChunk(g)
		g.For(Id("q").Op(":=").Range().Id("c")).Block(
			Op("*").Parens(Op("*").Index(Id(m.Names.Outputs)).Add(e.T())).Call(
				Id("dst").Index(Parens(Id("base").Op("+").Id("q")).Op("*").Id(m.Names.Outputs).Op(":"))).
				Op("=").Id("s").Index(Id("q")).Dot(m.Layers[len(m.Layers)-1].A),
		)
	})
}
