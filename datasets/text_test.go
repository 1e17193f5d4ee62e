package datasets

import (
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	long := strings.Repeat("x", MaxTokenLen)
	tests := []struct {
		name, in, prefix string
		want             []string
	}{
		{"empty", "", "", nil},
		{"words", "Hello, World!", "", []string{"hello", "world"}},
		{"short dropped", "a bb I ccc", "", []string{"bb", "ccc"}},
		{"digits", "Call 555-1234 in 2002", "", []string{"call", "555", "1234", "in", "2002"}},
		{"mixed", "mp3s and 3D", "", []string{"mp3s", "and", "3d"}},
		{"punctuation splits", "e-mail user@example.org's", "", []string{"mail", "user", "example", "org"}},
		{"underscore splits", "snake_case", "", []string{"snake", "case"}},
		{"longest kept", long + " " + long + "y", "", []string{long}},
		{"unicode letters", "Grüße aus KÖLN", "", []string{"grüße", "aus", "köln"}},
		{"runes not bytes", "éé ü", "", []string{"éé"}}, // "éé" is 4 bytes, 2 runes; "ü" 1 rune
		{"replacement character splits", "cr\ufffdme", "", []string{"cr", "me"}},
		{"prefix", "Free MONEY", "subject:", []string{"subject:free", "subject:money"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokenize(nil, tt.in, tt.prefix)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q, %q) = %q, want %q", tt.in, tt.prefix, got, tt.want)
			}
		})
	}
	dst := Tokenize([]string{"kept"}, "more words", "")
	if want := []string{"kept", "more", "words"}; !reflect.DeepEqual(dst, want) {
		t.Errorf("Tokenize appended %q, want %q", dst, want)
	}
}

// TestHashFNV1a64 checks the hash against the published FNV-1a 64-bit test
// vectors (the FNV reference code's test suite, also in hash/fnv's tests)
// and against hash/fnv itself.
func TestHashFNV1a64(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"", 0xcbf29ce484222325},
		{"a", 0xaf63dc4c8601ec8c},
		{"foobar", 0x85944171f73967e8},
	}
	for _, tt := range tests {
		if got := fnv1a64(tt.in); got != tt.want {
			t.Errorf("fnv1a64(%q) = %#x, want %#x", tt.in, got, tt.want)
		}
	}
	for _, s := range []string{"spam", "subject:free", "grüße", strings.Repeat("ab", 100)} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := fnv1a64(s), h.Sum64(); got != want {
			t.Errorf("fnv1a64(%q) = %#x, hash/fnv says %#x", s, got, want)
		}
	}
}

// TestHashedBOWBucket: the hashes are those of TestFNV1a64 and the
// buckets their remainders, worked out by hand: 0xaf63dc4c8601ec8c mod 8
// = 0x8c mod 8 = 4, 0x85944171f73967e8 mod 8 = 0; both have bit 63 set,
// so both are negative when hashing is signed.
func TestHashedBOWBucket(t *testing.T) {
	tests := []struct {
		bow    HashedBOW
		token  string
		bucket int
		sign   float32
	}{
		{HashedBOW{Dim: 8}, "a", 4, -1},
		{HashedBOW{Dim: 8, Unsigned: true}, "a", 4, 1},
		{HashedBOW{Dim: 8}, "foobar", 0, -1},
		{HashedBOW{Dim: 8}, "ham", 5, 1},                  // 0x335811192fef91dd: bit 63 clear
		{HashedBOW{}, "a", 0xaf63dc4c8601ec8c % 4096, -1}, // Dim 0 means 4096
		{HashedBOW{Dim: 1}, "foobar", 0, -1},
		{HashedBOW{Dim: -1}, "a", 0, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v/%s", tt.bow, tt.token), func(t *testing.T) {
			b, s := tt.bow.Bucket(tt.token)
			if b != tt.bucket || s != tt.sign {
				t.Errorf("Bucket(%q) = %d, %v; want %d, %v", tt.token, b, s, tt.bucket, tt.sign)
			}
		})
	}
}

