package main

import (
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseCell checks that parseCell never panics on any cell source and
// returns a cell that keeps the source, with its line starts, the special
// command lines it took from the top, and either a syntax error at an
// offset within the source (or the end parseChunk adds) or none, with
// items in source order whose offsets lie within the source and whose
// kind matches what they hold (an expression list only last); and that a
// second parse gives the same. The seeds are the code cells of
// fuzzNotebooks, the cases of TestParseCell and, in
// testdata/fuzz/FuzzParseCell, what fuzzing found.
func FuzzParseCell(f *testing.F) {
	for _, doc := range fuzzNotebooks(f) {
		nb, err := parseNotebook("seed.ipynb", doc)
		if err != nil {
			continue // the malformed ones of testdata
		}
		for i, cell := range nb.cells {
			if cell["cell_type"] == "code" {
				f.Add(nb.source(i))
			}
		}
	}
	for _, s := range []string{
		"", "// nothing\n", "func (t *T[K]) M() {}", "func(x int) int { return x }(3)", "if a := f(); a > 0 {\n} else if b := g(); b {\n}",
		"switch v := x; v {\ncase 1:\n}", "a := 1; b := 2; a", "a, b // two", "outer:\nfor {\n\tbreak outer\n}", "%help\n$ls -l\nx := 1",
		"x := 1\ny := (2 +\n", "s := \"abc\n", "a, b\nc", "} func x() {", ")]}", "func", "import", "var _ = []interface{}{\n}\n", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c := parseCell(token.NewFileSet(), 3, src)
		checkFuzzCell(t, c, src)
		again := parseCell(token.NewFileSet(), 3, src)
		if !reflect.DeepEqual(fuzzCellShape(again), fuzzCellShape(c)) {
			t.Fatalf("a second parse differs:\n%v\n%v", fuzzCellShape(again), fuzzCellShape(c))
		}
	})
}

// checkFuzzCell checks what parseCell returned for src.
func checkFuzzCell(t *testing.T, c *cell, src string) {
	t.Helper()
	if c.src != src || c.index != 3 || len(c.lines) == 0 || c.lines[0] != 0 {
		t.Fatalf("cell %d of source %q, line starts %v", c.index, c.src, c.lines)
	}
	for i, l := range c.lines[1:] {
		if l <= c.lines[i] || l > len(src) || src[l-1] != '\n' {
			t.Fatalf("line starts %v", c.lines)
		}
	}
	if len(c.lines) != strings.Count(src, "\n")+1 {
		t.Fatalf("%d line starts for %d newlines", len(c.lines), strings.Count(src, "\n"))
	}
	for i, sp := range c.specials {
		line, col := c.pos(sp.offset)
		if col != 1 || (i > 0 && sp.offset <= c.specials[i-1].offset) || !strings.HasPrefix(strings.TrimSpace(src[sp.offset:]), sp.text) ||
			(sp.text[0] != '%' && sp.text[0] != '$') || sp.text != strings.TrimSpace(sp.text) {
			t.Fatalf("special %d %q at line %d, column %d", i, sp.text, line, col)
		}
	}
	if c.err != nil {
		// An error can be in the "\n}\n" parseChunk adds: its users
		// clamp the offset to the source.
		if c.err.offset < 0 || c.err.offset > len(src)+3 || c.err.msg == "" {
			t.Fatalf("error %q at offset %d of %d bytes", c.err.msg, c.err.offset, len(src))
		}
		c.pos(min(c.err.offset, len(src)))
	}
	prev := 0
	for i, it := range c.items {
		if it.start < prev || it.end < it.start || it.end > len(src) {
			t.Fatalf("item %d at [%d, %d) after %d, in %d bytes", i, it.start, it.end, prev, len(src))
		}
		prev = it.end
		var ok bool
		switch it.kind {
		case kImport, kType, kConst, kFunc, kMethod, kVar:
			ok = it.decl != nil && it.stmt == nil && it.exprs == nil
		case kDefine, kStmt, kExpr:
			ok = it.stmt != nil && it.decl == nil && it.exprs == nil
		case kExprList:
			ok = len(it.exprs) >= 2 && it.decl == nil && it.stmt == nil && i == len(c.items)-1 && c.err == nil
		}
		if !ok {
			t.Fatalf("item %d of kind %d holds %T, %T and %d expressions", i, it.kind, it.decl, it.stmt, len(it.exprs))
		}
		if strings.TrimSpace(src[it.start:it.end]) == "" {
			t.Fatalf("item %d at [%d, %d) is blank", i, it.start, it.end)
		}
	}
}

// fuzzCellShape is what FuzzParseCell compares of two parses: the error,
// the specials and each item's kind and offsets.
func fuzzCellShape(c *cell) []any {
	shape := []any{c.err, c.specials}
	for _, it := range c.items {
		shape = append(shape, [3]int{int(it.kind), it.start, it.end})
	}
	return shape
}
