package weighting

import (
	"math"
	"strings"
	"testing"
)

// assertClose fails t when got and want differ in length or in any element
// by more than tol.
func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol) {
			t.Errorf("%s[%d] = %.12g, want %.12g (tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

// assertErr fails t unless err is non-nil and its text contains want.
func assertErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

// mustNew builds a weighting or stops the test.
func mustNew(t *testing.T, cfg Config, base []float64) Weighting {
	t.Helper()
	w, err := New(cfg, base)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
