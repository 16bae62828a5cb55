package asm

import (
	"fmt"
	"strings"

	"github.com/nngen/nngen/spec"
)

// The amd64 kernels, with AVX2 and FMA, and gemm and gemv with AVX-512F too. They
// end with VZEROUPPER, since the Go code around them uses legacy SSE
// instructions, which pay for dirty upper halves on every switch.

// x86 spells an element type's instructions.
type x86 struct {
	size  int    // bytes per value
	lanes int    // values per vector
	shift int    // log₂ size
	p, s  string // packed and scalar suffixes: PS and SS, or PD and SD
	bcast string // broadcast of one value to a vector
}

func x86Type(t spec.DType) x86 {
	if t == spec.Float32 {
		return x86{4, Lanes(t), 2, "PS", "SS", "VBROADCASTSS"}
	}
	return x86{8, Lanes(t), 3, "PD", "SD", "VBROADCASTSD"}
}

// simd is a vector extension of amd64 that gemm is written for.
type simd struct {
	ext   string // the suffix of the kernel's name
	reg   string // the prefix of its vector registers
	bytes int    // a vector's size
	rows  int    // the rows of the largest row block
}

var (
	avx2   = simd{ext: "AVX2", reg: "Y", bytes: 32, rows: 6}
	avx512 = simd{ext: "AVX512", reg: "Z", bytes: 64, rows: 12}
)

