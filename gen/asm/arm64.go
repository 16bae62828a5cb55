package asm

import (
	"fmt"

	"github.com/nngen/nngen/spec"
)

// The arm64 kernels, with NEON: gemm with a tile of 4 rows × 4 vectors
// (sixteen accumulators, 64 bytes of a row of c each), and gemv over 4 rows
// at a time.
//
// Go's assembler has no vector FADD (nor FADDP), so the horizontal sums of
// gemv add with VFMLA by a vector of ones: fma(x, 1, y) rounds x+y once,
// which is exactly what FADD does.

// neon spells an element type's instructions.
type neon struct {
	size  int    // bytes per value
	lanes int    // values per two vectors, the step of gemv
	shift int    // log₂ size
	arr   string // arrangement of a 128-bit vector: S4 or D2
	lane  string // element of a vector, without its index: S or D
	s     string // suffix of the scalar instructions: S or D
	one   string // the bits of 1.0, for a general register
}

func neonType(t spec.DType) neon {
	if t == spec.Float32 {
		return neon{4, Lanes(t), 2, "S4", "S", "S", "$0x3f800000"}
	}
	return neon{8, Lanes(t), 3, "D2", "D", "D", "$0x3ff0000000000000"}
}

// v names a vector register with the element type's arrangement.
func (t neon) v(i int) string { return fmt.Sprintf("V%d.%s", i, t.arr) }

// list names the vector registers from..from+n-1 as a register list.
func (t neon) list(from, n int) string {
	s := "["
	for i := range n {
		if i > 0 {
			s += ", "
		}
		s += t.v(from + i)
	}
	return s + "]"
}

