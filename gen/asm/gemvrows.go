package asm

import "fmt"

// The bounds of gemv's two forms with AVX-512: where the generated code
// chooses the row form (GemvByRows), a matrix of more than byRowsBytes,
// whose rows hold byRowsRowBytes or more, goes a row at a time. Eight rows
// side by side read a as eight streams, and once a is past the first-level
// cache the prefetcher of an AMD EPYC of family 26 (Zen 5) keeps up with
// them worse than with one: mnist-shaped's 784 × 128 layer took 3.3 µs in
// the eight-row form there, 2.3 µs a row at a time. Below the bounds the
// eight-row form wins, since it sums eight rows at once: digits' lat1
// doubled a row at a time. With AVX2, whose loads of x then take the load
// ports as often as a's, the row form gains nothing.
//
// The row form asks for each line of a byRowsPrefetch bytes ahead of its
// loads: wide's matrices, 2.6 MB in all, stream from the third-level cache,
// and on family 26 its lat1 fell from 28.7 to 24.2 µs with the prefetches,
// while mnist-shaped's, in the second-level cache, stayed as they were.
//
// On family 25 (Zen 4), which splits each 512-bit operation in two, both
// cost: mnist-shaped's lat1 took 4.7 µs in the eight-row form, 5.2 µs a
// row at a time and 5.9 µs with the prefetches; wide's 32, 32 and 40 µs.
const (
	byRowsBytes    = 32 << 10
	byRowsRowBytes = 256
	byRowsPrefetch = 1024
)

// GemvByRows returns the name of the generated variable, a bool, by which
// the AVX-512 gemv of a model's prefix takes its row form: irisGemvByRows.
func GemvByRows(prefix string) string { return prefix + "GemvByRows" }

// gemvByRowsBranch writes, at the start of gemv with AVX-512, the jump to
// its row form (gemvByRows) where the variable GemvByRows(prefix) is set,
// for a matrix of more than byRowsBytes in rows of byRowsRowBytes or more.
func (w *writer) gemvByRowsBranch(t x86, prefix string) {
	w.Comment(fmt.Sprintf("Where %s is set, matrices of more than %d KB in rows of %d bytes or",
		GemvByRows(prefix), byRowsBytes>>10, byRowsRowBytes), "more go a row at a time.")
	w.Op("CMPB ·%s(SB), $0", GemvByRows(prefix))
	w.Op("JEQ blocks")
	w.Op("CMPQ k+8(FP), $%d", byRowsRowBytes/t.size)
	w.Op("JLT blocks")
	w.Op("MOVQ m+0(FP), AX")
	w.Op("IMULQ lda+24(FP), AX")
	w.Op("CMPQ AX, $%d", byRowsBytes/t.size)
	w.Op("JGT byrows")
	w.Label("blocks")
}