// TestHashedBOWFeatures checks vectors worked out by hand. "a" twice has
// weight 1 + ln 2 in bucket 4 and "foobar" weight 1 in bucket 0, both
// negative when signed; the norm is sqrt((1+ln 2)² + 1) = 1.966388, so
// the features are 0.8610370 and 0.5085423. "ham" and "subject:free"
// share bucket 5 with opposite signs (0x...dd has bit 63 clear,
// 0xdf4150321d10422d set), so signed hashing cancels them.
func TestHashedBOWFeatures(t *testing.T) {
	const big, small = 0.8610369959439764, 0.5085423203783267
	tests := []struct {
		name   string
		bow    HashedBOW
		tokens []string
		want   []float32
	}{
		{"signed", HashedBOW{Dim: 8}, []string{"a", "foobar", "a"}, []float32{-small, 0, 0, 0, -big, 0, 0, 0}},
		{"unsigned", HashedBOW{Dim: 8, Unsigned: true}, []string{"foobar", "a", "a"}, []float32{small, 0, 0, 0, big, 0, 0, 0}},
		{"one token", HashedBOW{Dim: 8}, []string{"ham", "ham", "ham"}, []float32{0, 0, 0, 0, 0, 1, 0, 0}},
		{"collision cancels", HashedBOW{Dim: 8}, []string{"ham", "subject:free"}, make([]float32, 8)},
		{"collision adds", HashedBOW{Dim: 8, Unsigned: true}, []string{"ham", "subject:free"}, []float32{0, 0, 0, 0, 0, 1, 0, 0}},
		{"no tokens", HashedBOW{Dim: 8}, nil, make([]float32, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.tokens)
			dst := slices.Repeat([]float32{7}, len(tt.want))
			if err := tt.bow.Features(dst, tt.tokens); err != nil {
				t.Fatal(err)
			}
			for i := range dst {
				if math.Abs(float64(dst[i]-tt.want[i])) > 1e-7 {
					t.Fatalf("Features = %v, want %v within 1e-7", dst, tt.want)
				}
			}
			if !slices.Equal(in, tt.tokens) {
				t.Errorf("tokens changed from %q to %q", in, tt.tokens)
			}
		})
	}
}

// TestHashedBOWProperties: the default size, unit norm, and independence
// of token order.
func TestHashedBOWProperties(t *testing.T) {
	tokens := Tokenize(nil, strings.Repeat("the quick brown fox jumps over the lazy dog again and again ", 3), "")
	var bow HashedBOW
	a := make([]float32, DefaultBOWDim)
	if err := bow.Features(a, tokens); err != nil {
		t.Fatal(err)
	}
	var norm float64
	for _, v := range a {
		norm += float64(v) * float64(v)
	}
	if math.Abs(norm-1) > 1e-6 {
		t.Errorf("squared norm %v, want 1 within 1e-6", norm)
	}
	slices.Reverse(tokens)
	b := make([]float32, DefaultBOWDim)
	if err := bow.Features(b, tokens); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Error("reversing the tokens changed the features")
	}
}

func TestHashedBOWErrors(t *testing.T) {
	tests := []struct {
		name string
		bow  HashedBOW
		dst  int
		want string
	}{
		{"short", HashedBOW{Dim: 8}, 7, "destination holds 7 values, want 8"},
		{"default size", HashedBOW{}, 8, "destination holds 8 values, want 4096"},
		{"negative", HashedBOW{Dim: -3}, 0, "dimension -3, want >= 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.bow.Features(make([]float32, tt.dst), []string{"x"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "datasets: ") {
				t.Errorf("error %v, want one holding %q", err, tt.want)
			}
		})
	}
}

func ExampleHashedBOW() {
	tokens := Tokenize(nil, "Free money, free!", "")
	tokens = Tokenize(tokens, "FREE", "subject:")
	fmt.Println(tokens)
	bow := HashedBOW{Dim: 16}
	x := make([]float32, bow.Dim)
	if err := bow.Features(x, tokens); err != nil {
		fmt.Println(err)
		return
	}
	// "free" twice weighs 1 + ln 2 = 1.693, the others 1; the norm is
	// sqrt(1.693² + 1 + 1) = 2.206.
	fmt.Printf("%.3f\n", x)
	// Output:
	// [free money free subject:free]
	// [0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.767 0.000 -0.453 0.000 -0.453]
}
