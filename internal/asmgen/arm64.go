package main

import (
	"fmt"
	"strings"
)

// optimARM64 returns kernels_arm64.s of package optim.
func optimARM64() string {
	w := file("optim")
	w.Comment(
		"NEON kernels of the optimizers' element loops; see kernels.go for the",
		"plain Go forms they match. Each kernel handles n > 0 elements, a",
		"multiple of the vector length (4 float32 or 2 float64), one 16-byte",
		"vector at a time, with the operations of the Go code in its order. On",
		"arm64 the Go compiler fuses a multiply feeding an add or a subtract into",
		"FMADD or FMSUB, with one rounding; the kernels fuse the same pairs, with",
		"VFMLA and VFMLS, so that with Go 1.26 their results are bit-identical",
		"to the Go code's. Where an add has two products (Adam's moments) the",
		"compiler fuses the first, β₁m and β₂v; the language leaves that choice",
		"open, so the tests allow the last place to differ.",
		"",
		"Go's arm64 assembler has VFMLA (Vd += Vn·Vm, Go's operands Vm, Vn, Vd)",
		"and VFMLS (Vd -= Vn·Vm) but no vector FADD, FSUB, FMUL, FDIV or FSQRT.",
	)
	w.Comment(neonWords...)
	w.Comment(
		"",
		"Registers common to all kernels:",
		"",
		"\tR0  p   R1  g   R2  v (velocity, or Adam's v)   R3  Adam's m",
		"\tR4  elements left   R5  flags (flagDecay = 1, flagNesterov = 2, flagDecouple = 4)",
		"\tR6  Adam's coefficients k",
		"",
		"Loads of values that are also stored leave the pointer alone; the store",
		"advances it.",
		"",
		"Each kernel reads the gradient as s·g, multiplied first, and reports",
		"whether every s·g is finite: s·g - s·g is 0 for a finite s·g and NaN",
		"otherwise, so the bitwise OR of them all, shifted left by one bit, is all",
		"zero exactly when all are finite.",
	)
	w.sgdARM64()
	w.momentumARM64()
	w.adamARM64()
	return w.String()
}

// reduceARM64 returns reduce_arm64.s of package train.
func reduceARM64() string {
	w := file("train")
	w.Comment(
		"NEON kernels of the gradient reduction; see scaleGo, sum2Go and sum4Go in",
		"fit.go for the plain Go forms they match bit for bit (there is no",
		"multiply followed by an add for the compiler to fuse). Each handles n > 0",
		"elements, a multiple of the vector length (4 float32 or 2 float64), one",
		"16-byte vector at a time.",
		"",
		"Finiteness: v·0 is ±0 for a finite v and NaN otherwise, so the bitwise OR",
		"of the v·0 of all results is ±0 in every lane exactly when all are finite;",
		"shifted left by one bit, dropping the signs, it is then all zero.",
		"",
		"Go's arm64 assembler has no vector FADD or FMUL.",
	)
	w.Comment(neonWords...)
	w.Comment(
		"",
		"Registers:",
		"",
		"\tR0  x   R1  x1   R2  x2   R3  x3   R4  elements left",
		"\tV0 inv   V1 the sum, then the result v   V2–V4 x1–x3, then v·0",
		"\tV14 OR of the v·0   V15 zero",
		"\tR5, R6 the halves of V14, at the end",
	)
	w.sumARM64(1, "x ← x·inv.")
	w.sumARM64(2, "x ← (x + x1)·inv.")
	w.sumARM64(4, "x ← (((x + x1) + x2) + x3)·inv.")
	return w.String()
}

// neonWords tells, in the files' comments, how neon writes what Go's
// assembler lacks.
var neonWords = []string{
	"The kernels encode those as WORDs (ARMv8-A, Advanced SIMD, Q = 1), each",
	"commented with the instruction in Arm's syntax, destination first:",
	"FSUB V10.4S, V10.4S, V12.4S computes V10 = V10 - V12.",
}

// v names a vector register with the element type's arrangement.
func (t elem) v(i int) string { return fmt.Sprintf("V%d.%s", i, t.arr) }

