//go:build !purego

#include "textflag.h"

// NEON kernels of the optimizers' element loops; see kernels.go for the
// plain Go forms they match. Each kernel handles n > 0 elements, a
// multiple of the vector length (4 float32 or 2 float64), one 16-byte
// vector at a time, with the operations of the Go code in its order. On
// arm64 the Go compiler fuses a multiply feeding an add or a subtract into
// FMADD or FMSUB, with one rounding; the kernels fuse the same pairs, with
// VFMLA and VFMLS, so that with Go 1.26 their results are bit-identical
// to the Go code's. Where an add has two products (Adam's moments) the
// compiler fuses the first, β₁m and β₂v; the language leaves that choice
// open, so the tests allow the last place to differ.
//
// Go's arm64 assembler has VFMLA (Vd += Vn·Vm, Go's operands Vm, Vn, Vd)
// and VFMLS (Vd -= Vn·Vm) but no vector FADD, FSUB, FMUL, FDIV or FSQRT,
// so the macros below encode those as WORDs (ARMv8-A, Advanced SIMD, Q = 1).
// Their operands are register numbers in Go's order, sources first:
// FSUB_S4(m, n, d) is FSUB Vd.4S, Vn.4S, Vm.4S, that is Vd = Vn - Vm.
#define FADD_S4(m, n, d) WORD $(0x4E20D400 | (m<<16) | (n<<5) | d)
#define FSUB_S4(m, n, d) WORD $(0x4EA0D400 | (m<<16) | (n<<5) | d)
#define FMUL_S4(m, n, d) WORD $(0x6E20DC00 | (m<<16) | (n<<5) | d)
#define FDIV_S4(m, n, d) WORD $(0x6E20FC00 | (m<<16) | (n<<5) | d)
#define FSQRT_S4(n, d) WORD $(0x6EA1F800 | (n<<5) | d)
#define FADD_D2(m, n, d) WORD $(0x4E60D400 | (m<<16) | (n<<5) | d)
#define FSUB_D2(m, n, d) WORD $(0x4EE0D400 | (m<<16) | (n<<5) | d)
#define FMUL_D2(m, n, d) WORD $(0x6E60DC00 | (m<<16) | (n<<5) | d)
#define FDIV_D2(m, n, d) WORD $(0x6E60FC00 | (m<<16) | (n<<5) | d)
#define FSQRT_D2(n, d) WORD $(0x6EE1F800 | (n<<5) | d)

// Registers common to all kernels:
//
//	R0  p   R1  g   R2  v (velocity, or Adam's v)   R3  Adam's m
//	R4  elements left   R5  flags (flagDecay = 1, flagNesterov = 2, flagDecouple = 4)
//	R6  Adam's coefficients k
//
// Loads of values that are also stored leave the pointer alone; the store
// advances it.

// SGD: g ← g + λp if flagDecay; p ← p - η g.
//
//	V0 η   V1 λ   V2 g   V3 p

// func sgdF32(p, grad *float32, n int, lr, wd float32, flags int)
TEXT ·sgdF32(SB), NOSPLIT, $0-40
	MOVD p+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD n+16(FP), R4
	FMOVS lr+24(FP), F0
	VDUP V0.S[0], V0.S4
	FMOVS wd+28(FP), F1
	VDUP V1.S[0], V1.S4
	MOVD flags+32(FP), R5

sgd32loop:
	VLD1.P 16(R1), [V2.S4]
	VLD1   (R0), [V3.S4]
	TBZ    $0, R5, sgd32step
	VFMLA  V3.S4, V1.S4, V2.S4 // g + λp

sgd32step:
	VFMLS  V2.S4, V0.S4, V3.S4 // p - η g
	VST1.P [V3.S4], 16(R0)
	SUBS   $4, R4, R4
	BNE    sgd32loop
	RET

// SGD with momentum: g ← g + λp if flagDecay; v ← μv + g; then
// p ← p - η v, or with flagNesterov p ← p - η (g + μv).
//
//	V0 η   V1 μ   V2 λ   V3 g   V4 p   V5 v   V6 the new v, then the step

// func momentumF32(p, grad, v *float32, n int, lr, mu, wd float32, flags int)
TEXT ·momentumF32(SB), NOSPLIT, $0-56
	MOVD p+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD v+16(FP), R2
	MOVD n+24(FP), R4
	FMOVS lr+32(FP), F0
	VDUP V0.S[0], V0.S4
	FMOVS mu+36(FP), F1
	VDUP V1.S[0], V1.S4
	FMOVS wd+40(FP), F2
	VDUP V2.S[0], V2.S4
	MOVD flags+48(FP), R5

mom32loop:
	VLD1.P 16(R1), [V3.S4]
	VLD1   (R0), [V4.S4]
	VLD1   (R2), [V5.S4]
	TBZ    $0, R5, mom32velocity
	VFMLA  V4.S4, V2.S4, V3.S4 // g + λp

