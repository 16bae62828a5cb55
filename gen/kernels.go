package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/gen/asm"
	"github.com/nngen/nngen/ir"
)

// Kernels: every product of a looped layer, and every layer of the chunked
// batch functions, is a call to a kernel named after the model:
//
//	irisGemm(m, n, k, a, ars, acs, b, ldb, c, ldc, bias, mask, mode)
//		c = a·b, c += a·b or c = bias + a·b, matrices read through strides,
//		then relu or the mask of relu' if the mode asks for them
//	irisGemv(m, k, a, lda, x, y, mode)   y += a·x, then relu or not
//	irisTranspose(rows, cols, src, lds, dst, ldd)
//	irisSoftmax(k, n, z, ld, p, sum)   the softmax of each column of z
//
// They check the bounds of what they will read and write, then hand the
// work to the fastest kernel of the build: assembly (package gen/asm)
// where the build has it, else the plain Go versions (irisGemmGo and so
// on), which the model file also holds. The table kernels lists them;
// a model's files hold those its code calls. The assembly and its Go
// declarations are the kernel files, emitted by KernelFiles.

// gemm and gemv are the names of the two kernels' checked entry points.
func (e *emitter) gemm() string { return e.m.Names.Prefix + "Gemm" }
func (e *emitter) gemv() string { return e.m.Names.Prefix + "Gemv" }

// slice is []T.
func (e *emitter) slice() *Statement { return Index().Add(e.T()) }

// The modes of gemm, by the names of their constants: where the sums
// start, and whether relu follows.
func (e *emitter) gemmAdd() *Statement    { return Id(e.gemm() + "Add") }
func (e *emitter) gemmBias() *Statement   { return Id(e.gemm() + "Bias") }
func (e *emitter) gemmSet() *Statement    { return Id(e.gemm() + "Set") }
func (e *emitter) gemmRelu() *Statement   { return Id(e.gemm() + "Relu") }
func (e *emitter) gemmMask() *Statement   { return Id(e.gemm() + "Mask") }
func (e *emitter) gemmSparse() *Statement { return Id(e.gemm() + "Sparse") }

// deltaMode is mode for a product that reads the δ of step st as a: with
// gemmSparse added where that δ has many zeros.
func (e *emitter) deltaMode(st *ir.Step, mode *Statement) *Statement {
	if st.SparseDelta() {
		return mode.Op("|").Add(e.gemmSparse())
	}
	return mode
}

// transpose and softmax are the names of the other two kernels' checked
// entry points.
func (e *emitter) transpose() string { return e.m.Names.Prefix + "Transpose" }
func (e *emitter) softmax() string   { return e.m.Names.Prefix + "Softmax" }

// softmaxKernel reports whether the chunked code computes its softmax
// head with the kernel: for a chunked model with that head.
func (e *emitter) softmaxKernel() bool { return e.m.Chunk > 0 && e.m.Head.Softmax }

// kernel is an entry of the table of kernels. Each has a checked entry
// point (irisGemm), a plain Go version that defines it (irisGemmGo) and
// the fastest version of the build (irisGemmKernel), which runs the
// assembly where the build has it.
type kernel struct {
	id     asm.Kernel
	params []param
	// used reports whether the code of m calls the kernel.
	used func(m *ir.Model) bool
	// entry and plain emit the checked entry point and the plain Go version,
	// each with its doc comment.
	entry, plain func(e *emitter, k kernel)
	// covers says what the assembly leaves to the entry point's plain Go
	// version: "for whole tiles of columns".
	covers string
	// neon returns what the arm64 kernel does after the assembly, which
	// Go's assembler cannot express, in words and in code; nil if nothing.
	neon func(e *emitter) (doc string, code []Code)
}

// param is a parameter of a kernel: an int, or a slice of the element
// type (a pointer to its first value in the assembly).
type param struct {
	name  string
	slice bool
}

func ints(names ...string) []param { return params(false, names) }
func vecs(names ...string) []param { return params(true, names) }

func params(slice bool, names []string) []param {
	ps := make([]param, len(names))
	for i, n := range names {
		ps[i] = param{n, slice}
	}
	return ps
}

// kernels is the table of kernels, in the order of the generated files.
var kernels = []kernel{
	{
		id:     asm.Gemm,
		params: slices.Concat(ints("m", "n", "k"), vecs("a"), ints("ars", "acs"), vecs("b"), ints("ldb"), vecs("c"), ints("ldc"), vecs("bias", "mask"), ints("mode")),
		used:   (*ir.Model).Kernels, // by the chunks, and the backward pass of a looped layer
		entry:  (*emitter).gemmEntry,
		plain:  (*emitter).gemmGo,
		covers: "for whole tiles of columns",
		neon:   (*emitter).gemmNEON,
	},
	{
		id:     asm.Gemv,
		params: slices.Concat(ints("m", "k"), vecs("a"), ints("lda"), vecs("x", "y"), ints("mode")),
		used:   looped, // by the forward pass of a looped layer
		entry:  (*emitter).gemvEntry,
		plain:  (*emitter).gemvGo,
		neon:   (*emitter).gemvNEON,
	},
	{
		id:     asm.Transpose,
		params: slices.Concat(ints("rows", "cols"), vecs("src"), ints("lds"), vecs("dst"), ints("ldd")),
		used:   func(m *ir.Model) bool { return m.Chunk > 0 },
		entry:  (*emitter).transposeEntry,
		plain:  (*emitter).transposeGo,
		covers: "for whole blocks",
	},
	{
		id:     asm.Softmax,
		params: slices.Concat(ints("k", "n"), vecs("z"), ints("ld"), vecs("p", "sum")),
		used:   func(m *ir.Model) bool { return (&emitter{m: m}).softmaxKernel() },
		entry:  (*emitter).softmaxEntry,
		plain:  (*emitter).softmaxGo,
		covers: "for whole blocks",
	},
}

// looped reports whether m has a looped layer.
func looped(m *ir.Model) bool {
	for _, l := range m.Layers {
		if !l.Unrolled {
			return true
		}
	}
	return false
}

// usedKernels returns the kernels that the code of m calls.
func usedKernels(m *ir.Model) []kernel {
	var ks []kernel
	for _, k := range kernels {
		if k.used(m) {
			ks = append(ks, k)
		}
	}
	return ks
}

// name is the kernel's checked entry point: irisGemm.
func (e *emitter) name(k kernel) string { return e.m.Names.Prefix + k.id.String() }

// signature is the parameter list of k: of slices, or with pointer set,
// of pointers to their first values, as the assembly takes them.
func (e *emitter) signature(k kernel, pointer bool) []Code {
	var list []Code
	for i := 0; i < len(k.params); {
		j := i
		var names []Code
		for ; j < len(k.params) && k.params[j].slice == k.params[i].slice; j++ {
			names = append(names, Id(k.params[j].name))
		}
		typ := Int()
		switch {
		case k.params[i].slice && pointer:
			typ = Op("*").Add(e.T())
		case k.params[i].slice:
			typ = e.slice()
		}
		list = append(list, List(names...).Add(typ))
		i = j
	}
	return list
}