// neon writes a vector FADD, FSUB, FMUL, FDIV (Vd = Vn op Vm) or FSQRT
// (Vd = √Vn) as the WORD that encodes it, regs being d, n and m; what says
// what it computes.
func (w *writer) neon(t elem, op, what string, regs ...int) {
	code := map[string]uint32{
		"FADD": 0x4E20D400, "FSUB": 0x4EA0D400, "FMUL": 0x6E20DC00,
		"FDIV": 0x6E20FC00, "FSQRT": 0x6EA1F800,
	}[op]
	if t.size == 8 {
		code |= 1 << 22 // sz: 64-bit lanes
	}
	var names []string
	for i, r := range regs {
		code |= uint32(r) << []int{0, 5, 16}[i]
		names = append(names, fmt.Sprintf("V%d.%s", r, t.armArr))
	}
	w.Op("WORD $0x%08X // %s %s: %s", code, op, strings.Join(names, ", "), what)
}

// broadcastARM64 loads the value at src into every lane of vector i.
func (w *writer) broadcastARM64(t elem, src string, i int) {
	w.Op("FMOV%s %s, F%d", t.s, src, i)
	w.Op("VDUP V%d.%s[0], %s", i, t.s, t.v(i))
}

// loopARM64 writes the loop over the vectors, counting the elements left
// in R4 down to zero.
func (w *writer) loopARM64(t elem, body func()) {
	w.Label("loop")
	body()
	w.Op("SUBS $%d, R4, R4", 16/t.size)
	w.Op("BNE loop")
}

// sgdARM64 writes sgdF32 and sgdF64.
func (w *writer) sgdARM64() {
	w.section("SGD: g ← s·g; g ← g + λp if flagDecay; p ← p - η g.", "",
		"\tV0 η   V1 λ   V2 g   V3 p   V4 s   V5 g - g   V14 the OR of the g - g")
	for _, t := range elems {
		f := w.text("sgd"+t.suffix, t.inst("p, grad *T, n int, lr, wd, scale T, flags int"), "finite bool")
		w.Op("MOVD %s, R0", f.arg("p"))
		w.Op("MOVD %s, R1", f.arg("grad"))
		w.Op("MOVD %s, R4", f.arg("n"))
		w.broadcastARM64(t, f.arg("lr"), 0)
		w.broadcastARM64(t, f.arg("wd"), 1)
		w.broadcastARM64(t, f.arg("scale"), 4)
		w.Op("MOVD %s, R5", f.arg("flags"))
		w.Op("VEOR V14.B16, V14.B16, V14.B16")
		w.loopARM64(t, func() {
			w.scaledGradARM64(t, 4, 2, 5, 14)
			w.Op("VLD1 (R0), [%s]", t.v(3))
			w.Op("TBZ $0, R5, step")
			w.Op("VFMLA %s, %s, %s // g + λp", t.v(3), t.v(1), t.v(2))
			w.Label("step")
			w.Op("VFMLS %s, %s, %s // p - η g", t.v(2), t.v(0), t.v(3))
			w.Op("VST1.P [%s], 16(R0)", t.v(3))
		})
		w.finiteARM64(t, f, 14)
		w.Op("RET")
	}
}

