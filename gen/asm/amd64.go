package asm

import (
	"fmt"
	"strings"
)

// AMD64 returns the amd64 assembly of the kernels of a model, with AVX2 and
// FMA: gemm with a tile of 4 rows × 2 vectors (eight accumulators, enough
// to hide the latency of FMA), and gemv over 4 rows at a time. The kernels
// end with VZEROUPPER, since the Go code around them uses legacy SSE
// instructions, which pay for dirty upper halves on every switch.
func AMD64(source, prefix, float string) []byte {
	t := x86Type(float)
	w := &writer{}
	w.WriteString(header(source))
	w.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n\n")
	w.gemmAMD64(Gemm(prefix, "AVX2"), t)
	w.gemvAMD64(Gemv(prefix, "AVX2"), t)
	w.transposeAMD64(Transpose(prefix, "AVX2"), t)
	if float == "float32" {
		w.softmaxAMD64(prefix)
	}
	w.cpuid(prefix)
	return []byte(w.String())
}

// x86 spells an element type's instructions.
type x86 struct {
	size  int    // bytes per value
	shift int    // log₂ size
	p, s  string // packed and scalar suffixes: PS and SS, or PD and SD
	bcast string // broadcast of one value to a vector
}

func x86Type(float string) x86 {
	if float == "float32" {
		return x86{4, 2, "PS", "SS", "VBROADCASTSS"}
	}
	return x86{8, 3, "PD", "SD", "VBROADCASTSD"}
}