// args passes the parameters of k on; with pointer set, each slice as a
// pointer to its first value. The checked entry points have checked what
// the kernels read; a slice a kernel does not read may be nil.
func args(k kernel, pointer bool) []Code {
	list := make([]Code, len(k.params))
	for i, p := range k.params {
		list[i] = Id(p.name)
		if p.slice && pointer {
			list[i] = Qual("unsafe", "SliceData").Call(Id(p.name))
		}
	}
	return list
}

// kernels emits the modes of gemm, then the checked entry point and the
// plain Go version of each kernel the code calls.
func (e *emitter) kernels() {
	if !e.m.Kernels() {
		return
	}
	e.docf("The modes of %s: where the sums start, and whether relu follows.", e.gemm())
	modes := []Code{
		Add(e.gemmAdd()).Op("=").Lit(0).Comment("c += a·b"),
		Add(e.gemmBias()).Op("=").Lit(1).Comment("c = bias + a·b, bias[i] added to row i"),
		Add(e.gemmSet()).Op("=").Lit(2).Comment("c = a·b"),
		Add(e.gemmRelu()).Op("=").Lit(4).Comment("then c = max(c, 0)"),
		Add(e.gemmMask()).Op("=").Lit(8).Comment("then c = 0 where mask (laid out as c) ≤ 0: relu' off a"),
	}
	if e.m.SparseDeltas() {
		modes = append(modes, Add(e.gemmSparse()).Op("=").Lit(16).Comment("a has many zeros (δ of relu or dropout): Go skips them"))
	}
	e.f.Const().Defs(modes...)
	ks := usedKernels(e.m)
	for _, k := range ks {
		k.entry(e, k)
	}
	for _, k := range ks {
		k.plain(e, k)
	}
}

// gemmEntry emits gemm's checked entry point.
func (e *emitter) gemmEntry(k kernel) {
	gemm, cols := e.gemm(), e.m.Cols()
	e.docf(`%s computes a product of matrices read through strides (counted in
values), in the given mode:

	c[i*ldc+j] (+)= Σₚ a[i*ars+p*acs] · b[p*ldb+j]   for i < m, j < n, p < k

With the strides one function serves the three products of a layer: W·A
forward, Wᵀ·Δ backward (a read down the columns of W) and Δ·Aᵀ for the
weight gradient. Whole tiles of %d columns go to %sKernel, the
fastest kernel of the build; the rest to %sGo.`, gemm, cols, gemm, gemm)
	e.f.Func().Id(gemm).Params(e.signature(k, false)...).Block(
		If(Id("m").Op("==").Lit(0).Op("||").Id("n").Op("==").Lit(0)).Block(Return()),
		Comment("The last value each matrix is read or written at: checked here, not by the kernel."),
		If(Id("k").Op(">").Lit(0)).Block(
			Id("_").Op("=").Id("a").Index(Parens(Id("m").Op("-").Lit(1)).Op("*").Id("ars").Op("+").Parens(Id("k").Op("-").Lit(1)).Op("*").Id("acs")),
			Id("_").Op("=").Id("b").Index(Parens(Id("k").Op("-").Lit(1)).Op("*").Id("ldb").Op("+").Id("n").Op("-").Lit(1)),
		),
		Id("_").Op("=").Id("c").Index(Parens(Id("m").Op("-").Lit(1)).Op("*").Id("ldc").Op("+").Id("n").Op("-").Lit(1)),
		If(Id("mode").Op("&").Lit(3).Op("==").Add(e.gemmBias())).Block(
			Id("_").Op("=").Id("bias").Index(Id("m").Op("-").Lit(1)),
		),
		If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0)).Block(
			Id("_").Op("=").Id("mask").Index(Parens(Id("m").Op("-").Lit(1)).Op("*").Id("ldc").Op("+").Id("n").Op("-").Lit(1)),
		),
		Id("whole").Op(":=").Id("n").Op("&^").Lit(cols-1),
		If(Id("whole").Op(">").Lit(0)).Block(
			Id(gemm+"Kernel").Call(Id("m"), Id("whole"), Id("k"), Id("a"), Id("ars"), Id("acs"), Id("b"), Id("ldb"), Id("c"), Id("ldc"), Id("bias"), Id("mask"), Id("mode")),
		),
		If(Id("whole").Op("<").Id("n")).BlockFunc(func(g *Group) {
			g.If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0)).Block(Id("mask").Op("=").Id("mask").Index(Id("whole").Op(":")))
			if e.m.SparseDeltas() {
				g.Comment("Too few columns for skipping the zeros of a to pay for taking the rows one at a time.")
				g.Id("mode").Op("&^=").Add(e.gemmSparse())
			}
			rest := []Code{Id("m"), Id("n").Op("-").Id("whole"), Id("k"), Id("a"), Id("ars"), Id("acs"),
				Id("b").Index(Id("whole").Op(":")), Id("ldb"), Id("c").Index(Id("whole").Op(":")), Id("ldc"), Id("bias"), Id("mask"), Id("mode")}
			if rows := e.m.EdgeRows(); rows > 0 {
				g.Comment("Where the assembly runs, the kernel takes them too, a tile copied out and back;")
				g.Comment("a single row costs less in Go than the copies.")
				g.If(Id(e.chunked()).Call().Op("&&").Id("m").Op(">").Lit(1).Op("&&").Id("m").Op("<=").Lit(rows).Op("&&").Id("k").Op("<=").Lit(rows)).Block(
					Id(gemm+"Edge").Call(rest...),
					Return(),
				)
			}
			g.Id(gemm + "Go").Call(rest...)
		}),
	)
	if e.m.EdgeRows() > 0 {
		e.gemmEdge(k)
	}
}

