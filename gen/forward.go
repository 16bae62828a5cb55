package gen

import (
	"fmt"
	"strconv"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// vector names an array the generated code indexes: x, s.A1, a1, …; with
// a nil index, some name the whole array.
type vector func(i Code) *Statement

func field(recv, name string) vector {
	return func(i Code) *Statement {
		if i == nil {
			return Id(recv).Dot(name)
		}
		return Id(recv).Dot(name).Index(i)
	}
}

func local(name string) vector {
	return func(i Code) *Statement {
		if i == nil {
			return Id(name)
		}
		return Id(name).Index(i)
	}
}

// pointee is the array a local pointer name points to: *z, z[i].
func pointee(name string) vector {
	return func(i Code) *Statement {
		if i == nil {
			return Op("*").Id(name)
		}
		return Id(name).Index(i)
	}
}

// dense emits one layer's forward step, writing the pre-activation to z
// (if not nil) and the activation to a (if not nil):
//
//	s.A1[0] = irisRelu(m.B1[0] + m.W1[0][0]*x[0] + m.W1[0][1]*x[1] + …)
//
// or, for a looped layer:
//
//	s.A1 = m.B1
//	wideGemv(512, 784, unsafe.Slice(&m.W1[0][0], 512*784), 784, x[:], s.A1[:], wideGemmRelu)
//
// with relu in the kernel, or else the activation in a loop after it.
// With down set, a looped layer of more than one part (see parts) calls
// gemvParts instead, its parts taken in the order down says (see
// alternates).
func (e *emitter) dense(g *Group, l *ir.Layer, in vector, z, a vector, down Code) {
	store := func(g *Group, o Code, v *Statement) {
		if z != nil {
			g.Add(z(o).Op("=").Add(v))
			v = z(o)
		}
		if a != nil {
			if l.Act != nil && l.Act.Func != nil {
				v = e.apply(l.Act.Func, v)
			}
			g.Add(a(o).Op("=").Add(v))
		}
	}
	if l.Unrolled {
		for o := range l.Out {
			sum := Id("m").Dot(l.B).Index(Lit(o))
			for i := range l.In {
				sum = sum.Op("+").Id("m").Dot(l.W).Index(Lit(o)).Index(Lit(i)).Op("*").Add(in(Lit(i)))
			}
			store(g, Lit(o), sum)
		}
		return
	}
	// z = b + W·x: the kernel adds the product to the bias, then the
	// activation applies in place (or from z to a when z is kept).
	dst := a
	if z != nil {
		dst = z
	}
	fused := a != nil && z == nil && l.Act.Rectifier
	mode := e.gemmAdd()
	if fused {
		mode = e.gemmRelu()
	}
	g.Add(dst(nil)).Op("=").Id("m").Dot(l.B)
	args := []Code{Lit(l.Out), Lit(l.In), e.flat(Id("m"), l), Lit(l.In), in(Op(":")), dst(Op(":")), mode}
	if down != nil && e.parts(l) > 1 {
		g.Id(e.gemvParts()).Call(append([]Code{Lit(e.parts(l)), down}, args...)...)
	} else {
		g.Id(e.gemv()).Call(args...)
	}
	if a != nil && !fused && (z != nil || l.Act.Func != nil) {
		each(g, "o", l.Out, func(g *Group, o Code) {
			v := dst(o)
			if l.Act.Func != nil {
				v = e.apply(l.Act.Func, v)
			}
			g.Add(a(o)).Op("=").Add(v)
		})
	}
}

// flat is the weight matrix of layer l in recv (m or g) as one slice,
// row-major: unsafe.Slice(&m.W1[0][0], 512*784).
func (e *emitter) flat(recv *Statement, l *ir.Layer) *Statement {
	return Qual("unsafe", "Slice").Call(Op("&").Add(recv).Dot(l.W).Index(Lit(0)).Index(Lit(0)), product(l.Out, l.In))
}

// layerDoc is the comment above a layer's forward step.
func (e *emitter) layerDoc(l *ir.Layer, in string) string {
	if l.Output() {
		return fmt.Sprintf("Layer %d (output%s), %d → %d: z%d = W%d·%s + b%d.", l.N, e.cite(l, ", "), l.In, l.Out, l.N, l.N, in, l.N)
	}
	return fmt.Sprintf("Layer %d%s, %d → %d: a%d = %s(W%d·%s + b%d), %s(z) = %s.", l.N, e.cite(l, " "), l.In, l.Out, l.N, l.Act.Name, l.N, in, l.N, l.Act.Name, l.Act.Formula)
}

// cite names the line of the spec that declares l, "spec.yaml:8" after
// sep; nothing when it is unknown. Alone, it is in parentheses.
func (e *emitter) cite(l *ir.Layer, sep string) string {
	if l.Line == 0 {
		return ""
	}
	at := fmt.Sprintf("%s:%d", e.m.Source, l.Line)
	if sep == " " {
		return " (" + at + ")"
	}
	return sep + at
}

// inputName names, in comments, the vector layer l reads: x, the output
// a of the layer below, or in training its output h after dropout.
func (e *emitter) inputName(l *ir.Layer, training bool) string {
	if l.N == 1 {
		return "x"
	}
	if training && e.m.Layers[l.N-2].Dropout != nil {
		return fmt.Sprintf("h%d", l.N-1)
	}
	return fmt.Sprintf("a%d", l.N-1)
}

// forward emits Forward, which keeps each layer's output in a local array;
// for a classifier, the layers are the method logits, which Predict calls
// too: the most probable class is the largest logit.
func (e *emitter) forward() {
	m, n := e.m, e.m.Names
	x := Id("x").Op("*").Index(Id(n.Inputs)).Add(e.T())
	var down Code
	if e.alternates() {
		down = Id("down")
	}
	// layers emits the layers, the output layer's written to z.
	layers := func(z vector) func(*Group) {
		return func(g *Group) {
			if down != nil {
				g.Commentf("The weights take %.2f MB, more than the second-level cache of many cores: every", float64(e.loopedBytes())/1e6)
				g.Comment("other call reads the rows of each large layer from the last part to the first, so")
				g.Comment("that it starts on those that the call before read last, which the cache still holds.")
				g.Id("down").Op(":=").Id(e.calls()).Dot("Add").Call(Lit(1)).Op("&").Lit(1).Op("==").Lit(0)
			}
			in := local("x")
			for _, l := range m.Layers {
				g.Comment(e.layerDoc(l, e.inputName(l, false)))
				if l.Output() {
					e.dense(g, l, in, z, nil, down)
					break
				}
				name := fmt.Sprintf("a%d", l.N)
				g.Var().Id(name).Add(e.vec(l.Out))
				e.dense(g, l, in, nil, local(name), down)
				in = local(name)
			}
		}
	}
	if m.Head.Classifier {
		name := "logits"
		if m.LogitsKernel() {
			name = "logitsGo"
			e.docf(`logitsGo writes to z the logits of the output layer for one input sample x, in
plain Go; logits, in the kernel files, runs the whole network in assembly where
the build has it.`)
		} else {
			e.docf("logits writes to z the logits of the output layer for one input sample x.")
		}
		e.f.Func().Params(Id("m").Op("*").Id(m.Name)).Id(name).Params(x.Clone(), e.logitsParam()).BlockFunc(layers(pointee("z")))
	}
	e.docf(`Forward computes the model's output for one input sample x:

	%s

It allocates nothing and is safe for concurrent use.`, m.Head.OutDoc)
	e.f.Func().Params(Id("m").Op("*").Id(m.Name)).Id("Forward").Params(x.Clone()).Params(Id("y").Index(Id(n.Outputs)).Add(e.T())).BlockFunc(func(g *Group) {
		if m.Head.Classifier {
			e.logits(g, Id("x"))
		} else {
			g.Var().Id("z").Index(Id(n.Outputs)).Add(e.T())
			layers(local("z"))(g)
		}
		e.head(g, local("z"), local("y"), nil)
		g.Return(Id("y"))
	})
	if down != nil {
		e.gemvPartsFunc()
	}
}

// alternateBytes is the size of the looped layers' weights above which the
// one-sample forward pass reads them in the other order every other call:
// the 1 MB second-level cache of many cores. Weights larger than the
// cache, read in the same order every time, miss it every time, each line
// evicted before its next use; read the other way, a call starts on the
// lines the call before read last. On an Intel Xeon (family 6 model 167, 2
// MB), a 2.7 MB matrix streamed at 73 GB/s so, at 39 in one order.
const alternateBytes = 1 << 20

// loopedBytes is the size of the weights of the looped layers.
func (e *emitter) loopedBytes() int {
	n := 0
	for _, l := range e.m.Layers {
		if !l.Unrolled {
			n += l.In * l.Out * e.m.Float.Size()
		}
	}
	return n
}

// alternates reports whether the one-sample forward pass alternates the
// order of the rows: for weights of more than alternateBytes.
func (e *emitter) alternates() bool { return e.loopedBytes() > alternateBytes }

// calls and gemvParts are the names of the counter of one-sample forward
// passes, whose parity sets their order, and of the gemv over parts.
func (e *emitter) calls() string     { return e.m.Names.Prefix + "Calls" }
func (e *emitter) gemvParts() string { return e.gemv() + "Parts" }

// partBytes is the least size of a part of gemvParts: 64 rows, or enough
// rows for 64 KB, twice the size from which the AVX-512 gemv may take a
// matrix a row at a time (gen/asm), so that each part takes the form the
// whole matrix would.
const partBytes = 64 << 10

// parts returns the number of parts in which gemvParts takes the rows of
// layer l.
func (e *emitter) parts(l *ir.Layer) int {
	rows := max(64, (partBytes+l.In*e.m.Float.Size()-1)/(l.In*e.m.Float.Size()))
	return max(1, l.Out/rows)
}

// gemvPartsFunc emits the counter and gemvParts.
func (e *emitter) gemvPartsFunc() {
	e.docf("%s counts the one-sample forward passes: its parity sets the order of their rows.", e.calls())
	e.f.Var().Id(e.calls()).Qual("sync/atomic", "Uint32")
	gemv := e.gemv()
	e.docf(`%s is %s over the rows in parts of about the same size, their bounds
multiples of 8, taken from the last part to the first where down is set. The
result of a row does not depend on the part it falls in.`, e.gemvParts(), gemv)
	e.f.Func().Id(e.gemvParts()).Params(Id("parts").Int(), Id("down").Bool(), Id("m"), Id("k").Int(), Id("a").Add(e.slice()), Id("lda").Int(), Id("x"), Id("y").Add(e.slice()), Id("mode").Int()).Block(
		For(Id("i").Op(":=").Range().Id("parts")).Block(
			If(Id("down")).Block(Id("i").Op("=").Id("parts").Op("-").Lit(1).Op("-").Id("i")),
			List(Id("lo"), Id("hi")).Op(":=").Id("i").Op("*").Id("m").Op("/").Id("parts").Op("&^").Lit(7).Op(",").Id("m"),
			If(Id("i").Op("<").Id("parts").Op("-").Lit(1)).Block(Id("hi").Op("=").Parens(Id("i").Op("+").Lit(1)).Op("*").Id("m").Op("/").Id("parts").Op("&^").Lit(7)),
			Id(gemv).Call(Id("hi").Op("-").Id("lo"), Id("k"), Id("a").Index(Id("lo").Op("*").Id("lda").Op(":")), Id("lda"), Id("x"), Id("y").Index(Id("lo").Op(":").Id("hi")), Id("mode")),
		),
	)
}

// head emits the head's output y from the logits z, and for softmax the
// log-sum-exp the loss needs (if lse is not nil):
//
//	mx := max(z[0], z[1], z[2])
//	var sum float64
//	for k := range 3 { y[k] = math.Exp(z[k] - mx); sum += y[k] }
//	for k := range 3 { y[k] /= sum }
//
// or, for a head applied to each output, y[k] = σ(z[k]) for each k, or
// y = z.
func (e *emitter) head(g *Group, z, y vector, lse *Statement) {
	h := e.m.Head
	switch {
	case h.Softmax:
		g.Comment("Softmax: subtract the largest logit so that no exp overflows.")
		args := make([]Code, h.Outputs)
		for i := range args {
			args[i] = z(Lit(i))
		}
		g.Id("mx").Op(":=").Max(args...)
		g.Var().Id("sum").Add(e.T())
		each(g, "k", h.Outputs, func(g *Group, k Code) {
			g.Add(y(k)).Op("=").Add(e.call("Exp", z(k).Op("-").Id("mx")))
			g.Id("sum").Op("+=").Add(y(k))
		})
		each(g, "k", h.Outputs, func(g *Group, k Code) { g.Add(y(k)).Op("/=").Id("sum") })
		if lse != nil {
			g.Comment("log Σⱼ exp zⱼ, for the loss")
			g.Add(lse).Op("=").Id("mx").Op("+").Add(e.call("Log", Id("sum")))
		}
	case h.Out == ir.Z:
		g.Add(y(nil)).Op("=").Add(z(nil))
	default:
		each(g, "k", h.Outputs, func(g *Group, k Code) {
			g.Add(y(k)).Op("=").Add(e.headValue(h.Out, bind(ir.Z, z(k))))
		})
	}
}

// headValue renders an expression of the head in the element type.
func (e *emitter) headValue(x ir.Expr, env binding) *Statement {
	return e.value(x, env, e.m.Float, e.m.Float)
}

// bind binds the variable v to c, and any other to nothing.
func bind(v ir.Var, c *Statement) binding {
	return binding(nil).with(v, c)
}

// with binds v to c, and the other variables as env does.
func (env binding) with(v ir.Var, c *Statement) binding {
	return func(w ir.Var) *Statement {
		if w == v {
			return c.Clone()
		}
		if env == nil {
			panic(fmt.Sprintf("gen: variable %s of the head is not bound", w))
		}
		return env(w)
	}
}

// each emits body for each i < n: in a loop over i, or for n = 1 alone,
// with i = 0.
func each(g *Group, i string, n int, body func(g *Group, i Code)) {
	if n == 1 {
		body(g, Lit(0))
		return
	}
	g.For(Id(i).Op(":=").Range().Lit(n)).BlockFunc(func(g *Group) { body(g, Id(i)) })
}

// call applies a function of package math to x of the element type.
func (e *emitter) call(fn string, x Code) *Statement {
	if e.m.Float == spec.Float64 {
		return Qual("math", fn).Call(x)
	}
	return e.T().Call(Qual("math", fn).Call(Float64().Call(x)))
}

// predict emits Predict for classifiers: the index of the most probable
// class, or for one sigmoid output 1 if p ≥ ½.
func (e *emitter) predict() {
	m := e.m
	if !m.Head.Classifier {
		return
	}
	recv := Params(Id("m").Op("*").Id(m.Name))
	sig := Params(Id("x").Op("*").Index(Id(m.Names.Inputs)).Add(e.T())).Int()
	if m.Head.Binary {
		e.docf("Predict returns 1 if the model gives x a probability of at least ½, else 0: if σ(z) ≥ ½, that is if the logit z ≥ 0.")
		e.f.Func().Add(recv).Id("Predict").Add(sig).BlockFunc(func(g *Group) {
			e.logits(g, Id("x"))
			g.If(Id("z").Index(Lit(0)).Op(">=").Lit(0)).Block(Return(Lit(1)))
			g.Return(Lit(0))
		})
		return
	}
	e.docf("Predict returns the index of the output with the highest probability for x: the largest logit, since the head's function increases with it.")
	e.f.Func().Add(recv).Id("Predict").Add(sig).BlockFunc(func(g *Group) {
		e.logits(g, Id("x"))
		// The largest so far stays in top rather than being read again as
		// z[best]; NaN is never larger, as with z[k] > z[best].
		g.List(Id("best"), Id("top")).Op(":=").List(Lit(0), Id("z").Index(Lit(0)))
		g.For(Id("k").Op(":=").Lit(1), Id("k").Op("<").Len(Id("z")), Id("k").Op("++")).Block(
			If(Id("z").Index(Id("k")).Op(">").Id("top")).Block(
				List(Id("best"), Id("top")).Op("=").List(Id("k"), Id("z").Index(Id("k")))),
		)
		g.Return(Id("best"))
	})
}

// logitsParam is the parameter z of logits and logitsGo. They write
// through it rather than return the array: the caller copies a returned
// array in 16-byte loads, each across two of the callee's stores, which
// the processor cannot forward to them. Tiny's Predict, on a Zen 5, took
// 16.7 ns so, 11 ns through the pointer.
func (e *emitter) logitsParam() *Statement {
	return Id("z").Op("*").Index(Id(e.m.Names.Outputs)).Add(e.T())
}

// logits emits the logits z of the sample x, declared and written by
// m.logits:
//
//	var z [Outputs]T
//	m.logits(x, &z)
func (e *emitter) logits(g *Group, x Code) {
	g.Var().Id("z").Index(Id(e.m.Names.Outputs)).Add(e.T())
	g.Id("m").Dot("logits").Call(x, Op("&").Id("z"))
}

// traceType emits the struct of values the backward pass needs.
func (e *emitter) traceType() {
	m := e.m
	e.docf(`%s holds what the forward pass of one sample saves for the backward
pass: the chain rule needs each layer's input (the output of the layer
below) and, for some activations, the pre-activation z. This is why
training needs more memory than inference.`, m.Names.Trace)
	e.f.Type().Id(m.Names.Trace).StructFunc(func(g *Group) {
		for _, l := range m.Layers {
			if l.Output() {
				g.Comment("the logits and the output")
				g.Id(l.Z).Add(e.vec(l.Out))
				g.Id(l.A).Add(e.vec(l.Out))
				if m.Head.Softmax {
					g.Comment("log Σⱼ exp zⱼ of the logits")
					g.Id("LogSumExp").Add(e.T())
				}
				continue
			}
			if l.Z != "" {
				g.Comment(fmt.Sprintf("layer %d pre-activation, for %s'(z)", l.N, l.Act.Name))
				g.Id(l.Z).Add(e.vec(l.Out))
			}
			g.Comment(fmt.Sprintf("layer %d output, %s(z)", l.N, l.Act.Name))
			g.Id(l.A).Add(e.vec(l.Out))
			if d := l.Dropout; d != nil {
				g.Comment(fmt.Sprintf("layer %d dropout: the keep-mask m%d, and the output after it, h%d = m%d ⊙ a%d, layer %d's input", l.N, l.N, l.N, l.N, l.N, l.N+1))
				g.Id(d.M).Add(e.vec(l.Out))
				g.Id(d.H).Add(e.vec(l.Out))
			}
		}
	})
}

// trace emits Trace, the training forward pass.
func (e *emitter) trace() {
	m, n := e.m, e.m.Names
	params := []Code{Id("s").Op("*").Id(n.Trace), Id("x").Op("*").Index(Id(n.Inputs)).Add(e.T())}
	if m.Masks == 0 {
		e.docf(`Trace runs the forward pass on x like Forward, saving in s what Backward
needs; s.Y is the output.`)
	} else {
		e.docf(`Trace runs the forward pass on x like Forward, saving in s what Backward
needs; s.Y is the output. mask holds the sample's dropout keep-masks, laid
out as a row of the masks of TrainWith; if it is nil, no unit is dropped
and the output is Forward's.`)
		params = append(params, Id("mask").Op("*").Index(Id(n.Masks)).Add(e.T()))
	}
	e.f.Func().Params(Id("m").Op("*").Id(m.Name)).Id("Trace").Params(params...).BlockFunc(func(g *Group) {
		in := local("x")
		for _, l := range m.Layers {
			g.Comment(e.layerDoc(l, e.inputName(l, true)))
			var z vector
			if l.Z != "" {
				z = field("s", l.Z)
			}
			if l.Output() {
				e.dense(g, l, in, z, nil, nil)
				break
			}
			e.dense(g, l, in, z, field("s", l.A), nil)
			if l.Dropout != nil {
				e.traceDropout(g, l)
			}
			in = field("s", l.Next())
		}
		var lse *Statement
		if m.Head.Softmax {
			lse = Id("s").Dot("LogSumExp")
		}
		last := m.Layers[len(m.Layers)-1]
		e.head(g, field("s", last.Z), field("s", last.A), lse)
	})
}

// dropoutDoc is the comment above the dropout of layer l in training.
func (e *emitter) dropoutDoc(l *ir.Layer) string {
	scale := fmt.Sprintf("= %g", l.Dropout.Scale)
	if short := fmt.Sprintf("%.4g", l.Dropout.Scale); short != fmt.Sprint(l.Dropout.Scale) {
		scale = "≈ " + short
	}
	return fmt.Sprintf("Dropout of layer %d%s, p = %g: h%d = m%d ⊙ a%d, m%d the sample's keep-mask: 0 for a dropped unit, 1/(1−p) %s for a kept one.",
		l.N, e.cite(l, " "), l.Dropout.P, l.N, l.N, l.N, l.N, scale)
}

// traceDropout emits the dropout of layer l in Trace, which saves the
// mask for Backward:
//
//	for i := range 6 {
//		s.M1[i] = 1
//		if mask != nil {
//			s.M1[i] = mask[i]
//		}
//		s.H1[i] = s.M1[i] * s.A1[i]
//	}
func (e *emitter) traceDropout(g *Group, l *ir.Layer) {
	d := l.Dropout
	g.Comment(e.dropoutDoc(l) + " The mask is saved for Backward; without one every unit is kept, m = 1.")
	each(g, "i", l.Out, func(g *Group, i Code) {
		g.Id("s").Dot(d.M).Index(i).Op("=").Lit(1)
		g.If(Id("mask").Op("!=").Nil()).Block(
			Id("s").Dot(d.M).Index(i).Op("=").Id("mask").Index(offset(d.Offset, i)),
		)
		g.Id("s").Dot(d.H).Index(i).Op("=").Id("s").Dot(d.M).Index(i).Op("*").Id("s").Dot(l.A).Index(i)
	})
}

// offset is the index off+i, without the term that is 0.
func offset(off int, i Code) *Statement {
	switch {
	case off == 0:
		return Add(i)
	case isLit(i, 0):
		return Lit(off)
	}
	return Lit(off).Op("+").Add(i)
}

// product is a·b, or the factor that is not 1.
func product(a, b int) *Statement {
	switch {
	case a == 1:
		return Lit(b)
	case b == 1:
		return Lit(a)
	}
	return Lit(a).Op("*").Lit(b)
}

// isLit reports whether c is the integer literal v.
func isLit(c Code, v int) bool {
	s, ok := c.(*Statement)
	return ok && fmt.Sprintf("%#v", s) == strconv.Itoa(v)
}
