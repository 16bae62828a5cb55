package gen

import (
	"fmt"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// The chunked forms of TrainBatch and ForwardBatch, for every model whose
// widest layer leaves room for a chunk (ir.Model.Chunk > 0). A chunk of samples goes through the network
// layer by layer, each layer's step one call of the gemm kernel for the
// whole chunk. The forward pass keeps values unit-major, a1[i*32+q] for
// unit i of sample q, so that a layer is Z = W·A with the samples as the
// columns the kernel's vectors run along; the backward pass keeps them
// sample-major, a1t[q*512+i], so that Δ·W and Δᵀ·A read W and the layer's
// input row by row. Each layer's output is transposed once, in between.

// unitMajor is the vector of sample q in the unit-major array name:
// name[i*chunk+q].
func (e *emitter) unitMajor(name string) vector {
	return func(i Code) *Statement {
		switch {
		case isLit(i, 0):
			return Id(name).Index(Id("q"))
		case isLit(i, 1):
			return Id(name).Index(Lit(e.m.Chunk).Op("+").Id("q"))
		}
		return Id(name).Index(Add(i).Op("*").Lit(e.m.Chunk).Op("+").Id("q"))
	}
}

// sampleMajor is the vector of sample q in the sample-major array name of
// vectors of n values: name[q*n+i].
func sampleMajor(name string, n int) vector {
	return func(i Code) *Statement {
		row := Id("q").Op("*").Lit(n)
		if n == 1 {
			row = Id("q")
		}
		if isLit(i, 0) {
			return Id(name).Index(row)
		}
		return Id(name).Index(row.Op("+").Add(i))
	}
}

// outName and zName name the arrays of a layer in the chunk, unit-major:
// its output (the logits for the output layer), and its pre-activation
// where the derivative needs it. With a "t" after them they name the same
// values sample-major, for the backward pass.
func outName(l *ir.Layer) string {
	if l.Output() {
		return fmt.Sprintf("z%d", l.N)
	}
	return fmt.Sprintf("a%d", l.N)
}

func zName(l *ir.Layer) string { return fmt.Sprintf("z%d", l.N) }

// hName names the array of a layer's output after dropout in the chunk,
// unit-major; with a "t" after it, sample-major.
func hName(l *ir.Layer) string { return fmt.Sprintf("h%d", l.N) }

// nextName names the array of the chunk that the layer above l reads: l's
// output, or in training its output after dropout.
func nextName(l *ir.Layer, training bool) string {
	if training && l.Dropout != nil {
		return hName(l)
	}
	return outName(l)
}

// savesA reports whether the backward pass reads the output a of layer l,
// sample-major: as the next layer's input unless dropout comes between,
// and for f' where f' reads a.
func savesA(l *ir.Layer, st *ir.Step) bool {
	return l.Dropout == nil || st.DerivArg == l.A && l.Act.DerivFunc != nil
}

// savesZ reports whether the forward pass keeps layer l's pre-activation
// apart from its output.
func savesZ(l *ir.Layer) bool { return !l.Output() && l.Z != "" }

// chunkForward emits the forward pass of the c samples of a chunk, all
// layers, up to the logits of the output layer; in training, with the
// dropout of the layers that have it.
//
//	wideGemm(512, cols, 784, unsafe.Slice(&m.W1[0][0], 512*784), 784, 1, xt[:], 32, a1[:], 32,
//		m.B1[:], wideGemmBias|wideGemmRelu)
func (e *emitter) chunkForward(g *Group, training bool) {
	m := e.m
	in := "xt"
	for _, l := range m.Layers {
		g.Comment(e.layerDoc(l, e.inputName(l, training)) + " For all samples at once: Z = W·A, A unit-major.")
		z := outName(l)
		if savesZ(l) {
			z = zName(l)
		}
		mode := e.gemmBias()
		fused := !l.Output() && !savesZ(l) && l.Act.Rectifier
		if fused {
			mode = e.gemmBias().Op("|").Add(e.gemmRelu())
		}
		g.Id(e.gemm()).Call(Lit(l.Out), Id("cols"), Lit(l.In), e.flat(Id("m"), l), Lit(l.In), Lit(1),
			Id(in).Index(Op(":")), Lit(m.Chunk), Id(z).Index(Op(":")), Lit(m.Chunk), Id("m").Dot(l.B).Index(Op(":")), Nil(), mode)
		if !l.Output() && l.Act.Func != nil && !fused {
			a := outName(l)
			g.For(Id("i").Op(":=").Range().Id(a)).Block(
				Id(a).Index(Id("i")).Op("=").Add(e.apply(l.Act.Func, Id(z).Index(Id("i")))),
			)
		} else if !l.Output() && savesZ(l) {
			g.Id(outName(l)).Op("=").Id(z)
		}
		if training && l.Dropout != nil {
			e.chunkDropout(g, l)
		}
		in = nextName(l, training)
	}
}

// chunkDropout emits the dropout of layer l over the chunk, unit-major:
//
//	*h1 = *a1
//	if mk != nil {
//		for i := range 64 {
//			for q := range c {
//				h1[i*32+q] *= mk[q*DigitsMasks+i]
//			}
//		}
//	}
func (e *emitter) chunkDropout(g *Group, l *ir.Layer) {
	d, h := l.Dropout, hName(l)
	g.Comment(e.dropoutDoc(l) + fmt.Sprintf(" The masks are the rows of mk; without them h%d = a%d.", l.N, l.N))
	g.Op("*").Id(h).Op("=").Op("*").Id(outName(l))
	g.If(Id("mk").Op("!=").Nil()).BlockFunc(func(g *Group) {
		each(g, "i", l.Out, func(g *Group, i Code) {
			g.For(Id("q").Op(":=").Range().Id("c")).Block(
				e.unitMajor(h)(i).Op("*=").Add(e.maskOf(d, i)),
			)
		})
	})
}

// maskOf is the keep-mask of unit i of sample q of the chunk, for the
// dropout d: mk[q*IrisMasks+off+i].
func (e *emitter) maskOf(d *ir.Dropout, i Code) *Statement {
	if isLit(i, 0) && d.Offset == 0 {
		return Id("mk").Index(Id("q").Op("*").Id(e.m.Names.Masks))
	}
	return Id("mk").Index(Id("q").Op("*").Id(e.m.Names.Masks).Op("+").Add(offset(d.Offset, i)))
}

// toSampleMajor emits the copy of the c samples of the unit-major array
// from into the sample-major array to, of vectors of n values.
func (e *emitter) toSampleMajor(g *Group, from, to string, n int) {
	g.Id(e.transpose()).Call(Lit(n), Id("c"), Id(from).Index(Op(":")), Lit(e.m.Chunk), Id(to).Index(Op(":")), Lit(n))
}

// chunkStep emits one layer of the backward pass over the chunk, δ
// sample-major:
//
//	∂L/∂W3 += Δ3ᵀ·A2:  wideGemm(10, 512, c, d3[:], 1, 10, a2t[:], 512, ∂W3, 512, nil, gradMode)
//	D2 = Δ3·W3:        wideGemm(c, 512, 10, d3[:], 10, 1, W3, 512, d2[:], 512, nil, wideGemmSet)
func (e *emitter) chunkStep(g *Group, st *ir.Step) {
	l := st.Layer
	in, inRow := "xc", e.m.Inputs
	if st.Below != nil {
		in, inRow = nextName(st.Below, true)+"t", st.Below.Out
	}
	inName := e.inputName(l, true)
	g.Comment(fmt.Sprintf("Layer %d: ∂L/∂b%d += Σ_q δ%d_q = 1ᵀ·Δ%d and ∂L/∂W%d += Σ_q δ%d_q·%s_qᵀ = Δ%dᵀ·%s over the samples q, products of the sample-major matrices.",
		l.N, l.N, l.N, l.N, l.N, l.N, inName, l.N, inName))
	g.Id(e.gemm()).Call(Lit(1), Lit(l.Out), Id("c"), Id("one").Index(Op(":")), Lit(0), Lit(0),
		Id(st.Delta).Index(Op(":")), Lit(l.Out), Id("g").Dot(l.B).Index(Op(":")), Lit(l.Out), Nil(), Nil(), Id("gradMode"))
	input := Id(in).Index(Op(":"))
	if st.Below == nil {
		input = Id(in) // the chunk's samples, a slice already
	}
	g.Id(e.gemm()).Call(Lit(l.Out), Lit(l.In), Id("c"), Id(st.Delta).Index(Op(":")), Lit(1), Lit(l.Out),
		input, Lit(inRow), e.flat(Id("g"), l), Lit(l.In), Nil(), Nil(), e.deltaMode(st, Id("gradMode")))
	if st.Below == nil {
		return
	}
	act := st.Below.Act
	arg := outName(st.Below) + "t"
	if st.DerivArg == st.Below.Z {
		arg = zName(st.Below) + "t"
	}
	if act.Rectifier {
		mask := ""
		if st.Below.Dropout != nil {
			mask = fmt.Sprintf(" ⊙ m%d", st.Below.N)
		}
		g.Comment(fmt.Sprintf("δ%d = W%dᵀ·δ%d%s ⊙ %s'(z%d) for each sample, with W%dᵀ·δ%d = Σₒ δ%d[o]·W%d[o] (the rows of W%d weighted by δ%d): the rows of Δ%d·W%d, masked to 0 where a%d = 0, since %s'(z) = %s.",
			st.Below.N, l.N, l.N, mask, act.Name, st.Below.N, l.N, l.N, l.N, l.N, l.N, l.N, l.N, l.N, st.Below.N, act.Name, act.Deriv))
		g.Id(e.gemm()).Call(Id("c"), Lit(l.In), Lit(l.Out), Id(st.Delta).Index(Op(":")), Lit(l.Out), Lit(1),
			e.flat(Id("m"), l), Lit(l.In), Id(st.Up).Index(Op(":")), Lit(l.In), Nil(), Id(arg).Index(Op(":")), e.deltaMode(st, e.gemmSet().Op("|").Add(e.gemmMask())))
		if st.Below.Dropout != nil {
			g.Comment(fmt.Sprintf("Then the dropout masks: %s ⊙= m%d, each sample its own. Dropout passes the gradient of the units it kept, scaled by their mask as they were, and stops that of those it dropped; the order of the two products does not matter, %s' being 0 or 1.",
				st.Up, st.Below.N, act.Name))
			e.chunkDropoutBack(g, st)
		}
		return
	}
	g.Comment(fmt.Sprintf("%s = ∂L/∂%s = W%dᵀ·δ%d = Σₒ δ%d[o]·W%d[o] for each sample (the rows of W%d weighted by δ%d): the rows of Δ%d·W%d.",
		st.Up, inName, l.N, l.N, l.N, l.N, l.N, l.N, l.N, l.N))
	g.Id(e.gemm()).Call(Id("c"), Lit(l.In), Lit(l.Out), Id(st.Delta).Index(Op(":")), Lit(l.Out), Lit(1),
		e.flat(Id("m"), l), Lit(l.In), Id(st.Up).Index(Op(":")), Lit(l.In), Nil(), Nil(), e.deltaMode(st, e.gemmSet()))
	if st.Below.Dropout != nil {
		g.Comment(dropoutBackDoc(st) + " Each sample has its own mask.")
		e.chunkDropoutBack(g, st)
	}
	if act.DerivFunc == nil {
		g.Comment(fmt.Sprintf("δ%d = %s: layer %d is linear, its derivative is 1; %s is δ%d.", st.Below.N, st.Up, st.Below.N, st.Up, st.Below.N))
		return
	}
	g.Comment(fmt.Sprintf("δ%d = %s ⊙ %s'(z%d), with %s'(z) = %s; %s holds δ%d from here on.", st.Below.N, st.Up, act.Name, st.Below.N, act.Name, act.Deriv, st.Up, st.Below.N))
	values := Id("c").Op("*").Lit(l.In) // of the chunk's samples
	if l.In == 1 {
		values = Id("c")
	}
	g.For(Id("i").Op(":=").Range().Id(st.Up).Index(Op(":").Add(values))).Block(
		Id(st.Up).Index(Id("i")).Op("*=").Add(e.apply(act.DerivFunc, Id(arg).Index(Id("i")))),
	)
}

// chunkDropoutBack emits the product of the δ that step st passes down
// with the dropout masks of the layer below, sample-major:
//
//	if mk != nil {
//		for q := range c {
//			for i := range 64 {
//				d1[q*64+i] *= mk[q*DigitsMasks+i]
//			}
//		}
//	}
func (e *emitter) chunkDropoutBack(g *Group, st *ir.Step) {
	d, n := st.Below.Dropout, st.Below.Out
	g.If(Id("mk").Op("!=").Nil()).Block(
		For(Id("q").Op(":=").Range().Id("c")).BlockFunc(func(g *Group) {
			each(g, "i", n, func(g *Group, i Code) {
				g.Add(sampleMajor(st.Up, n)(i)).Op("*=").Add(e.maskOf(d, i))
			})
		}),
	)
}

// chunkLoop emits the arrays of the chunk and the loop over the chunks of
// a batch of n samples, each transposed to xt first.
func (e *emitter) chunkLoop(g *Group, training bool, body func(g *Group)) {
	m := e.m
	ch := m.Chunk
	g.Commentf("The values of a chunk of %d samples. Unit-major, for the forward pass:", ch)
	g.Commentf("xt[i*%d+q] is input i of sample q, a1[i*%d+q] the output of unit i of layer 1.", ch, ch)
	if training {
		g.Comment("Sample-major, for the backward pass: a1t[q*n+i], δ in d1[q*n+i], n units.")
	}
	g.Commentf("Each starts at a cache line: %s skips up to %d values of its array.", e.aligned(), lineValues(m.Float)-1)
	array := func(name string, n int) {
		buf := name + "Buf"
		g.Var().Id(buf).Index(Lit(n).Op("+").Lit(lineValues(m.Float) - 1)).Add(e.T())
		g.Id(name).Op(":=").Parens(Op("*").Index(Lit(n)).Add(e.T())).Call(Id(e.aligned()).Call(Id(buf).Index(Op(":"))))
	}
	array("xt", m.Inputs*ch)
	for _, l := range m.Layers {
		array(outName(l), l.Out*ch)
		if savesZ(l) {
			array(zName(l), l.Out*ch)
		}
		if training && l.Dropout != nil {
			array(hName(l), l.Out*ch)
		}
	}
	if e.softmaxKernel() {
		array("p", m.Outputs*ch)
		array("sum", ch)
	}
	if training {
		for _, l := range m.Layers[:len(m.Layers)-1] {
			st := e.stepBelowOf(l)
			if savesA(l, st) {
				array(outName(l)+"t", l.Out*ch)
			}
			if l.Dropout != nil {
				array(hName(l)+"t", l.Out*ch)
			}
			if st.DerivArg == l.Z {
				array(zName(l)+"t", l.Out*ch)
			}
		}
		for _, st := range m.Backward {
			array(st.Delta, st.Layer.Out*ch)
		}
		g.Id("one").Op(":=").Index(Lit(1)).Add(e.T()).Values(Lit(1)).Comment("1ᵀ, read at every sample: the sum over them")
	}
	g.For(Id("base").Op(":=").Lit(0), Id("base").Op("<").Id("n"), Id("base").Op("+=").Lit(ch)).BlockFunc(func(g *Group) {
		g.Id("c").Op(":=").Min(Lit(ch), Id("n").Op("-").Id("base"))
		g.Comment("Whole tiles of the kernel: the columns past c are computed and never read.")
		g.Id("cols").Op(":=").Parens(Id("c").Op("+").Lit(m.Cols() - 1)).Op("&^").Lit(m.Cols() - 1)
		g.Id("xc").Op(":=").Id("x").Index(Id("base").Op("*").Id(m.Names.Inputs).Op(":").Parens(Id("base").Op("+").Id("c")).Op("*").Id(m.Names.Inputs))
		g.Id(e.transpose()).Call(Id("c"), Lit(m.Inputs), Id("xc"), Lit(m.Inputs), Id("xt").Index(Op(":")), Lit(ch))
		if training && m.Masks > 0 {
			g.Commentf("The keep-masks of the chunk's samples, %s each: none without masks.", m.Names.Masks)
			g.Var().Id("mk").Index().Add(e.T())
			g.If(Id("masks").Op("!=").Nil()).Block(
				Id("mk").Op("=").Id("masks").Index(Id("base").Op("*").Id(m.Names.Masks).Op(":").Parens(Id("base").Op("+").Id("c")).Op("*").Id(m.Names.Masks)),
			)
		}
		body(g)
	})
}

// aligned is the function that starts a chunk's array at a cache line:
// tinyAligned.
func (e *emitter) aligned() string { return e.m.Names.Prefix + "Aligned" }

// lineBytes is the size of a cache line, and of an AVX-512 vector.
const lineBytes = 64

// lineValues is the number of values of type t in a cache line.
func lineValues(t spec.DType) int { return lineBytes / t.Size() }

// alignedFunc emits aligned, which the chunk loops call for each of their
// arrays. Go aligns an array only to its element, and a vector load that
// straddles two cache lines costs two: on an Intel Xeon with AVX-512, wide's
// ForwardBatch ran 1.14× faster with its arrays aligned, TrainBatch 1.05×.
func (e *emitter) alignedFunc() {
	e.docf(`%s returns buf from its first value at a %d-byte boundary, the start of
a cache line, so that no vector load of the kernels straddles two lines.
It skips up to %d values, which buf must have to spare.`, e.aligned(), lineBytes, lineValues(e.m.Float)-1)
	e.f.Func().Id(e.aligned()).Params(Id("buf").Add(e.slice())).Add(e.slice()).Block(
		Id("off").Op(":=").Uintptr().Call(Qual("unsafe", "Pointer").Call(Op("&").Id("buf").Index(Lit(0)))).Op("%").Lit(lineBytes),
		Return(Id("buf").Index(Parens(Lit(lineBytes).Op("-").Id("off")).Op("%").Lit(lineBytes).Op("/").Lit(e.m.Float.Size()).Op(":"))),
	)
}

// stepBelowOf returns the backward step that passes δ down to layer l.
func (e *emitter) stepBelowOf(l *ir.Layer) *ir.Step {
	for _, st := range e.m.Backward {
		if st.Below == l {
			return st
		}
	}
	return nil
}

// chunkHead emits the head of each sample of the chunk, from the logits
// of the output layer: into the rows of dst, or with training set, the
// loss and δ.
func (e *emitter) chunkHead(g *Group, training bool) {
	m, h := e.m, e.m.Head
	last := m.Layers[len(m.Layers)-1]
	z := e.unitMajor(outName(last))
	if h.Softmax {
		e.chunkSoftmax(g, training)
		return
	}
	g.For(Id("q").Op(":=").Range().Id("c")).BlockFunc(func(g *Group) {
		row := func(s string) *Statement {
			return Parens(Op("*").Index(Id(m.Names.Outputs)).Add(e.T())).Call(
				Id(s).Index(Parens(Id("base").Op("+").Id("q")).Op("*").Id(m.Names.Outputs).Op(":")))
		}
		if !training {
			g.Id("out").Op(":=").Add(row("dst"))
			each(g, "k", h.Outputs, func(g *Group, k Code) {
				g.Id("out").Index(k).Op("=").Add(e.headValue(h.Out, bind(ir.Z, z(k))))
			})
			return
		}
		g.Id("t").Op(":=").Add(row("y"))
		e.sampleWeight(g)
		env := func(k Code) binding { return bind(ir.Z, z(k)).with(ir.Y, Id("t").Index(k)).with(ir.W, Id("wq")) }
		if h.Out == ir.Z {
			e.lossAndDelta(g, func(k Code) binding { return env(k).with(ir.P, z(k)) }, sampleMajor(m.Backward[0].Delta, last.Out))
			return
		}
		// The output p, from the logit, is a local of its own.
		e.lossAndDelta(g, env, sampleMajor(m.Backward[0].Delta, last.Out), ir.Local{Name: ir.P, Value: h.Out})
	})
}

// sampleWeight emits wq, the weight of sample q of the chunk:
//
//	wq := float64(1)
//	if w != nil {
//		wq = w[base+q]
//	}
func (e *emitter) sampleWeight(g *Group) {
	g.Comment("The sample's weight: 1 without w.")
	g.Id("wq").Op(":=").Add(e.T()).Call(Lit(1))
	g.If(Id("w").Op("!=").Nil()).Block(Id("wq").Op("=").Id("w").Index(Id("base").Op("+").Id("q")))
}

// chunkSoftmax emits the softmax head of the chunk, all samples at once,
// into the rows of dst, or with training set, the loss and δ:
//
//	wideSoftmax(10, cols, z3[:], 32, p[:], sum[:])
//	for q := range c { lse := …; wq := …; for k := range 10 { d3[q*10+k] = wq * (p[k*32+q] - t[q*10+k]); loss += … } }
func (e *emitter) chunkSoftmax(g *Group, training bool) {
	m := e.m
	last := m.Layers[len(m.Layers)-1]
	z, out := outName(last), m.Outputs
	g.Comment("Softmax, the probabilities p of each sample, a column: the largest logit is subtracted so that no exp overflows.")
	g.Id(e.softmax()).Call(Lit(out), Id("cols"), Id(z).Index(Op(":")), Lit(m.Chunk), Id("p").Index(Op(":")), Id("sum").Index(Op(":")))
	if !training {
		g.Id(e.transpose()).Call(Lit(out), Id("c"), Id("p").Index(Op(":")), Lit(m.Chunk),
			Id("dst").Index(Id("base").Op("*").Id(m.Names.Outputs).Op(":")), Lit(out))
		return
	}
	st := m.Backward[0]
	g.Comment(e.outputDoc(last))
	g.Id("t").Op(":=").Id("y").Index(Id("base").Op("*").Id(m.Names.Outputs).Op(":"))
	zq := e.unitMajor(z)
	g.For(Id("q").Op(":=").Range().Id("c")).BlockFunc(func(g *Group) {
		args := make([]Code, out)
		for i := range args {
			args[i] = zq(Lit(i))
		}
		g.Comment("log Σⱼ exp zⱼ, for the loss")
		g.Id("lse").Op(":=").Max(args...).Op("+").Add(e.call("Log", Id("sum").Index(Id("q"))))
		e.sampleWeight(g)
		e.lossAndDelta(g, func(k Code) binding {
			return bind(ir.Z, zq(k)).with(ir.P, e.unitMajor("p")(k)).with(ir.Y, sampleMajor("t", out)(k)).
				with(ir.LSE, Id("lse")).with(ir.W, Id("wq"))
		}, sampleMajor(st.Delta, out))
	})
}

// trainChunked emits the body of train for a chunked model.
func (e *emitter) trainChunked(g *Group) {
	m := e.m
	g.Comment("The mode of the products into g: the first chunk's set g for Gradient, every")
	g.Comment("other chunk's add to it.")
	g.Id("gradMode").Op(":=").Add(e.gemmAdd())
	g.If(Op("!").Id("add")).Block(
		Id("gradMode").Op("=").Add(e.gemmSet()),
		If(Id("n").Op("==").Lit(0)).Block(Op("*").Id("g").Op("=").Id(m.Name).Values()),
	)
	e.chunkLoop(g, true, func(g *Group) {
		e.chunkForward(g, true)
		g.Comment("The outputs of the hidden layers, sample-major, for the backward pass.")
		for _, l := range m.Layers[:len(m.Layers)-1] {
			st := e.stepBelowOf(l)
			if savesA(l, st) {
				e.toSampleMajor(g, outName(l), outName(l)+"t", l.Out)
			}
			if l.Dropout != nil {
				e.toSampleMajor(g, hName(l), hName(l)+"t", l.Out)
			}
			if st.DerivArg == l.Z {
				e.toSampleMajor(g, zName(l), zName(l)+"t", l.Out)
			}
		}
		if !e.softmaxKernel() {
			g.Comment(e.outputDoc(m.Layers[len(m.Layers)-1]) + " For each sample.")
		}
		e.chunkHead(g, true)
		for _, st := range m.Backward {
			e.chunkStep(g, st)
		}
		g.Id("gradMode").Op("=").Add(e.gemmAdd())
	})
}

// forwardChunked emits the body of ForwardBatch for a chunked model.
func (e *emitter) forwardChunked(g *Group) {
	e.chunkLoop(g, false, func(g *Group) {
		e.chunkForward(g, false)
		g.Comment("The head of each sample, into its row of dst.")
		e.chunkHead(g, false)
	})
}