// gemvByRows writes the row form of gemv with AVX-512, from the label
// byrows to a jump to done. A row takes four accumulators over groups of
// four whole vectors (a row has at least one, byRowsRowBytes), then one
// vector at a time, then the values left under the mask K1, whose loads
// read nothing past them; the row's sum comes out of the accumulators by
// adds of halves, and y gets it, with relu or not. Registers:
//
//	R8 rows left   SI a at the row   DI y at the row   BX x
//	R11 lda in bytes   R12 the bytes of the groups of four vectors
//	R13 the bytes of the whole vectors   R10 k mod lanes   R9 mode
//	AX the byte offset in the row
//	Z0–Z3 the accumulators, Z4–Z7 x, X15 zero
func (w *writer) gemvByRows(t x86, v simd) {
	lanes := v.bytes / t.size
	vec := "VMOVUP" + t.p[1:]
	w.Comment("A row at a time.")
	w.Label("byrows")
	w.Op("MOVQ m+0(FP), R8")
	w.Op("MOVQ a+16(FP), SI")
	w.Op("MOVQ lda+24(FP), R11")
	w.Op("SHLQ $%d, R11", t.shift)
	w.Op("MOVQ x+32(FP), BX")
	w.Op("MOVQ y+40(FP), DI")
	w.Op("MOVQ mode+48(FP), R9")
	w.Op("MOVQ k+8(FP), R10")
	w.Op("MOVQ R10, R12")
	w.Op("ANDQ $%d, R12", -4*lanes)
	w.Op("SHLQ $%d, R12", t.shift)
	w.Op("MOVQ R10, R13")
	w.Op("ANDQ $%d, R13", -lanes)
	w.Op("SHLQ $%d, R13", t.shift)
	w.Op("ANDQ $%d, R10", lanes-1)
	w.Comment("The mask of the values past the whole vectors, k mod lanes of them.")
	w.Op("MOVQ R10, CX")
	w.Op("MOVL $1, AX")
	w.Op("SHLL CX, AX")
	w.Op("DECL AX")
	w.Op("KMOVW AX, K1")
	w.Op("VXORP%s X15, X15, X15", t.p[1:])
	w.Label("row")
	w.Op("TESTQ R8, R8")
	w.Op("JEQ done")
	for i := range 4 {
		w.Op("VPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	w.Op("XORQ AX, AX")
	w.Label("four")
	for j := range 4 {
		w.Op("PREFETCHT0 %d(SI)(AX*1)", byRowsPrefetch+j*64)
	}
	for j := range 4 {
		w.Op("%s %s(BX)(AX*1), Z%d", vec, disp(j*v.bytes), 4+j)
	}
	for j := range 4 {
		w.Op("VFMADD231%s %s(SI)(AX*1), Z%d, Z%d", t.p, disp(j*v.bytes), 4+j, j)
	}
	w.Op("ADDQ $%d, AX", 4*v.bytes)
	w.Op("CMPQ AX, R12")
	w.Op("JLT four")
	w.Label("one")
	w.Op("CMPQ AX, R13")
	w.Op("JGE rest")
	w.Op("%s (BX)(AX*1), Z4", vec)
	w.Op("VFMADD231%s (SI)(AX*1), Z4, Z0", t.p)
	w.Op("ADDQ $%d, AX", v.bytes)
	w.Op("JMP one")
	w.Label("rest")
	w.Op("TESTQ R10, R10")
	w.Op("JEQ sum")
	w.Op("%s.Z (BX)(AX*1), K1, Z4", vec)
	w.Op("VFMADD231%s (SI)(AX*1), Z4, K1, Z1", t.p)
	w.Label("sum")
	w.Comment("The row's sum: the accumulators added, then halves of the vector.")
	w.Op("VADD%s Z1, Z0, Z0", t.p)
	w.Op("VADD%s Z3, Z2, Z2", t.p)
	w.Op("VADD%s Z2, Z0, Z0", t.p)
	w.Op("VEXTRACTF64X4 $1, Z0, Y1")
	w.Op("VADD%s Y1, Y0, Y0", t.p)
	w.Op("VEXTRACTF128 $1, Y0, X1")
	w.Op("VADD%s X1, X0, X0", t.p)
	w.Op("VHADD%s X0, X0, X0", t.p)
	if t.size == 4 {
		w.Op("VHADDPS X0, X0, X0")
	}
	w.Op("VADD%s (DI), X0, X0", t.s)
	w.Op("TESTQ $4, R9")
	w.Op("JEQ write")
	w.Comment("relu: VMAX" + t.s + " returns its first operand where one is NaN: the sum, NaN, as max(z, 0) in Go.")
	w.Op("VMAX%s X0, X15, X0", t.s)
	w.Label("write")
	w.Op("VMOV%s X0, (DI)", t.s)
	w.Op("ADDQ R11, SI")
	w.Op("ADDQ $%d, DI", t.size)
	w.Op("DECQ R8")
	w.Op("JMP row")
}

// disp is a byte offset as an operand's displacement: empty for 0.
func disp(b int) string {
	if b == 0 {
		return ""
	}
	return fmt.Sprint(b)
}
