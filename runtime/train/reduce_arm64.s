//go:build !purego

#include "textflag.h"

// NEON kernels of the gradient reduction; see scaleGo, sum2Go and sum4Go in
// fit.go for the plain Go forms they match bit for bit (there is no
// multiply followed by an add for the compiler to fuse). Each handles n > 0
// elements, a multiple of the vector length (4 float32 or 2 float64), one
// 16-byte vector at a time.
//
// Finiteness: v·0 is ±0 for a finite v and NaN otherwise, so the bitwise OR
// of the v·0 of all results is ±0 in every lane exactly when all are finite;
// shifted left by one bit, dropping the signs, it is then all zero.
//
// Go's arm64 assembler has no vector FADD or FMUL, so the macros below
// encode them as WORDs (ARMv8-A, Advanced SIMD, Q = 1). Their operands are
// register numbers in Go's order, sources first: FADD_S4(m, n, d) is
// FADD Vd.4S, Vn.4S, Vm.4S.
#define FADD_S4(m, n, d) WORD $(0x4E20D400 | (m<<16) | (n<<5) | d)
#define FMUL_S4(m, n, d) WORD $(0x6E20DC00 | (m<<16) | (n<<5) | d)
#define FADD_D2(m, n, d) WORD $(0x4E60D400 | (m<<16) | (n<<5) | d)
#define FMUL_D2(m, n, d) WORD $(0x6E60DC00 | (m<<16) | (n<<5) | d)

// Registers:
//
//	R0  x   R1  x1   R2  x2   R3  x3   R4  elements left
//	V0 inv   V1 the sum, then the result v   V2–V4 x1–x3, then v·0
//	V14 OR of the v·0   V15 zero

// FINITE(arr, ret) sets the byte ret to true if every lane of V14 is ±0,
// else to false; arr is the arrangement of the lanes, S4 or D2. It uses
// R5 and R6.
#define FINITE(arr, ret) \
	VSHL $1, V14.arr, V14.arr \
	VMOV V14.D[0], R5         \
	VMOV V14.D[1], R6         \
	ORR  R5, R6, R6           \
	CMP  $0, R6               \
	CSET EQ, R6               \
	MOVB R6, ret

// x ← x·inv.

// func scaleF32(x *float32, n int, inv float32) (finite bool)
TEXT ·scaleF32(SB), NOSPLIT, $0-25
	MOVD x+0(FP), R0
	MOVD n+8(FP), R4
	FMOVS inv+16(FP), F0
	VDUP V0.S[0], V0.S4
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V14.B16, V14.B16, V14.B16

scalef32loop:
	VLD1   (R0), [V1.S4]
	FMUL_S4(0, 1, 1) // v = x·inv
	VST1.P [V1.S4], 16(R0)
	FMUL_S4(15, 1, 2) // v·0
	VORR   V2.B16, V14.B16, V14.B16
	SUBS   $4, R4, R4
	BNE    scalef32loop
	FINITE(S4, finite+24(FP))
	RET

// x ← (x + x1)·inv; x1 ← 0.

// func sum2F32(x, x1 *float32, n int, inv float32) (finite bool)
TEXT ·sum2F32(SB), NOSPLIT, $0-33
	MOVD x+0(FP), R0
	MOVD x1+8(FP), R1
	MOVD n+16(FP), R4
	FMOVS inv+24(FP), F0
	VDUP V0.S[0], V0.S4
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V14.B16, V14.B16, V14.B16

sum2f32loop:
	VLD1   (R0), [V1.S4]
	VLD1   (R1), [V2.S4]
	VST1.P [V15.S4], 16(R1)
	FADD_S4(2, 1, 1) // + x1
	FMUL_S4(0, 1, 1) // v = sum·inv
	VST1.P [V1.S4], 16(R0)
	FMUL_S4(15, 1, 2) // v·0
	VORR   V2.B16, V14.B16, V14.B16
	SUBS   $4, R4, R4
	BNE    sum2f32loop
	FINITE(S4, finite+32(FP))
	RET

// x ← (((x + x1) + x2) + x3)·inv; x1, x2, x3 ← 0.