// momentumARM64 writes momentumF32 and momentumF64.
func (w *writer) momentumARM64() {
	w.section("SGD with momentum: g ← s·g; g ← g + λp if flagDecay; v ← μv + g; then",
		"p ← p - η v, or with flagNesterov p ← p - η (g + μv).", "",
		"\tV0 η   V1 μ   V2 λ   V3 g   V4 p   V5 v   V6 the new v, then the step",
		"\tV7 s   V8 g - g   V14 the OR of the g - g")
	for _, t := range elems {
		f := w.text("momentum"+t.suffix, t.inst("p, grad, v *T, n int, lr, mu, wd, scale T, flags int"), "finite bool")
		w.Op("MOVD %s, R0", f.arg("p"))
		w.Op("MOVD %s, R1", f.arg("grad"))
		w.Op("MOVD %s, R2", f.arg("v"))
		w.Op("MOVD %s, R4", f.arg("n"))
		w.broadcastARM64(t, f.arg("lr"), 0)
		w.broadcastARM64(t, f.arg("mu"), 1)
		w.broadcastARM64(t, f.arg("wd"), 2)
		w.broadcastARM64(t, f.arg("scale"), 7)
		w.Op("MOVD %s, R5", f.arg("flags"))
		w.Op("VEOR V14.B16, V14.B16, V14.B16")
		w.loopARM64(t, func() {
			w.scaledGradARM64(t, 7, 3, 8, 14)
			w.Op("VLD1 (R0), [%s]", t.v(4))
			w.Op("VLD1 (R2), [%s]", t.v(5))
			w.Op("TBZ $0, R5, velocity")
			w.Op("VFMLA %s, %s, %s // g + λp", t.v(4), t.v(2), t.v(3))
			w.Label("velocity")
			w.Op("VORR V3.B16, V3.B16, V6.B16")
			w.Op("VFMLA %s, %s, %s // v = g + μv", t.v(5), t.v(1), t.v(6))
			w.Op("VST1.P [%s], 16(R2)", t.v(6))
			w.Op("TBZ $1, R5, step")
			w.Op("VFMLA %s, %s, %s // g + μv", t.v(6), t.v(1), t.v(3))
			w.Op("VORR V3.B16, V3.B16, V6.B16 // in place of v")
			w.Label("step")
			w.Op("VFMLS %s, %s, %s // p - η v", t.v(6), t.v(0), t.v(4))
			w.Op("VST1.P [%s], 16(R0)", t.v(4))
		})
		w.finiteARM64(t, f, 14)
		w.Op("RET")
	}
}

// adamARM64 writes adamF32 and adamF64.
func (w *writer) adamARM64() {
	w.section("Adam: g ← s·g; g ← g + l2·p if flagDecay; p ← decay·p if flagDecouple;",
		"m ← β₁m + (1-β₁)g; v ← β₂v + ((1-β₂)g)g;",
		"p ← p - (stepSize·m) / (√v·invSqrtBc2 + ε).", "",
		"\tV0 β₁   V1 1-β₁   V2 β₂   V3 1-β₂   V4 invSqrtBc2   V5 ε",
		"\tV6 stepSize   V7 l2   V8 decay",
		"\tV9 g   V10 p   V11 m   V12 the new m, then the step",
		"\tV13 v, then √v   V14 the new v   V15 the denominator",
		"\tV16 s   V17 g - g   V18 the OR of the g - g")
	for _, t := range elems {
		f := w.text("adam"+t.suffix, t.inst("p, grad, m, v *T, n int, k *[10]T, flags int"), "finite bool")
		w.Op("MOVD %s, R0", f.arg("p"))
		w.Op("MOVD %s, R1", f.arg("grad"))
		w.Op("MOVD %s, R3", f.arg("m"))
		w.Op("MOVD %s, R2", f.arg("v"))
		w.Op("MOVD %s, R4", f.arg("n"))
		w.Op("MOVD %s, R6", f.arg("k"))
		w.Op("MOVD %s, R5", f.arg("flags"))
		for i := range 10 {
			w.broadcastARM64(t, fmt.Sprintf("%d(R6)", i*t.size), []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 16}[i])
		}
		w.Op("VEOR V18.B16, V18.B16, V18.B16")
		w.loopARM64(t, func() {
			w.scaledGradARM64(t, 16, 9, 17, 18)
			w.Op("VLD1 (R0), [%s]", t.v(10))
			w.Op("VLD1 (R3), [%s]", t.v(11))
			w.Op("VLD1 (R2), [%s]", t.v(13))
			w.Op("TBZ $0, R5, decouple")
			w.Op("VFMLA %s, %s, %s // g + l2·p", t.v(10), t.v(7), t.v(9))
			w.Label("decouple")
			w.Op("TBZ $2, R5, moments")
			w.neon(t, "FMUL", "decay·p", 10, 10, 8)
			w.Label("moments")
			w.neon(t, "FMUL", "(1-β₁)g", 12, 1, 9)
			w.Op("VFMLA %s, %s, %s // m = (1-β₁)g + β₁m", t.v(11), t.v(0), t.v(12))
			w.neon(t, "FMUL", "(1-β₂)g", 14, 3, 9)
			w.neon(t, "FMUL", "((1-β₂)g)g", 14, 14, 9)
			w.Op("VFMLA %s, %s, %s // v = ((1-β₂)g)g + β₂v", t.v(13), t.v(2), t.v(14))
			w.Op("VST1.P [%s], 16(R3)", t.v(12))
			w.Op("VST1.P [%s], 16(R2)", t.v(14))
			w.neon(t, "FSQRT", "√v", 13, 14)
			w.Op("VORR V5.B16, V5.B16, V15.B16")
			w.Op("VFMLA %s, %s, %s // denominator: ε + √v·invSqrtBc2", t.v(13), t.v(4), t.v(15))
			w.neon(t, "FMUL", "stepSize·m", 12, 6, 12)
			w.neon(t, "FDIV", "stepSize·m / denominator", 12, 12, 15)
			w.neon(t, "FSUB", "p - step", 10, 10, 12)
			w.Op("VST1.P [%s], 16(R0)", t.v(10))
		})
		w.finiteARM64(t, f, 18)
		w.Op("RET")
	}
}

