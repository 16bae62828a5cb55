//go:build !purego

#include "textflag.h"

// AVX2 kernels of the gradient reduction; see scaleGo, sum2Go and sum4Go in
// fit.go for the plain Go forms they match bit for bit. Each handles n
// elements, a multiple of the vector length (8 float32 or 4 float64), one
// 32-byte vector at a time, with separately rounded adds and multiplies in
// the order of the Go code. Go's operand order is reversed from Intel's:
// VADDPS Y1, Y2, Y3 computes Y3 = Y2 + Y1.
//
// Finiteness: v·0 is ±0 for a finite v and NaN otherwise, so the bitwise OR
// of the v·0 of all results is ±0 in every lane exactly when all are finite.
//
// Registers:
//
//	AX  byte offset of the current vector   CX  n in bytes
//	DI  x   SI  x1   R8  x2   R9  x3
//	Y0 inv   Y1 the sum, then the result v   Y2 v·0   Y14 OR of the v·0   Y15 zero

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// FINITE32 and FINITE64 set the byte ret to true if every lane of Y14 is
// ±0 (compared equal to zero, ordered, each lane to all ones), else to
// false. They use BX.
#define FINITE32(ret) \
	VCMPPS    $0, Y15, Y14, Y14 \
	VMOVMSKPS Y14, BX           \
	CMPQ      BX, $0xff         \
	SETEQ     ret

#define FINITE64(ret) \
	VCMPPD    $0, Y15, Y14, Y14 \
	VMOVMSKPD Y14, BX           \
	CMPQ      BX, $0x0f         \
	SETEQ     ret

// x ← x·inv.

// func scaleF32(x *float32, n int, inv float32) (finite bool)
TEXT ·scaleF32(SB), NOSPLIT, $0-25
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	SHLQ $2, CX
	VBROADCASTSS inv+16(FP), Y0
	VXORPS Y15, Y15, Y15
	VXORPS Y14, Y14, Y14
	XORQ AX, AX
	JMP  scale32check

scale32loop:
	VMULPS  (DI)(AX*1), Y0, Y1 // v = x·inv
	VMOVUPS Y1, (DI)(AX*1)
	VMULPS  Y15, Y1, Y2        // v·0
	VORPS   Y2, Y14, Y14
	ADDQ    $32, AX

scale32check:
	CMPQ AX, CX
	JLT  scale32loop
	FINITE32(finite+24(FP))
	VZEROUPPER
	RET

// func scaleF64(x *float64, n int, inv float64) (finite bool)
TEXT ·scaleF64(SB), NOSPLIT, $0-25
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	SHLQ $3, CX
	VBROADCASTSD inv+16(FP), Y0
	VXORPD Y15, Y15, Y15
	VXORPD Y14, Y14, Y14
	XORQ AX, AX
	JMP  scale64check

scale64loop:
	VMULPD  (DI)(AX*1), Y0, Y1 // v = x·inv
	VMOVUPD Y1, (DI)(AX*1)
	VMULPD  Y15, Y1, Y2        // v·0
	VORPD   Y2, Y14, Y14
	ADDQ    $32, AX

scale64check:
	CMPQ AX, CX
	JLT  scale64loop
	FINITE64(finite+24(FP))
	VZEROUPPER
	RET

// x ← (x + x1)·inv; x1 ← 0.

// func sum2F32(x, x1 *float32, n int, inv float32) (finite bool)
TEXT ·sum2F32(SB), NOSPLIT, $0-33
	MOVQ x+0(FP), DI
	MOVQ x1+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	VBROADCASTSS inv+24(FP), Y0
	VXORPS Y15, Y15, Y15
	VXORPS Y14, Y14, Y14
	XORQ AX, AX
	JMP  sum2f32check

sum2f32loop:
	VMOVUPS (DI)(AX*1), Y1
	VADDPS  (SI)(AX*1), Y1, Y1 // x + x1
	VMULPS  Y0, Y1, Y1         // v = (x + x1)·inv
	VMOVUPS Y1, (DI)(AX*1)
	VMOVUPS Y15, (SI)(AX*1)
	VMULPS  Y15, Y1, Y2        // v·0
	VORPS   Y2, Y14, Y14
	ADDQ    $32, AX

