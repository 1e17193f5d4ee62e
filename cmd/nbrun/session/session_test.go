package session

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/cmd/nbrun/display"
)

// TestWire checks the conversion of bundles to what nbformat stores.
func TestWire(t *testing.T) {
	in := display.MIMEMap{
		"text/plain":       "x",
		"image/png":        []byte{1, 2, 3},
		"application/json": map[string]interface{}{"a": 1.0},
		"text/html":        42,
		"application/json+bad": map[string]interface{}{
			"c": make(chan int), // not JSON: printed instead
		},
	}
	got := wire(in)
	want := map[string]interface{}{
		"text/plain":           "x",
		"image/png":            "AQID",
		"application/json":     map[string]interface{}{"a": 1.0},
		"text/html":            "42",
		"application/json+bad": got["application/json+bad"],
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wire = %v, want %v", got, want)
	}
	if s, ok := got["application/json+bad"].(string); !ok || !strings.HasPrefix(s, "map[c:0x") {
		t.Errorf("unencodable JSON value became %v, want its fmt.Sprint", got["application/json+bad"])
	}
}

// TestCall checks that a panic is recovered with the panic value's text,
// as gophernotes reports it, and the frames that led to it.
func TestCall(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"error", func() { panic(errors.New("bad thing")) }, "bad thing"},
		{"string", func() { panic("boom") }, "boom"},
		{"runtime", func() {
			var s []int
			_ = s[1]
		}, "runtime error: index out of range [1] with length 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := call(tt.fn)
			if f == nil {
				t.Fatal("no failure")
			}
			m := f.message(4)
			if m.Evalue != tt.want || m.Ename != "ERROR" || m.Cell != 4 {
				t.Errorf("message %+v, want evalue %q", m, tt.want)
			}
			if len(m.Traceback) < 3 || !strings.Contains(m.Traceback[2], "TestCall") {
				t.Errorf("traceback %q does not start at the panicking function", m.Traceback)
			}
		})
	}
	if f := call(func() {}); f != nil {
		t.Errorf("call of a function that returns: %v", f.err)
	}
}
