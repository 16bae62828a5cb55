package gen

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/gen/asm"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// Kernels: every product of a looped layer, and every layer of the chunked
// batch functions, is a call to one of two functions, named after the
// model:
//
//	irisGemm(m, n, k, a, ars, acs, b, ldb, c, ldc, bias, mode)   c = a·b, c += a·b or c = bias + a·b,
//	                                                            matrices read through strides, relu or not
//	irisGemv(m, k, a, lda, x, y)                                y += a·x
//
// They check the bounds of what they will read and write, then hand the
// work to the fastest kernel of the build: assembly (package gen/asm) on
// amd64 with AVX2 and FMA and on arm64, else the plain Go versions
// irisGemmGo and irisGemvGo, which this file also holds. The assembly and
// its Go declarations are the kernel files, emitted by KernelFiles.

// gemm and gemv are the names of the two kernels' checked entry points.
func (e *emitter) gemm() string { return e.m.Names.Prefix + "Gemm" }
func (e *emitter) gemv() string { return e.m.Names.Prefix + "Gemv" }

// slice is []T.
func (e *emitter) slice() *Statement { return Index().Add(e.T()) }

func (e *emitter) gemmParams() []Code {
	s := e.slice()
	return []Code{List(Id("m"), Id("n"), Id("k")).Int(), Id("a").Add(s), List(Id("ars"), Id("acs")).Int(),
		Id("b").Add(s), Id("ldb").Int(), Id("c").Add(s), Id("ldc").Int(), List(Id("bias"), Id("mask")).Add(s), Id("mode").Int()}
}

// The modes of gemm, by the names of their constants: where the sums
// start, and whether relu follows.
func (e *emitter) gemmAdd() *Statement  { return Id(e.gemm() + "Add") }
func (e *emitter) gemmBias() *Statement { return Id(e.gemm() + "Bias") }
func (e *emitter) gemmSet() *Statement  { return Id(e.gemm() + "Set") }
func (e *emitter) gemmRelu() *Statement { return Id(e.gemm() + "Relu") }
func (e *emitter) gemmMask() *Statement { return Id(e.gemm() + "Mask") }

func (e *emitter) gemvParams() []Code {
	s := e.slice()
	return []Code{List(Id("m"), Id("k")).Int(), Id("a").Add(s), Id("lda").Int(), List(Id("x"), Id("y")).Add(s), Id("mode").Int()}
}

var gemmArgs = []Code{Id("m"), Id("n"), Id("k"), Id("a"), Id("ars"), Id("acs"), Id("b"), Id("ldb"), Id("c"), Id("ldc"), Id("bias"), Id("mask"), Id("mode")}
var gemvArgs = []Code{Id("m"), Id("k"), Id("a"), Id("lda"), Id("x"), Id("y"), Id("mode")}