// gemmARM64 writes gemm. Registers, with strides and n in bytes:
//
//	R0 rows left   R3 a at the row block   R8 c at the row block
//	R1 n   R2 k   R4 ars   R5 acs   R6 b   R7 ldb   R9 ldc
//	R10 byte offset of the column tile
//	R11–R14 c at rows 0–3 of the block and the tile, stepping by 64 bytes on store
//	R15–R17, R19 a at rows 0–3 of the block, stepping by acs
//	R20 b at the tile, stepping by ldb; R21 the count of p
//	V0–V15 the accumulators (row i in V4i–V4i+3), V16–V19 a row of b,
//	V20–V23 a[i][p] broadcast; R22 mode, R23 bias at the row
//
// The kernel leaves relu and the mask to its caller: Go's assembler has
// no vector FMAX nor FCMGT.
//
// R18 is the platform register and R26–R30 are reserved or special in Go's
// assembler (REGCTXT, REGTMP, g, FP, LR), so the allocation skips them.
func (w *writer) gemmARM64(name string, t neon) {
	w.Comment(name+" computes c = a·b, c += a·b or c = bias + a·b; see the package doc",
		"of the generator for the contract.", "")
	w.WriteString("// func " + name + "(m, n, k int, a *T, ars, acs int, b *T, ldb int, c *T, ldc int, bias, mask *T, mode int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-104\n")
	for _, r := range []struct{ arg, reg string }{
		{"m+0(FP)", "R0"}, {"n+8(FP)", "R1"}, {"k+16(FP)", "R2"}, {"a+24(FP)", "R3"},
		{"ars+32(FP)", "R4"}, {"acs+40(FP)", "R5"}, {"b+48(FP)", "R6"}, {"ldb+56(FP)", "R7"},
		{"c+64(FP)", "R8"}, {"ldc+72(FP)", "R9"}, {"mode+96(FP)", "R22"},
	} {
		w.Op("MOVD %s, %s", r.arg, r.reg)
	}
	for _, r := range []string{"R1", "R4", "R5", "R7", "R9"} {
		w.Op("LSL $%d, %s", t.shift, r)
	}
	cRow := []string{"R11", "R12", "R13", "R14"}
	aRow := []string{"R15", "R16", "R17", "R19"}
	// rowPointers sets the pointers of rows 1.. of the block from row 0's,
	// each a stride past the one before.
	rowPointers := func(rows int, regs []string, stride string) {
		for i := 1; i < rows; i++ {
			w.Op("ADD %s, %s, %s", stride, regs[i-1], regs[i])
		}
	}
	tile := func(rows int, loop, store string) {
		tag := fmt.Sprint(rows)
		// The accumulators start from c, from the bias or from zero.
		w.Op("TST $3, R22")
		w.Op("BNE init%s", tag)
		for i := range rows {
			w.Op("VLD1 (%s), %s", cRow[i], t.list(4*i, 4))
		}
		w.Op("B ready%s", tag)
		w.Label("init" + tag)
		w.Op("TST $1, R22")
		w.Op("BEQ zero%s", tag)
		w.Op("MOVD m+0(FP), R23")
		w.Op("SUB R0, R23, R23")
		w.Op("MOVD bias+80(FP), R24")
		w.Op("ADD R23<<%d, R24, R23", t.shift)
		for i := range rows {
			for v := range 4 {
				w.Op("VLD1R (R23), [%s]", t.v(4*i+v))
			}
			w.Op("ADD $%d, R23, R23", t.size)
		}
		w.Op("B ready%s", tag)
		w.Label("zero" + tag)
		for i := range 4 * rows {
			w.Op("VEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
		}
		w.Label("ready" + tag)
		w.Op("ADD R10, R6, R20")
		w.Op("MOVD R3, %s", aRow[0])
		rowPointers(rows, aRow, "R4")
		w.Op("MOVD R2, R21")
		w.Op("CBZ R21, %s", store)
		w.Label(loop)
		w.Op("VLD1.P (R20)(R7), %s", t.list(16, 4))
		for i := range rows {
			w.Op("VLD1R.P (%s)(R5), [%s]", aRow[i], t.v(20+i))
			for v := range 4 {
				w.Op("VFMLA %s, %s, %s", t.v(16+v), t.v(20+i), t.v(4*i+v))
			}
		}
		w.Op("SUBS $1, R21, R21")
		w.Op("BNE %s", loop)
		w.Label(store)
		for i := range rows {
			w.Op("VST1.P %s, 64(%s)", t.list(4*i, 4), cRow[i])
		}
		w.Op("ADD $64, R10, R10")
	}
	w.Comment("Blocks of 4 rows.")
	w.Label("rows4")
	w.Op("CMP $4, R0")
	w.Op("BLT rows1")
	w.Op("MOVD R8, %s", cRow[0])
	rowPointers(4, cRow, "R9")
	w.Op("MOVD ZR, R10")
	w.Label("tiles4")
	w.Op("CMP R1, R10")
	w.Op("BGE next4")
	tile(4, "loop4", "store4")
	w.Op("B tiles4")
	w.Label("next4")
	w.Op("ADD R4<<2, R3, R3")
	w.Op("ADD R9<<2, R8, R8")
	w.Op("SUB $4, R0, R0")
	w.Op("B rows4")
	w.Comment("The last rows, one at a time.")
	w.Label("rows1")
	w.Op("CBZ R0, done")
	w.Op("MOVD R8, %s", cRow[0])
	w.Op("MOVD ZR, R10")
	w.Label("tiles1")
	w.Op("CMP R1, R10")
	w.Op("BGE next1")
	tile(1, "loop1", "store1")
	w.Op("B tiles1")
	w.Label("next1")
	w.Op("ADD R4, R3, R3")
	w.Op("ADD R9, R8, R8")
	w.Op("SUB $1, R0, R0")
	w.Op("B rows1")
	w.Label("done")
	w.Op("RET")
	w.WriteString("\n")
}

// gemvARM64 writes gemv. It steps p by two vectors (32 bytes) and ends
// each row with the scalar products of the last values. Registers:
//
//	R0 rows left   R4 a at the row block   R5 lda in bytes   R7 y at the row block
//	R2 the count of whole steps of 32 bytes, R3 of the values left over
//	R8–R11 a at rows 0–3 of the block, R12 x, all stepping by p
//	R13 the count of p, R14 the bits of 1.0
//	V0–V7 the accumulators (row i in V2i, V2i+1), V8, V9 two vectors of x,
//	V16–V23 those of the rows, V24 a scratch, V31 ones
//	F24 x[p] and F25–F28 a[i][p] in the scalar tail
func (w *writer) gemvARM64(name string, t neon) {
	lanes := t.lanes
	w.Comment(name+" adds a·x to y, leaving relu to its caller; see the package doc of the", "generator for the contract.", "")
	w.WriteString("// func " + name + "(m, k int, a *T, lda int, x, y *T, mode int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-56\n")
	w.Op("MOVD m+0(FP), R0")
	w.Op("MOVD k+8(FP), R1")
	w.Op("MOVD a+16(FP), R4")
	w.Op("MOVD lda+24(FP), R5")
	w.Op("LSL $%d, R5", t.shift)
	w.Op("MOVD y+40(FP), R7")
	w.Op("LSR $%d, R1, R2", map[int]int{4: 3, 8: 2}[t.size])
	w.Op("AND $%d, R1, R3", lanes-1)
	w.Op("MOVD %s, R14", t.one)
	w.Op("VDUP R14, %s", t.v(31))
	aRow := []string{"R8", "R9", "R10", "R11"}
	block := func(rows int, tag string) {
		w.Op("MOVD R4, %s", aRow[0])
		for i := 1; i < rows; i++ {
			w.Op("ADD R5, %s, %s", aRow[i-1], aRow[i])
		}
		w.Op("MOVD x+32(FP), R12")
		for i := range 2 * rows {
			w.Op("VEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
		}
		w.Op("MOVD R2, R13")
		w.Op("CBZ R13, sum%s", tag)
		w.Label("vec" + tag)
		w.Op("VLD1.P 32(R12), %s", t.list(8, 2))
		for i := range rows {
			w.Op("VLD1.P 32(%s), %s", aRow[i], t.list(16+2*i, 2))
			w.Op("VFMLA %s, %s, %s", t.v(8), t.v(16+2*i), t.v(2*i))
			w.Op("VFMLA %s, %s, %s", t.v(9), t.v(17+2*i), t.v(2*i+1))
		}
		w.Op("SUBS $1, R13, R13")
		w.Op("BNE vec%s", tag)
		w.Label("sum" + tag)
		w.Comment("Add up each row's lanes into its lane 0, which is F2i.")
		for i := range rows {
			acc := t.v(2 * i)
			w.Op("VFMLA %s, %s, %s", t.v(2*i+1), t.v(31), acc)
			if t.size == 4 {
				w.Op("VEXT $8, V%d.B16, V%d.B16, V24.B16", 2*i, 2*i)
				w.Op("VFMLA %s, %s, %s", t.v(24), t.v(31), acc)
			}
			w.Op("VDUP V%d.%s[1], V24", 2*i, t.lane)
			w.Op("FADD%s F24, F%d, F%d", t.s, 2*i, 2*i)
		}
		w.Op("MOVD R3, R13")
		w.Op("CBZ R13, store%s", tag)
		w.Label("tail" + tag)
		w.Op("FMOV%s.P %d(R12), F24", t.s, t.size)
		for i := range rows {
			w.Op("FMOV%s.P %d(%s), F%d", t.s, t.size, aRow[i], 25+i)
			w.Op("FMADD%s F24, F%d, F%d, F%d", t.s, 2*i, 25+i, 2*i)
		}
		w.Op("SUBS $1, R13, R13")
		w.Op("BNE tail%s", tag)
		w.Label("store" + tag)
		for i := range rows {
			y := fmt.Sprintf("%d(R7)", i*t.size)
			w.Op("FMOV%s %s, F24", t.s, y)
			w.Op("FADD%s F24, F%d, F%d", t.s, 2*i, 2*i)
			w.Op("FMOV%s F%d, %s", t.s, 2*i, y)
		}
	}
	w.Comment("Blocks of 4 rows.")
	w.Label("rows4")
	w.Op("CMP $4, R0")
	w.Op("BLT rows1")
	block(4, "4")
	w.Op("ADD R5<<2, R4, R4")
	w.Op("ADD $%d, R7, R7", 4*t.size)
	w.Op("SUB $4, R0, R0")
	w.Op("B rows4")
	w.Comment("The last rows, one at a time.")
	w.Label("rows1")
	w.Op("CBZ R0, done")
	block(1, "1")
	w.Op("ADD R5, R4, R4")
	w.Op("ADD $%d, R7, R7", t.size)
	w.Op("SUB $1, R0, R0")
	w.Op("B rows1")
	w.Label("done")
	w.Op("RET")
}
