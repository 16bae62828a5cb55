package asm

import (
	"fmt"
	"math"
)

// expConstants32 are the float32 bits of the constants of softmax's exp,
// the Cephes expf: exp(x) = 2ⁿ·exp(r), n = ⌊x·log₂e + ½⌋, r = x − n·ln 2
// with ln 2 in two parts (C1 + C2) so that r is exact, and exp(r) a
// polynomial of degree 7 in r. Below −87.34, exp(x) would not be a normal
// float32.
var expConstants32 = []struct {
	bits uint32
	what string
}{
	{0xc2aeac4f, "-87.33654, the lowest argument"},
	{0x3fb8aa3b, "log₂e"},
	{0x3f000000, "0.5"},
	{0x3f318000, "C1 = 0.693359375"},
	{0xb95e8083, "C2 = -2.12194440e-4, ln 2 − C1"},
	{0x39506967, "p0 = 1.9875691500e-4"},
	{0x3ab743ce, "p1 = 1.3981999507e-3"},
	{0x3c088908, "p2 = 8.3334519073e-3"},
	{0x3d2aa9c1, "p3 = 4.1665795894e-2"},
	{0x3e2aaaaa, "p4 = 1.6666665459e-1"},
	{0x3f000000, "p5 = 5.0000001201e-1"},
	{0x3f800000, "1"},
	{127, "the exponent bias, an integer"},
}

// expConstants64 are the constants of softmax's exp in float64, the
// Cephes exp: exp(x) = 2ⁿ·exp(r), n = ⌊x·log₂e + ½⌋, r = x − n·ln 2 with ln
// 2 in two parts (C1 + C2), and exp(r) = 1 + 2·r·P(r²)/(Q(r²) − r·P(r²)),
// a Padé approximant. Below −708.40, exp(x) would not be a normal float64.
// Each is stored four times, a vector that instructions read in place.
var expConstants64 = []struct {
	value float64
	what  string
}{
	{-7.08396418532264106224e2, "the lowest argument"},
	{math.Log2E, "log₂e"},
	{0.5, "0.5"},
	{6.93145751953125e-1, "C1"},
	{1.42860682030941723212e-6, "C2 = ln 2 − C1"},
	{1.26177193074810590878e-4, "p0"},
	{3.02994407707441961300e-2, "p1"},
	{9.99999999999999999910e-1, "p2"},
	{3.00198505138664455042e-6, "q0"},
	{2.52448340349684104192e-3, "q1"},
	{2.27265548208155028766e-1, "q2"},
	{2.00000000000000000009e0, "q3"},
	{1, "1"},
	{math.Float64frombits(1023), "the exponent bias, an integer"},
}