// scaledGradARM64 loads the gradient at R1 as s·g into register g, s in
// register s, and ORs s·g - s·g, computed in register tmp, into register or.
func (w *writer) scaledGradARM64(t elem, s, g, tmp, or int) {
	w.Op("VLD1.P 16(R1), [%s]", t.v(g))
	w.neon(t, "FMUL", "g = s·g", g, g, s)
	w.neon(t, "FSUB", "g - g", tmp, g, g)
	w.Op("VORR V%d.B16, V%d.B16, V%d.B16", tmp, or, or)
}

// finiteARM64 sets the result finite of the kernel of frame f: whether
// every lane of register acc is ±0. It takes R5 and R6.
func (w *writer) finiteARM64(t elem, f frame, acc int) {
	w.Op("VSHL $1, %s, %s // finite: V%d without its sign bits is all zero", t.v(acc), t.v(acc), acc)
	w.Op("VMOV V%d.D[0], R5", acc)
	w.Op("VMOV V%d.D[1], R6", acc)
	w.Op("ORR R5, R6, R6")
	w.Op("CMP $0, R6")
	w.Op("CSET EQ, R6")
	w.Op("MOVB R6, %s", f.arg("finite"))
}

// sumARM64 writes the kernels that add terms buffers into the first, times
// inv, and report whether the results are finite:
// scaleF32 and scaleF64 for one term, sum2… and sum4… for more.
func (w *writer) sumARM64(terms int, formula string) {
	name, params := sum(terms)
	w.section(formula)
	for _, t := range elems {
		f := w.text(name+t.suffix, t.inst(params), "finite bool")
		w.Op("MOVD %s, R0", f.arg("x"))
		for i := 1; i < terms; i++ {
			w.Op("MOVD %s, R%d", f.arg(fmt.Sprintf("x%d", i)), i)
		}
		w.Op("MOVD %s, R4", f.arg("n"))
		w.broadcastARM64(t, f.arg("inv"), 0)
		w.Op("VEOR V15.B16, V15.B16, V15.B16")
		w.Op("VEOR V14.B16, V14.B16, V14.B16")
		w.loopARM64(t, func() {
			w.Op("VLD1 (R0), [%s]", t.v(1))
			for i := 1; i < terms; i++ {
				w.Op("VLD1.P 16(R%d), [%s]", i, t.v(i+1))
			}
			for i := 1; i < terms; i++ {
				w.neon(t, "FADD", fmt.Sprintf("+ x%d", i), 1, 1, i+1)
			}
			if terms == 1 {
				w.neon(t, "FMUL", "v = x·inv", 1, 1, 0)
			} else {
				w.neon(t, "FMUL", "v = sum·inv", 1, 1, 0)
			}
			w.Op("VST1.P [%s], 16(R0)", t.v(1))
			w.neon(t, "FMUL", "v·0", 2, 1, 15)
			w.Op("VORR V2.B16, V14.B16, V14.B16")
		})
		w.finiteARM64(t, f, 14)
		w.Op("RET")
	}
}
