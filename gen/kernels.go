package gen

import (
	"fmt"
	"slices"

	. "github.com/dave/jennifer/jen"
)

// Kernels: the inner loops of looped layers are calls to small functions,
// one set per input width, named after the model and the width:
//
//	irisDot16(w, x *[16]float64) float64                   Σᵢ w[i]·x[i]
//	irisDot4x16(w, x0, x1, x2, x3 *[16]float64) (…)        the same for four vectors x
//	irisAxpy16(dst *[16]float64, a float64, x *[16]float64) dst += a·x
//	irisAxpy4x16(d0, …, d3 *[16]float64, a0, …, a3 float64, x *[16]float64)   dⱼ += aⱼ·x
//	irisOuter4x16(dst *[16]float64, a0, …, a3 float64, x0, …, x3 *[16]float64) dst += Σⱼ aⱼ·xⱼ
//
// In plain Go they are loops. With nngen gen -simd the loops are named
// irisDot16Go and so on, and two more files define the kernels: one, built
// with GOEXPERIMENT=simd on amd64, calls versions written with
// simd/archsimd when the processor has AVX2 and FMA and the loops
// otherwise; the other, built everywhere else, calls the loops. The calls
// are direct, so the compiler still sees that no argument escapes.

// kernelKinds lists the kernels, in the order they are emitted.
var kernelKinds = []string{"Dot", "Dot4x", "Axpy", "Axpy4x", "Outer4x"}

// kernel returns the name of a kernel for vectors of n values.
func (e *emitter) kernel(kind string, n int) string {
	return fmt.Sprintf("%s%s%d", e.m.Names.Prefix, kind, n)
}

// widths returns the input widths of the layers that use kernels: the
// looped ones, and all of them in the chunked batch functions.
func (e *emitter) widths() []int {
	var ws []int
	for _, l := range e.m.Layers {
		if (!l.Unrolled || e.m.Chunk > 0) && !slices.Contains(ws, l.In) {
			ws = append(ws, l.In)
		}
	}
	slices.Sort(ws)
	return ws
}

// ptr is *[n]T.
func (e *emitter) ptr(n int) *Statement { return Op("*").Index(Lit(n)).Add(e.T()) }

// kernelSignature returns the parameters and results of a kernel.
func (e *emitter) kernelSignature(kind string, n int) (params, results []Code) {
	p, t := e.ptr(n), e.T()
	switch kind {
	case "Dot":
		return []Code{List(Id("w"), Id("x")).Add(p)}, []Code{t}
	case "Dot4x":
		return []Code{List(Id("w"), Id("x0"), Id("x1"), Id("x2"), Id("x3")).Add(p)},
			[]Code{List(Id("s0"), Id("s1"), Id("s2"), Id("s3")).Add(t)}
	case "Axpy":
		return []Code{Id("dst").Add(p), Id("a").Add(t), Id("x").Add(p)}, nil
	case "Axpy4x":
		return []Code{List(Id("d0"), Id("d1"), Id("d2"), Id("d3")).Add(p), List(Id("a0"), Id("a1"), Id("a2"), Id("a3")).Add(t), Id("x").Add(p)}, nil
	}
	return []Code{Id("dst").Add(p), List(Id("a0"), Id("a1"), Id("a2"), Id("a3")).Add(t), List(Id("x0"), Id("x1"), Id("x2"), Id("x3")).Add(p)}, nil
}

// kernelArgs lists the parameters of each kernel, in order.
var kernelArgs = map[string][]string{
	"Dot":     {"w", "x"},
	"Dot4x":   {"w", "x0", "x1", "x2", "x3"},
	"Axpy":    {"dst", "a", "x"},
	"Axpy4x":  {"d0", "d1", "d2", "d3", "a0", "a1", "a2", "a3", "x"},
	"Outer4x": {"dst", "a0", "a1", "a2", "a3", "x0", "x1", "x2", "x3"},
}

