package main

import "fmt"

// optimAMD64 returns kernels_amd64.s of package optim.
func optimAMD64() string {
	w := file("optim")
	w.Comment(
		"AVX2 kernels of the optimizers' element loops; see kernels.go for the",
		"plain Go forms they match bit for bit. Each kernel handles n elements, a",
		"multiple of the vector length (8 float32 or 4 float64), one 32-byte",
		"vector at a time. Every operation is a separate multiply, add, subtract,",
		"divide or square root, in the order of the Go code, so that it rounds",
		"as the Go code does: no FMA. Go's operand order is reversed from Intel's:",
		"VSUBPS Y1, Y2, Y3 computes Y3 = Y2 - Y1.",
		"",
		"Registers common to all kernels:",
		"",
		"\tAX  byte offset of the current vector",
		"\tCX  n in bytes, the end of the loop",
		"\tDX  flags (flagDecay = 1, flagNesterov = 2, flagDecouple = 4)",
		"\tDI  p   SI  g   R8  v (velocity, or Adam's v)   R9  Adam's m",
		"",
		"Each kernel reads the gradient as s·g, multiplied first, and reports",
		"whether every s·g is finite: s·g - s·g is 0 for a finite s·g and NaN",
		"otherwise, so the bitwise OR of them all is 0 in every lane exactly when",
		"all are finite.",
	)
	w.sgdAMD64()
	w.momentumAMD64()
	w.adamAMD64()
	return w.String()
}

// reduceAMD64 returns reduce_amd64.s of package train.
func reduceAMD64() string {
	w := file("train")
	w.Comment(
		"AVX2 kernels of the gradient reduction; see scaleGo, sum2Go and sum4Go in",
		"fit.go for the plain Go forms they match bit for bit. Each handles n",
		"elements, a multiple of the vector length (8 float32 or 4 float64), one",
		"32-byte vector at a time, with separately rounded adds and multiplies in",
		"the order of the Go code. Go's operand order is reversed from Intel's:",
		"VADDPS Y1, Y2, Y3 computes Y3 = Y2 + Y1.",
		"",
		"Finiteness: v·0 is ±0 for a finite v and NaN otherwise, so the bitwise OR",
		"of the v·0 of all results is ±0 in every lane exactly when all are finite.",
		"",
		"Registers:",
		"",
		"\tAX  byte offset of the current vector   CX  n in bytes",
		"\tDI  x   SI  x1   R8  x2   R9  x3",
		"\tY0 inv   Y1 the sum, then the result v   Y2 v·0   Y14 OR of the v·0   Y15 zero",
		"\tBX  the sign bits of the comparison of Y14 with zero, at the end",
	)
	w.sumAMD64(1, "x ← x·inv.")
	w.sumAMD64(2, "x ← (x + x1)·inv.")
	w.sumAMD64(4, "x ← (((x + x1) + x2) + x3)·inv.")
	return w.String()
}

// cpuAMD64 returns cpu_amd64.s of package internal/cpu: cpuid and xgetbv,
// with which it checks for AVX2.
func cpuAMD64() string {
	w := file("internal/cpu")
	w.Comment("CPUID and XGETBV, for the check for AVX2 in cpu_amd64.go.")
	f := w.text("cpuid", "leaf, sub uint32", "eax, ebx, ecx, edx uint32")
	w.Op("MOVL %s, AX", f.arg("leaf"))
	w.Op("MOVL %s, CX", f.arg("sub"))
	w.Op("CPUID")
	for _, r := range []struct{ reg, arg string }{{"AX", "eax"}, {"BX", "ebx"}, {"CX", "ecx"}, {"DX", "edx"}} {
		w.Op("MOVL %s, %s", r.reg, f.arg(r.arg))
	}
	w.Op("RET")
	f = w.text("xgetbv", "", "eax, edx uint32")
	w.Op("MOVL $0, CX")
	w.Op("XGETBV")
	w.Op("MOVL AX, %s", f.arg("eax"))
	w.Op("MOVL DX, %s", f.arg("edx"))
	w.Op("RET")
	return w.String()
}

// loopAMD64 writes the loop over the vectors: AX steps by 32 bytes up to CX.
func (w *writer) loopAMD64(body func()) {
	w.Op("XORQ AX, AX")
	w.Op("JMP check")
	w.Label("loop")
	body()
	w.Op("ADDQ $32, AX")
	w.Label("check")
	w.Op("CMPQ AX, CX")
	w.Op("JLT loop")
}