// gemmAMD64 writes gemm for v, a row block at a time, of v.rows rows (6
// with AVX2, whose twelve accumulators hide the latency of FMA with room
// to spare; 12 with AVX-512, which has 32 vector registers: on an Intel
// Xeon, 1.02 to 1.04× faster than 8 over the thr256 and train_sgd of
// digits, mnist-shaped and wide), then one block each of the powers of two
// below it for the rows left. Each step over the columns takes two vectors
// of a row: one tile (64 bytes) with AVX2, two with AVX-512, whose last
// tile of an odd count then takes one vector. Registers:
//
//	R8 rows left   SI a at the row block   DI c at the row block
//	R9 byte offset of the columns; n+8(FP) is rewritten to their end, n in bytes
//	R11 ars, R12 acs, CX ldb, R14 ldc, all in bytes; R15 3·ars
//	DX, R10, R13 a at rows 0, 1 and 8 of the block, stepping by acs
//	BX b at the columns, stepping by ldb; AX the count of p, or an address
//	the accumulators c[i][j…j+2v) from register 0 on (Y0–Y11, Z0–Z23), then
//	two for a row of b, one for a[i][p] broadcast, one zero for relu (Y12–Y15,
//	Z24–Z27); the mask's comparison in the broadcast's (AVX2) or K1 (AVX-512)
func (w *writer) gemmAMD64(name string, t x86, v simd) {
	w.Comment(name+" computes c = a·b, c += a·b or c = bias + a·b, with relu or not, masked",
		"or not; see the package doc of the generator for the contract.", "")
	w.WriteString("// func " + name + "(m, n, k int, a *T, ars, acs int, b *T, ldb int, c *T, ldc int, bias, mask *T, mode int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-104\n")
	for _, r := range []struct{ arg, reg string }{
		{"m+0(FP)", "R8"}, {"n+8(FP)", "R13"}, {"a+24(FP)", "SI"}, {"ars+32(FP)", "R11"},
		{"acs+40(FP)", "R12"}, {"ldb+56(FP)", "CX"}, {"c+64(FP)", "DI"}, {"ldc+72(FP)", "R14"},
	} {
		w.Op("MOVQ %s, %s", r.arg, r.reg)
	}
	for _, r := range []string{"R13", "R11", "R12", "CX", "R14"} {
		w.Op("SHLQ $%d, %s", t.shift, r)
	}
	w.Op("MOVQ R13, n+8(FP)")
	w.Op("LEAQ (R11)(R11*2), R15")
	vec := "VMOVUP" + t.p[1:]
	reg := func(r int) string { return fmt.Sprintf("%s%d", v.reg, r) }
	acc := func(i, j int) string { return reg(2*i + j) }
	// The registers after the accumulators: a row of b, a[i][p] broadcast, zero.
	bRow, bcast, zeroReg := []int{2 * v.rows, 2*v.rows + 1}, 2*v.rows+2, 2*v.rows+3
	// off is the offset of vector j of a row.
	off := func(j int) string {
		if j == 0 {
			return ""
		}
		return fmt.Sprint(j * v.bytes)
	}
	// cRow steps AX from row i-1 of c to row i and returns the address of
	// row i: rows 0–2, 3–5 and 6–7 are 0, 1 and 2 strides past AX.
	cRow := func(i int) string {
		if i > 0 && i%3 == 0 {
			w.Op("LEAQ (AX)(R14*2), AX")
			w.Op("ADDQ R14, AX")
		}
		return []string{"(AX)", "(AX)(R14*1)", "(AX)(R14*2)"}[i%3]
	}
	aRow := []string{"(DX)", "(DX)(R11*1)", "(DX)(R11*2)", "(DX)(R15*1)", "(DX)(R11*4)", "(R10)(R11*4)", "(DX)(R15*2)", "(R10)(R15*2)",
		"(R13)", "(R13)(R11*1)", "(R13)(R11*2)", "(R13)(R15*1)"}
	// advance adds rows times the stride in reg to the pointer p.
	advance := func(p, reg string, rows int) {
		for _, f := range []int{8, 4, 2, 1} {
			if rows&f != 0 {
				w.Op("LEAQ (%s)(%s*%d), %s", p, reg, f, p)
			}
		}
	}
	zero := func(r string) {
		if v.reg == "Z" {
			w.Op("VPXORD %s, %s, %s", r, r, r)
			return
		}
		w.Op("VXORP%s %s, %s, %s", t.p[1:], r, r, r)
	}
	// columns writes c's vecs vectors at R9 of the rows of the block.
	columns := func(rows, vecs int, tag string) {
		// The accumulators start from c, from the bias or from zero.
		w.Op("MOVQ mode+96(FP), AX")
		w.Op("TESTQ $3, AX")
		w.Op("JNE init%s", tag)
		w.Op("MOVQ DI, AX")
		w.Op("ADDQ R9, AX")
		for i := range rows {
			r := cRow(i)
			for j := range vecs {
				w.Op("%s %s%s, %s", vec, off(j), r, acc(i, j))
			}
		}
		w.Op("JMP ready%s", tag)
		w.Label("init" + tag)
		w.Op("TESTQ $1, AX")
		w.Op("JEQ zero%s", tag)
		w.Op("MOVQ m+0(FP), AX")
		w.Op("SUBQ R8, AX")
		w.Op("SHLQ $%d, AX", t.shift)
		w.Op("ADDQ bias+80(FP), AX")
		for i := range rows {
			w.Op("%s %d(AX), %s", t.bcast, i*t.size, acc(i, 0))
			if vecs == 2 {
				w.Op("VMOVAP%s %s, %s", t.p[1:], acc(i, 0), acc(i, 1))
			}
		}
		w.Op("JMP ready%s", tag)
		w.Label("zero" + tag)
		for i := range rows {
			for j := range vecs {
				zero(acc(i, j))
			}
		}
		w.Label("ready" + tag)
		w.Op("MOVQ b+48(FP), BX")
		w.Op("ADDQ R9, BX")
		w.Op("MOVQ SI, DX")
		if rows > 4 {
			w.Op("LEAQ (SI)(R11*1), R10")
		}
		if rows > 8 {
			w.Op("LEAQ (SI)(R11*8), R13")
		}
		w.Op("MOVQ k+16(FP), AX")
		w.Op("TESTQ AX, AX")
		w.Op("JEQ store%s", tag)
		w.Label("loop" + tag)
		for j, b := range bRow[:vecs] {
			w.Op("%s %s(BX), %s", vec, off(j), reg(b))
		}
		for i := range rows {
			w.Op("%s %s, %s", t.bcast, aRow[i], reg(bcast))
			for j, b := range bRow[:vecs] {
				w.Op("VFMADD231%s %s, %s, %s", t.p, reg(b), reg(bcast), acc(i, j))
			}
		}
		w.Op("ADDQ CX, BX")
		w.Op("ADDQ R12, DX")
		if rows > 4 {
			w.Op("ADDQ R12, R10")
		}
		if rows > 8 {
			w.Op("ADDQ R12, R13")
		}
		w.Op("DECQ AX")
		w.Op("JNE loop%s", tag)
		w.Label("store" + tag)
		w.Op("MOVQ mode+96(FP), AX")
		w.Op("TESTQ $4, AX")
		w.Op("JEQ mask%s", tag)
		w.Comment("relu: VMAX" + t.p + " returns its first operand where one is NaN: the sum, NaN, as max(z, 0) in Go.")
		zero(reg(zeroReg))
		for i := range rows {
			for j := range vecs {
				w.Op("VMAX%s %s, %s, %s", t.p, acc(i, j), reg(zeroReg), acc(i, j))
			}
		}
		w.Label("mask" + tag)
		w.Op("MOVQ mode+96(FP), AX")
		w.Op("TESTQ $8, AX")
		w.Op("JEQ write%s", tag)
		w.Comment("mask: c = 0 where the mask, laid out as c, is not above 0 (or is NaN).")
		zero(reg(zeroReg))
		w.Op("MOVQ DI, AX")
		w.Op("SUBQ c+64(FP), AX")
		w.Op("ADDQ mask+88(FP), AX")
		w.Op("ADDQ R9, AX")
		for i := range rows {
			r := cRow(i)
			for j := range vecs {
				if v.reg == "Z" {
					w.Op("VCMP%s $0x11, %s%s, %s, K1", t.p, off(j), r, reg(zeroReg))
					w.Op("%s.Z %s, K1, %s", vec, acc(i, j), acc(i, j))
					continue
				}
				w.Op("VCMP%s $0x11, %s%s, %s, %s", t.p, off(j), r, reg(zeroReg), reg(bcast))
				w.Op("VANDP%s %s, %s, %s", t.p[1:], reg(bcast), acc(i, j), acc(i, j))
			}
		}
		w.Label("write" + tag)
		w.Op("MOVQ DI, AX")
		w.Op("ADDQ R9, AX")
		for i := range rows {
			r := cRow(i)
			for j := range vecs {
				w.Op("%s %s, %s%s", vec, acc(i, j), off(j), r)
			}
		}
	}
	step := 2 * v.bytes // the bytes of two vectors, one or two tiles
	block := func(rows int) {
		tag := fmt.Sprint(rows)
		w.Op("XORQ R9, R9")
		w.Label("tiles" + tag)
		if step == 64 {
			w.Op("CMPQ R9, n+8(FP)")
			w.Op("JGE next%s", tag)
		} else {
			w.Op("LEAQ %d(R9), AX", step)
			w.Op("CMPQ AX, n+8(FP)")
			w.Op("JGT last%s", tag)
		}
		columns(rows, 2, tag)
		w.Op("ADDQ $%d, R9", step)
		w.Op("JMP tiles%s", tag)
		if step > 64 {
			w.Comment("The last tile of an odd count, one vector wide.")
			w.Label("last" + tag)
			w.Op("CMPQ R9, n+8(FP)")
			w.Op("JGE next%s", tag)
			columns(rows, 1, tag+"x")
		}
		w.Label("next" + tag)
		advance("SI", "R11", rows)
		advance("DI", "R14", rows)
		w.Op("SUBQ $%d, R8", rows)
	}
	// rest are the blocks of the rows left, the powers of two below v.rows.
	var rest []int
	for r := 8; r >= 1; r /= 2 {
		if r < v.rows {
			rest = append(rest, r)
		}
	}
	names := make([]string, len(rest))
	for i, r := range rest {
		names[i] = fmt.Sprint(r)
	}
	last := len(names) - 1
	w.Comment(fmt.Sprintf("Blocks of %d rows, then one of %s and %s as the rows left need.",
		v.rows, strings.Join(names[:last], ", "), names[last]))
	first := fmt.Sprintf("rows%d", v.rows)
	w.Label(first)
	w.Op("CMPQ R8, $%d", v.rows)
	w.Op("JLT rows%d", rest[0])
	block(v.rows)
	w.Op("JMP %s", first)
	for _, rows := range rest {
		w.Label(fmt.Sprintf("rows%d", rows))
		w.Op("CMPQ R8, $%d", rows)
		if rows == 1 {
			w.Op("JLT done")
		} else {
			w.Op("JLT rows%d", rows/2)
		}
		block(rows)
	}
	w.Label("done")
	w.Op("VZEROUPPER")
	w.Op("RET")
	w.WriteString("\n")
}