// gemmEdge emits the edge of gemm: fewer columns than a tile, copied
// into buffers a tile wide for the kernel, for example:
//
//	func irisGemmEdge(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64,
//		ldc int, bias, mask []float64, mode int) {
//		var bt [32 * 8]float64
//		var ct, mt [32 * 8]float64
//		for p := range k {
//			for j, v := range b[p*ldb:][:n] {
//				bt[p*8+j] = v
//			}
//		}
//		…
//		irisGemmKernel(m, 8, k, a, ars, acs, bt[:], 8, ct[:], 8, bias, mt[:], mode)
//		…
//	}
func (e *emitter) gemmEdge(k kernel) {
	gemm, cols, rows := e.gemm(), e.m.Cols(), e.m.EdgeRows()
	e.docf(`%sEdge is %s for the n < %d columns past the whole tiles, with
m and k at most %d: it copies b's columns, and c's and the mask's, into
buffers a tile wide, runs %sKernel there, and copies c's columns back.
The columns past n compute from zeros and are not read.`, gemm, gemm, cols, rows, gemm)
	size := Lit(rows).Op("*").Lit(cols)
	// into copies the n values of row i of src (stride ld) into row i of
	// the buffer dst.
	into := func(i, dst, src, ld string) Code {
		return For(List(Id("j"), Id("v")).Op(":=").Range().Id(src).Index(Id(i).Op("*").Id(ld).Op(":")).Index(Op(":").Id("n"))).Block(
			Id(dst).Index(Id(i).Op("*").Lit(cols).Op("+").Id("j")).Op("=").Id("v"),
		)
	}
	e.f.Func().Id(gemm+"Edge").Params(e.signature(k, false)...).Block(
		Var().Id("bt").Index(size).Add(e.T()),
		Var().List(Id("ct"), Id("mt")).Index(size).Add(e.T()),
		For(Id("p").Op(":=").Range().Id("k")).Block(into("p", "bt", "b", "ldb")),
		For(Id("i").Op(":=").Range().Id("m")).BlockFunc(func(g *Group) {
			g.Add(into("i", "ct", "c", "ldc"))
			g.If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0)).Block(into("i", "mt", "mask", "ldc"))
		}),
		Id(gemm+"Kernel").Call(Id("m"), Lit(cols), Id("k"), Id("a"), Id("ars"), Id("acs"), Id("bt").Index(Op(":")), Lit(cols),
			Id("ct").Index(Op(":")), Lit(cols), Id("bias"), Id("mt").Index(Op(":")), Id("mode")),
		For(Id("i").Op(":=").Range().Id("m")).Block(
			Copy(Id("c").Index(Id("i").Op("*").Id("ldc").Op(":")).Index(Op(":").Id("n")), Id("ct").Index(Id("i").Op("*").Lit(cols).Op(":")).Index(Op(":").Id("n"))),
		),
	)
}

// gemvEntry emits gemv's checked entry point.
func (e *emitter) gemvEntry(k kernel) {
	gemv := e.gemv()
	e.docf(`%s adds a·x to y: y[i] += Σₚ a[i*lda+p] · x[p] for i < m, p < k; in mode
%s|%s, y = max(y, 0) then.`, gemv, e.gemm()+"Add", e.gemm()+"Relu")
	e.f.Func().Id(gemv).Params(e.signature(k, false)...).Block(
		If(Id("m").Op("==").Lit(0).Op("||").Id("k").Op("==").Lit(0)).Block(Return()),
		Id("_").Op("=").Id("a").Index(Parens(Id("m").Op("-").Lit(1)).Op("*").Id("lda").Op("+").Id("k").Op("-").Lit(1)),
		Id("_").Op("=").Id("x").Index(Id("k").Op("-").Lit(1)),
		Id("_").Op("=").Id("y").Index(Id("m").Op("-").Lit(1)),
		Id(gemv+"Kernel").Call(args(k, false)...),
	)
}

// The blocking of gemmGo: rows of c updated together, and values of p
// (rows of b) added to them in one pass.
const (
	gemmGoRows  = 2
	gemmGoDepth = 4
)

// gemmGo emits gemm in plain Go. Its inner loops range over rows of b
// and c, unchecked, and load and store c once per gemmGoDepth products.
// A block of c held in local variables across the whole of p ran slower
// (Go 1.26, amd64): the compiler spills it, and checks the bounds of
// every strided read of a and b in the loop over p.
func (e *emitter) gemmGo(k kernel) {
	gemm := e.gemm()
	e.docf(`%sGo is %s in plain Go. It takes the rows of c %d at a time (the last
alone if m is odd) and adds to them the products of %d values of p at a time (the
rest of k one at a time) in one pass, loading and storing each value of c once for
them:

	c[i*ldc+j] = c[i*ldc+j] + a[i*ars+p*acs]·b[p*ldb+j] + … + a[i*ars+(p+%d)*acs]·b[(p+%d)*ldb+j]`,
		gemm, gemm, gemmGoRows, gemmGoDepth, gemmGoDepth-1, gemmGoDepth-1)
	e.f.Func().Id(gemm + "Go").Params(e.signature(k, false)...).BlockFunc(func(g *Group) {
		if e.m.SparseDeltas() {
			g.If(Id("mode").Op("&").Add(e.gemmSparse()).Op("!=").Lit(0)).Block(
				Id(gemm+"GoSparse").Call(args(k, false)...),
				Return(),
			)
		}
		g.Id("i").Op(":=").Lit(0)
		g.For(Op(";").Id("i").Op("+").Lit(gemmGoRows).Op("<=").Id("m"), Id("i").Op("+=").Lit(gemmGoRows)).BlockFunc(func(g *Group) {
			e.gemmGoRows(g, gemmGoRows)
		})
		g.If(Id("i").Op("<").Id("m")).BlockFunc(func(g *Group) {
			e.gemmGoRows(g, 1)
		})
	})
	if e.m.SparseDeltas() {
		e.gemmGoSparse(k)
	}
}

// gemmGoBlock is the number of values of p in which gemmGoSparse looks
// for those of a that are not zero, at a time.
const gemmGoBlock = 64

// gemmGoSparse emits gemm in plain Go for an a with many zeros, in
// gemmSparse mode. For the δ of a relu layer half or more of a is zero,
// and skipping those products, which the assembly does not, more than
// makes up for taking the rows of c one at a time.
func (e *emitter) gemmGoSparse(k kernel) {
	gemm := e.gemm()
	e.docf(`%sGoSparse is %sGo for an a with many zeros (mode %sSparse). It takes
the rows of c one at a time, lists the values of p where a is not zero, %d values
of p at a time, and adds their products to the row %d at a time, as %sGo does.
A zero's products add nothing, unless b holds an infinity or a NaN; the forward
pass has then carried it into the loss.`, gemm, gemm, gemm, gemmGoBlock, gemmGoDepth, gemm)
	e.f.Func().Id(gemm + "GoSparse").Params(e.signature(k, false)...).Block(
		For(Id("i").Op(":=").Range().Id("m")).BlockFunc(func(g *Group) {
			e.gemmGoStart(g, 1)
			g.For(Id("from").Op(":=").Lit(0), Id("from").Op("<").Id("k"), Id("from").Op("+=").Lit(gemmGoBlock)).BlockFunc(func(g *Group) {
				g.Comment("nz[:nzs] lists the p of this block where a is not zero. Each p is written,")
				g.Comment("and kept by counting it: a conditional move, not a branch to mispredict.")
				g.Var().Id("nz").Index(Lit(gemmGoBlock)).Int()
				g.Id("nzs").Op(":=").Lit(0)
				g.For(Id("p").Op(":=").Id("from"), Id("p").Op("<").Min(Id("from").Op("+").Lit(gemmGoBlock), Id("k")), Id("p").Op("++")).Block(
					Id("nz").Index(Id("nzs")).Op("=").Id("p"),
					If(Id("a").Index(Id("i").Op("*").Id("ars").Op("+").Id("p").Op("*").Id("acs")).Op("!=").Lit(0)).Block(
						Id("nzs").Op("++"),
					),
				)
				listed := func(d int) func(g *Group) {
					return func(g *Group) {
						var ps, at []Code
						for q := range d {
							ps = append(ps, Id(fmt.Sprintf("p%d", q)))
							at = append(at, Id("nz").Index(plus("q", q)))
						}
						g.List(ps...).Op(":=").List(at...)
						gemmGoPass(g, 1, d, func(q int, stride string) *Statement {
							return Id(fmt.Sprintf("p%d", q)).Op("*").Id(stride)
						})
					}
				}
				g.Id("q").Op(":=").Lit(0)
				g.For(Op(";").Id("q").Op("+").Lit(gemmGoDepth).Op("<=").Id("nzs"), Id("q").Op("+=").Lit(gemmGoDepth)).BlockFunc(listed(gemmGoDepth))
				g.For(Op(";").Id("q").Op("<").Id("nzs"), Id("q").Op("++")).BlockFunc(listed(1))
			})
			e.gemmGoEnd(g, 1)
		}),
	)
}