// func sum4F32(x, x1, x2, x3 *float32, n int, inv float32) (finite bool)
TEXT ·sum4F32(SB), NOSPLIT, $0-49
	MOVD x+0(FP), R0
	MOVD x1+8(FP), R1
	MOVD x2+16(FP), R2
	MOVD x3+24(FP), R3
	MOVD n+32(FP), R4
	FMOVS inv+40(FP), F0
	VDUP V0.S[0], V0.S4
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V14.B16, V14.B16, V14.B16

sum4f32loop:
	VLD1   (R0), [V1.S4]
	VLD1   (R1), [V2.S4]
	VLD1   (R2), [V3.S4]
	VLD1   (R3), [V4.S4]
	VST1.P [V15.S4], 16(R1)
	VST1.P [V15.S4], 16(R2)
	VST1.P [V15.S4], 16(R3)
	FADD_S4(2, 1, 1) // + x1
	FADD_S4(3, 1, 1) // + x2
	FADD_S4(4, 1, 1) // + x3
	FMUL_S4(0, 1, 1) // v = sum·inv
	VST1.P [V1.S4], 16(R0)
	FMUL_S4(15, 1, 2) // v·0
	VORR   V2.B16, V14.B16, V14.B16
	SUBS   $4, R4, R4
	BNE    sum4f32loop
	FINITE(S4, finite+48(FP))
	RET

// func scaleF64(x *float64, n int, inv float64) (finite bool)
TEXT ·scaleF64(SB), NOSPLIT, $0-25
	MOVD x+0(FP), R0
	MOVD n+8(FP), R4
	FMOVD inv+16(FP), F0
	VDUP V0.D[0], V0.D2
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V14.B16, V14.B16, V14.B16

scalef64loop:
	VLD1   (R0), [V1.D2]
	FMUL_D2(0, 1, 1) // v = x·inv
	VST1.P [V1.D2], 16(R0)
	FMUL_D2(15, 1, 2) // v·0
	VORR   V2.B16, V14.B16, V14.B16
	SUBS   $2, R4, R4
	BNE    scalef64loop
	FINITE(D2, finite+24(FP))
	RET

// func sum2F64(x, x1 *float64, n int, inv float64) (finite bool)
TEXT ·sum2F64(SB), NOSPLIT, $0-33
	MOVD x+0(FP), R0
	MOVD x1+8(FP), R1
	MOVD n+16(FP), R4
	FMOVD inv+24(FP), F0
	VDUP V0.D[0], V0.D2
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V14.B16, V14.B16, V14.B16

sum2f64loop:
	VLD1   (R0), [V1.D2]
	VLD1   (R1), [V2.D2]
	VST1.P [V15.D2], 16(R1)
	FADD_D2(2, 1, 1) // + x1
	FMUL_D2(0, 1, 1) // v = sum·inv
	VST1.P [V1.D2], 16(R0)
	FMUL_D2(15, 1, 2) // v·0
	VORR   V2.B16, V14.B16, V14.B16
	SUBS   $2, R4, R4
	BNE    sum2f64loop
	FINITE(D2, finite+32(FP))
	RET

// func sum4F64(x, x1, x2, x3 *float64, n int, inv float64) (finite bool)
TEXT ·sum4F64(SB), NOSPLIT, $0-49
	MOVD x+0(FP), R0
	MOVD x1+8(FP), R1
	MOVD x2+16(FP), R2
	MOVD x3+24(FP), R3
	MOVD n+32(FP), R4
	FMOVD inv+40(FP), F0
	VDUP V0.D[0], V0.D2
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V14.B16, V14.B16, V14.B16

sum4f64loop:
	VLD1   (R0), [V1.D2]
	VLD1   (R1), [V2.D2]
	VLD1   (R2), [V3.D2]
	VLD1   (R3), [V4.D2]
	VST1.P [V15.D2], 16(R1)
	VST1.P [V15.D2], 16(R2)
	VST1.P [V15.D2], 16(R3)
	FADD_D2(2, 1, 1) // + x1
	FADD_D2(3, 1, 1) // + x2
	FADD_D2(4, 1, 1) // + x3
	FMUL_D2(0, 1, 1) // v = sum·inv
	VST1.P [V1.D2], 16(R0)
	FMUL_D2(15, 1, 2) // v·0
	VORR   V2.B16, V14.B16, V14.B16
	SUBS   $2, R4, R4
	BNE    sum4f64loop
	FINITE(D2, finite+48(FP))
	RET