// gemvAMD64 writes gemv for v, 8 rows at a time (with AVX-512, large
// matrices a row at a time instead where the processor gains from it: see
// byRowsBytes): each row one accumulator
// (eight hide the latency of FMA) over whole vectors of its values, then the
// values left, which no load reads past: with AVX2 by masked loads, with
// AVX-512 by FMAs under the mask K1. The eight sums come out of their
// accumulators together, by horizontal adds that transpose them into one
// vector of 256 bits, to which AVX-512 first folds each accumulator. The
// last 1–7 rows run as a block of 8 too, its surplus rows repeating the
// last, and store under the masks of the table masks. Registers:
//
//	R8 rows left   SI a at the row block, row 0   DI y at the row block
//	R11 lda in bytes   DX, R9, R10, CX, R12, R13, R14 a at rows 1–7
//	BX x; SI and BX point past the whole vectors, and AX is the byte offset
//	of p from there: it counts up to 0 from minus their bytes, to which
//	k+8(FP) is rewritten; m+0(FP) is rewritten to k mod lanes
//	the accumulators from register 0 on (Y0–Y7, Z0–Z7), x in register 8; the
//	mask of the values left in Y9 (AVX2) or K1 (AVX-512), a row's values left
//	in Y10 (AVX2); Y11, Y12 the masks of the rows left, Y13 y under them
func (w *writer) gemvAMD64(name, prefix string, t x86, v simd, masks string) {
	lanes := v.bytes / t.size
	w.Comment(name+" adds a·x to y, with relu or not; see the package doc of the generator",
		"for the contract.", "")
	w.WriteString("// func " + name + "(m, k int, a *T, lda int, x, y *T, mode int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-56\n")
	if v.reg == "Z" {
		w.gemvByRowsBranch(t, prefix)
	}
	w.Op("MOVQ m+0(FP), R8")
	w.Op("MOVQ a+16(FP), SI")
	w.Op("MOVQ lda+24(FP), R11")
	w.Op("SHLQ $%d, R11", t.shift)
	w.Op("MOVQ x+32(FP), BX")
	w.Op("MOVQ y+40(FP), DI")
	w.Op("MOVQ k+8(FP), AX")
	w.Comment("The mask of the values past the whole vectors, k mod lanes of them;")
	w.Comment("m+0(FP) is rewritten to their count.")
	w.Op("ANDQ $%d, AX", lanes-1)
	w.Op("MOVQ AX, m+0(FP)")
	if v.reg == "Z" {
		w.Op("MOVQ AX, CX")
		w.Op("MOVL $1, AX")
		w.Op("SHLL CX, AX")
		w.Op("DECL AX")
		w.Op("KMOVW AX, K1")
	} else {
		w.Op("NEGQ AX")
		w.Op("LEAQ %s+%d(SB), R9", masks, lanes*t.size)
		w.Op("VMOVUP%s (R9)(AX*%d), Y9", t.p[1:], t.size)
	}
	w.Comment("The bytes of the whole vectors: SI and BX move past them, k+8(FP) is rewritten",
		"to minus their count.")
	w.Op("MOVQ k+8(FP), AX")
	w.Op("ANDQ $%d, AX", -lanes)
	w.Op("SHLQ $%d, AX", t.shift)
	w.Op("ADDQ AX, SI")
	w.Op("ADDQ AX, BX")
	w.Op("NEGQ AX")
	w.Op("MOVQ AX, k+8(FP)")
	vec := "VMOVUP" + t.p[1:]
	reg := func(r int) string { return fmt.Sprintf("%s%d", v.reg, r) }
	rows := []string{"SI", "DX", "R9", "R10", "CX", "R12", "R13", "R14"}
	at := func(i int) string { return fmt.Sprintf("(%s)(AX*1)", rows[i]) }
	// block writes the sums of the 8 rows at rows into Y0–Y7, from whole
	// vectors and then the masked rest. The first vector's products start
	// the sums, so that no FMA waits on a zeroed accumulator.
	block := func(tag string) {
		w.Op("MOVQ k+8(FP), AX")
		w.Op("TESTQ AX, AX")
		w.Op("JEQ zero%s", tag)
		w.Op("%s (BX)(AX*1), %s", vec, reg(8))
		for i := range 8 {
			w.Op("VMUL%s %s, %s, %s", t.p, at(i), reg(8), reg(i))
		}
		w.Op("ADDQ $%d, AX", v.bytes)
		w.Op("JEQ rest%s", tag)
		w.Label("vec" + tag)
		w.Op("%s (BX)(AX*1), %s", vec, reg(8))
		for i := range 8 {
			w.Op("VFMADD231%s %s, %s, %s", t.p, at(i), reg(8), reg(i))
		}
		w.Op("ADDQ $%d, AX", v.bytes)
		w.Op("JNE vec%s", tag)
		w.Op("JMP rest%s", tag)
		w.Label("zero" + tag)
		for i := range 8 {
			if v.reg == "Z" {
				w.Op("VPXORD Z%d, Z%d, Z%d", i, i, i)
			} else {
				w.Op("VXORP%s Y%d, Y%d, Y%d", t.p[1:], i, i, i)
			}
		}
		w.Label("rest" + tag)
		w.Op("CMPQ m+0(FP), $0")
		w.Op("JEQ sum%s", tag)
		if v.reg == "Z" {
			w.Op("%s.Z (BX)(AX*1), K1, Z8", vec)
			for i := range 8 {
				w.Op("VFMADD231%s %s, Z8, K1, Z%d", t.p, at(i), i)
			}
		} else {
			w.Op("VMASKMOV%s (BX)(AX*1), Y9, Y8", t.p)
			for i := range 8 {
				w.Op("VMASKMOV%s %s, Y9, Y10", t.p, at(i))
				w.Op("VFMADD231%s Y10, Y8, Y%d", t.p, i)
			}
		}
		w.Label("sum" + tag)
		if v.reg == "Z" {
			w.Comment("Each accumulator folded to 256 bits: its upper half added to its lower.")
			for i := range 8 {
				w.Op("VEXTRACTF64X4 $1, Z%d, Y8", i)
				w.Op("VADD%s Y8, Y%d, Y%d", t.p, i, i)
			}
		}
		w.Comment("The eight sums, transposed into the lanes of one vector by horizontal adds.")
		if t.size == 4 {
			w.sums(t, 0, 1, 2)
			return
		}
		w.sums(t, 0, 8, 10)
		w.sums(t, 4, 8, 10)
	}
	// sums are the registers of the 8 sums: one vector of float32, two of
	// float64.
	sums := []int{0}
	if t.size == 8 {
		sums = []int{0, 4}
	}
	// store adds the sums to y, applies relu if the mode asks for it, and
	// stores them; masked, it reads and writes only the rows under the
	// masks in Y11 (and Y12).
	store := func(tag string, masked bool) {
		for j, r := range sums {
			if masked {
				w.Op("VMASKMOV%s %d(DI), Y%d, Y13", t.p, 32*j, 11+j)
				w.Op("VADD%s Y13, Y%d, Y%d", t.p, r, r)
			} else {
				w.Op("VADD%s %d(DI), Y%d, Y%d", t.p, 32*j, r, r)
			}
		}
		w.Op("MOVQ mode+48(FP), AX")
		w.Op("TESTQ $4, AX")
		w.Op("JEQ write%s", tag)
		w.Comment("relu: VMAXPS returns its first operand where one is NaN: the sum, NaN, as max(z, 0) in Go.")
		w.Op("VXORP%s Y15, Y15, Y15", t.p[1:])
		for _, r := range sums {
			w.Op("VMAX%s Y%d, Y15, Y%d", t.p, r, r)
		}
		w.Label("write" + tag)
		for j, r := range sums {
			if masked {
				w.Op("VMASKMOV%s Y%d, Y%d, %d(DI)", t.p, r, 11+j, 32*j)
			} else {
				w.Op("%s Y%d, %d(DI)", vec, r, 32*j)
			}
		}
	}
	w.Comment("Blocks of 8 rows, whose pointers come at most three additions from SI.")
	w.Label("rows8")
	w.Op("CMPQ R8, $8")
	w.Op("JLT tail")
	// Row i's pointer is row from's plus scale times lda.
	for _, r := range []struct{ i, from, scale int }{{1, 0, 1}, {2, 0, 2}, {3, 1, 2}, {4, 0, 4}, {5, 1, 4}, {6, 2, 4}, {7, 3, 4}} {
		w.Op("LEAQ (%s)(R11*%d), %s", rows[r.from], r.scale, rows[r.i])
	}
	block("8")
	store("8", false)
	w.Op("LEAQ (SI)(R11*8), SI")
	w.Op("ADDQ $%d, DI", 8*t.size)
	w.Op("SUBQ $8, R8")
	w.Op("JMP rows8")
	w.Comment("The last 1–7 rows: a block of 8 whose rows past the last repeat it,",
		"so that every read stays inside a, with the sums stored under a mask.")
	w.Label("tail")
	w.Op("TESTQ R8, R8")
	w.Op("JEQ done")
	for i := 1; i < 8; i++ {
		w.Op("LEAQ (%s)(R11*1), %s", rows[i-1], rows[i])
		w.Op("CMPQ R8, $%d", i+1)
		w.Op("CMOVQLT %s, %s", rows[i-1], rows[i])
	}
	block("T")
	w.Comment("The masks of the rows left: the first R8 lanes of the sums.")
	w.Op("LEAQ %s+%d(SB), R9", masks, t.lanes*t.size)
	if t.size == 4 {
		w.Op("MOVQ R8, AX")
		w.Op("NEGQ AX")
		w.Op("VMOVUPS (R9)(AX*4), Y11")
	} else {
		w.Op("MOVQ $4, CX")
		w.Op("MOVQ R8, AX")
		w.Op("CMPQ AX, CX")
		w.Op("CMOVQGT CX, AX")
		w.Op("NEGQ AX")
		w.Op("VMOVUPD (R9)(AX*8), Y11")
		w.Op("XORQ CX, CX")
		w.Op("MOVQ R8, AX")
		w.Op("SUBQ $4, AX")
		w.Op("CMOVQLT CX, AX")
		w.Op("NEGQ AX")
		w.Op("VMOVUPD (R9)(AX*8), Y12")
	}
	store("T", true)
	w.Label("done")
	w.Op("VZEROUPPER")
	w.Op("RET")
	if v.reg == "Z" {
		w.gemvByRows(t, v)
	}
	w.WriteString("\n")
}

