//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(p, grad, m, v *float32, n int, b1, c1, b2, c2, eps, stepSize, invSqrtC2 float32)
//
// Eight values per iteration, n a multiple of 8, in the order and
// roundings of adamStep.update (no fused multiply-add):
//   m = b1·m + c1·g;  v = b2·v + (c2·g)·g;
//   p = p - (stepSize·m) / (sqrt(v)·invSqrtC2 + eps).
TEXT ·adamAVX2(SB), NOSPLIT, $0-68
	MOVQ         p+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         v+24(FP), R9
	MOVQ         n+32(FP), CX
	VBROADCASTSS b1+40(FP), Y8
	VBROADCASTSS c1+44(FP), Y9
	VBROADCASTSS b2+48(FP), Y10
	VBROADCASTSS c2+52(FP), Y11
	VBROADCASTSS eps+56(FP), Y12
	VBROADCASTSS stepSize+60(FP), Y13
	VBROADCASTSS invSqrtC2+64(FP), Y14
	XORQ         AX, AX

loop:
	CMPQ    AX, CX
	JGE     done
	VMOVUPS (SI)(AX*4), Y0       // g
	VMULPS  (R8)(AX*4), Y8, Y1   // b1·m
	VMULPS  Y0, Y9, Y2           // c1·g
	VADDPS  Y2, Y1, Y1           // m
	VMOVUPS Y1, (R8)(AX*4)
	VMULPS  Y0, Y11, Y3          // c2·g
	VMULPS  Y0, Y3, Y3           // (c2·g)·g
	VMULPS  (R9)(AX*4), Y10, Y4  // b2·v
	VADDPS  Y3, Y4, Y4           // v
	VMOVUPS Y4, (R9)(AX*4)
	VSQRTPS Y4, Y5
	VMULPS  Y14, Y5, Y5          // sqrt(v)·invSqrtC2
	VADDPS  Y12, Y5, Y5          // + eps
	VMULPS  Y1, Y13, Y6          // stepSize·m
	VDIVPS  Y5, Y6, Y6           // / denominator
	VMOVUPS (DI)(AX*4), Y7
	VSUBPS  Y6, Y7, Y7
	VMOVUPS Y7, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     loop

done:
	VZEROUPPER
	RET