// gemmGoRows emits the whole product for r rows of c from row i on:
//
//	c0 := c[i*ldc:][:n]   …
//	switch mode & 3 { … }   (c0 from bias[i] or zero)
//	p := 0
//	for ; p+4 <= k; p += 4 { … }   (gemmGoPass, 4 values of p)
//	for ; p < k; p++ { … }         (gemmGoPass, 1)
//	if mode&Relu != 0 { … }
//	if mode&Mask != 0 { … }
func (e *emitter) gemmGoRows(g *Group, r int) {
	e.gemmGoStart(g, r)
	at := func(q int, stride string) *Statement { return times("p", q, stride) }
	g.Id("p").Op(":=").Lit(0)
	g.For(Op(";").Id("p").Op("+").Lit(gemmGoDepth).Op("<=").Id("k"), Id("p").Op("+=").Lit(gemmGoDepth)).BlockFunc(func(g *Group) {
		gemmGoPass(g, r, gemmGoDepth, at)
	})
	g.For(Op(";").Id("p").Op("<").Id("k"), Id("p").Op("++")).BlockFunc(func(g *Group) {
		gemmGoPass(g, r, 1, at)
	})
	e.gemmGoEnd(g, r)
}

// gemmGoStart emits the rows c0… of r rows of c from row i on, and the
// start of their sums in the mode.
func (e *emitter) gemmGoStart(g *Group, r int) {
	for i := range r {
		g.Id(cRow(i)).Op(":=").Id("c").Index(times("i", i, "ldc").Op(":")).Index(Op(":").Id("n"))
	}
	g.Switch(Id("mode").Op("&").Lit(3)).BlockFunc(func(g *Group) {
		g.Case(e.gemmBias()).BlockFunc(func(g *Group) {
			for i := range r {
				g.For(Id("j").Op(":=").Range().Id(cRow(i))).Block(
					Id(cRow(i)).Index(Id("j")).Op("=").Id("bias").Index(plus("i", i)),
				)
			}
		})
		g.Case(e.gemmSet()).BlockFunc(func(g *Group) {
			for i := range r {
				g.Id("clear").Call(Id(cRow(i)))
			}
		})
	})
}

// gemmGoEnd emits relu and the mask over r rows of c, in the modes that
// ask for them.
func (e *emitter) gemmGoEnd(g *Group, r int) {
	g.If(Id("mode").Op("&").Add(e.gemmRelu()).Op("!=").Lit(0)).BlockFunc(func(g *Group) {
		for i := range r {
			g.For(Id("j").Op(",").Id("v").Op(":=").Range().Id(cRow(i))).Block(
				Id(cRow(i)).Index(Id("j")).Op("=").Max(Id("v"), Lit(0)),
			)
		}
	})
	g.If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0)).BlockFunc(func(g *Group) {
		for i := range r {
			g.For(Id("j").Op(",").Id("v").Op(":=").Range().Id("mask").Index(times("i", i, "ldc").Op(":")).Index(Op(":").Id("n"))).Block(
				If(Op("!").Parens(Id("v").Op(">").Lit(0))).Block(Id(cRow(i)).Index(Id("j")).Op("=").Lit(0)),
			)
		}
	})
}

// gemmGoPass emits one pass over r rows of c adding the products of d
// values of p, the q-th of them read through stride at at(q, stride); for
// d = 2 and r = 2, the values from p on:
//
//	a00 := a[i*ars+p*acs]
//	a01 := a[i*ars+(p+1)*acs]
//	a10 := a[(i+1)*ars+p*acs]
//	a11 := a[(i+1)*ars+(p+1)*acs]
//	b1 := b[(p+1)*ldb:][:n]
//	for j, b0j := range b[p*ldb:][:n] {
//		b1j := b1[j]
//		c0[j] = c0[j] + a00*b0j + a01*b1j
//		c1[j] = c1[j] + a10*b0j + a11*b1j
//	}
func gemmGoPass(g *Group, r, d int, at func(q int, stride string) *Statement) {
	coef := func(i, q int) string { return fmt.Sprintf("a%d%d", i, q) }
	bRow := func(q int) string { return fmt.Sprintf("b%d", q) }
	bVal := func(q int) string { return fmt.Sprintf("b%dj", q) }
	for i := range r {
		for q := range d {
			g.Id(coef(i, q)).Op(":=").Id("a").Index(times("i", i, "ars").Op("+").Add(at(q, "acs")))
		}
	}
	for q := 1; q < d; q++ {
		g.Id(bRow(q)).Op(":=").Id("b").Index(at(q, "ldb").Op(":")).Index(Op(":").Id("n"))
	}
	g.For(Id("j").Op(",").Id(bVal(0)).Op(":=").Range().Id("b").Index(at(0, "ldb").Op(":")).Index(Op(":").Id("n"))).BlockFunc(func(g *Group) {
		if d > 1 {
			var vals, rows []Code
			for q := 1; q < d; q++ {
				vals = append(vals, Id(bVal(q)))
				rows = append(rows, Id(bRow(q)).Index(Id("j")))
			}
			g.List(vals...).Op(":=").List(rows...)
		}
		for i := range r {
			sum := Id(cRow(i)).Index(Id("j"))
			for q := range d {
				sum = sum.Op("+").Id(coef(i, q)).Op("*").Id(bVal(q))
			}
			g.Id(cRow(i)).Index(Id("j")).Op("=").Add(sum)
		}
	})
}

// cRow is the name of row i of c in gemmGo: c0, c1.
func cRow(i int) string { return fmt.Sprintf("c%d", i) }

// times is (k+j)*stride: i*ldc, (i+1)*ldc.
func times(k string, j int, stride string) *Statement {
	if j == 0 {
		return Id(k).Op("*").Id(stride)
	}
	return Parens(plus(k, j)).Op("*").Id(stride)
}

