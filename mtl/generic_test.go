package mtl

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// notebookPackages are the packages notebooks call, relative to this one.
var notebookPackages = []string{"../datasets", ".", "optim", "weighting", "combine"}

// The gophernotes kernel interprets notebook cells with gomacro, which
// cannot call generic code: no exported function, method or type of the
// packages notebooks use may have type parameters, and no exported
// interface may be a constraint (a type set with ~T or unions).
func TestPublicAPIHasNoGenerics(t *testing.T) {
	for _, dir := range notebookPackages {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("%s: no Go files", dir)
		}
		fset := token.NewFileSet()
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range genericExports(f) {
				t.Errorf("%s: exported %s is generic; notebooks (gophernotes) cannot call it", fset.Position(bad.Pos()), name2(bad))
			}
		}
	}
}

// genericExports returns the exported declarations of f that are generic:
// functions and types with type parameters, methods of generic types,
// and constraint interfaces.
func genericExports(f *ast.File) []ast.Node {
	var bad []ast.Node
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv != nil {
				recv, generic := receiverType(d.Recv.List[0].Type)
				if !ast.IsExported(recv) {
					continue
				}
				if generic {
					bad = append(bad, d)
					continue
				}
			}
			if d.Type.TypeParams != nil && len(d.Type.TypeParams.List) > 0 {
				bad = append(bad, d)
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok || !ts.Name.IsExported() {
					continue
				}
				if ts.TypeParams != nil && len(ts.TypeParams.List) > 0 || isConstraint(ts.Type) {
					bad = append(bad, ts)
				}
			}
		}
	}
	return bad
}

// receiverType returns the name of a method's receiver type and whether
// it is instantiated with type parameters (a method of a generic type).
func receiverType(x ast.Expr) (name string, generic bool) {
	if s, ok := x.(*ast.StarExpr); ok {
		x = s.X
	}
	switch r := x.(type) {
	case *ast.Ident:
		return r.Name, false
	case *ast.IndexExpr:
		n, _ := receiverType(r.X)
		return n, true
	case *ast.IndexListExpr:
		n, _ := receiverType(r.X)
		return n, true
	}
	return "", false
}

// isConstraint reports whether x is an interface with a type-set element:
// ~T or a union A | B.
func isConstraint(x ast.Expr) bool {
	it, ok := x.(*ast.InterfaceType)
	if !ok {
		return false
	}
	for _, m := range it.Methods.List {
		if len(m.Names) > 0 {
			continue // a method
		}
		switch e := m.Type.(type) {
		case *ast.UnaryExpr: // ~T
			return true
		case *ast.BinaryExpr: // A | B
			return e.Op == token.OR
		}
	}
	return false
}

// name2 names a flagged declaration.
func name2(n ast.Node) string {
	switch d := n.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil {
			r, _ := receiverType(d.Recv.List[0].Type)
			return "method " + r + "." + d.Name.Name
		}
		return "func " + d.Name.Name
	case *ast.TypeSpec:
		return "type " + d.Name.Name
	}
	return "declaration"
}

// The check itself: each kind of generic export is found, and the
// non-generic and unexported ones are not.
func TestGenericExportsDetector(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      int
	}{
		{"plain", "func F(x int) int { return x }; type T struct{}; func (T) M() {}; type I interface{ M() }", 0},
		{"unexported", "func f[T any](x T) T { return x }; type g[T any] struct{}; func (g[T]) M() {}", 0},
		{"generic func", "func Map[T, U any](x []T, f func(T) U) []U { return nil }", 1},
		{"generic type and its method", "type Box[T any] struct{ v T }; func (b *Box[T]) Get() T { return b.v }", 2},
		{"constraint", "type Number interface{ ~int | ~float64 }; type Int interface{ int }", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package x; "+c.src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			if got := genericExports(f); len(got) != c.want {
				t.Errorf("%d generic exports, want %d", len(got), c.want)
			}
		})
	}
}
