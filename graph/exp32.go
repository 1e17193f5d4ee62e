package graph

import "math"

// exp32 is e^x in float32, within 2 ulps of the correctly rounded value
// (TestExp32): Cephes's expf. x = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two
// parts, so that r is exact), e^r by a polynomial of degree 7, and 2^n
// put into the exponent bits. Below -103.97 it is 0, above 88.72 +Inf.
func exp32(x float32) float32 {
	const (
		log2e  = 1.44269504088896341
		ln2Hi  = 0.693359375
		ln2Lo  = -2.12194440e-4
		maxArg = 88.72283905206835
		minArg = -103.97207708
	)
	switch {
	case x != x:
		return x
	case x > maxArg:
		return float32(math.Inf(1))
	case x < minArg:
		return 0
	}
	z := x*log2e + 0.5
	n := int32(z)
	if float32(n) > z {
		n-- // floor for negative z
	}
	fn := float32(n)
	r := x - fn*ln2Hi - fn*ln2Lo
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	y := p*r*r + r + 1
	// 2^n for n in [-150, 128]: the bits of 2^n exist for n in [-126, 127].
	if n < -126 {
		y *= 1.0 / (1 << 24)
		n += 24
	}
	if n > 127 {
		y *= 2
		n--
	}
	return y * math.Float32frombits(uint32(n+127)<<23)
}