mom32velocity:
	VORR   V3.B16, V3.B16, V6.B16
	VFMLA  V5.S4, V1.S4, V6.S4 // v = g + μv
	VST1.P [V6.S4], 16(R2)
	TBZ    $1, R5, mom32step
	VFMLA  V6.S4, V1.S4, V3.S4 // g + μv
	VORR   V3.B16, V3.B16, V6.B16     // in place of v

mom32step:
	VFMLS  V6.S4, V0.S4, V4.S4 // p - η v
	VST1.P [V4.S4], 16(R0)
	SUBS   $4, R4, R4
	BNE    mom32loop
	RET

// Adam: g ← g + l2·p if flagDecay; p ← decay·p if flagDecouple;
// m ← β₁m + (1-β₁)g; v ← β₂v + ((1-β₂)g)g;
// p ← p - (stepSize·m) / (√v·invSqrtBc2 + ε).
//
//	V0 β₁   V1 1-β₁   V2 β₂   V3 1-β₂   V4 invSqrtBc2   V5 ε
//	V6 stepSize   V7 l2   V8 decay
//	V9 g   V10 p   V11 m   V12 the new m, then the step
//	V13 v, then √v   V14 the new v   V15 the denominator

// func adamF32(p, grad, m, v *float32, n int, k *[9]float32, flags int)
TEXT ·adamF32(SB), NOSPLIT, $0-56
	MOVD p+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD m+16(FP), R3
	MOVD v+24(FP), R2
	MOVD n+32(FP), R4
	MOVD k+40(FP), R6
	MOVD flags+48(FP), R5
	FMOVS 0(R6), F0
	VDUP V0.S[0], V0.S4
	FMOVS 4(R6), F1
	VDUP V1.S[0], V1.S4
	FMOVS 8(R6), F2
	VDUP V2.S[0], V2.S4
	FMOVS 12(R6), F3
	VDUP V3.S[0], V3.S4
	FMOVS 16(R6), F4
	VDUP V4.S[0], V4.S4
	FMOVS 20(R6), F5
	VDUP V5.S[0], V5.S4
	FMOVS 24(R6), F6
	VDUP V6.S[0], V6.S4
	FMOVS 28(R6), F7
	VDUP V7.S[0], V7.S4
	FMOVS 32(R6), F8
	VDUP V8.S[0], V8.S4

adam32loop:
	VLD1.P 16(R1), [V9.S4]
	VLD1   (R0), [V10.S4]
	VLD1   (R3), [V11.S4]
	VLD1   (R2), [V13.S4]
	TBZ    $0, R5, adam32decouple
	VFMLA  V10.S4, V7.S4, V9.S4 // g + l2·p

adam32decouple:
	TBZ    $2, R5, adam32moments
	FMUL_S4(8, 10, 10)  // decay·p

adam32moments:
	FMUL_S4(9, 1, 12)   // (1-β₁)g
	VFMLA  V11.S4, V0.S4, V12.S4 // m = (1-β₁)g + β₁m
	FMUL_S4(9, 3, 14)   // (1-β₂)g
	FMUL_S4(9, 14, 14)  // ((1-β₂)g)g
	VFMLA  V13.S4, V2.S4, V14.S4 // v = ((1-β₂)g)g + β₂v
	VST1.P [V12.S4], 16(R3)
	VST1.P [V14.S4], 16(R2)
	FSQRT_S4(14, 13)    // √v
	VORR   V5.B16, V5.B16, V15.B16
	VFMLA  V13.S4, V4.S4, V15.S4 // denominator: ε + √v·invSqrtBc2
	FMUL_S4(12, 6, 12)  // stepSize·m
	FDIV_S4(15, 12, 12) // stepSize·m / denominator
	FSUB_S4(12, 10, 10) // p - step
	VST1.P [V10.S4], 16(R0)
	SUBS   $4, R4, R4
	BNE    adam32loop
	RET

// SGD: g ← g + λp if flagDecay; p ← p - η g.
//
//	V0 η   V1 λ   V2 g   V3 p

// func sgdF64(p, grad *float64, n int, lr, wd float64, flags int)
TEXT ·sgdF64(SB), NOSPLIT, $0-48
	MOVD p+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD n+16(FP), R4
	FMOVD lr+24(FP), F0
	VDUP V0.D[0], V0.D2
	FMOVD wd+32(FP), F1
	VDUP V1.D[0], V1.D2
	MOVD flags+40(FP), R5

sgd64loop:
	VLD1.P 16(R1), [V2.D2]
	VLD1   (R0), [V3.D2]
	TBZ    $0, R5, sgd64step
	VFMLA  V3.D2, V1.D2, V2.D2 // g + λp

sgd64step:
	VFMLS  V2.D2, V0.D2, V3.D2 // p - η g
	VST1.P [V3.D2], 16(R0)
	SUBS   $2, R4, R4
	BNE    sgd64loop
	RET

