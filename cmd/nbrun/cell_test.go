package main

import (
	"fmt"
	"go/token"
	"testing"
)

func TestParseCell(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		kinds []itemKind
		err   string // "line:col: message" of a syntax error
	}{
		{"empty", "", nil, ""},
		{"comment", "// nothing\n", nil, ""},
		{"mixed", "import \"fmt\"\nx := 1\nfunc f() {}\ntype T int\nconst c = 2\nvar v = 3\nfmt.Println(x)\nx",
			[]itemKind{kImport, kDefine, kFunc, kType, kConst, kVar, kExpr, kExpr}, ""},
		{"method", "func (t T) M() {}", []itemKind{kMethod}, ""},
		{"generic method", "func (t *T[K]) M() {}", []itemKind{kMethod}, ""},
		{"func literal call", "func() { println() }()", []itemKind{kExpr}, ""},
		{"func literal with params", "func(x int) int { return x }(3)", []itemKind{kExpr}, ""},
		{"for header", "for i := 0; i < 3; i++ {\n}\nx = 2", []itemKind{kStmt, kStmt}, ""},
		{"if header", "if a := f(); a > 0 {\n} else if b := g(); b {\n}", []itemKind{kStmt}, ""},
		{"switch header", "switch v := x; v {\ncase 1:\n}", []itemKind{kStmt}, ""},
		{"semicolons", "a := 1; b := 2; a", []itemKind{kDefine, kDefine, kExpr}, ""},
		{"grouped decls", "import (\n\t\"fmt\"\n\t\"os\"\n)\nvar (\n\ta = 1\n\tb = 2\n)", []itemKind{kImport, kVar}, ""},
		{"expression list", "a, b", []itemKind{kExprList}, ""},
		{"expression list with comment", "a, b // two", []itemKind{kExprList}, ""},
		{"labelled loop", "outer:\nfor {\n\tbreak outer\n}", []itemKind{kStmt}, ""},
		{"special commands", "%help\n$ls -l\nx := 1", []itemKind{kDefine}, ""},
		{"syntax error", "x := 1\ny := (2 +\n", nil, "3:1: expected operand, found 'EOF'"},
		{"unterminated string", "s := \"abc\n", nil, "1:6: string literal not terminated"},
		{"expression list mid-cell", "a, b\nc", nil, "1:1: expected 1 expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseCell(token.NewFileSet(), 0, tt.src)
			if tt.err != "" {
				if c.err == nil {
					t.Fatalf("no error, want %q", tt.err)
				}
				line, col := c.pos(min(c.err.offset, len(c.src)))
				got := fmt.Sprintf("%d:%d: %s", line, col, c.err.msg)
				if got != tt.err {
					t.Errorf("error %q, want %q", got, tt.err)
				}
				return
			}
			if c.err != nil {
				t.Fatalf("error %v", c.err.msg)
			}
			if len(c.items) != len(tt.kinds) {
				t.Fatalf("%d items, want %d", len(c.items), len(tt.kinds))
			}
			for i, it := range c.items {
				if it.kind != tt.kinds[i] {
					t.Errorf("item %d: kind %d, want %d", i, it.kind, tt.kinds[i])
				}
				if it.start < 0 || it.end > len(tt.src) || it.start >= it.end {
					t.Errorf("item %d: range [%d, %d) outside the cell", i, it.start, it.end)
				}
			}
		})
	}
}

// TestBind checks the renaming of redefined names against hand-written
// expectations: the text of each cell as it appears in the program.
func TestBind(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  []string // each cell's text with the renames applied
	}{{
		name:  "redefined variable",
		cells: []string{"x := 1", "x := \"s\"\nx", "x"},
		want:  []string{"x := 1", "x_c1 := \"s\"\nx_c1", "x_c1"},
	}, {
		name:  "old value in the new definition",
		cells: []string{"x := 1", "x := x + 1"},
		want:  []string{"x := 1", "x_c1 := x + 1"},
	}, {
		name:  "function sees its own x",
		cells: []string{"x := 1\nfunc f() int { return x }", "x := 2\nf()"},
		want:  []string{"x := 1\nfunc f() int { return x }", "x_c1 := 2\nf()"},
	}, {
		name:  "redefined function",
		cells: []string{"func f() {}\nf()", "func f() int { return 1 }\nf()"},
		want:  []string{"func f() {}\nf()", "func f_c1() int { return 1 }\nf_c1()"},
	}, {
		name:  "use before definition",
		cells: []string{"y", "y := 1"},
		want:  []string{"y_undefined", "y := 1"},
	}, {
		name:  "fields, methods and keys untouched",
		cells: []string{"N := 1", "N := 2\ntype T struct{ N int }\nfunc (t T) N2() int { return t.N }\nT{N: N}"},
		want:  []string{"N := 1", "N_c1 := 2\ntype T struct{ N int }\nfunc (t T) N2() int { return t.N }\nT{N: N_c1}"},
	}, {
		name:  "map keys renamed",
		cells: []string{"k := 1", "k := 2\nm := map[int]int{k: 1}"},
		want:  []string{"k := 1", "k_c1 := 2\nm := map[int]int{k_c1: 1}"},
	}, {
		name:  "builtin names stay builtin",
		cells: []string{"len(\"ab\")", "len := 3\nlen"},
		want:  []string{"len(\"ab\")", "len_c1 := 3\nlen_c1"},
	}, {
		name:  "import clash",
		cells: []string{"import \"math/rand\"\nrand.Int()", "import \"crypto/rand\"\nrand.Reader"},
		want:  []string{"import \"math/rand\"\nrand.Int()", "import \"crypto/rand\"\nrand_c1.Reader"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fset := token.NewFileSet()
			var cells []*cell
			for i, src := range tt.cells {
				c := parseCell(fset, i, src)
				if c.err != nil {
					t.Fatalf("cell %d: %s", i, c.err.msg)
				}
				cells = append(cells, c)
			}
			b := newBinder(cells, defaultPackageName)
			for i, c := range cells {
				b.bindCell(c)
				e := &emitter{}
				e.copy(c, 0, len(c.src), false)
				if got := e.buf.String(); got != tt.want[i] {
					t.Errorf("cell %d:\n%s\nwant:\n%s", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestDemangle(t *testing.T) {
	b := &binder{orig: map[string]string{"x_c3": "x", "f_c1": "f", "y_undefined": "y", "x": "x"}}
	got := b.demangle("undefined: y_undefined; cannot use x_c3 (variable of type string) in f_c1; ax_c3 stays")
	want := "undefined: y; cannot use x (variable of type string) in f; ax_c3 stays"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
