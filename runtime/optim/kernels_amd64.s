//go:build !purego

#include "textflag.h"

// AVX2 kernels of the optimizers' element loops; see kernels.go for the
// plain Go forms they match bit for bit. Each kernel handles n elements, a
// multiple of the vector length (8 float32 or 4 float64), one 32-byte
// vector at a time. Every operation is a separate multiply, add, subtract,
// divide or square root, in the order of the Go code, so that it rounds
// as the Go code does: no FMA. Go's operand order is reversed from Intel's:
// VSUBPS Y1, Y2, Y3 computes Y3 = Y2 - Y1.
//
// Registers common to all kernels:
//
//	AX  byte offset of the current vector
//	CX  n in bytes, the end of the loop
//	DX  flags (flagDecay = 1, flagNesterov = 2, flagDecouple = 4)
//	DI  p   SI  g   R8  v (velocity, or Adam's v)   R9  Adam's m

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

// SGD: g ← g + λp if flagDecay; p ← p - η g.
//
//	Y0 η   Y1 λ   Y2 g   Y3 p   Y4 product

// func sgdF32(p, grad *float32, n int, lr, wd float32, flags int)
TEXT ·sgdF32(SB), NOSPLIT, $0-40
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	VBROADCASTSS lr+24(FP), Y0
	VBROADCASTSS wd+28(FP), Y1
	MOVQ flags+32(FP), DX
	XORQ AX, AX
	JMP  sgd32check

sgd32loop:
	VMOVUPS (SI)(AX*1), Y2
	VMOVUPS (DI)(AX*1), Y3
	TESTQ   $1, DX
	JZ      sgd32step
	VMULPS  Y3, Y1, Y4     // λp
	VADDPS  Y4, Y2, Y2     // g + λp

sgd32step:
	VMULPS  Y2, Y0, Y4     // η g
	VSUBPS  Y4, Y3, Y3     // p - η g
	VMOVUPS Y3, (DI)(AX*1)
	ADDQ    $32, AX

sgd32check:
	CMPQ AX, CX
	JLT  sgd32loop
	VZEROUPPER
	RET