var kernelDocs = map[string]string{
	"Dot":     "returns Σᵢ w[i]·x[i], summed in four lanes.",
	"Dot4x":   "returns the dot products of w with x0, x1, x2 and x3, reading w once.",
	"Axpy":    "adds a·x to dst.",
	"Axpy4x":  "adds aⱼ·x to dⱼ for j = 0…3, reading x once.",
	"Outer4x": "adds a0·x0 + a1·x1 + a2·x2 + a3·x3 to dst.",
}

// kernels emits the plain Go kernels of the layers that use them.
func (e *emitter) kernels() {
	ws := e.widths()
	if len(ws) == 0 {
		return
	}
	for _, n := range ws {
		for _, k := range kernelKinds {
			name := e.kernel(k, n)
			if e.m.SIMD {
				name += "Go"
			}
			params, results := e.kernelSignature(k, n)
			e.f.Comment(fmt.Sprintf("%s %s", name, kernelDocs[k]))
			e.f.Func().Id(name).Params(params...).Params(results...).BlockFunc(func(g *Group) {
				e.kernelBody(g, k, n)
			})
		}
	}
}

// kernelBody emits the plain Go loop of a kernel.
func (e *emitter) kernelBody(g *Group, kind string, n int) {
	i := Id("i")
	switch kind {
	case "Dot":
		body := n - n%lanes
		sum := Null()
		if body > 0 {
			g.Var().List(Id("acc0"), Id("acc1"), Id("acc2"), Id("acc3")).Add(e.T())
			g.For(i.Clone().Op(":=").Lit(0), i.Clone().Op("<").Lit(body), i.Clone().Op("+=").Lit(lanes)).BlockFunc(func(g *Group) {
				for k := range lanes {
					g.Id(fmt.Sprintf("acc%d", k)).Op("+=").Id("w").Index(plus("i", k)).Op("*").Id("x").Index(plus("i", k))
				}
			})
			sum = Parens(Id("acc0").Op("+").Id("acc1")).Op("+").Parens(Id("acc2").Op("+").Id("acc3"))
		} else {
			sum = Lit(0)
		}
		for k := body; k < n; k++ {
			sum = sum.Op("+").Id("w").Index(Lit(k)).Op("*").Id("x").Index(Lit(k))
		}
		g.Return(sum)
	case "Dot4x":
		g.For(i.Clone().Op(":=").Range().Lit(n)).BlockFunc(func(g *Group) {
			g.Id("wi").Op(":=").Id("w").Index(Id("i"))
			for j := range 4 {
				g.Id(fmt.Sprintf("s%d", j)).Op("+=").Id("wi").Op("*").Id(fmt.Sprintf("x%d", j)).Index(Id("i"))
			}
		})
		g.Return()
	case "Axpy":
		g.For(i.Clone().Op(":=").Range().Lit(n)).Block(
			Id("dst").Index(Id("i")).Op("+=").Id("a").Op("*").Id("x").Index(Id("i")),
		)
	case "Axpy4x":
		g.For(i.Clone().Op(":=").Range().Lit(n)).BlockFunc(func(g *Group) {
			g.Id("xi").Op(":=").Id("x").Index(Id("i"))
			for j := range 4 {
				g.Id(fmt.Sprintf("d%d", j)).Index(Id("i")).Op("+=").Id(fmt.Sprintf("a%d", j)).Op("*").Id("xi")
			}
		})
	case "Outer4x":
		g.For(i.Clone().Op(":=").Range().Lit(n)).Block(
			Id("dst").Index(Id("i")).Op("+=").Id("a0").Op("*").Id("x0").Index(Id("i")).
				Op("+").Id("a1").Op("*").Id("x1").Index(Id("i")).
				Op("+").Id("a2").Op("*").Id("x2").Index(Id("i")).
				Op("+").Id("a3").Op("*").Id("x3").Index(Id("i")),
		)
	}
}