// softmaxAMD64 writes softmax, a vector of columns at a time (8 float32 or
// 4 float64): the column's largest value, then exp of each value less it
// (stored in p and summed), then p divided by the sum. Registers:
//
//	R8 rows (k), R9 columns left, R11 ld in bytes
//	SI z and DI p at the columns, BX sum at them; AX, DX row pointers, CX a count
//	Y0 the largest value, Y1 the sum, Y2 x, Y3 n, Y4 exp, Y5 scratch
//	float32: Y6–Y15 the constants of exp up to p4; p5, 1 and 127 are read when used
func (w *writer) softmaxAMD64(prefix string, t x86) {
	name, table := Softmax.Name(prefix, AMD64), "·"+prefix+"ExpConstants"
	w.Comment(fmt.Sprintf("%s holds the constants of %s's exp.", prefix+"ExpConstants", name))
	exp := w.exp32
	if t.size == 4 {
		for i, c := range expConstants32 {
			w.WriteString(fmt.Sprintf("DATA %s+%d(SB)/4, $0x%08x // %s\n", table, 4*i, c.bits, c.what))
		}
		w.WriteString(fmt.Sprintf("GLOBL %s(SB), RODATA|NOPTR, $%d\n\n", table, 4*len(expConstants32)))
	} else {
		exp = w.exp64
		for i, c := range expConstants64 {
			for lane := range 4 {
				comment := ""
				if lane == 0 {
					comment = " // " + c.what
				}
				w.WriteString(fmt.Sprintf("DATA %s+%d(SB)/8, $0x%016x%s\n", table, 32*i+8*lane, math.Float64bits(c.value), comment))
			}
		}
		w.WriteString(fmt.Sprintf("GLOBL %s(SB), RODATA|NOPTR, $%d\n\n", table, 32*len(expConstants64)))
	}
	typ := map[int]string{4: "float32", 8: "float64"}[t.size]
	w.Comment(name+" writes the softmax of each column of z into p, and the sums of its", "exponentials into sum; see the package doc of the generator for the contract.", "")
	w.WriteString(fmt.Sprintf("// func %s(k, n int, z *%s, ld int, p, sum *%s)\n", name, typ, typ))
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-48\n")
	w.Op("MOVQ k+0(FP), R8")
	w.Op("MOVQ n+8(FP), R9")
	w.Op("SHRQ $%d, R9", 5-t.shift)
	w.Op("MOVQ z+16(FP), SI")
	w.Op("MOVQ ld+24(FP), R11")
	w.Op("SHLQ $%d, R11", t.shift)
	w.Op("MOVQ p+32(FP), DI")
	w.Op("MOVQ sum+40(FP), BX")
	if t.size == 4 {
		for i := range 10 {
			w.Op("VBROADCASTSS %s+%d(SB), Y%d", table, 4*i, 6+i)
		}
	}
	vec := "VMOVUP" + t.p[1:]
	w.Label("columns")
	w.Op("TESTQ R9, R9")
	w.Op("JEQ done")
	w.Comment("The largest value of each column.")
	w.Op("%s (SI), Y0", vec)
	w.Op("LEAQ (SI)(R11*1), AX")
	w.Op("LEAQ -1(R8), CX")
	w.Label("max")
	w.Op("TESTQ CX, CX")
	w.Op("JEQ exps")
	w.Op("VMAX%s (AX), Y0, Y0", t.p)
	w.Op("ADDQ R11, AX")
	w.Op("DECQ CX")
	w.Op("JMP max")
	w.Comment("p = exp(z − max), and their sum.")
	w.Label("exps")
	w.Op("VXORP%s Y1, Y1, Y1", t.p[1:])
	w.Op("MOVQ SI, AX")
	w.Op("MOVQ DI, DX")
	w.Op("MOVQ R8, CX")
	w.Label("exp")
	w.Op("%s (AX), Y2", vec)
	w.Op("VSUB%s Y0, Y2, Y2", t.p)
	exp(table)
	w.Op("%s Y4, (DX)", vec)
	w.Op("VADD%s Y4, Y1, Y1", t.p)
	w.Op("ADDQ R11, AX")
	w.Op("ADDQ R11, DX")
	w.Op("DECQ CX")
	w.Op("JNE exp")
	w.Comment("p /= sum")
	w.Op("MOVQ DI, DX")
	w.Op("MOVQ R8, CX")
	w.Label("div")
	w.Op("%s (DX), Y4", vec)
	w.Op("VDIV%s Y1, Y4, Y4", t.p)
	w.Op("%s Y4, (DX)", vec)
	w.Op("ADDQ R11, DX")
	w.Op("DECQ CX")
	w.Op("JNE div")
	w.Op("%s Y1, (BX)", vec)
	w.Op("ADDQ $32, SI")
	w.Op("ADDQ $32, DI")
	w.Op("ADDQ $32, BX")
	w.Op("DECQ R9")
	w.Op("JMP columns")
	w.Label("done")
	w.Op("VZEROUPPER")
	w.Op("RET")
	w.WriteString("\n")
}