// retAMD64 ends a kernel with VZEROUPPER, since the Go code around it uses
// legacy SSE instructions, which pay for dirty upper halves.
func (w *writer) retAMD64() {
	w.Op("VZEROUPPER")
	w.Op("RET")
}

// sgdAMD64 writes sgdF32 and sgdF64.
func (w *writer) sgdAMD64() {
	w.section("SGD: g ← s·g; g ← g + λp if flagDecay; p ← p - η g.", "",
		"\tY0 η   Y1 λ   Y2 g   Y3 p   Y4 product   Y5 s   Y14 the OR of the g - g   Y15 zero")
	for _, t := range elems {
		f := w.text("sgd"+t.suffix, t.inst("p, grad *T, n int, lr, wd, scale T, flags int"), "finite bool")
		w.Op("MOVQ %s, DI", f.arg("p"))
		w.Op("MOVQ %s, SI", f.arg("grad"))
		w.Op("MOVQ %s, CX", f.arg("n"))
		w.Op("SHLQ $%d, CX", t.shift)
		w.Op("VBROADCASTS%s %s, Y0", t.s, f.arg("lr"))
		w.Op("VBROADCASTS%s %s, Y1", t.s, f.arg("wd"))
		w.Op("VBROADCASTS%s %s, Y5", t.s, f.arg("scale"))
		w.Op("MOVQ %s, DX", f.arg("flags"))
		w.Op("VXORP%s Y14, Y14, Y14", t.s)
		w.loopAMD64(func() {
			w.scaledGradAMD64(t, 5, 2, 4, 14)
			w.Op("VMOVUP%s (DI)(AX*1), Y3", t.s)
			w.Op("TESTQ $1, DX")
			w.Op("JZ step")
			w.Op("VMULP%s Y3, Y1, Y4 // λp", t.s)
			w.Op("VADDP%s Y4, Y2, Y2 // g + λp", t.s)
			w.Label("step")
			w.Op("VMULP%s Y2, Y0, Y4 // η g", t.s)
			w.Op("VSUBP%s Y4, Y3, Y3 // p - η g", t.s)
			w.Op("VMOVUP%s Y3, (DI)(AX*1)", t.s)
		})
		w.Op("VXORP%s Y15, Y15, Y15", t.s)
		w.finiteAMD64(t, f, 14, 15)
		w.retAMD64()
	}
}

// momentumAMD64 writes momentumF32 and momentumF64.
func (w *writer) momentumAMD64() {
	w.section("SGD with momentum: g ← s·g; g ← g + λp if flagDecay; v ← μv + g; then",
		"p ← p - η v, or with flagNesterov p ← p - η (g + μv).", "",
		"\tY0 η   Y1 μ   Y2 λ   Y3 g   Y4 p   Y5 v   Y6 product   Y7 s",
		"\tY14 the OR of the g - g   Y15 zero")
	for _, t := range elems {
		f := w.text("momentum"+t.suffix, t.inst("p, grad, v *T, n int, lr, mu, wd, scale T, flags int"), "finite bool")
		w.Op("MOVQ %s, DI", f.arg("p"))
		w.Op("MOVQ %s, SI", f.arg("grad"))
		w.Op("MOVQ %s, R8", f.arg("v"))
		w.Op("MOVQ %s, CX", f.arg("n"))
		w.Op("SHLQ $%d, CX", t.shift)
		w.Op("VBROADCASTS%s %s, Y0", t.s, f.arg("lr"))
		w.Op("VBROADCASTS%s %s, Y1", t.s, f.arg("mu"))
		w.Op("VBROADCASTS%s %s, Y2", t.s, f.arg("wd"))
		w.Op("VBROADCASTS%s %s, Y7", t.s, f.arg("scale"))
		w.Op("MOVQ %s, DX", f.arg("flags"))
		w.Op("VXORP%s Y14, Y14, Y14", t.s)
		w.loopAMD64(func() {
			w.scaledGradAMD64(t, 7, 3, 6, 14)
			w.Op("VMOVUP%s (DI)(AX*1), Y4", t.s)
			w.Op("TESTQ $1, DX")
			w.Op("JZ velocity")
			w.Op("VMULP%s Y4, Y2, Y6 // λp", t.s)
			w.Op("VADDP%s Y6, Y3, Y3 // g + λp", t.s)
			w.Label("velocity")
			w.Op("VMULP%s (R8)(AX*1), Y1, Y5 // μv", t.s)
			w.Op("VADDP%s Y3, Y5, Y5 // μv + g", t.s)
			w.Op("VMOVUP%s Y5, (R8)(AX*1)", t.s)
			w.Op("TESTQ $2, DX")
			w.Op("JZ step")
			w.Op("VMULP%s Y5, Y1, Y6 // μv", t.s)
			w.Op("VADDP%s Y6, Y3, Y5 // g + μv, in place of v", t.s)
			w.Label("step")
			w.Op("VMULP%s Y5, Y0, Y6 // η v", t.s)
			w.Op("VSUBP%s Y6, Y4, Y4 // p - η v", t.s)
			w.Op("VMOVUP%s Y4, (DI)(AX*1)", t.s)
		})
		w.Op("VXORP%s Y15, Y15, Y15", t.s)
		w.finiteAMD64(t, f, 14, 15)
		w.retAMD64()
	}
}