// gemmAMD64 writes gemm, a row block at a time, of 6 rows (twelve
// accumulators hide the latency of FMA, with room to spare), then 4, 2 and
// 1 for the rows left. Registers:
//
//	R8 rows left   SI a at the row block   DI c at the row block
//	R9 byte offset of the column tile, R13 its end (n in bytes)
//	R11 ars, R12 acs, CX ldb, R14 ldc, all in bytes
//	DX, R10 a at rows 0 and 3 of the block, stepping by acs
//	BX b at the tile, stepping by ldb; AX the count of p, or an address
//	Y0–Y11 the accumulators c[i][j…j+2v), Y12, Y13 a row of b,
//	Y14 a[i][p] broadcast, Y15 zero for relu
func (w *writer) gemmAMD64(name string, t x86) {
	w.comment(name+" computes c = a·b, c += a·b or c = bias + a·b, with relu or not, masked",
		"or not; see the package doc of the generator for the contract.", "")
	w.WriteString("// func " + name + "(m, n, k int, a *T, ars, acs int, b *T, ldb int, c *T, ldc int, bias, mask *T, mode int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-104\n")
	for _, r := range []struct{ arg, reg string }{
		{"m+0(FP)", "R8"}, {"n+8(FP)", "R13"}, {"a+24(FP)", "SI"}, {"ars+32(FP)", "R11"},
		{"acs+40(FP)", "R12"}, {"ldb+56(FP)", "CX"}, {"c+64(FP)", "DI"}, {"ldc+72(FP)", "R14"},
	} {
		w.op("MOVQ %s, %s", r.arg, r.reg)
	}
	for _, r := range []string{"R13", "R11", "R12", "CX", "R14"} {
		w.op("SHLQ $%d, %s", t.shift, r)
	}
	vec := "VMOVUP" + t.p[1:]
	acc := func(i, v int) string { return fmt.Sprintf("Y%d", 2*i+v) }
	// cRow steps AX from row i-1 of c to row i and returns the address of
	// row i: rows 0–2 and 3–5 are 0, 1 and 2 strides past AX.
	cRow := func(i int) string {
		if i == 3 {
			w.op("LEAQ (AX)(R14*2), AX")
			w.op("ADDQ R14, AX")
		}
		return []string{"(AX)", "(AX)(R14*1)", "(AX)(R14*2)"}[i%3]
	}
	aRow := []string{"(DX)", "(DX)(R11*1)", "(DX)(R11*2)", "(R10)", "(R10)(R11*1)", "(R10)(R11*2)"}
	// advance adds rows times the stride in reg to the pointer p.
	advance := func(p, reg string, rows int) {
		for _, f := range []int{4, 2, 1} {
			if rows&f != 0 {
				w.op("LEAQ (%s)(%s*%d), %s", p, reg, f, p)
			}
		}
	}
	block := func(rows int) {
		tag := fmt.Sprint(rows)
		w.op("XORQ R9, R9")
		w.label("tiles" + tag)
		w.op("CMPQ R9, R13")
		w.op("JGE next%s", tag)
		// The accumulators start from c, from the bias or from zero.
		w.op("MOVQ mode+96(FP), AX")
		w.op("TESTQ $3, AX")
		w.op("JNE init%s", tag)
		w.op("MOVQ DI, AX")
		w.op("ADDQ R9, AX")
		for i := range rows {
			r := cRow(i)
			w.op("%s %s, %s", vec, r, acc(i, 0))
			w.op("%s 32%s, %s", vec, r, acc(i, 1))
		}
		w.op("JMP ready%s", tag)
		w.label("init" + tag)
		w.op("TESTQ $1, AX")
		w.op("JEQ zero%s", tag)
		w.op("MOVQ m+0(FP), AX")
		w.op("SUBQ R8, AX")
		w.op("SHLQ $%d, AX", t.shift)
		w.op("ADDQ bias+80(FP), AX")
		for i := range rows {
			w.op("%s %d(AX), %s", t.bcast, i*t.size, acc(i, 0))
			w.op("VMOVAP%s %s, %s", t.p[1:], acc(i, 0), acc(i, 1))
		}
		w.op("JMP ready%s", tag)
		w.label("zero" + tag)
		for i := range rows {
			for v := range 2 {
				w.op("VXORP%s %s, %s, %s", t.p[1:], acc(i, v), acc(i, v), acc(i, v))
			}
		}
		w.label("ready" + tag)
		w.op("MOVQ b+48(FP), BX")
		w.op("ADDQ R9, BX")
		w.op("MOVQ SI, DX")
		if rows > 3 {
			w.op("LEAQ (SI)(R11*2), R10")
			w.op("ADDQ R11, R10")
		}
		w.op("MOVQ k+16(FP), AX")
		w.op("TESTQ AX, AX")
		w.op("JEQ store%s", tag)
		w.label("loop" + tag)
		w.op("%s (BX), Y12", vec)
		w.op("%s 32(BX), Y13", vec)
		for i := range rows {
			w.op("%s %s, Y14", t.bcast, aRow[i])
			w.op("VFMADD231%s Y12, Y14, %s", t.p, acc(i, 0))
			w.op("VFMADD231%s Y13, Y14, %s", t.p, acc(i, 1))
		}
		w.op("ADDQ CX, BX")
		w.op("ADDQ R12, DX")
		if rows > 3 {
			w.op("ADDQ R12, R10")
		}
		w.op("DECQ AX")
		w.op("JNE loop%s", tag)
		w.label("store" + tag)
		w.op("MOVQ mode+96(FP), AX")
		w.op("TESTQ $4, AX")
		w.op("JEQ mask%s", tag)
		w.comment("relu: VMAXPS returns its first operand where one is NaN: the sum, NaN, as max(z, 0) in Go.")
		w.op("VXORP%s Y15, Y15, Y15", t.p[1:])
		for i := range rows {
			for v := range 2 {
				w.op("VMAX%s %s, Y15, %s", t.p, acc(i, v), acc(i, v))
			}
		}
		w.label("mask" + tag)
		w.op("MOVQ mode+96(FP), AX")
		w.op("TESTQ $8, AX")
		w.op("JEQ write%s", tag)
		w.comment("mask: c = 0 where the mask, laid out as c, is not above 0 (or is NaN).")
		w.op("VXORP%s Y15, Y15, Y15", t.p[1:])
		w.op("MOVQ DI, AX")
		w.op("SUBQ c+64(FP), AX")
		w.op("ADDQ mask+88(FP), AX")
		w.op("ADDQ R9, AX")
		for i := range rows {
			r := cRow(i)
			for v, off := range []string{"", "32"} {
				w.op("VCMP%s $0x11, %s%s, Y15, Y14", t.p, off, r)
				w.op("VANDP%s Y14, %s, %s", t.p[1:], acc(i, v), acc(i, v))
			}
		}
		w.label("write" + tag)
		w.op("MOVQ DI, AX")
		w.op("ADDQ R9, AX")
		for i := range rows {
			r := cRow(i)
			w.op("%s %s, %s", vec, acc(i, 0), r)
			w.op("%s %s, 32%s", vec, acc(i, 1), r)
		}
		w.op("ADDQ $64, R9")
		w.op("JMP tiles%s", tag)
		w.label("next" + tag)
		advance("SI", "R11", rows)
		advance("DI", "R14", rows)
		w.op("SUBQ $%d, R8", rows)
	}
	w.comment("Blocks of 6 rows, then one of 4, 2 and 1 as the rows left need.")
	w.label("rows6")
	w.op("CMPQ R8, $6")
	w.op("JLT rows4")
	block(6)
	w.op("JMP rows6")
	for _, rows := range []int{4, 2, 1} {
		w.label(fmt.Sprintf("rows%d", rows))
		w.op("CMPQ R8, $%d", rows)
		if rows == 1 {
			w.op("JLT done")
		} else {
			w.op("JLT rows%d", rows/2)
		}
		block(rows)
	}
	w.label("done")
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

// gemvAMD64 writes gemv, 8 rows at a time and then 1: each row one
// accumulator (eight hide the latency of FMA) over whole vectors of its
// values, then the values left with masked loads, which read nothing past
// them. The eight sums come out of their accumulators together, by
// horizontal adds that transpose them into one vector. Registers:
//
//	R8 rows left   SI a at the row block, row 0   DI y at the row block
//	R11 lda in bytes   DX, R9, R10, CX, R12, R13, R14 a at rows 1–7
//	BX x; AX the byte offset of p; k+8(FP) is rewritten to the last offset
//	of a whole vector (k in bytes, less one vector), m+0(FP) to k mod lanes
//	Y0–Y7 the accumulators, Y8 x, Y9 the mask of the values left, Y10 a row's
func (w *writer) gemvAMD64(name string, t x86) {
	lanes := 32 / t.size
	masks := "·" + strings.TrimSuffix(name, "AVX2") + "Masks"
	w.comment(fmt.Sprintf("%s holds %d all-ones values, then %d zeros: the mask of the", masks[len("·"):], lanes, lanes),
		"last i values of a vector starts i values before the zeros.")
	for i := range 2 * lanes {
		bits := "0"
		if i < lanes {
			bits = "-1"
		}
		w.WriteString(fmt.Sprintf("DATA %s+%d(SB)/%d, $%s\n", masks, i*t.size, t.size, bits))
	}
	w.WriteString(fmt.Sprintf("GLOBL %s(SB), RODATA|NOPTR, $%d\n\n", masks, 2*lanes*t.size))
	w.comment(name+" adds a·x to y, with relu or not; see the package doc of the generator",
		"for the contract.", "")
	w.WriteString("// func " + name + "(m, k int, a *T, lda int, x, y *T, mode int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-56\n")
	w.op("MOVQ m+0(FP), R8")
	w.op("MOVQ a+16(FP), SI")
	w.op("MOVQ lda+24(FP), R11")
	w.op("SHLQ $%d, R11", t.shift)
	w.op("MOVQ x+32(FP), BX")
	w.op("MOVQ y+40(FP), DI")
	w.op("MOVQ k+8(FP), AX")
	w.comment("The mask of the values past the whole vectors, k mod lanes of them;")
	w.comment("m+0(FP) is rewritten to their count.")
	w.op("ANDQ $%d, AX", lanes-1)
	w.op("MOVQ AX, m+0(FP)")
	w.op("NEGQ AX")
	w.op("LEAQ %s+%d(SB), R9", masks, lanes*t.size)
	w.op("VMOVUP%s (R9)(AX*%d), Y9", t.p[1:], t.size)
	w.op("MOVQ k+8(FP), AX")
	w.op("SHLQ $%d, AX", t.shift)
	w.op("SUBQ $32, AX")
	w.op("MOVQ AX, k+8(FP)")
	vec := "VMOVUP" + t.p[1:]
	rows := []string{"SI", "DX", "R9", "R10", "CX", "R12", "R13", "R14"}
	at := func(i int) string { return fmt.Sprintf("(%s)(AX*1)", rows[i]) }
	// block writes the sums of n rows (8 or 1) into Y0 (its low value for
	// one row), from whole vectors and then the masked rest.
	block := func(n int) {
		tag := fmt.Sprint(n)
		for i := 1; i < n; i++ {
			w.op("LEAQ (%s)(R11*1), %s", rows[i-1], rows[i])
		}
		for i := range n {
			w.op("VXORP%s Y%d, Y%d, Y%d", t.p[1:], i, i, i)
		}
		w.op("XORQ AX, AX")
		w.label("vec" + tag)
		w.op("CMPQ AX, k+8(FP)")
		w.op("JGT rest%s", tag)
		w.op("%s (BX)(AX*1), Y8", vec)
		for i := range n {
			w.op("VFMADD231%s %s, Y8, Y%d", t.p, at(i), i)
		}
		w.op("ADDQ $32, AX")
		w.op("JMP vec%s", tag)
		w.label("rest" + tag)
		w.op("CMPQ m+0(FP), $0")
		w.op("JEQ sum%s", tag)
		w.op("VMASKMOV%s (BX)(AX*1), Y9, Y8", t.p)
		for i := range n {
			w.op("VMASKMOV%s %s, Y9, Y10", t.p, at(i))
			w.op("VFMADD231%s Y10, Y8, Y%d", t.p, i)
		}
		w.label("sum" + tag)
	}
	// store adds the n sums in Y0 (and Y1 for 8 float64) to y, applies relu
	// if the mode asks for it, and stores them.
	store := func(n int) {
		tag := fmt.Sprint(n)
		regs := []int{0}
		if n == 8 && t.size == 8 {
			regs = []int{0, 1}
		}
		for j, r := range regs {
			if n == 8 {
				w.op("VADD%s %d(DI), Y%d, Y%d", t.p, 32*j, r, r)
			} else {
				w.op("VADD%s (DI), X%d, X%d", t.s, r, r)
			}
		}
		w.op("MOVQ mode+48(FP), AX")
		w.op("TESTQ $4, AX")
		w.op("JEQ write%s", tag)
		w.comment("relu: VMAXPS returns its first operand where one is NaN: the sum, NaN, as max(z, 0) in Go.")
		w.op("VXORP%s Y15, Y15, Y15", t.p[1:])
		for _, r := range regs {
			if n == 8 {
				w.op("VMAX%s Y%d, Y15, Y%d", t.p, r, r)
			} else {
				w.op("VMAX%s X%d, X15, X%d", t.s, r, r)
			}
		}
		w.label("write" + tag)
		for j, r := range regs {
			if n == 8 {
				w.op("%s Y%d, %d(DI)", vec, r, 32*j)
			} else {
				w.op("VMOV%s X%d, (DI)", t.s, r)
			}
		}
	}
	w.comment("Blocks of 8 rows.")
	w.label("rows8")
	w.op("CMPQ R8, $8")
	w.op("JLT rows1")
	block(8)
	w.comment("The eight sums, transposed into the lanes of one vector by horizontal adds.")
	if t.size == 4 {
		for i := 0; i < 8; i += 2 {
			w.op("VHADDPS Y%d, Y%d, Y%d", i+1, i, i)
		}
		w.op("VHADDPS Y2, Y0, Y0")
		w.op("VHADDPS Y6, Y4, Y4")
		w.comment("Y0 holds rows 0–3 in each half, Y4 rows 4–7: add the halves.")
		w.op("VPERM2F128 $0x20, Y4, Y0, Y1")
		w.op("VPERM2F128 $0x31, Y4, Y0, Y2")
		w.op("VADDPS Y2, Y1, Y0")
	} else {
		for i := 0; i < 8; i += 2 {
			w.op("VHADDPD Y%d, Y%d, Y%d", i+1, i, i)
		}
		w.comment("Y0 holds rows 0 and 1 in each half, Y2 rows 2 and 3: add the halves.")
		for h, r := range []int{0, 4} {
			w.op("VPERM2F128 $0x20, Y%d, Y%d, Y8", r+2, r)
			w.op("VPERM2F128 $0x31, Y%d, Y%d, Y10", r+2, r)
			w.op("VADDPD Y10, Y8, Y%d", h)
		}
	}
	store(8)
	w.op("LEAQ (SI)(R11*8), SI")
	w.op("ADDQ $%d, DI", 8*t.size)
	w.op("SUBQ $8, R8")
	w.op("JMP rows8")
	w.comment("The last rows, one at a time.")
	w.label("rows1")
	w.op("TESTQ R8, R8")
	w.op("JEQ done")
	block(1)
	w.op("VEXTRACTF128 $1, Y0, X1")
	w.op("VADD%s X1, X0, X0", t.p)
	w.op("VHADD%s X0, X0, X0", t.p)
	if t.size == 4 {
		w.op("VHADD%s X0, X0, X0", t.p)
	}
	store(1)
	w.op("ADDQ R11, SI")
	w.op("ADDQ $%d, DI", t.size)
	w.op("DECQ R8")
	w.op("JMP rows1")
	w.label("done")
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

// transposeAMD64 writes transpose, for whole blocks of one vector's values
// square: 8×8 float32 (unpack, shuffle, then swap of 128-bit halves) or
// 4×4 float64 (unpack, then swap). Registers:
//
//	R8 row blocks left   R9 column blocks left, R10 their count
//	SI src at the row block, DI dst at its column block
//	AX src at the block, BX dst at the block, CX, DX row pointers
//	R11 lds and R12 ldd in bytes
//	Y0–Y7 the rows of the block, Y8–Y15 the intermediate and the result
func (w *writer) transposeAMD64(name string, t x86) {
	lanes := 32 / t.size
	w.comment(name+" writes the transpose of src into dst; see the package doc of the generator",
		"for the contract.", "")
	w.WriteString("// func " + name + "(rows, cols int, src *T, lds int, dst *T, ldd int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-48\n")
	w.op("MOVQ rows+0(FP), R8")
	w.op("SHRQ $%d, R8", map[int]int{8: 3, 4: 2}[lanes])
	w.op("MOVQ cols+8(FP), R10")
	w.op("SHRQ $%d, R10", map[int]int{8: 3, 4: 2}[lanes])
	w.op("MOVQ src+16(FP), SI")
	w.op("MOVQ lds+24(FP), R11")
	w.op("SHLQ $%d, R11", t.shift)
	w.op("MOVQ dst+32(FP), DI")
	w.op("MOVQ ldd+40(FP), R12")
	w.op("SHLQ $%d, R12", t.shift)
	vec := "VMOVUP" + t.p[1:]
	w.label("rows")
	w.op("TESTQ R8, R8")
	w.op("JEQ done")
	w.op("MOVQ SI, AX")
	w.op("MOVQ DI, BX")
	w.op("MOVQ R10, R9")
	w.label("cols")
	w.op("TESTQ R9, R9")
	w.op("JEQ next")
	w.op("MOVQ AX, CX")
	for i := range lanes {
		w.op("%s (CX), Y%d", vec, i)
		if i < lanes-1 {
			w.op("ADDQ R11, CX")
		}
	}
	var out []int // the registers of the columns, in order
	if lanes == 8 {
		for i := 0; i < 8; i += 2 {
			w.op("VUNPCKLPS Y%d, Y%d, Y%d", i+1, i, 8+i)
			w.op("VUNPCKHPS Y%d, Y%d, Y%d", i+1, i, 9+i)
		}
		// u0–u3 from t0–t3 (Y8–Y11), u4–u7 from t4–t7 (Y12–Y15), into Y0–Y7.
		for h := 0; h < 8; h += 4 {
			w.op("VSHUFPS $0x44, Y%d, Y%d, Y%d", 10+h, 8+h, h)
			w.op("VSHUFPS $0xEE, Y%d, Y%d, Y%d", 10+h, 8+h, 1+h)
			w.op("VSHUFPS $0x44, Y%d, Y%d, Y%d", 11+h, 9+h, 2+h)
			w.op("VSHUFPS $0xEE, Y%d, Y%d, Y%d", 11+h, 9+h, 3+h)
		}
		for i := range 4 {
			w.op("VPERM2F128 $0x20, Y%d, Y%d, Y%d", 4+i, i, 8+i)
			w.op("VPERM2F128 $0x31, Y%d, Y%d, Y%d", 4+i, i, 12+i)
		}
		out = []int{8, 9, 10, 11, 12, 13, 14, 15}
	} else {
		w.op("VUNPCKLPD Y1, Y0, Y8")
		w.op("VUNPCKHPD Y1, Y0, Y9")
		w.op("VUNPCKLPD Y3, Y2, Y10")
		w.op("VUNPCKHPD Y3, Y2, Y11")
		w.op("VPERM2F128 $0x20, Y10, Y8, Y0")
		w.op("VPERM2F128 $0x20, Y11, Y9, Y1")
		w.op("VPERM2F128 $0x31, Y10, Y8, Y2")
		w.op("VPERM2F128 $0x31, Y11, Y9, Y3")
		out = []int{0, 1, 2, 3}
	}
	w.op("MOVQ BX, DX")
	for i, r := range out {
		w.op("%s Y%d, (DX)", vec, r)
		if i < lanes-1 {
			w.op("ADDQ R12, DX")
		}
	}
	w.op("ADDQ $32, AX")
	w.comment("The next block of columns is a vector's rows further in dst.")
	w.op("LEAQ (BX)(R12*%d), BX", lanes)
	w.op("DECQ R9")
	w.op("JMP cols")
	w.label("next")
	w.op("LEAQ (SI)(R11*%d), SI", lanes)
	w.op("ADDQ $32, DI")
	w.op("DECQ R8")
	w.op("JMP rows")
	w.label("done")
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

// expConstants are the float32 bits of the constants of softmax's exp, the
// Cephes expf: exp(x) = 2ⁿ·exp(r), n = ⌊x·log₂e + ½⌋, r = x − n·ln 2 with
// ln 2 in two parts (C1 + C2) so that r is exact, and exp(r) a polynomial
// of degree 7 in r. Below −87.34, exp(x) would not be a normal float32.
var expConstants = []struct {
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

// softmaxAMD64 writes softmax for float32, 8 columns at a time: the
// column's largest value, then exp of each value less it (stored in p and
// summed), then p divided by the sum. Registers:
//
//	R8 rows (k), R9 columns left, R11 ld in bytes
//	SI z and DI p at the columns, BX sum at them; AX, DX row pointers, CX a count
//	Y0 the largest value, Y1 the sum, Y2 x, Y3 n, Y4 exp, Y5 a constant
//	Y6–Y15 the constants of exp up to p4; p5, 1 and 127 are read when used
func (w *writer) softmaxAMD64(prefix string) {
	name, table := Softmax(prefix, "AVX2"), "·"+prefix+"ExpConstants"
	w.comment(fmt.Sprintf("%s holds the constants of %s's exp.", prefix+"ExpConstants", name))
	for i, c := range expConstants {
		w.WriteString(fmt.Sprintf("DATA %s+%d(SB)/4, $0x%08x // %s\n", table, 4*i, c.bits, c.what))
	}
	w.WriteString(fmt.Sprintf("GLOBL %s(SB), RODATA|NOPTR, $%d\n\n", table, 4*len(expConstants)))
	w.comment(name+" writes the softmax of each column of z into p, and the sums of its", "exponentials into sum; see the package doc of the generator for the contract.", "")
	w.WriteString("// func " + name + "(k, n int, z *float32, ld int, p, sum *float32)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-48\n")
	w.op("MOVQ k+0(FP), R8")
	w.op("MOVQ n+8(FP), R9")
	w.op("SHRQ $3, R9")
	w.op("MOVQ z+16(FP), SI")
	w.op("MOVQ ld+24(FP), R11")
	w.op("SHLQ $2, R11")
	w.op("MOVQ p+32(FP), DI")
	w.op("MOVQ sum+40(FP), BX")
	for i := range 10 {
		w.op("VBROADCASTSS %s+%d(SB), Y%d", table, 4*i, 6+i)
	}
	w.label("columns")
	w.op("TESTQ R9, R9")
	w.op("JEQ done")
	w.comment("The largest value of each column.")
	w.op("VMOVUPS (SI), Y0")
	w.op("LEAQ (SI)(R11*1), AX")
	w.op("LEAQ -1(R8), CX")
	w.label("max")
	w.op("TESTQ CX, CX")
	w.op("JEQ exps")
	w.op("VMAXPS (AX), Y0, Y0")
	w.op("ADDQ R11, AX")
	w.op("DECQ CX")
	w.op("JMP max")
	w.comment("p = exp(z − max), and their sum.")
	w.label("exps")
	w.op("VXORPS Y1, Y1, Y1")
	w.op("MOVQ SI, AX")
	w.op("MOVQ DI, DX")
	w.op("MOVQ R8, CX")
	w.label("exp")
	w.op("VMOVUPS (AX), Y2")
	w.op("VSUBPS Y0, Y2, Y2")
	w.comment("x = max(−87.34, x), NaN kept: VMAXPS returns its first operand where one is NaN.")
	w.op("VMAXPS Y2, Y6, Y2")
	w.comment("n = ⌊x·log₂e + ½⌋, r = x − n·C1 − n·C2 (in Y2)")
	w.op("VMOVAPS Y8, Y3")
	w.op("VFMADD231PS Y7, Y2, Y3")
	w.op("VROUNDPS $1, Y3, Y3")
	w.op("VFNMADD231PS Y9, Y3, Y2")
	w.op("VFNMADD231PS Y10, Y3, Y2")
	w.comment("exp(r) = ((((p0·r + p1)·r + p2)·r + p3)·r + p4)·r + p5)·r² + r + 1")
	w.op("VMOVAPS Y11, Y4")
	w.op("VFMADD213PS Y12, Y2, Y4")
	w.op("VFMADD213PS Y13, Y2, Y4")
	w.op("VFMADD213PS Y14, Y2, Y4")
	w.op("VFMADD213PS Y15, Y2, Y4")
	w.op("VBROADCASTSS %s+40(SB), Y5", table)
	w.op("VFMADD213PS Y5, Y2, Y4")
	w.op("VMULPS Y2, Y2, Y5")
	w.op("VFMADD213PS Y2, Y5, Y4")
	w.op("VBROADCASTSS %s+44(SB), Y5", table)
	w.op("VADDPS Y5, Y4, Y4")
	w.comment("times 2ⁿ, built in the exponent bits")
	w.op("VCVTTPS2DQ Y3, Y3")
	w.op("VPBROADCASTD %s+48(SB), Y5", table)
	w.op("VPADDD Y5, Y3, Y3")
	w.op("VPSLLD $23, Y3, Y3")
	w.op("VMULPS Y3, Y4, Y4")
	w.op("VMOVUPS Y4, (DX)")
	w.op("VADDPS Y4, Y1, Y1")
	w.op("ADDQ R11, AX")
	w.op("ADDQ R11, DX")
	w.op("DECQ CX")
	w.op("JNE exp")
	w.comment("p /= sum")
	w.op("MOVQ DI, DX")
	w.op("MOVQ R8, CX")
	w.label("div")
	w.op("VMOVUPS (DX), Y4")
	w.op("VDIVPS Y1, Y4, Y4")
	w.op("VMOVUPS Y4, (DX)")
	w.op("ADDQ R11, DX")
	w.op("DECQ CX")
	w.op("JNE div")
	w.op("VMOVUPS Y1, (BX)")
	w.op("ADDQ $32, SI")
	w.op("ADDQ $32, DI")
	w.op("ADDQ $32, BX")
	w.op("DECQ R9")
	w.op("JMP columns")
	w.label("done")
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

// cpuid writes the CPUID and XGETBV instructions for the generated code's
// detection of AVX2 and FMA.
func (w *writer) cpuid(prefix string) {
	w.WriteString("// func " + prefix + "CPUID(leaf, sub uint32) (a, b, c, d uint32)\n")
	w.WriteString("TEXT ·" + prefix + "CPUID(SB), NOSPLIT, $0-24\n")
	w.op("MOVL leaf+0(FP), AX")
	w.op("MOVL sub+4(FP), CX")
	w.op("CPUID")
	w.op("MOVL AX, a+8(FP)")
	w.op("MOVL BX, b+12(FP)")
	w.op("MOVL CX, c+16(FP)")
	w.op("MOVL DX, d+20(FP)")
	w.op("RET")
	w.WriteString("\n")
	w.WriteString("// func " + prefix + "XGETBV() (eax uint32)\n")
	w.WriteString("TEXT ·" + prefix + "XGETBV(SB), NOSPLIT, $0-4\n")
	w.op("MOVL $0, CX")
	w.op("XGETBV")
	w.op("MOVL AX, eax+0(FP)")
	w.op("RET")
}