// gemvGoRows is the number of rows of a that gemvGo sums together.
const gemvGoRows = 4

// gemvGo emits gemv in plain Go. Its loops over p range over x and rows
// of a, unchecked; reading each x[p] once for gemvGoRows rows ran faster
// than summing each row alone in several lanes.
func (e *emitter) gemvGo(k kernel) {
	gemv := e.gemv()
	e.docf(`%sGo is %s in plain Go. It sums the rows of a %d at a time (the rest one by
one), reading each x[p] once for them.`, gemv, gemv, gemvGoRows)
	e.f.Func().Id(gemv + "Go").Params(e.signature(k, false)...).BlockFunc(func(g *Group) {
		g.Id("x").Op("=").Id("x").Index(Op(":").Id("k"))
		g.Id("i").Op(":=").Lit(0)
		g.For(Op(";").Id("i").Op("+").Lit(gemvGoRows).Op("<=").Id("m"), Id("i").Op("+=").Lit(gemvGoRows)).BlockFunc(func(g *Group) {
			e.gemvGoRows(g, gemvGoRows)
		})
		g.For(Op(";").Id("i").Op("<").Id("m"), Id("i").Op("++")).BlockFunc(func(g *Group) {
			e.gemvGoRows(g, 1)
		})
		g.If(Id("mode").Op("&").Add(e.gemmRelu()).Op("!=").Lit(0)).Block(
			For(Id("i").Op(",").Id("v").Op(":=").Range().Id("y").Index(Op(":").Id("m"))).Block(
				Id("y").Index(Id("i")).Op("=").Max(Id("v"), Lit(0)),
			),
		)
	})
}

// gemvGoRows emits the sums of r rows of a from row i on, for r = 2:
//
//	a0 := a[i*lda:][:k]
//	a1 := a[(i+1)*lda:][:k]
//	var s0, s1 T
//	for p, xp := range x {
//		s0 += a0[p] * xp
//		s1 += a1[p] * xp
//	}
//	y[i] += s0
//	y[i+1] += s1
func (e *emitter) gemvGoRows(g *Group, r int) {
	row := func(i int) string { return fmt.Sprintf("a%d", i) }
	sum := func(i int) string { return fmt.Sprintf("s%d", i) }
	var sums []Code
	for i := range r {
		g.Id(row(i)).Op(":=").Id("a").Index(times("i", i, "lda").Op(":")).Index(Op(":").Id("k"))
		sums = append(sums, Id(sum(i)))
	}
	g.Var().List(sums...).Add(e.T())
	g.For(Id("p").Op(",").Id("xp").Op(":=").Range().Id("x")).BlockFunc(func(g *Group) {
		for i := range r {
			g.Id(sum(i)).Op("+=").Id(row(i)).Index(Id("p")).Op("*").Id("xp")
		}
	})
	for i := range r {
		g.Id("y").Index(plus("i", i)).Op("+=").Id(sum(i))
	}
}

// transposeEntry emits the transpose's checked entry point.
func (e *emitter) transposeEntry(k kernel) {
	tr, block := e.transpose(), asm.Lanes(e.m.Float)
	e.docf(`%s writes the transpose of the rows×cols matrix src into dst:
dst[j*ldd+i] = src[i*lds+j]. Whole blocks of %d×%d go to %sKernel,
the edges to %sGo.`, tr, block, block, tr, tr)
	e.f.Func().Id(tr).Params(e.signature(k, false)...).Block(
		If(Id("rows").Op("==").Lit(0).Op("||").Id("cols").Op("==").Lit(0)).Block(Return()),
		Id("_").Op("=").Id("src").Index(Parens(Id("rows").Op("-").Lit(1)).Op("*").Id("lds").Op("+").Id("cols").Op("-").Lit(1)),
		Id("_").Op("=").Id("dst").Index(Parens(Id("cols").Op("-").Lit(1)).Op("*").Id("ldd").Op("+").Id("rows").Op("-").Lit(1)),
		List(Id("r"), Id("c")).Op(":=").List(Id("rows").Op("&^").Lit(block-1), Id("cols").Op("&^").Lit(block-1)),
		If(Id("r").Op(">").Lit(0).Op("&&").Id("c").Op(">").Lit(0)).Block(
			Id(tr+"Kernel").Call(Id("r"), Id("c"), Id("src"), Id("lds"), Id("dst"), Id("ldd")),
		),
		Comment("The columns past the blocks, then the rows below them."),
		If(Id("c").Op("<").Id("cols")).Block(
			Id(tr+"Go").Call(Id("rows"), Id("cols").Op("-").Id("c"), Id("src").Index(Id("c").Op(":")), Id("lds"), Id("dst").Index(Id("c").Op("*").Id("ldd").Op(":")), Id("ldd")),
		),
		If(Id("r").Op("<").Id("rows").Op("&&").Id("c").Op(">").Lit(0)).Block(
			Id(tr+"Go").Call(Id("rows").Op("-").Id("r"), Id("c"), Id("src").Index(Id("r").Op("*").Id("lds").Op(":")), Id("lds"), Id("dst").Index(Id("r").Op(":")), Id("ldd")),
		),
	)
}

// transposeGo emits the transpose in plain Go.
func (e *emitter) transposeGo(k kernel) {
	tr := e.transpose()
	e.docf(`%sGo is %s in plain Go.`, tr, tr)
	e.f.Func().Id(tr + "Go").Params(e.signature(k, false)...).Block(
		For(Id("i").Op(":=").Range().Id("rows")).Block(
			For(Id("j").Op(",").Id("v").Op(":=").Range().Id("src").Index(Id("i").Op("*").Id("lds").Op(":")).Index(Op(":").Id("cols"))).Block(
				Id("dst").Index(Id("j").Op("*").Id("ldd").Op("+").Id("i")).Op("=").Id("v"),
			),
		),
	)
}