// adamAMD64 writes adamF32 and adamF64.
func (w *writer) adamAMD64() {
	w.section("Adam: g ← s·g; g ← g + l2·p if flagDecay; p ← decay·p if flagDecouple;",
		"m ← β₁m + (1-β₁)g; v ← β₂v + ((1-β₂)g)g;",
		"p ← p - (stepSize·m) / (√v·invSqrtBc2 + ε).", "",
		"\tBX  k, the coefficients",
		"\tY0 β₁   Y1 1-β₁   Y2 β₂   Y3 1-β₂   Y4 invSqrtBc2   Y5 ε",
		"\tY6 stepSize   Y7 l2   Y8 decay   Y14 s",
		"\tY9 g   Y10 p   Y11 m, then the step   Y12 product   Y13 v, then the denominator",
		"\tY15 the OR of the g - g; Y13 zero at the end")
	for _, t := range elems {
		f := w.text("adam"+t.suffix, t.inst("p, grad, m, v *T, n int, k *[10]T, flags int"), "finite bool")
		w.Op("MOVQ %s, DI", f.arg("p"))
		w.Op("MOVQ %s, SI", f.arg("grad"))
		w.Op("MOVQ %s, R9", f.arg("m"))
		w.Op("MOVQ %s, R8", f.arg("v"))
		w.Op("MOVQ %s, CX", f.arg("n"))
		w.Op("SHLQ $%d, CX", t.shift)
		w.Op("MOVQ %s, BX", f.arg("k"))
		w.Op("MOVQ %s, DX", f.arg("flags"))
		for i := range 9 {
			w.Op("VBROADCASTS%s %d(BX), Y%d", t.s, i*t.size, i)
		}
		w.Op("VBROADCASTS%s %d(BX), Y14", t.s, 9*t.size)
		w.Op("VXORP%s Y15, Y15, Y15", t.s)
		w.loopAMD64(func() {
			w.scaledGradAMD64(t, 14, 9, 12, 15)
			w.Op("VMOVUP%s (DI)(AX*1), Y10", t.s)
			w.Op("TESTQ $1, DX")
			w.Op("JZ decouple")
			w.Op("VMULP%s Y10, Y7, Y12 // l2·p", t.s)
			w.Op("VADDP%s Y12, Y9, Y9 // g + l2·p", t.s)
			w.Label("decouple")
			w.Op("TESTQ $4, DX")
			w.Op("JZ moments")
			w.Op("VMULP%s Y8, Y10, Y10 // decay·p", t.s)
			w.Label("moments")
			w.Op("VMULP%s (R9)(AX*1), Y0, Y11 // β₁m", t.s)
			w.Op("VMULP%s Y9, Y1, Y12 // (1-β₁)g", t.s)
			w.Op("VADDP%s Y12, Y11, Y11 // m = β₁m + (1-β₁)g", t.s)
			w.Op("VMULP%s Y9, Y3, Y12 // (1-β₂)g", t.s)
			w.Op("VMULP%s Y9, Y12, Y12 // ((1-β₂)g)g", t.s)
			w.Op("VMULP%s (R8)(AX*1), Y2, Y13 // β₂v", t.s)
			w.Op("VADDP%s Y12, Y13, Y13 // v = β₂v + ((1-β₂)g)g", t.s)
			w.Op("VMOVUP%s Y11, (R9)(AX*1)", t.s)
			w.Op("VMOVUP%s Y13, (R8)(AX*1)", t.s)
			w.Op("VSQRTP%s Y13, Y13 // √v", t.s)
			w.Op("VMULP%s Y4, Y13, Y13 // √v·invSqrtBc2", t.s)
			w.Op("VADDP%s Y5, Y13, Y13 // denominator: √v·invSqrtBc2 + ε", t.s)
			w.Op("VMULP%s Y11, Y6, Y11 // stepSize·m", t.s)
			w.Op("VDIVP%s Y13, Y11, Y11 // stepSize·m / denominator", t.s)
			w.Op("VSUBP%s Y11, Y10, Y10 // p - step", t.s)
			w.Op("VMOVUP%s Y10, (DI)(AX*1)", t.s)
		})
		w.Op("VXORP%s Y13, Y13, Y13", t.s)
		w.finiteAMD64(t, f, 15, 13)
		w.retAMD64()
	}
}