sum2f32check:
	CMPQ AX, CX
	JLT  sum2f32loop
	FINITE32(finite+32(FP))
	VZEROUPPER
	RET

// func sum2F64(x, x1 *float64, n int, inv float64) (finite bool)
TEXT ·sum2F64(SB), NOSPLIT, $0-33
	MOVQ x+0(FP), DI
	MOVQ x1+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $3, CX
	VBROADCASTSD inv+24(FP), Y0
	VXORPD Y15, Y15, Y15
	VXORPD Y14, Y14, Y14
	XORQ AX, AX
	JMP  sum2f64check

sum2f64loop:
	VMOVUPD (DI)(AX*1), Y1
	VADDPD  (SI)(AX*1), Y1, Y1 // x + x1
	VMULPD  Y0, Y1, Y1         // v = (x + x1)·inv
	VMOVUPD Y1, (DI)(AX*1)
	VMOVUPD Y15, (SI)(AX*1)
	VMULPD  Y15, Y1, Y2        // v·0
	VORPD   Y2, Y14, Y14
	ADDQ    $32, AX

sum2f64check:
	CMPQ AX, CX
	JLT  sum2f64loop
	FINITE64(finite+32(FP))
	VZEROUPPER
	RET

// x ← (((x + x1) + x2) + x3)·inv; x1, x2, x3 ← 0.

// func sum4F32(x, x1, x2, x3 *float32, n int, inv float32) (finite bool)
TEXT ·sum4F32(SB), NOSPLIT, $0-49
	MOVQ x+0(FP), DI
	MOVQ x1+8(FP), SI
	MOVQ x2+16(FP), R8
	MOVQ x3+24(FP), R9
	MOVQ n+32(FP), CX
	SHLQ $2, CX
	VBROADCASTSS inv+40(FP), Y0
	VXORPS Y15, Y15, Y15
	VXORPS Y14, Y14, Y14
	XORQ AX, AX
	JMP  sum4f32check

sum4f32loop:
	VMOVUPS (DI)(AX*1), Y1
	VADDPS  (SI)(AX*1), Y1, Y1 // x + x1
	VADDPS  (R8)(AX*1), Y1, Y1 // + x2
	VADDPS  (R9)(AX*1), Y1, Y1 // + x3
	VMULPS  Y0, Y1, Y1         // v = sum·inv
	VMOVUPS Y1, (DI)(AX*1)
	VMOVUPS Y15, (SI)(AX*1)
	VMOVUPS Y15, (R8)(AX*1)
	VMOVUPS Y15, (R9)(AX*1)
	VMULPS  Y15, Y1, Y2        // v·0
	VORPS   Y2, Y14, Y14
	ADDQ    $32, AX

sum4f32check:
	CMPQ AX, CX
	JLT  sum4f32loop
	FINITE32(finite+48(FP))
	VZEROUPPER
	RET

// func sum4F64(x, x1, x2, x3 *float64, n int, inv float64) (finite bool)
TEXT ·sum4F64(SB), NOSPLIT, $0-49
	MOVQ x+0(FP), DI
	MOVQ x1+8(FP), SI
	MOVQ x2+16(FP), R8
	MOVQ x3+24(FP), R9
	MOVQ n+32(FP), CX
	SHLQ $3, CX
	VBROADCASTSD inv+40(FP), Y0
	VXORPD Y15, Y15, Y15
	VXORPD Y14, Y14, Y14
	XORQ AX, AX
	JMP  sum4f64check

sum4f64loop:
	VMOVUPD (DI)(AX*1), Y1
	VADDPD  (SI)(AX*1), Y1, Y1 // x + x1
	VADDPD  (R8)(AX*1), Y1, Y1 // + x2
	VADDPD  (R9)(AX*1), Y1, Y1 // + x3
	VMULPD  Y0, Y1, Y1         // v = sum·inv
	VMOVUPD Y1, (DI)(AX*1)
	VMOVUPD Y15, (SI)(AX*1)
	VMOVUPD Y15, (R8)(AX*1)
	VMOVUPD Y15, (R9)(AX*1)
	VMULPD  Y15, Y1, Y2        // v·0
	VORPD   Y2, Y14, Y14
	ADDQ    $32, AX

sum4f64check:
	CMPQ AX, CX
	JLT  sum4f64loop
	FINITE64(finite+48(FP))
	VZEROUPPER
	RET