// softmaxEntry emits the softmax's checked entry point.
func (e *emitter) softmaxEntry(k kernel) {
	sm, block := e.softmax(), asm.Lanes(e.m.Float)
	e.docf(`%s writes into p the softmax of each column j < n of the k×n matrix z,
and into sum[j] the sum of its exponentials:

	p[i*ld+j] = exp(z[i*ld+j] − mⱼ) / sum[j],  sum[j] = Σᵢ exp(z[i*ld+j] − mⱼ),  mⱼ = maxᵢ z[i*ld+j]

Whole blocks of %d columns go to %sKernel, the rest to %sGo.`, sm, block, sm, sm)
	e.f.Func().Id(sm).Params(e.signature(k, false)...).Block(
		If(Id("k").Op("==").Lit(0).Op("||").Id("n").Op("==").Lit(0)).Block(Return()),
		Id("_").Op("=").Id("z").Index(Parens(Id("k").Op("-").Lit(1)).Op("*").Id("ld").Op("+").Id("n").Op("-").Lit(1)),
		Id("_").Op("=").Id("p").Index(Parens(Id("k").Op("-").Lit(1)).Op("*").Id("ld").Op("+").Id("n").Op("-").Lit(1)),
		Id("_").Op("=").Id("sum").Index(Id("n").Op("-").Lit(1)),
		Id("whole").Op(":=").Id("n").Op("&^").Lit(block-1),
		If(Id("whole").Op(">").Lit(0)).Block(
			Id(sm+"Kernel").Call(Id("k"), Id("whole"), Id("z"), Id("ld"), Id("p"), Id("sum")),
		),
		If(Id("whole").Op("<").Id("n")).Block(
			Id(sm+"Go").Call(Id("k"), Id("n").Op("-").Id("whole"), Id("z").Index(Id("whole").Op(":")), Id("ld"), Id("p").Index(Id("whole").Op(":")), Id("sum").Index(Id("whole").Op(":"))),
		),
	)
}

// softmaxGo emits the softmax in plain Go.
func (e *emitter) softmaxGo(k kernel) {
	sm := e.softmax()
	e.docf(`%sGo is %s in plain Go, with math.Exp.`, sm, sm)
	e.f.Func().Id(sm + "Go").Params(e.signature(k, false)...).Block(
		For(Id("j").Op(":=").Range().Id("n")).Block(
			Id("mx").Op(":=").Id("z").Index(Id("j")),
			For(Id("i").Op(":=").Lit(1), Id("i").Op("<").Id("k"), Id("i").Op("++")).Block(
				Id("mx").Op("=").Max(Id("mx"), Id("z").Index(Id("i").Op("*").Id("ld").Op("+").Id("j"))),
			),
			Var().Id("s").Add(e.T()),
			For(Id("i").Op(":=").Range().Id("k")).Block(
				Id("v").Op(":=").Add(e.call("Exp", Id("z").Index(Id("i").Op("*").Id("ld").Op("+").Id("j")).Op("-").Id("mx"))),
				Id("p").Index(Id("i").Op("*").Id("ld").Op("+").Id("j")).Op("=").Id("v"),
				Id("s").Op("+=").Id("v"),
			),
			For(Id("i").Op(":=").Range().Id("k")).Block(
				Id("p").Index(Id("i").Op("*").Id("ld").Op("+").Id("j")).Op("/=").Id("s"),
			),
			Id("sum").Index(Id("j")).Op("=").Id("s"),
		),
	)
}

// gemmNEON is what the arm64 gemm does after the assembly.
func (e *emitter) gemmNEON() (string, []Code) {
	return "relu and the mask", []Code{
		If(Id("mode").Op("&").Parens(Add(e.gemmRelu()).Op("|").Add(e.gemmMask())).Op("==").Lit(0)).Block(Return()),
		For(Id("i").Op(":=").Range().Id("m")).Block(
			Id("row").Op(":=").Id("c").Index(Id("i").Op("*").Id("ldc").Op(":")).Index(Op(":").Id("n")),
			For(Id("j").Op(",").Id("v").Op(":=").Range().Id("row")).Block(
				If(Id("mode").Op("&").Add(e.gemmRelu()).Op("!=").Lit(0)).Block(
					Id("row").Index(Id("j")).Op("=").Max(Id("v"), Lit(0)),
				),
				If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0).Op("&&").Op("!").Parens(Id("mask").Index(Id("i").Op("*").Id("ldc").Op("+").Id("j")).Op(">").Lit(0))).Block(
					Id("row").Index(Id("j")).Op("=").Lit(0),
				),
			),
		),
	}
}

// gemvNEON is what the arm64 gemv does after the assembly.
func (e *emitter) gemvNEON() (string, []Code) {
	return "relu", []Code{
		If(Id("mode").Op("&").Add(e.gemmRelu()).Op("==").Lit(0)).Block(Return()),
		For(Id("i").Op(",").Id("v").Op(":=").Range().Id("y").Index(Op(":").Id("m"))).Block(
			Id("y").Index(Id("i")).Op("=").Max(Id("v"), Lit(0)),
		),
	}
}

// build is a set of files of the kernels: its name in the file names,
// its build constraint, and its architecture when it has assembly.
type build struct {
	name, constraint string
	arch             *asm.Arch
}

var (
	amd64, arm64 = asm.AMD64, asm.ARM64
	builds       = []build{
		{"amd64", "!purego", &amd64},
		{"arm64", "!purego", &arm64},
		{"other", "(!amd64 && !arm64) || purego", nil},
	}
)

// KernelFiles returns the files that go beside the model's code file out
// when its code calls the kernels, by path: the assembly for amd64 and
// arm64 (out_amd64.s, out_arm64.s), their Go declarations (out_amd64.go,
// out_arm64.go), and out_other.go for every other architecture and the
// purego build tag, which runs the plain Go kernels. It returns no files
// for a model without kernels.
func KernelFiles(m *ir.Model, out string) (map[string][]byte, error) {
	if !m.Kernels() {
		return nil, nil
	}
	base := strings.TrimSuffix(out, filepath.Ext(out))
	ks := usedKernels(m)
	ids := make([]asm.Kernel, len(ks))
	for i, k := range ks {
		ids[i] = k.id
	}
	var net *asm.Net
	if m.LogitsKernel() {
		ids, net = append(ids, asm.Logits), logitsNet(m)
	}
	files := map[string][]byte{}
	for _, b := range builds {
		if b.arch != nil {
			files[base+"_"+b.name+".s"] = wrapComments(asm.File(*b.arch, m.Source, m.Names.Prefix, m.Float, ids, net))
		}
		e := &emitter{m: m, f: NewFile(m.Package)}
		e.f.HeaderComment(fmt.Sprintf("Code generated by nngen from %s. DO NOT EDIT.", m.Source))
		e.f.HeaderComment("//go:build " + b.constraint)
		e.archKernels(b, ks)
		src, err := e.render()
		if err != nil {
			return nil, err
		}
		files[base+"_"+b.name+".go"] = src
	}
	return files, nil
}

// logitsNet is the network of m's logits kernel.
func logitsNet(m *ir.Model) *asm.Net {
	net := &asm.Net{Widths: []int{m.Inputs}}
	for _, l := range m.Layers {
		net.Widths = append(net.Widths, l.Out)
		if !l.Output() {
			net.Relu = append(net.Relu, l.Act.Rectifier)
		}
	}
	return net
}