// scaledGradAMD64 loads the gradient at SI as s·g into register g, s in
// register s, and ORs s·g - s·g, computed in register tmp, into register or.
func (w *writer) scaledGradAMD64(t elem, s, g, tmp, or int) {
	w.Op("VMULP%s (SI)(AX*1), Y%d, Y%d // g = s·g", t.s, s, g)
	w.Op("VSUBP%s Y%d, Y%d, Y%d // g - g", t.s, g, g, tmp)
	w.Op("VORP%s Y%d, Y%d, Y%d", t.s, tmp, or, or)
}

// finiteAMD64 sets the result finite of the kernel of frame f: whether
// every lane of register acc is ±0, register zero holding zero.
func (w *writer) finiteAMD64(t elem, f frame, acc, zero int) {
	w.Op("VCMPP%s $0, Y%d, Y%d, Y%d // finite: every lane of Y%d is ±0, equal to zero (ordered)", t.s, zero, acc, acc, acc)
	w.Op("VMOVMSKP%s Y%d, BX", t.s, acc)
	w.Op("CMPQ BX, $0x%02x", 1<<(32/t.size)-1)
	w.Op("SETEQ %s", f.arg("finite"))
}

// sumAMD64 writes the kernels that add terms buffers into the first, times
// inv, and report whether the results are finite:
// scaleF32 and scaleF64 for one term, sum2… and sum4… for more.
func (w *writer) sumAMD64(terms int, formula string) {
	name, params := sum(terms)
	regs := []string{"DI", "SI", "R8", "R9"}
	w.section(formula)
	for _, t := range elems {
		f := w.text(name+t.suffix, t.inst(params), "finite bool")
		w.Op("MOVQ %s, DI", f.arg("x"))
		for i := 1; i < terms; i++ {
			w.Op("MOVQ %s, %s", f.arg(fmt.Sprintf("x%d", i)), regs[i])
		}
		w.Op("MOVQ %s, CX", f.arg("n"))
		w.Op("SHLQ $%d, CX", t.shift)
		w.Op("VBROADCASTS%s %s, Y0", t.s, f.arg("inv"))
		w.Op("VXORP%s Y15, Y15, Y15", t.s)
		w.Op("VXORP%s Y14, Y14, Y14", t.s)
		w.loopAMD64(func() {
			if terms == 1 {
				w.Op("VMULP%s (DI)(AX*1), Y0, Y1 // v = x·inv", t.s)
			} else {
				w.Op("VMOVUP%s (DI)(AX*1), Y1", t.s)
				w.Op("VADDP%s (SI)(AX*1), Y1, Y1 // x + x1", t.s)
				for i := 2; i < terms; i++ {
					w.Op("VADDP%s (%s)(AX*1), Y1, Y1 // + x%d", t.s, regs[i], i)
				}
				w.Op("VMULP%s Y0, Y1, Y1 // v = sum·inv", t.s)
			}
			w.Op("VMOVUP%s Y1, (DI)(AX*1)", t.s)
			w.Op("VMULP%s Y15, Y1, Y2 // v·0", t.s)
			w.Op("VORP%s Y2, Y14, Y14", t.s)
		})
		w.finiteAMD64(t, f, 14, 15)
		w.retAMD64()
	}
}
