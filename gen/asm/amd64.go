package asm

import "fmt"

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

// gemmAMD64 writes gemm. Registers:
//
//	R8 rows left   SI a at the row block   DI c at the row block
//	R9 byte offset of the column tile, R13 its end (n in bytes)
//	R11 ars, R12 acs, CX ldb, R14 ldc, all in bytes
//	DX, R10 a at rows 0 and 2 of the block, stepping by acs
//	BX b at the tile, stepping by ldb; AX the count of p
//	Y0–Y7 the accumulators c[i][j…j+2v), Y8, Y9 a row of b, Y10–Y13 a[i][p] broadcast
func (w *writer) gemmAMD64(name string, t x86) {
	w.comment(name+" adds a·b to c; see the package doc of the generator for the contract.", "")
	w.WriteString("// func " + name + "(m, n, k int, a *T, ars, acs int, b *T, ldb int, c *T, ldc int)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-80\n")
	for _, r := range []struct{ arg, reg string }{
		{"m+0(FP)", "R8"}, {"n+8(FP)", "R13"}, {"a+24(FP)", "SI"}, {"ars+32(FP)", "R11"},
		{"acs+40(FP)", "R12"}, {"ldb+56(FP)", "CX"}, {"c+64(FP)", "DI"}, {"ldc+72(FP)", "R14"},
	} {
		w.op("MOVQ %s, %s", r.arg, r.reg)
	}
	for _, r := range []string{"R13", "R11", "R12", "CX", "R14"} {
		w.op("SHLQ $%d, %s", t.shift, r)
	}
	acc := func(i, v int) string { return fmt.Sprintf("Y%d", 2*i+v) }
	// rowAddr is the address of c (or its row i of the block) at the tile.
	rowAddr := func(i int) string {
		return map[int]string{0: "(AX)", 1: "(AX)(R14*1)", 2: "(AX)", 3: "(AX)(R14*1)"}[i]
	}
	tile := func(rows int, loop, store string) {
		w.op("MOVQ DI, AX")
		w.op("ADDQ R9, AX")
		for i := range rows {
			if i == 2 {
				w.op("LEAQ (AX)(R14*2), AX")
			}
			w.op("VMOVUP%s %s, %s", t.p[1:], rowAddr(i), acc(i, 0))
			w.op("VMOVUP%s 32%s, %s", t.p[1:], rowAddr(i), acc(i, 1))
		}
		w.op("MOVQ b+48(FP), BX")
		w.op("ADDQ R9, BX")
		w.op("MOVQ SI, DX")
		if rows == 4 {
			w.op("LEAQ (SI)(R11*2), R10")
		}
		w.op("MOVQ k+16(FP), AX")
		w.op("TESTQ AX, AX")
		w.op("JEQ %s", store)
		w.label(loop)
		w.op("VMOVUP%s (BX), Y8", t.p[1:])
		w.op("VMOVUP%s 32(BX), Y9", t.p[1:])
		aAddr := []string{"(DX)", "(DX)(R11*1)", "(R10)", "(R10)(R11*1)"}
		for i := range rows {
			w.op("%s %s, Y%d", t.bcast, aAddr[i], 10+i)
			w.op("VFMADD231%s Y8, Y%d, %s", t.p, 10+i, acc(i, 0))
			w.op("VFMADD231%s Y9, Y%d, %s", t.p, 10+i, acc(i, 1))
		}
		w.op("ADDQ CX, BX")
		w.op("ADDQ R12, DX")
		if rows == 4 {
			w.op("ADDQ R12, R10")
		}
		w.op("DECQ AX")
		w.op("JNE %s", loop)
		w.label(store)
		w.op("MOVQ DI, AX")
		w.op("ADDQ R9, AX")
		for i := range rows {
			if i == 2 {
				w.op("LEAQ (AX)(R14*2), AX")
			}
			w.op("VMOVUP%s %s, %s", t.p[1:], acc(i, 0), rowAddr(i))
			w.op("VMOVUP%s %s, 32%s", t.p[1:], acc(i, 1), rowAddr(i))
		}
		w.op("ADDQ $64, R9")
	}
	w.comment("Blocks of 4 rows.")
	w.label("rows4")
	w.op("CMPQ R8, $4")
	w.op("JLT rows1")
	w.op("XORQ R9, R9")
	w.label("tiles4")
	w.op("CMPQ R9, R13")
	w.op("JGE next4")
	tile(4, "loop4", "store4")
	w.op("JMP tiles4")
	w.label("next4")
	w.op("LEAQ (SI)(R11*4), SI")
	w.op("LEAQ (DI)(R14*4), DI")
	w.op("SUBQ $4, R8")
	w.op("JMP rows4")
	w.comment("The last rows, one at a time.")
	w.label("rows1")
	w.op("TESTQ R8, R8")
	w.op("JEQ done")
	w.op("XORQ R9, R9")
	w.label("tiles1")
	w.op("CMPQ R9, R13")
	w.op("JGE next1")
	tile(1, "loop1", "store1")
	w.op("JMP tiles1")
	w.label("next1")
	w.op("ADDQ R11, SI")
	w.op("ADDQ R14, DI")
	w.op("DECQ R8")
	w.op("JMP rows1")
	w.label("done")
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

// gemvAMD64 writes gemv. Registers:
//
//	R8 rows left   SI a at the row block   DI y at the row block
//	R11 lda in bytes   R13 k rounded down to whole vectors, in bytes, R12 k
//	DX, R10 a at rows 0 and 2 of the block; BX x; AX the byte offset of p
//	Y0–Y3 the accumulators of the rows, Y4 a vector of x
func (w *writer) gemvAMD64(name string, t x86) {
	lanes := 32 / t.size
	w.comment(name+" adds a·x to y; see the package doc of the generator for the contract.", "")
	w.WriteString("// func " + name + "(m, k int, a *T, lda int, x, y *T)\n")
	w.WriteString("TEXT ·" + name + "(SB), NOSPLIT, $0-48\n")
	w.op("MOVQ m+0(FP), R8")
	w.op("MOVQ k+8(FP), R12")
	w.op("MOVQ a+16(FP), SI")
	w.op("MOVQ lda+24(FP), R11")
	w.op("SHLQ $%d, R11", t.shift)
	w.op("MOVQ x+32(FP), BX")
	w.op("MOVQ y+40(FP), DI")
	w.op("MOVQ R12, R13")
	w.op("ANDQ $-%d, R13", lanes)
	w.op("SHLQ $%d, R13", t.shift)
	w.op("SHLQ $%d, R12", t.shift)
	aAddr := []string{"(DX)(AX*1)", "(R9)(AX*1)", "(R10)(AX*1)", "(CX)(AX*1)"}
	block := func(rows int, tag string) {
		w.op("MOVQ SI, DX")
		if rows == 4 {
			w.op("LEAQ (SI)(R11*1), R9")
			w.op("LEAQ (SI)(R11*2), R10")
			w.op("LEAQ (R10)(R11*1), CX")
		}
		for i := range rows {
			w.op("VXORP%s Y%d, Y%d, Y%d", t.p[1:], i, i, i)
		}
		w.op("XORQ AX, AX")
		w.label("vec" + tag)
		w.op("CMPQ AX, R13")
		w.op("JGE sum%s", tag)
		w.op("VMOVUP%s (BX)(AX*1), Y4", t.p[1:])
		for i := range rows {
			w.op("VFMADD231%s %s, Y4, Y%d", t.p, aAddr[i], i)
		}
		w.op("ADDQ $32, AX")
		w.op("JMP vec%s", tag)
		w.label("sum" + tag)
		for i := range rows {
			x := fmt.Sprintf("X%d", i)
			w.op("VEXTRACTF128 $1, Y%d, X5", i)
			w.op("VADD%s X5, %s, %s", t.p, x, x)
			w.op("VHADD%s %s, %s, %s", t.p, x, x, x)
			if t.size == 4 {
				w.op("VHADD%s %s, %s, %s", t.p, x, x, x)
			}
		}
		w.label("tail" + tag)
		w.op("CMPQ AX, R12")
		w.op("JGE store%s", tag)
		w.op("VMOV%s (BX)(AX*1), X4", t.s)
		for i := range rows {
			w.op("VFMADD231%s %s, X4, X%d", t.s, aAddr[i], i)
		}
		w.op("ADDQ $%d, AX", t.size)
		w.op("JMP tail%s", tag)
		w.label("store" + tag)
		for i := range rows {
			y := fmt.Sprintf("%d(DI)", i*t.size)
			w.op("VADD%s %s, X%d, X%d", t.s, y, i, i)
			w.op("VMOV%s X%d, %s", t.s, i, y)
		}
	}
	w.comment("Blocks of 4 rows.")
	w.label("rows4")
	w.op("CMPQ R8, $4")
	w.op("JLT rows1")
	block(4, "4")
	w.op("LEAQ (SI)(R11*4), SI")
	w.op("ADDQ $%d, DI", 4*t.size)
	w.op("SUBQ $4, R8")
	w.op("JMP rows4")
	w.comment("The last rows, one at a time.")
	w.label("rows1")
	w.op("TESTQ R8, R8")
	w.op("JEQ done")
	block(1, "1")
	w.op("ADDQ R11, SI")
	w.op("ADDQ $%d, DI", t.size)
	w.op("DECQ R8")
	w.op("JMP rows1")
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