// logitsKernel emits the method logits of a model whose logits are one
// kernel (ir.Model.LogitsKernel): on amd64 the declaration of the
// assembly and logits calling it where the processor has AVX2 and FMA,
// else logitsGo; in the other builds logits calling logitsGo.
func (e *emitter) logitsKernel(b build) {
	n := e.m.Names
	x := func() *Statement { return Id("x").Op("*").Index(Id(n.Inputs)).Add(e.T()) }
	method := func() *Statement {
		return e.f.Func().Params(Id("m").Op("*").Id(e.m.Name)).Id("logits").Params(x(), e.logitsParam())
	}
	fallback := Id("m").Dot("logitsGo").Call(Id("x"), Id("z"))
	if b.arch == nil || *b.arch != asm.AMD64 {
		e.docf("logits writes to z the logits of the output layer for one input sample x with logitsGo: this build has no assembly for it.")
		method().Block(fallback)
		return
	}
	name := asm.Logits.Name(n.Prefix, asm.AMD64)
	e.docf("%s is logitsGo in assembly for processors with AVX2 and FMA: the whole network in one function, every size a constant.", name)
	e.f.Comment("")
	e.docf("//go:noescape")
	e.f.Func().Id(name).Params(Id("m").Op("*").Id(e.m.Name), x(), e.logitsParam())
	e.docf("logits writes to z the logits of the output layer for one input sample x: with %s if the processor has AVX2 and FMA, else with logitsGo.", name)
	method().Block(
		If(Id(n.Prefix+"AVX2")).Block(Id(name).Call(Id("m"), Id("x"), Id("z")), Return()),
		fallback,
	)
}

// archKernels emits the kernels of a build: for each kernel with assembly
// its declaration and irisGemmKernel calling it, else irisGemmKernel
// calling the plain Go version; and the logits of a model whose logits are
// one kernel.
func (e *emitter) archKernels(b build, ks []kernel) {
	if b.arch != nil && *b.arch == asm.AMD64 {
		e.detectAVX2(ks)
	}

	for _, k := range ks {
		name := e.name(k)
		if b.arch == nil || !asm.Has(*b.arch, k.id, e.m.Float) {
			e.docf("%sKernel runs %sGo: this build has no assembly for it.", name, name)
			e.f.Func().Id(name + "Kernel").Params(e.signature(k, false)...).Block(Id(name + "Go").Call(args(k, false)...))
			continue
		}
		a := *b.arch
		covers := ""
		if k.covers != "" {
			covers = " " + k.covers + ","
		}
		asmName := k.id.Name(e.m.Names.Prefix, a)
		e.docf("%s is %s%s in assembly %s.", asmName, name, covers, map[asm.Arch]string{asm.AMD64: "for processors with AVX2 and FMA", asm.ARM64: "with NEON"}[a])
		e.f.Comment("")
		e.docf("//go:noescape")
		e.f.Func().Id(asmName).Params(e.signature(k, true)...)
		call := Id(asmName).Call(args(k, true)...)
		if a == asm.AMD64 {
			var wide []Code
			doc := fmt.Sprintf("%sKernel runs %s if the processor has AVX2 and FMA, else %sGo.", name, asmName, name)
			if asm.HasAVX512(k.id) {
				wideName := k.id.NameAVX512(e.m.Names.Prefix)
				e.docf("%s is %s%s in assembly for processors with AVX-512F.", wideName, name, covers)
				e.f.Comment("")
				e.docf("//go:noescape")
				e.f.Func().Id(wideName).Params(e.signature(k, true)...)
				wide = []Code{If(Id(e.m.Names.Prefix+"AVX512")).Block(Id(wideName).Call(args(k, true)...), Return())}
				doc = fmt.Sprintf("%sKernel runs %s if the processor has AVX-512F, else %s if it has AVX2 and FMA, else %sGo.", name, wideName, asmName, name)
			}
			e.docf("%s", doc)
			e.f.Func().Id(name + "Kernel").Params(e.signature(k, false)...).Block(append(wide,
				If(Id(e.m.Names.Prefix+"AVX2")).Block(call, Return()),
				Id(name+"Go").Call(args(k, false)...),
			)...)
			continue
		}
		if k.neon == nil {
			e.docf("%sKernel runs %s.", name, asmName)
			e.f.Func().Id(name + "Kernel").Params(e.signature(k, false)...).Block(call)
			continue
		}
		doc, after := k.neon(e)
		e.docf("%sKernel runs %s, then %s if the mode asks for it: NEON has the\ninstructions, but Go's assembler does not.", name, asmName, doc)
		e.f.Func().Id(name + "Kernel").Params(e.signature(k, false)...).Block(append([]Code{call}, after...)...)
	}
	if e.m.LogitsKernel() {
		e.logitsKernel(b)
	}
	if e.m.Chunk > 0 {
		e.chunkedFunc(b)
	}
}

// anyAVX512 reports whether one of ks has an AVX-512 version on amd64.
func anyAVX512(ks []kernel) bool {
	return slices.ContainsFunc(ks, func(k kernel) bool { return asm.HasAVX512(k.id) })
}

// hasGemv reports whether ks holds gemv.
func hasGemv(ks []kernel) bool {
	return slices.ContainsFunc(ks, func(k kernel) bool { return k.id == asm.Gemv })
}

// chunkedFunc emits the build's choice between the chunks and the samples
// one at a time, in the batch functions of a chunked model: the chunks
// where the products run in assembly.
func (e *emitter) chunkedFunc(b build) {
	name := e.chunked()
	var doc string
	var answer Code
	switch {
	case b.arch == nil:
		doc, answer = "this build has no assembly, and the samples one at a time are faster than the chunks in plain Go", False()
	case *b.arch == asm.AMD64:
		doc, answer = "if the processor has AVX2 and FMA, for the assembly; without them the samples one at a time are faster than the chunks in plain Go", Id(e.m.Names.Prefix+"AVX2")
	default:
		doc, answer = "the products run in assembly", True()
	}
	who := "ForwardBatch takes" // TrainWith of a looped model always does
	if e.trainChunksOptional() {
		who = "the batch functions take"
	}
	e.docf("%s reports whether %s the samples in chunks, on the kernels, rather than one at a time: %s.", name, who, doc)
	e.f.Func().Id(name).Params().Bool().Block(Return(answer))
}