// func sgdF64(p, grad *float64, n int, lr, wd float64, flags int)
TEXT ·sgdF64(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $3, CX
	VBROADCASTSD lr+24(FP), Y0
	VBROADCASTSD wd+32(FP), Y1
	MOVQ flags+40(FP), DX
	XORQ AX, AX
	JMP  sgd64check

sgd64loop:
	VMOVUPD (SI)(AX*1), Y2
	VMOVUPD (DI)(AX*1), Y3
	TESTQ   $1, DX
	JZ      sgd64step
	VMULPD  Y3, Y1, Y4     // λp
	VADDPD  Y4, Y2, Y2     // g + λp

sgd64step:
	VMULPD  Y2, Y0, Y4     // η g
	VSUBPD  Y4, Y3, Y3     // p - η g
	VMOVUPD Y3, (DI)(AX*1)
	ADDQ    $32, AX

sgd64check:
	CMPQ AX, CX
	JLT  sgd64loop
	VZEROUPPER
	RET

// SGD with momentum: g ← g + λp if flagDecay; v ← μv + g; then
// p ← p - η v, or with flagNesterov p ← p - η (g + μv).
//
//	Y0 η   Y1 μ   Y2 λ   Y3 g   Y4 p   Y5 v   Y6 product

// func momentumF32(p, grad, v *float32, n int, lr, mu, wd float32, flags int)
TEXT ·momentumF32(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ v+16(FP), R8
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	VBROADCASTSS lr+32(FP), Y0
	VBROADCASTSS mu+36(FP), Y1
	VBROADCASTSS wd+40(FP), Y2
	MOVQ flags+48(FP), DX
	XORQ AX, AX
	JMP  mom32check

mom32loop:
	VMOVUPS (SI)(AX*1), Y3
	VMOVUPS (DI)(AX*1), Y4
	TESTQ   $1, DX
	JZ      mom32velocity
	VMULPS  Y4, Y2, Y6     // λp
	VADDPS  Y6, Y3, Y3     // g + λp

mom32velocity:
	VMULPS  (R8)(AX*1), Y1, Y5 // μv
	VADDPS  Y3, Y5, Y5         // μv + g
	VMOVUPS Y5, (R8)(AX*1)
	TESTQ   $2, DX
	JZ      mom32step
	VMULPS  Y5, Y1, Y6         // μv
	VADDPS  Y6, Y3, Y5         // g + μv, in place of v

mom32step:
	VMULPS  Y5, Y0, Y6     // η v
	VSUBPS  Y6, Y4, Y4     // p - η v
	VMOVUPS Y4, (DI)(AX*1)
	ADDQ    $32, AX

mom32check:
	CMPQ AX, CX
	JLT  mom32loop
	VZEROUPPER
	RET

// func momentumF64(p, grad, v *float64, n int, lr, mu, wd float64, flags int)
TEXT ·momentumF64(SB), NOSPLIT, $0-64
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ v+16(FP), R8
	MOVQ n+24(FP), CX
	SHLQ $3, CX
	VBROADCASTSD lr+32(FP), Y0
	VBROADCASTSD mu+40(FP), Y1
	VBROADCASTSD wd+48(FP), Y2
	MOVQ flags+56(FP), DX
	XORQ AX, AX
	JMP  mom64check

mom64loop:
	VMOVUPD (SI)(AX*1), Y3
	VMOVUPD (DI)(AX*1), Y4
	TESTQ   $1, DX
	JZ      mom64velocity
	VMULPD  Y4, Y2, Y6     // λp
	VADDPD  Y6, Y3, Y3     // g + λp

mom64velocity:
	VMULPD  (R8)(AX*1), Y1, Y5 // μv
	VADDPD  Y3, Y5, Y5         // μv + g
	VMOVUPD Y5, (R8)(AX*1)
	TESTQ   $2, DX
	JZ      mom64step
	VMULPD  Y5, Y1, Y6         // μv
	VADDPD  Y6, Y3, Y5         // g + μv, in place of v

mom64step:
	VMULPD  Y5, Y0, Y6     // η v
	VSUBPD  Y6, Y4, Y4     // p - η v
	VMOVUPD Y4, (DI)(AX*1)
	ADDQ    $32, AX

mom64check:
	CMPQ AX, CX
	JLT  mom64loop
	VZEROUPPER
	RET

// Adam: g ← g + l2·p if flagDecay; p ← decay·p if flagDecouple;
// m ← β₁m + (1-β₁)g; v ← β₂v + ((1-β₂)g)g;
// p ← p - (stepSize·m) / (√v·invSqrtBc2 + ε).
//
//	BX  k, the coefficients
//	Y0 β₁   Y1 1-β₁   Y2 β₂   Y3 1-β₂   Y4 invSqrtBc2   Y5 ε
//	Y6 stepSize   Y7 l2   Y8 decay
//	Y9 g   Y10 p   Y11 m, then the step   Y12 product   Y13 v, then the denominator

// func adamF32(p, grad, m, v *float32, n int, k *[9]float32, flags int)
TEXT ·adamF32(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R9
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	SHLQ $2, CX
	MOVQ k+40(FP), BX
	MOVQ flags+48(FP), DX
	VBROADCASTSS 0(BX), Y0
	VBROADCASTSS 4(BX), Y1
	VBROADCASTSS 8(BX), Y2
	VBROADCASTSS 12(BX), Y3
	VBROADCASTSS 16(BX), Y4
	VBROADCASTSS 20(BX), Y5
	VBROADCASTSS 24(BX), Y6
	VBROADCASTSS 28(BX), Y7
	VBROADCASTSS 32(BX), Y8
	XORQ AX, AX
	JMP  adam32check

adam32loop:
	VMOVUPS (SI)(AX*1), Y9
	VMOVUPS (DI)(AX*1), Y10
	TESTQ   $1, DX
	JZ      adam32decouple
	VMULPS  Y10, Y7, Y12   // l2·p
	VADDPS  Y12, Y9, Y9    // g + l2·p

adam32decouple:
	TESTQ  $4, DX
	JZ     adam32moments
	VMULPS Y8, Y10, Y10    // decay·p

adam32moments:
	VMULPS  (R9)(AX*1), Y0, Y11 // β₁m
	VMULPS  Y9, Y1, Y12         // (1-β₁)g
	VADDPS  Y12, Y11, Y11       // m = β₁m + (1-β₁)g
	VMULPS  Y9, Y3, Y12         // (1-β₂)g
	VMULPS  Y9, Y12, Y12        // ((1-β₂)g)g
	VMULPS  (R8)(AX*1), Y2, Y13 // β₂v
	VADDPS  Y12, Y13, Y13       // v = β₂v + ((1-β₂)g)g
	VMOVUPS Y11, (R9)(AX*1)
	VMOVUPS Y13, (R8)(AX*1)
	VSQRTPS Y13, Y13            // √v
	VMULPS  Y4, Y13, Y13        // √v·invSqrtBc2
	VADDPS  Y5, Y13, Y13        // denominator: √v·invSqrtBc2 + ε
	VMULPS  Y11, Y6, Y11        // stepSize·m
	VDIVPS  Y13, Y11, Y11       // stepSize·m / denominator
	VSUBPS  Y11, Y10, Y10       // p - step
	VMOVUPS Y10, (DI)(AX*1)
	ADDQ    $32, AX

adam32check:
	CMPQ AX, CX
	JLT  adam32loop
	VZEROUPPER
	RET

// func adamF64(p, grad, m, v *float64, n int, k *[9]float64, flags int)
TEXT ·adamF64(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R9
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	SHLQ $3, CX
	MOVQ k+40(FP), BX
	MOVQ flags+48(FP), DX
	VBROADCASTSD 0(BX), Y0
	VBROADCASTSD 8(BX), Y1
	VBROADCASTSD 16(BX), Y2
	VBROADCASTSD 24(BX), Y3
	VBROADCASTSD 32(BX), Y4
	VBROADCASTSD 40(BX), Y5
	VBROADCASTSD 48(BX), Y6
	VBROADCASTSD 56(BX), Y7
	VBROADCASTSD 64(BX), Y8
	XORQ AX, AX
	JMP  adam64check

adam64loop:
	VMOVUPD (SI)(AX*1), Y9
	VMOVUPD (DI)(AX*1), Y10
	TESTQ   $1, DX
	JZ      adam64decouple
	VMULPD  Y10, Y7, Y12   // l2·p
	VADDPD  Y12, Y9, Y9    // g + l2·p

adam64decouple:
	TESTQ  $4, DX
	JZ     adam64moments
	VMULPD Y8, Y10, Y10    // decay·p

adam64moments:
	VMULPD  (R9)(AX*1), Y0, Y11 // β₁m
	VMULPD  Y9, Y1, Y12         // (1-β₁)g
	VADDPD  Y12, Y11, Y11       // m = β₁m + (1-β₁)g
	VMULPD  Y9, Y3, Y12         // (1-β₂)g
	VMULPD  Y9, Y12, Y12        // ((1-β₂)g)g
	VMULPD  (R8)(AX*1), Y2, Y13 // β₂v
	VADDPD  Y12, Y13, Y13       // v = β₂v + ((1-β₂)g)g
	VMOVUPD Y11, (R9)(AX*1)
	VMOVUPD Y13, (R8)(AX*1)
	VSQRTPD Y13, Y13            // √v
	VMULPD  Y4, Y13, Y13        // √v·invSqrtBc2
	VADDPD  Y5, Y13, Y13        // denominator: √v·invSqrtBc2 + ε
	VMULPD  Y11, Y6, Y11        // stepSize·m
	VDIVPD  Y13, Y11, Y11       // stepSize·m / denominator
	VSUBPD  Y11, Y10, Y10       // p - step
	VMOVUPD Y10, (DI)(AX*1)
	ADDQ    $32, AX

adam64check:
	CMPQ AX, CX
	JLT  adam64loop
	VZEROUPPER
	RET