// kernels emits the checked entry points and the plain Go kernels.
func (e *emitter) kernels() {
	if !e.m.Kernels() {
		return
	}
	cols := e.m.Cols()
	gemm, gemv := e.gemm(), e.gemv()
	e.f.Commentf("The modes of %s: where the sums start, and whether relu follows.", gemm)
	e.f.Const().Defs(
		Add(e.gemmAdd()).Op("=").Lit(0).Comment("c += a·b"),
		Add(e.gemmBias()).Op("=").Lit(1).Comment("c = bias + a·b, bias[i] added to row i"),
		Add(e.gemmSet()).Op("=").Lit(2).Comment("c = a·b"),
		Add(e.gemmRelu()).Op("=").Lit(4).Comment("then c = max(c, 0)"),
		Add(e.gemmMask()).Op("=").Lit(8).Comment("then c = 0 where mask, laid out as c, is not above 0: relu'(z), read off a"),
	)
	e.docf(`%s computes a product of matrices read through strides (counted in
values), in the given mode:

	c[i*ldc+j] (+)= Σₚ a[i*ars+p*acs] · b[p*ldb+j]   for i < m, j < n, p < k

With the strides one function serves the three products of a layer: W·A
forward, Wᵀ·Δ backward (a read down the columns of W) and Δ·Aᵀ for the
weight gradient. Whole tiles of %d columns go to %sKernel, the
fastest kernel of the build; the rest to %sGo.`, gemm, cols, gemm, gemm)
	e.f.Func().Id(gemm).Params(e.gemmParams()...).Block(
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
		If(Id("whole").Op("<").Id("n")).Block(
			If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0)).Block(Id("mask").Op("=").Id("mask").Index(Id("whole").Op(":"))),
			Id(gemm+"Go").Call(Id("m"), Id("n").Op("-").Id("whole"), Id("k"), Id("a"), Id("ars"), Id("acs"),
				Id("b").Index(Id("whole").Op(":")), Id("ldb"), Id("c").Index(Id("whole").Op(":")), Id("ldc"), Id("bias"), Id("mask"), Id("mode")),
		),
	)
	e.docf(`%s adds a·x to y: y[i] += Σₚ a[i*lda+p] · x[p] for i < m, p < k; in mode
%s|%s, y = max(y, 0) then.`, gemv, e.gemm()+"Add", e.gemm()+"Relu")
	e.f.Func().Id(gemv).Params(e.gemvParams()...).Block(
		If(Id("m").Op("==").Lit(0).Op("||").Id("k").Op("==").Lit(0)).Block(Return()),
		Id("_").Op("=").Id("a").Index(Parens(Id("m").Op("-").Lit(1)).Op("*").Id("lda").Op("+").Id("k").Op("-").Lit(1)),
		Id("_").Op("=").Id("x").Index(Id("k").Op("-").Lit(1)),
		Id("_").Op("=").Id("y").Index(Id("m").Op("-").Lit(1)),
		Id(gemv+"Kernel").Call(gemvArgs...),
	)
	e.docf(`%sGo is %s in plain Go, four rows of c at a time.`, gemm, gemm)
	e.f.Func().Id(gemm + "Go").Params(e.gemmParams()...).BlockFunc(func(g *Group) {
		rows := func(g *Group, r int, row func(int) Code) {
			// times is row i times a stride: i*ldc, (i+1)*ldc.
			times := func(i int, stride string) *Statement {
				if i == 0 {
					return Add(row(0)).Op("*").Id(stride)
				}
				return Parens(row(i)).Op("*").Id(stride)
			}
			for i := range r {
				g.Id(fmt.Sprintf("c%d", i)).Op(":=").Id("c").Index(times(i, "ldc").Op(":")).Index(Op(":").Id("n"))
			}
			g.Switch(Id("mode").Op("&").Lit(3)).BlockFunc(func(g *Group) {
				g.Case(e.gemmBias()).BlockFunc(func(g *Group) {
					for i := range r {
						g.For(Id("j").Op(":=").Range().Id(fmt.Sprintf("c%d", i))).Block(
							Id(fmt.Sprintf("c%d", i)).Index(Id("j")).Op("=").Id("bias").Index(row(i)),
						)
					}
				})
				g.Case(e.gemmSet()).BlockFunc(func(g *Group) {
					for i := range r {
						g.Id("clear").Call(Id(fmt.Sprintf("c%d", i)))
					}
				})
			})
			g.For(Id("p").Op(":=").Range().Id("k")).BlockFunc(func(g *Group) {
				for i := range r {
					g.Id(fmt.Sprintf("a%d", i)).Op(":=").Id("a").Index(times(i, "ars").Op("+").Id("p").Op("*").Id("acs"))
				}
				g.For(Id("j").Op(",").Id("bj").Op(":=").Range().Id("b").Index(Id("p").Op("*").Id("ldb").Op(":")).Index(Op(":").Id("n"))).BlockFunc(func(g *Group) {
					for i := range r {
						g.Id(fmt.Sprintf("c%d", i)).Index(Id("j")).Op("+=").Id(fmt.Sprintf("a%d", i)).Op("*").Id("bj")
					}
				})
			})
			g.If(Id("mode").Op("&").Add(e.gemmRelu()).Op("!=").Lit(0)).BlockFunc(func(g *Group) {
				for i := range r {
					ci := fmt.Sprintf("c%d", i)
					g.For(Id("j").Op(",").Id("v").Op(":=").Range().Id(ci)).Block(
						Id(ci).Index(Id("j")).Op("=").Max(Id("v"), Lit(0)),
					)
				}
			})
			g.If(Id("mode").Op("&").Add(e.gemmMask()).Op("!=").Lit(0)).BlockFunc(func(g *Group) {
				for i := range r {
					ci := fmt.Sprintf("c%d", i)
					g.For(Id("j").Op(",").Id("v").Op(":=").Range().Id("mask").Index(times(i, "ldc").Op(":")).Index(Op(":").Id("n"))).Block(
						If(Op("!").Parens(Id("v").Op(">").Lit(0))).Block(Id(ci).Index(Id("j")).Op("=").Lit(0)),
					)
				}
			})
		}
		g.Id("i").Op(":=").Lit(0)
		g.For(Op(";").Id("i").Op("+").Lit(4).Op("<=").Id("m"), Id("i").Op("+=").Lit(4)).BlockFunc(func(g *Group) {
			rows(g, 4, func(r int) Code { return plus("i", r) })
		})
		g.For(Op(";").Id("i").Op("<").Id("m"), Id("i").Op("++")).BlockFunc(func(g *Group) {
			rows(g, 1, func(int) Code { return Id("i") })
		})
	})
	e.docf(`%sGo is %s in plain Go, summing each row in four lanes.`, gemv, gemv)
	e.f.Func().Id(gemv + "Go").Params(e.gemvParams()...).BlockFunc(func(g *Group) {
		g.Id("x").Op("=").Id("x").Index(Op(":").Id("k"))
		g.For(Id("i").Op(":=").Range().Id("m")).BlockFunc(func(g *Group) {
			g.Id("row").Op(":=").Id("a").Index(Id("i").Op("*").Id("lda").Op(":")).Index(Op(":").Id("k"))
			g.Var().List(Id("s0"), Id("s1"), Id("s2"), Id("s3")).Add(e.T())
			g.Id("p").Op(":=").Lit(0)
			g.For(Op(";").Id("p").Op("+").Lit(4).Op("<=").Id("k"), Id("p").Op("+=").Lit(4)).BlockFunc(func(g *Group) {
				for r := range 4 {
					g.Id(fmt.Sprintf("s%d", r)).Op("+=").Id("row").Index(plus("p", r)).Op("*").Id("x").Index(plus("p", r))
				}
			})
			g.For(Op(";").Id("p").Op("<").Id("k"), Id("p").Op("++")).Block(
				Id("s0").Op("+=").Id("row").Index(Id("p")).Op("*").Id("x").Index(Id("p")),
			)
			g.Id("y").Index(Id("i")).Op("+=").Parens(Id("s0").Op("+").Id("s1")).Op("+").Parens(Id("s2").Op("+").Id("s3"))
			g.If(Id("mode").Op("&").Add(e.gemmRelu()).Op("!=").Lit(0)).Block(
				Id("y").Index(Id("i")).Op("=").Max(Id("y").Index(Id("i")), Lit(0)),
			)
		})
	})
	e.transposeFuncs()
	if e.softmaxKernel() {
		e.softmaxFuncs()
	}
}

