package datasets

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Token lengths, in runes, that Tokenize keeps: shorter tokens are mostly
// noise ("a", "i", stray letters of encodings) and longer ones mostly
// base64, URLs or hashes that never repeat.
const (
	MinTokenLen = 2
	MaxTokenLen = 30
)

// DefaultBOWDim is the number of features a HashedBOW with Dim 0 makes.
// A float32 vector of this size is 16 KiB, so the 6,046 messages of the
// SpamAssassin corpus take 6046 × 4096 × 4 B ≈ 99 MB.
const DefaultBOWDim = 4096

// Tokenize appends to dst the tokens of s, in order, and returns the
// extended slice: s is lower-cased (unicode.ToLower), cut at every rune
// that is neither a letter nor a digit (unicode.IsLetter, unicode.IsDigit),
// and the pieces of MinTokenLen to MaxTokenLen runes are kept. When prefix
// is not empty, each token is prefixed with it ("subject:" gives
// "subject:free"), which keeps header words apart from body words in a bag
// of words. The result depends on s and prefix only.
func Tokenize(dst []string, s, prefix string) []string {
	start, runes := -1, 0
	flush := func(end int) {
		if start >= 0 && runes >= MinTokenLen && runes <= MaxTokenLen {
			dst = append(dst, prefix+strings.ToLower(s[start:end]))
		}
		start, runes = -1, 0
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			runes++
			continue
		}
		flush(i)
	}
	flush(len(s))
	return dst
}

// A HashedBOW maps a list of tokens to a fixed-size feature vector by the
// hashing trick (Weinberger et al., "Feature Hashing for Large Scale
// Multitask Learning", ICML 2009), as scikit-learn's HashingVectorizer
// does. Each distinct token t, occurring tf times, adds ±(1 + ln tf)
// (sublinear term frequency) to feature Bucket(t); the vector is then
// scaled to unit L2 norm (a vector of zeros, for no tokens, stays zero).
// The zero value is ready to use: Dim 4096, signed hashing.
type HashedBOW struct {
	// Dim is the number of features; 0 means DefaultBOWDim.
	Dim int
	// Unsigned turns signed hashing off: every token then adds a positive
	// weight. Signed hashing (the default) gives each token a sign from
	// its hash, so that colliding tokens tend to cancel rather than pile
	// up, and the inner product of two vectors is unbiased.
	Unsigned bool
}

// FNV-1a 64-bit parameters (Fowler, Noll and Vo; RFC draft
// draft-eastlake-fnv), the ones hash/fnv.New64a uses.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// fnv1a64 returns the 64-bit FNV-1a hash of the bytes of s, as
// hash/fnv.New64a would, without allocating.
func fnv1a64(s string) uint64 {
	h := uint64(fnvOffset64)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

// dim returns the number of features, or an error for a negative Dim.
func (h HashedBOW) dim() (int, error) {
	switch {
	case h.Dim == 0:
		return DefaultBOWDim, nil
	case h.Dim < 0:
		return 0, fmt.Errorf("datasets: hashed bag of words: dimension %d, want >= 1 (or 0 for %d)", h.Dim, DefaultBOWDim)
	}
	return h.Dim, nil
}

// Bucket returns the feature a token adds to and the sign it adds with
// (+1, or -1 when signed hashing gives it one). With the 64-bit FNV-1a
// hash f of the token's bytes, the feature is f mod Dim and the sign is
// -1 when bit 63 of f is set (and signed hashing is on). A negative Dim
// gives feature 0.
func (h HashedBOW) Bucket(token string) (int, float32) {
	d, err := h.dim()
	if err != nil {
		return 0, 1
	}
	f := fnv1a64(token)
	if !h.Unsigned && f>>63 == 1 {
		return int(f % uint64(d)), -1
	}
	return int(f % uint64(d)), 1
}

// Features writes the vector of tokens to dst, which must hold exactly Dim
// values (DefaultBOWDim for Dim 0); dst is overwritten. The vector is the
// same for any order of the tokens: they are sorted and counted, the
// weights summed in float64 in sorted order, and the result rounded once
// to float32. tokens is not modified. A wrong length of dst or a negative
// Dim is an error.
func (h HashedBOW) Features(dst []float32, tokens []string) error {
	d, err := h.dim()
	if err != nil {
		return err
	}
	if len(dst) != d {
		return fmt.Errorf("datasets: hashed bag of words: destination holds %d values, want %d", len(dst), d)
	}
	acc := make([]float64, d)
	sorted := slices.Clone(tokens)
	slices.Sort(sorted)
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		b, sign := h.Bucket(sorted[i])
		acc[b] += float64(sign) * (1 + math.Log(float64(j-i)))
		i = j
	}
	var norm float64
	for _, v := range acc {
		norm += v * v
	}
	norm = math.Sqrt(norm)
	for i, v := range acc {
		if norm > 0 {
			v /= norm
		}
		dst[i] = float32(v)
	}
	return nil
}