// detectAVX2 emits the detection of AVX2 and FMA, where one of ks has
// AVX-512 that of AVX-512F too, the choice of gemv's form with it, and the
// declarations of the instructions they need.
func (e *emitter) detectAVX2(ks []kernel) {
	has := e.m.Names.Prefix + "AVX2"
	cpuid, xgetbv := e.m.Names.Prefix+"CPUID", e.m.Names.Prefix+"XGETBV"
	off := e.m.Names.Prefix + "CPUOff"
	e.docf(`%s reports whether the processor and the operating system run AVX2 and
FMA: CPUID.1:ECX has FMA (bit 12), OSXSAVE (27) and AVX (28), CPUID.7:EBX
has AVX2 (bit 5), and XCR0 has the SSE and AVX state enabled (bits 1, 2);
and GODEBUG does not turn them off.`, has)
	e.f.Var().Id(has).Op("=").Op("!").Id(off).Call(Lit("avx2")).Op("&&").Op("!").Id(off).Call(Lit("fma")).Op("&&").Func().Params().Bool().Block(
		List(Id("_"), Id("_"), Id("c1"), Id("_")).Op(":=").Id(cpuid).Call(Lit(1), Lit(0)),
		If(Id("c1").Op("&").Parens(Lit(1).Op("<<").Lit(12).Op("|").Lit(1).Op("<<").Lit(27).Op("|").Lit(1).Op("<<").Lit(28)).Op("!=").
			Lit(1).Op("<<").Lit(12).Op("|").Lit(1).Op("<<").Lit(27).Op("|").Lit(1).Op("<<").Lit(28)).Block(Return(False())),
		List(Id("_"), Id("b7"), Id("_"), Id("_")).Op(":=").Id(cpuid).Call(Lit(7), Lit(0)),
		Return(Id("b7").Op("&").Parens(Lit(1).Op("<<").Lit(5)).Op("!=").Lit(0).Op("&&").Id(xgetbv).Call().Op("&").Lit(6).Op("==").Lit(6)),
	).Call()
	if anyAVX512(ks) {
		e.docf(`%sAVX512 reports whether the processor and the operating system run
AVX-512F besides AVX2 and FMA: CPUID.7:EBX has AVX512F (bit 16), and XCR0
has the state of the opmask and ZMM registers enabled (bits 5–7); and
GODEBUG does not turn it off. Tests turn it off to reach the AVX2 kernels
too.`, e.m.Names.Prefix)
		e.f.Var().Id(e.m.Names.Prefix+"AVX512").Op("=").Id(has).Op("&&").Op("!").Id(off).Call(Lit("avx512f")).Op("&&").Func().Params().Bool().Block(
			List(Id("_"), Id("b7"), Id("_"), Id("_")).Op(":=").Id(cpuid).Call(Lit(7), Lit(0)),
			Return(Id("b7").Op("&").Parens(Lit(1).Op("<<").Lit(16)).Op("!=").Lit(0).Op("&&").Id(xgetbv).Call().Op("&").Op("0xe0").Op("==").Op("0xe0")),
		).Call()
	}
	if hasGemv(ks) {
		// On an Intel Xeon (family 6 model 167) the row form took 1.30× the
		// time of the eight rows on mnist-shaped's lat1, 1.05× on wide's.
		e.docf(`%s reports whether %s takes a large matrix a row at a time
rather than eight rows at once: on AMD processors of family 26 (Zen 5) and
later, where that measured faster. On family 25 (Zen 4), which splits each
512-bit operation in two, the eight rows did, and on an Intel Xeon; other
processors with AVX-512 keep them too. Tests flip it to reach both forms.`, asm.GemvByRows(e.m.Names.Prefix), asm.Gemv.NameAVX512(e.m.Names.Prefix))
		e.f.Var().Id(asm.GemvByRows(e.m.Names.Prefix)).Op("=").Id(e.m.Names.Prefix+"AVX512").Op("&&").Func().Params().Bool().Block(
			List(Id("_"), Id("b"), Id("c"), Id("d")).Op(":=").Id(cpuid).Call(Lit(0), Lit(0)),
			Comment("CPUID.0 spells the vendor in EBX, EDX and ECX: \"Auth\", \"enti\", \"cAMD\"."),
			If(Id("b").Op("!=").Op("0x68747541").Op("||").Id("d").Op("!=").Op("0x69746e65").Op("||").Id("c").Op("!=").Op("0x444d4163")).Block(Return(False())),
			List(Id("a"), Id("_"), Id("_"), Id("_")).Op(":=").Id(cpuid).Call(Lit(1), Lit(0)),
			Comment("The family: the base family, bits 8–11, plus the extended family, bits"),
			Comment("20–27, where the base family is 15."),
			Id("family").Op(":=").Id("a").Op(">>").Lit(8).Op("&").Op("0xf"),
			If(Id("family").Op("==").Op("0xf")).Block(Id("family").Op("+=").Id("a").Op(">>").Lit(20).Op("&").Op("0xff")),
			Return(Id("family").Op(">=").Lit(26)),
		).Call()
	}
	e.docf(`%s reports whether GODEBUG turns the processor feature off, as the Go
runtime reads its cpu options: cpu.<feature>=off, or cpu.all=off, the last
setting of a feature winning. GODEBUG=cpu.avx512f=off runs the AVX2 kernels
on a processor with AVX-512, cpu.avx2=off the plain Go ones.`, off)
	e.f.Func().Id(off).Params(Id("feature").String()).Bool().Block(
		Id("off").Op(":=").False(),
		For(List(Id("_"), Id("opt")).Op(":=").Range().Qual("strings", "Split").Call(Qual("os", "Getenv").Call(Lit("GODEBUG")), Lit(","))).Block(
			Switch(Id("opt")).Block(
				Case(Lit("cpu.all=off"), Lit("cpu.").Op("+").Id("feature").Op("+").Lit("=off")).Block(Id("off").Op("=").True()),
				Case(Lit("cpu.").Op("+").Id("feature").Op("+").Lit("=on")).Block(Id("off").Op("=").False()),
			),
		),
		Return(Id("off")),
	)
	e.docf("%s executes CPUID with EAX = leaf and ECX = sub.", cpuid)
	e.f.Func().Id(cpuid).Params(List(Id("leaf"), Id("sub")).Uint32()).Params(List(Id("a"), Id("b"), Id("c"), Id("d")).Uint32())
	e.docf("%s returns the low half of XCR0, the state the operating system saves.", xgetbv)
	e.f.Func().Id(xgetbv).Params().Params(Id("eax").Uint32())
}

// render formats the file being emitted.
func (e *emitter) render() ([]byte, error) {
	e.f.NoFormat = true
	var buf bytes.Buffer
	if err := e.f.Render(&buf); err != nil {
		return nil, fmt.Errorf("generated code does not render (a bug in nngen): %v", err)
	}
	return formatSource("code", buf.Bytes())
}

// formatSource formats the generated Go source src. If it does not
// format, the error holds the source with line numbers, as the error's
// positions count them.
// The result keeps within MaxColumns where it can: its long comments are
// wrapped and its long lines of code broken.
func formatSource(what string, src []byte) ([]byte, error) {
	for range 10 {
		out, err := format.Source(src)
		if err != nil {
			return nil, fmt.Errorf("generated %s does not format (a bug in nngen): %v\n%s", what, err, numbered(src))
		}
		var broke bool
		if src, broke = breakLines(wrapComments(out)); !broke {
			return format.Source(src)
		}
	}
	return format.Source(src)
}

// numbered returns src with each line preceded by its number.
func numbered(src []byte) string {
	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		fmt.Fprintf(&b, "%5d\t%s\n", i+1, l)
	}
	return b.String()
}

// plus is k+j for j > 0.
func plus(k string, j int) Code {
	if j == 0 {
		return Id(k)
	}
	return Id(k).Op("+").Lit(j)
}