// transpose is the name of the transpose's checked entry point.
func (e *emitter) transpose() string { return e.m.Names.Prefix + "Transpose" }

func (e *emitter) transposeParams() []Code {
	s := e.slice()
	return []Code{List(Id("rows"), Id("cols")).Int(), Id("src").Add(s), Id("lds").Int(), Id("dst").Add(s), Id("ldd").Int()}
}

var transposeArgs = []Code{Id("rows"), Id("cols"), Id("src"), Id("lds"), Id("dst"), Id("ldd")}

// transposeFuncs emits the transpose's checked entry point and its plain
// Go version.
func (e *emitter) transposeFuncs() {
	tr, block := e.transpose(), 32/e.m.Size()
	e.docf(`%s writes the transpose of the rows×cols matrix src into dst:
dst[j*ldd+i] = src[i*lds+j]. Whole blocks of %d×%d go to %sKernel,
the edges to %sGo.`, tr, block, block, tr, tr)
	e.f.Func().Id(tr).Params(e.transposeParams()...).Block(
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
	e.docf(`%sGo is %s in plain Go.`, tr, tr)
	e.f.Func().Id(tr + "Go").Params(e.transposeParams()...).Block(
		For(Id("i").Op(":=").Range().Id("rows")).Block(
			For(Id("j").Op(",").Id("v").Op(":=").Range().Id("src").Index(Id("i").Op("*").Id("lds").Op(":")).Index(Op(":").Id("cols"))).Block(
				Id("dst").Index(Id("j").Op("*").Id("ldd").Op("+").Id("i")).Op("=").Id("v"),
			),
		),
	)
}

// softmax is the name of the softmax's checked entry point.
func (e *emitter) softmax() string { return e.m.Names.Prefix + "Softmax" }

// softmaxKernel reports whether the chunked code computes its softmax
// head with the kernel: for a chunked model with that head.
func (e *emitter) softmaxKernel() bool { return e.m.Chunk > 0 && e.m.Head.Act == spec.Softmax }

func (e *emitter) softmaxParams() []Code {
	s := e.slice()
	return []Code{List(Id("k"), Id("n")).Int(), Id("z").Add(s), Id("ld").Int(), List(Id("p"), Id("sum")).Add(s)}
}

var softmaxArgs = []Code{Id("k"), Id("n"), Id("z"), Id("ld"), Id("p"), Id("sum")}

// softmaxFuncs emits the softmax's checked entry point and its plain Go
// version.
func (e *emitter) softmaxFuncs() {
	sm := e.softmax()
	block := 32 / e.m.Size()
	e.docf(`%s writes into p the softmax of each column j < n of the k×n matrix z,
and into sum[j] the sum of its exponentials:

	p[i*ld+j] = exp(z[i*ld+j] − mⱼ) / sum[j],  sum[j] = Σᵢ exp(z[i*ld+j] − mⱼ),  mⱼ = maxᵢ z[i*ld+j]

Whole blocks of %d columns go to %sKernel, the rest to %sGo.`, sm, block, sm, sm)
	e.f.Func().Id(sm).Params(e.softmaxParams()...).Block(
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
	e.docf(`%sGo is %s in plain Go, with math.Exp.`, sm, sm)
	e.f.Func().Id(sm + "Go").Params(e.softmaxParams()...).Block(
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
	files := map[string][]byte{
		base + "_amd64.s": asm.AMD64(m.Source, m.Names.Prefix, m.Float, (&emitter{m: m}).softmaxKernel()),
		base + "_arm64.s": asm.ARM64(m.Source, m.Names.Prefix, m.Float),
	}
	for _, arch := range []string{"amd64", "arm64", "other"} {
		e := &emitter{m: m, f: NewFile(m.Package)}
		e.f.HeaderComment(fmt.Sprintf("Code generated by nngen from %s. DO NOT EDIT.", m.Source))
		e.archKernels(arch)
		src, err := e.render()
		if err != nil {
			return nil, err
		}
		files[base+"_"+arch+".go"] = src
	}
	return files, nil
}

// kernelDispatch is a kernel that runs its assembly version when the
// processor has it: its name, that of the assembly, its parameters and the
// arguments of the two calls.
type kernelDispatch struct {
	name, asm string
	params    []Code
	args, ptr []Code
}

// archKernels emits the kernels of one architecture: gemmKernel and
// gemvKernel, calling the assembly or the Go versions.
func (e *emitter) archKernels(arch string) {
	gemm, gemv := e.gemm(), e.gemv()
	p := Op("*").Add(e.T())
	asmGemm := []Code{List(Id("m"), Id("n"), Id("k")).Int(), Id("a").Add(p), List(Id("ars"), Id("acs")).Int(),
		Id("b").Add(p), Id("ldb").Int(), Id("c").Add(p), Id("ldc").Int(), List(Id("bias"), Id("mask")).Add(p), Id("mode").Int()}
	asmTranspose := []Code{List(Id("rows"), Id("cols")).Int(), Id("src").Add(p), Id("lds").Int(), Id("dst").Add(p), Id("ldd").Int()}
	ptrTranspose := []Code{Id("rows"), Id("cols"), Op("&").Id("src").Index(Lit(0)), Id("lds"), Op("&").Id("dst").Index(Lit(0)), Id("ldd")}
	goSoftmax := func() {
		if !e.softmaxKernel() {
			return
		}
		e.f.Comment(fmt.Sprintf("%sKernel runs %sGo: this build has no assembly for it.", e.softmax(), e.softmax()))
		e.f.Func().Id(e.softmax() + "Kernel").Params(e.softmaxParams()...).Block(Id(e.softmax() + "Go").Call(softmaxArgs...))
	}
	asmSoftmax := []Code{List(Id("k"), Id("n")).Int(), Id("z").Add(p), Id("ld").Int(), List(Id("p"), Id("sum")).Add(p)}
	ptrSoftmax := []Code{Id("k"), Id("n"), Op("&").Id("z").Index(Lit(0)), Id("ld"), Op("&").Id("p").Index(Lit(0)), Op("&").Id("sum").Index(Lit(0))}
	goTranspose := func() {
		e.f.Comment(fmt.Sprintf("%sKernel runs %sGo: this build has no assembly for it.", e.transpose(), e.transpose()))
		e.f.Func().Id(e.transpose() + "Kernel").Params(e.transposeParams()...).Block(Id(e.transpose() + "Go").Call(transposeArgs...))
	}
	asmGemv := []Code{List(Id("m"), Id("k")).Int(), Id("a").Add(p), Id("lda").Int(), List(Id("x"), Id("y")).Add(p), Id("mode").Int()}
	// The checked entry points have checked the slices the kernel reads;
	// with k = 0 it reads neither a nor b, and bias only in gemmBias mode.
	data := func(s string) Code { return Qual("unsafe", "SliceData").Call(Id(s)) }
	ptrGemm := []Code{Id("m"), Id("n"), Id("k"), data("a"), Id("ars"), Id("acs"), data("b"), Id("ldb"), data("c"), Id("ldc"), data("bias"), data("mask"), Id("mode")}
	ptrGemv := []Code{Id("m"), Id("k"), Op("&").Id("a").Index(Lit(0)), Id("lda"), Op("&").Id("x").Index(Lit(0)), Op("&").Id("y").Index(Lit(0)), Id("mode")}
	declare := func(name, doc string, params []Code) {
		e.f.Comment(name + " " + doc)
		e.f.Comment("")
		e.f.Comment("//go:noescape")
		e.f.Func().Id(name).Params(params...)
	}
	switch arch {
	case "amd64":
		e.f.HeaderComment("//go:build !purego")
		has := e.m.Names.Prefix + "AVX2"
		cpuid, xgetbv := e.m.Names.Prefix+"CPUID", e.m.Names.Prefix+"XGETBV"
		e.docf(`%s reports whether the processor and the operating system run AVX2 and
FMA: CPUID.1:ECX has FMA (bit 12), OSXSAVE (27) and AVX (28), CPUID.7:EBX
has AVX2 (bit 5), and XCR0 has the SSE and AVX state enabled (bits 1, 2).`, has)
		e.f.Var().Id(has).Op("=").Func().Params().Bool().Block(
			List(Id("_"), Id("_"), Id("c1"), Id("_")).Op(":=").Id(cpuid).Call(Lit(1), Lit(0)),
			If(Id("c1").Op("&").Parens(Lit(1).Op("<<").Lit(12).Op("|").Lit(1).Op("<<").Lit(27).Op("|").Lit(1).Op("<<").Lit(28)).Op("!=").
				Lit(1).Op("<<").Lit(12).Op("|").Lit(1).Op("<<").Lit(27).Op("|").Lit(1).Op("<<").Lit(28)).Block(Return(False())),
			List(Id("_"), Id("b7"), Id("_"), Id("_")).Op(":=").Id(cpuid).Call(Lit(7), Lit(0)),
			Return(Id("b7").Op("&").Parens(Lit(1).Op("<<").Lit(5)).Op("!=").Lit(0).Op("&&").Id(xgetbv).Call().Op("&").Lit(6).Op("==").Lit(6)),
		).Call()
		e.f.Comment(cpuid + " executes CPUID with EAX = leaf and ECX = sub.")
		e.f.Func().Id(cpuid).Params(List(Id("leaf"), Id("sub")).Uint32()).Params(List(Id("a"), Id("b"), Id("c"), Id("d")).Uint32())
		e.f.Comment(xgetbv + " returns the low half of XCR0, the state the operating system saves.")
		e.f.Func().Id(xgetbv).Params().Params(Id("eax").Uint32())
		declare(asm.Gemm(e.m.Names.Prefix, "AVX2"), fmt.Sprintf("is %s for whole tiles of columns, in assembly with AVX2 and FMA.", gemm), asmGemm)
		declare(asm.Gemv(e.m.Names.Prefix, "AVX2"), fmt.Sprintf("is %s in assembly with AVX2 and FMA.", gemv), asmGemv)
		declare(asm.Transpose(e.m.Names.Prefix, "AVX2"), fmt.Sprintf("is %s for whole blocks, in assembly with AVX2.", e.transpose()), asmTranspose)
		dispatch := []kernelDispatch{
			{gemm, asm.Gemm(e.m.Names.Prefix, "AVX2"), e.gemmParams(), gemmArgs, ptrGemm},
			{gemv, asm.Gemv(e.m.Names.Prefix, "AVX2"), e.gemvParams(), gemvArgs, ptrGemv},
			{e.transpose(), asm.Transpose(e.m.Names.Prefix, "AVX2"), e.transposeParams(), transposeArgs, ptrTranspose},
		}
		if e.softmaxKernel() && e.m.Float == "float32" {
			declare(asm.Softmax(e.m.Names.Prefix, "AVX2"), fmt.Sprintf("is %s for whole blocks, in assembly with AVX2 and FMA.", e.softmax()), asmSoftmax)
			dispatch = append(dispatch, kernelDispatch{e.softmax(), asm.Softmax(e.m.Names.Prefix, "AVX2"), e.softmaxParams(), softmaxArgs, ptrSoftmax})
		} else {
			goSoftmax()
		}
		for _, k := range dispatch {
			e.f.Comment(fmt.Sprintf("%sKernel runs %s if the processor has AVX2 and FMA, else %sGo.", k.name, k.asm, k.name))
			e.f.Func().Id(k.name+"Kernel").Params(k.params...).Block(
				If(Id(has)).Block(Id(k.asm).Call(k.ptr...), Return()),
				Id(k.name+"Go").Call(k.args...),
			)
		}
	case "arm64":
		e.f.HeaderComment("//go:build !purego")
		declare(asm.Gemm(e.m.Names.Prefix, "NEON"), fmt.Sprintf("is %s for whole tiles of columns, in assembly with NEON.", gemm), asmGemm)
		declare(asm.Gemv(e.m.Names.Prefix, "NEON"), fmt.Sprintf("is %s in assembly with NEON.", gemv), asmGemv)
		e.f.Comment(fmt.Sprintf("%sKernel runs %s, then relu and the mask if the mode asks for", gemm, asm.Gemm(e.m.Names.Prefix, "NEON")))
		e.f.Comment("them: NEON has the instructions, but Go's assembler does not.")
		e.f.Func().Id(gemm+"Kernel").Params(e.gemmParams()...).Block(
			Id(asm.Gemm(e.m.Names.Prefix, "NEON")).Call(ptrGemm...),
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
		)
		e.f.Comment(fmt.Sprintf("%sKernel runs %s, then relu if the mode asks for it.", gemv, asm.Gemv(e.m.Names.Prefix, "NEON")))
		e.f.Func().Id(gemv+"Kernel").Params(e.gemvParams()...).Block(
			Id(asm.Gemv(e.m.Names.Prefix, "NEON")).Call(ptrGemv...),
			If(Id("mode").Op("&").Add(e.gemmRelu()).Op("==").Lit(0)).Block(Return()),
			For(Id("i").Op(",").Id("v").Op(":=").Range().Id("y").Index(Op(":").Id("m"))).Block(
				Id("y").Index(Id("i")).Op("=").Max(Id("v"), Lit(0)),
			),
		)
		goTranspose()
		goSoftmax()
	default:
		e.f.HeaderComment("//go:build (!amd64 && !arm64) || purego")
		e.f.Comment(fmt.Sprintf("%sKernel runs %sGo: this build has no assembly kernels.", gemm, gemm))
		e.f.Func().Id(gemm + "Kernel").Params(e.gemmParams()...).Block(Id(gemm + "Go").Call(gemmArgs...))
		e.f.Comment(fmt.Sprintf("%sKernel runs %sGo.", gemv, gemv))
		e.f.Func().Id(gemv + "Kernel").Params(e.gemvParams()...).Block(Id(gemv + "Go").Call(gemvArgs...))
		goTranspose()
		goSoftmax()
	}
}

// render formats the file being emitted.
func (e *emitter) render() ([]byte, error) {
	var buf bytes.Buffer
	if err := e.f.Render(&buf); err != nil {
		return nil, fmt.Errorf("generated code does not format (a bug in nngen): %v", err)
	}
	return buf.Bytes(), nil
}

// plus is k+j for j > 0.
func plus(k string, j int) Code {
	if j == 0 {
		return Id(k)
	}
	return Id(k).Op("+").Lit(j)
}