// exp32 writes Y4 = exp(Y2) for float32, with the constants up to p4 in
// Y6–Y15; it overwrites Y2, Y3 and Y5.
func (w *writer) exp32(table string) {
	w.Comment("x = max(−87.34, x), NaN kept: VMAXPS returns its first operand where one is NaN.")
	w.Op("VMAXPS Y2, Y6, Y2")
	w.Comment("n = ⌊x·log₂e + ½⌋, r = x − n·C1 − n·C2 (in Y2)")
	w.Op("VMOVAPS Y8, Y3")
	w.Op("VFMADD231PS Y7, Y2, Y3")
	w.Op("VROUNDPS $1, Y3, Y3")
	w.Op("VFNMADD231PS Y9, Y3, Y2")
	w.Op("VFNMADD231PS Y10, Y3, Y2")
	w.Comment("exp(r) = ((((p0·r + p1)·r + p2)·r + p3)·r + p4)·r + p5)·r² + r + 1")
	w.Op("VMOVAPS Y11, Y4")
	w.Op("VFMADD213PS Y12, Y2, Y4")
	w.Op("VFMADD213PS Y13, Y2, Y4")
	w.Op("VFMADD213PS Y14, Y2, Y4")
	w.Op("VFMADD213PS Y15, Y2, Y4")
	w.Op("VBROADCASTSS %s+40(SB), Y5", table)
	w.Op("VFMADD213PS Y5, Y2, Y4")
	w.Op("VMULPS Y2, Y2, Y5")
	w.Op("VFMADD213PS Y2, Y5, Y4")
	w.Op("VBROADCASTSS %s+44(SB), Y5", table)
	w.Op("VADDPS Y5, Y4, Y4")
	w.Comment("times 2ⁿ, built in the exponent bits")
	w.Op("VCVTTPS2DQ Y3, Y3")
	w.Op("VPBROADCASTD %s+48(SB), Y5", table)
	w.Op("VPADDD Y5, Y3, Y3")
	w.Op("VPSLLD $23, Y3, Y3")
	w.Op("VMULPS Y3, Y4, Y4")
}

// exp64 writes Y4 = exp(Y2) for float64, reading the constants in place;
// it overwrites Y2, Y3 and Y5.
func (w *writer) exp64(table string) {
	c := func(what string) string {
		for i, k := range expConstants64 {
			if k.what == what {
				return fmt.Sprintf("%s+%d(SB)", table, 32*i)
			}
		}
		panic("asm: no constant " + what)
	}
	w.Comment("x = max(−708.40, x), NaN kept: VMAXPD returns its first operand where one is NaN.")
	w.Op("VMOVUPD %s, Y5", c("the lowest argument"))
	w.Op("VMAXPD Y2, Y5, Y2")
	w.Comment("n = ⌊x·log₂e + ½⌋, r = x − n·C1 − n·C2 (in Y2)")
	w.Op("VMOVUPD %s, Y3", c("0.5"))
	w.Op("VFMADD231PD %s, Y2, Y3", c("log₂e"))
	w.Op("VROUNDPD $1, Y3, Y3")
	w.Op("VFNMADD231PD %s, Y3, Y2", c("C1"))
	w.Op("VFNMADD231PD %s, Y3, Y2", c("C2 = ln 2 − C1"))
	w.Comment("r·P(r²) = ((p0·r² + p1)·r² + p2)·r, in Y4")
	w.Op("VMULPD Y2, Y2, Y5")
	w.Op("VMOVUPD %s, Y4", c("p0"))
	w.Op("VFMADD213PD %s, Y5, Y4", c("p1"))
	w.Op("VFMADD213PD %s, Y5, Y4", c("p2"))
	w.Op("VMULPD Y2, Y4, Y4")
	w.Comment("Q(r²) = ((q0·r² + q1)·r² + q2)·r² + q3, in Y2")
	w.Op("VMOVUPD %s, Y2", c("q0"))
	w.Op("VFMADD213PD %s, Y5, Y2", c("q1"))
	w.Op("VFMADD213PD %s, Y5, Y2", c("q2"))
	w.Op("VFMADD213PD %s, Y5, Y2", c("q3"))
	w.Comment("exp(r) = 1 + 2·r·P/(Q − r·P)")
	w.Op("VSUBPD Y4, Y2, Y2")
	w.Op("VDIVPD Y2, Y4, Y4")
	w.Op("VADDPD Y4, Y4, Y4")
	w.Op("VADDPD %s, Y4, Y4", c("1"))
	w.Comment("times 2ⁿ, built in the exponent bits")
	w.Op("VCVTPD2DQY Y3, X3")
	w.Op("VPMOVSXDQ X3, Y3")
	w.Op("VPADDQ %s, Y3, Y3", c("the exponent bias, an integer"))
	w.Op("VPSLLQ $52, Y3, Y3")
	w.Op("VMULPD Y3, Y4, Y4")
}