// masks writes the table of masks of the kernel base (irisGemv, the name
// of its assembly without the extension) and returns its symbol
// (·irisGemvMasks): a 256-bit vector's values all ones, then as many zeros,
// so that the mask of the first i lanes starts i values before the zeros.
func (w *writer) masks(base string, t x86) string {
	masks := "·" + base + "Masks"
	w.Comment(fmt.Sprintf("%s holds %d all-ones values, then %d zeros: the mask of the", masks[len("·"):], t.lanes, t.lanes),
		"first i lanes of a vector starts i values before the zeros.")
	for i := range 2 * t.lanes {
		bits := "0"
		if i < t.lanes {
			bits = "-1"
		}
		w.WriteString(fmt.Sprintf("DATA %s+%d(SB)/%d, $%s\n", masks, i*t.size, t.size, bits))
	}
	w.WriteString(fmt.Sprintf("GLOBL %s(SB), RODATA|NOPTR, $%d\n\n", masks, 2*t.lanes*t.size))
	return masks
}

// sums writes the horizontal sums of the vector's worth of accumulators
// from Y(acc) on (8 float32 or 4 float64 ones) into Y(acc), lane i the sum
// of accumulator i, by horizontal adds that transpose them; tmp1 and tmp2
// are scratch, as are the accumulators but the first.
func (w *writer) sums(t x86, acc, tmp1, tmp2 int) {
	for i := 0; i < t.lanes; i += 2 {
		w.Op("VHADD%s Y%d, Y%d, Y%d", t.p, acc+i+1, acc+i, acc+i)
	}
	top := acc + 2
	if t.size == 4 {
		w.Op("VHADDPS Y%d, Y%d, Y%d", acc+2, acc, acc)
		w.Op("VHADDPS Y%d, Y%d, Y%d", acc+6, acc+4, acc+4)
		top = acc + 4
		w.Comment(fmt.Sprintf("Y%d holds sums 0–3 in each half, Y%d sums 4–7: add the halves.", acc, top))
	} else {
		w.Comment(fmt.Sprintf("Y%d holds sums 0 and 1 in each half, Y%d sums 2 and 3: add the halves.", acc, top))
	}
	w.Op("VPERM2F128 $0x20, Y%d, Y%d, Y%d", top, acc, tmp1)
	w.Op("VPERM2F128 $0x31, Y%d, Y%d, Y%d", top, acc, tmp2)
	w.Op("VADD%s Y%d, Y%d, Y%d", t.p, tmp2, tmp1, acc)
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
	lanes := t.lanes
	w.Comment(name+" writes the transpose of src into dst; see the package doc of the generator",
		"for the contract.", "")
	w.WriteString("// func " + name + "(rows, cols int, src *T, lds int, dst *T, ldd int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-48\n")
	w.Op("MOVQ rows+0(FP), R8")
	w.Op("SHRQ $%d, R8", map[int]int{8: 3, 4: 2}[lanes])
	w.Op("MOVQ cols+8(FP), R10")
	w.Op("SHRQ $%d, R10", map[int]int{8: 3, 4: 2}[lanes])
	w.Op("MOVQ src+16(FP), SI")
	w.Op("MOVQ lds+24(FP), R11")
	w.Op("SHLQ $%d, R11", t.shift)
	w.Op("MOVQ dst+32(FP), DI")
	w.Op("MOVQ ldd+40(FP), R12")
	w.Op("SHLQ $%d, R12", t.shift)
	vec := "VMOVUP" + t.p[1:]
	w.Label("rows")
	w.Op("TESTQ R8, R8")
	w.Op("JEQ done")
	w.Op("MOVQ SI, AX")
	w.Op("MOVQ DI, BX")
	w.Op("MOVQ R10, R9")
	w.Label("cols")
	w.Op("TESTQ R9, R9")
	w.Op("JEQ next")
	w.Op("MOVQ AX, CX")
	for i := range lanes {
		w.Op("%s (CX), Y%d", vec, i)
		if i < lanes-1 {
			w.Op("ADDQ R11, CX")
		}
	}
	var out []int // the registers of the columns, in order
	if lanes == 8 {
		for i := 0; i < 8; i += 2 {
			w.Op("VUNPCKLPS Y%d, Y%d, Y%d", i+1, i, 8+i)
			w.Op("VUNPCKHPS Y%d, Y%d, Y%d", i+1, i, 9+i)
		}
		// u0–u3 from t0–t3 (Y8–Y11), u4–u7 from t4–t7 (Y12–Y15), into Y0–Y7.
		for h := 0; h < 8; h += 4 {
			w.Op("VSHUFPS $0x44, Y%d, Y%d, Y%d", 10+h, 8+h, h)
			w.Op("VSHUFPS $0xEE, Y%d, Y%d, Y%d", 10+h, 8+h, 1+h)
			w.Op("VSHUFPS $0x44, Y%d, Y%d, Y%d", 11+h, 9+h, 2+h)
			w.Op("VSHUFPS $0xEE, Y%d, Y%d, Y%d", 11+h, 9+h, 3+h)
		}
		for i := range 4 {
			w.Op("VPERM2F128 $0x20, Y%d, Y%d, Y%d", 4+i, i, 8+i)
			w.Op("VPERM2F128 $0x31, Y%d, Y%d, Y%d", 4+i, i, 12+i)
		}
		out = []int{8, 9, 10, 11, 12, 13, 14, 15}
	} else {
		w.Op("VUNPCKLPD Y1, Y0, Y8")
		w.Op("VUNPCKHPD Y1, Y0, Y9")
		w.Op("VUNPCKLPD Y3, Y2, Y10")
		w.Op("VUNPCKHPD Y3, Y2, Y11")
		w.Op("VPERM2F128 $0x20, Y10, Y8, Y0")
		w.Op("VPERM2F128 $0x20, Y11, Y9, Y1")
		w.Op("VPERM2F128 $0x31, Y10, Y8, Y2")
		w.Op("VPERM2F128 $0x31, Y11, Y9, Y3")
		out = []int{0, 1, 2, 3}
	}
	w.Op("MOVQ BX, DX")
	for i, r := range out {
		w.Op("%s Y%d, (DX)", vec, r)
		if i < lanes-1 {
			w.Op("ADDQ R12, DX")
		}
	}
	w.Op("ADDQ $32, AX")
	w.Comment("The next block of columns is a vector's rows further in dst.")
	w.Op("LEAQ (BX)(R12*%d), BX", lanes)
	w.Op("DECQ R9")
	w.Op("JMP cols")
	w.Label("next")
	w.Op("LEAQ (SI)(R11*%d), SI", lanes)
	w.Op("ADDQ $32, DI")
	w.Op("DECQ R8")
	w.Op("JMP rows")
	w.Label("done")
	w.Op("VZEROUPPER")
	w.Op("RET")
	w.WriteString("\n")
}

// cpuid writes the CPUID and XGETBV instructions for the generated code's
// detection of AVX2, FMA and AVX-512F.
func (w *writer) cpuid(prefix string) {
	w.WriteString("// func " + prefix + "CPUID(leaf, sub uint32) (a, b, c, d uint32)\n")
	w.WriteString("TEXT ·" + prefix + "CPUID(SB), NOSPLIT, $0-24\n")
	w.Op("MOVL leaf+0(FP), AX")
	w.Op("MOVL sub+4(FP), CX")
	w.Op("CPUID")
	w.Op("MOVL AX, a+8(FP)")
	w.Op("MOVL BX, b+12(FP)")
	w.Op("MOVL CX, c+16(FP)")
	w.Op("MOVL DX, d+20(FP)")
	w.Op("RET")
	w.WriteString("\n")
	w.WriteString("// func " + prefix + "XGETBV() (eax uint32)\n")
	w.WriteString("TEXT ·" + prefix + "XGETBV(SB), NOSPLIT, $0-4\n")
	w.Op("MOVL $0, CX")
	w.Op("XGETBV")
	w.Op("MOVL AX, eax+0(FP)")
	w.Op("RET")
}