// SGD with momentum: g ← g + λp if flagDecay; v ← μv + g; then
// p ← p - η v, or with flagNesterov p ← p - η (g + μv).
//
//	V0 η   V1 μ   V2 λ   V3 g   V4 p   V5 v   V6 the new v, then the step

// func momentumF64(p, grad, v *float64, n int, lr, mu, wd float64, flags int)
TEXT ·momentumF64(SB), NOSPLIT, $0-64
	MOVD p+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD v+16(FP), R2
	MOVD n+24(FP), R4
	FMOVD lr+32(FP), F0
	VDUP V0.D[0], V0.D2
	FMOVD mu+40(FP), F1
	VDUP V1.D[0], V1.D2
	FMOVD wd+48(FP), F2
	VDUP V2.D[0], V2.D2
	MOVD flags+56(FP), R5

mom64loop:
	VLD1.P 16(R1), [V3.D2]
	VLD1   (R0), [V4.D2]
	VLD1   (R2), [V5.D2]
	TBZ    $0, R5, mom64velocity
	VFMLA  V4.D2, V2.D2, V3.D2 // g + λp

mom64velocity:
	VORR   V3.B16, V3.B16, V6.B16
	VFMLA  V5.D2, V1.D2, V6.D2 // v = g + μv
	VST1.P [V6.D2], 16(R2)
	TBZ    $1, R5, mom64step
	VFMLA  V6.D2, V1.D2, V3.D2 // g + μv
	VORR   V3.B16, V3.B16, V6.B16     // in place of v

mom64step:
	VFMLS  V6.D2, V0.D2, V4.D2 // p - η v
	VST1.P [V4.D2], 16(R0)
	SUBS   $2, R4, R4
	BNE    mom64loop
	RET

// Adam: g ← g + l2·p if flagDecay; p ← decay·p if flagDecouple;
// m ← β₁m + (1-β₁)g; v ← β₂v + ((1-β₂)g)g;
// p ← p - (stepSize·m) / (√v·invSqrtBc2 + ε).
//
//	V0 β₁   V1 1-β₁   V2 β₂   V3 1-β₂   V4 invSqrtBc2   V5 ε
//	V6 stepSize   V7 l2   V8 decay
//	V9 g   V10 p   V11 m   V12 the new m, then the step
//	V13 v, then √v   V14 the new v   V15 the denominator

// func adamF64(p, grad, m, v *float64, n int, k *[9]float64, flags int)
TEXT ·adamF64(SB), NOSPLIT, $0-56
	MOVD p+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD m+16(FP), R3
	MOVD v+24(FP), R2
	MOVD n+32(FP), R4
	MOVD k+40(FP), R6
	MOVD flags+48(FP), R5
	FMOVD 0(R6), F0
	VDUP V0.D[0], V0.D2
	FMOVD 8(R6), F1
	VDUP V1.D[0], V1.D2
	FMOVD 16(R6), F2
	VDUP V2.D[0], V2.D2
	FMOVD 24(R6), F3
	VDUP V3.D[0], V3.D2
	FMOVD 32(R6), F4
	VDUP V4.D[0], V4.D2
	FMOVD 40(R6), F5
	VDUP V5.D[0], V5.D2
	FMOVD 48(R6), F6
	VDUP V6.D[0], V6.D2
	FMOVD 56(R6), F7
	VDUP V7.D[0], V7.D2
	FMOVD 64(R6), F8
	VDUP V8.D[0], V8.D2

adam64loop:
	VLD1.P 16(R1), [V9.D2]
	VLD1   (R0), [V10.D2]
	VLD1   (R3), [V11.D2]
	VLD1   (R2), [V13.D2]
	TBZ    $0, R5, adam64decouple
	VFMLA  V10.D2, V7.D2, V9.D2 // g + l2·p

adam64decouple:
	TBZ    $2, R5, adam64moments
	FMUL_D2(8, 10, 10)  // decay·p

adam64moments:
	FMUL_D2(9, 1, 12)   // (1-β₁)g
	VFMLA  V11.D2, V0.D2, V12.D2 // m = (1-β₁)g + β₁m
	FMUL_D2(9, 3, 14)   // (1-β₂)g
	FMUL_D2(9, 14, 14)  // ((1-β₂)g)g
	VFMLA  V13.D2, V2.D2, V14.D2 // v = ((1-β₂)g)g + β₂v
	VST1.P [V12.D2], 16(R3)
	VST1.P [V14.D2], 16(R2)
	FSQRT_D2(14, 13)    // √v
	VORR   V5.B16, V5.B16, V15.B16
	VFMLA  V13.D2, V4.D2, V15.D2 // denominator: ε + √v·invSqrtBc2
	FMUL_D2(12, 6, 12)  // stepSize·m
	FDIV_D2(15, 12, 12) // stepSize·m / denominator
	FSUB_D2(12, 10, 10) // p - step
	VST1.P [V10.D2], 16(R0)
	SUBS   $2, R4, R4
	BNE    adam64loop
	RET
