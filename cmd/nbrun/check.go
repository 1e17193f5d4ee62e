package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// A compileError is an error found before the notebook runs, in a cell.
type compileError struct {
	cell      *cell
	line, col int
	msg       string
}

// A listedPackage is what go list tells about an imported package.
type listedPackage struct {
	ImportPath string
	Name       string
	Export     string
	Error      *struct{ Err string }
}

// goList lists paths and their dependencies with their export data,
// compiling them (into the build cache) as needed.
func goList(ctx context.Context, dir string, paths []string) (map[string]*listedPackage, error) {
	args := append([]string{"list", "-e", "-export", "-deps", "-json=ImportPath,Name,Export,Error"}, paths...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*listedPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %v", err)
		}
		pkgs[p.ImportPath] = &p
	}
	return pkgs, nil
}

// A checker type-checks the check program of a notebook.
type checker struct {
	p    *program
	pkgs map[string]*listedPackage

	// Results.
	pkg   *types.Package
	info  *types.Info
	emit  *emitter
	fset  *token.FileSet
	first *compileError
	uses  map[*importSpec][]int // import -> orders of the cells using it
}

// order is the position of c among the executed cells.
func (p *program) order(c *cell) int {
	for i, x := range p.cells {
		if x == c {
			return i
		}
	}
	return len(p.cells)
}

// check type-checks cells[:limit]. It records in the items what the run
// program needs (which final expressions have values, which variables need
// a blank use) and keeps the earliest real error.
func (ch *checker) check(limit int) error {
	p := ch.p
	e, specAt := p.generate(&plan{limit: limit})
	ch.emit = e
	ch.fset = token.NewFileSet()
	f, err := parser.ParseFile(ch.fset, "nbrun.go", e.buf.Bytes(), parser.SkipObjectResolution)
	if err != nil {
		if ce := ch.locateParseError(err); ce != nil {
			ch.first = ce
			return nil
		}
		return fmt.Errorf("internal error: generated program does not parse: %v", err)
	}
	goarch := os.Getenv("GOARCH")
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	var errs []types.Error
	conf := types.Config{
		Importer: importer.ForCompiler(ch.fset, "gc", ch.lookup),
		Sizes:    types.SizesFor("gc", goarch),
		Error: func(err error) {
			var te types.Error
			if !errors.As(err, &te) {
				te = types.Error{Msg: err.Error()}
			}
			errs = append(errs, te)
		},
	}
	ch.info = &types.Info{
		Types:     map[ast.Expr]types.TypeAndValue{},
		Defs:      map[*ast.Ident]types.Object{},
		Uses:      map[*ast.Ident]types.Object{},
		Implicits: map[ast.Node]types.Object{},
	}
	ch.pkg, _ = conf.Check("main", ch.fset, []*ast.File{f}, ch.info)
	tf := ch.fset.File(f.Pos())

	for _, te := range errs {
		if strings.HasPrefix(te.Msg, "\t") || strings.Contains(te.Msg, "imported and not used") ||
			strings.HasPrefix(te.Msg, "initialization cycle") {
			continue
		}
		c, off, ok := (*cell)(nil), 0, false
		if te.Pos.IsValid() && tf.Base() <= int(te.Pos) && int(te.Pos) <= tf.Base()+tf.Size() {
			c, off, ok = e.locate(tf.Offset(te.Pos))
		}
		if !ok {
			return fmt.Errorf("internal error in the generated program: %s", te.Error())
		}
		if strings.HasPrefix(te.Msg, "declared and not used: ") {
			if ch.fixUnused(c, off, strings.TrimPrefix(te.Msg, "declared and not used: ")) {
				continue
			}
		}
		if strings.HasSuffix(te.Msg, "is not used") {
			// A top-level expression statement gophernotes evaluates
			// (and shows, at the end of a cell) but Go rejects.
			if it := itemAt(c, off); it != nil && it.kind == kExpr && it.start == off {
				it.notUsed, it.valued = true, true
				continue
			}
		}
		ch.keep(c, off, te.Msg)
	}

	// Which final expressions have a value to show.
	exprs := map[int]ast.Expr{}
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.ExprStmt); ok {
			exprs[tf.Offset(s.X.Pos())] = s.X
		}
		return true
	})
	for _, c := range p.cells[:limit] {
		for _, it := range c.items {
			if it.kind != kExpr || it.notUsed {
				continue
			}
			if x := exprs[it.exprOff]; x != nil {
				tv, ok := ch.info.Types[x]
				it.valued = ok && tv.Type != nil && !tv.IsVoid()
			}
		}
	}

	// Which cells use each import.
	ch.uses = map[*importSpec][]int{}
	pkgNames := map[types.Object]*importSpec{}
	for _, is := range f.Imports {
		s := specAt[tf.Offset(is.Pos())]
		if s == nil {
			continue
		}
		obj := ch.info.Implicits[is]
		if is.Name != nil {
			obj = ch.info.Defs[is.Name]
		}
		if obj != nil {
			pkgNames[obj] = s
		}
	}
	for id, obj := range ch.info.Uses {
		var s *importSpec
		if pn, ok := obj.(*types.PkgName); ok {
			s = pkgNames[pn]
		} else if obj.Pkg() != nil && obj.Pkg() != ch.pkg {
			for _, d := range p.b.imports {
				if d.gen == "." && d.path == obj.Pkg().Path() {
					s = d
				}
			}
		}
		if s == nil {
			continue
		}
		if c, _, ok := e.locate(tf.Offset(id.Pos())); ok {
			ch.uses[s] = append(ch.uses[s], p.order(c))
		}
	}
	return nil
}

// keep records an error if it is the earliest so far.
func (ch *checker) keep(c *cell, off int, msg string) {
	line, col := c.pos(off)
	ce := &compileError{cell: c, line: line, col: col, msg: ch.p.b.demangle(msg)}
	if ch.first == nil || ch.p.order(c) < ch.p.order(ch.first.cell) ||
		c == ch.first.cell && (line < ch.first.line || line == ch.first.line && col < ch.first.col) {
		ch.first = ce
	}
}

// locateParseError is the cell error for a syntax error in the check
// program, nil if it is not in a cell's text.
func (ch *checker) locateParseError(err error) *compileError {
	var list scanner.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return nil
	}
	c, off, ok := ch.emit.locate(list[0].Pos.Offset)
	if !ok {
		return nil
	}
	line, col := c.pos(off)
	return &compileError{cell: c, line: line, col: col, msg: ch.p.b.demangle(list[0].Msg)}
}

// lookup opens the export data of an imported package.
func (ch *checker) lookup(path string) (io.ReadCloser, error) {
	p := ch.pkgs[path]
	switch {
	case p == nil:
		return nil, fmt.Errorf("package %s is not known to go list", path)
	case p.Error != nil:
		return nil, errors.New(strings.TrimSpace(p.Error.Err))
	case p.Export == "":
		return nil, fmt.Errorf("no export data for %s", path)
	}
	return os.Open(p.Export)
}

// itemAt is the item of c holding cell offset off.
func itemAt(c *cell, off int) *item {
	for _, it := range c.items {
		if it.start <= off && off < it.end {
			return it
		}
	}
	return nil
}

// fixUnused adds a blank use of the variable declared at cell offset off,
// as gophernotes accepts unused variables. It reports false where it cannot.
func (ch *checker) fixUnused(c *cell, off int, name string) bool {
	it := itemAt(c, off)
	if it == nil {
		return false
	}
	var path []ast.Node
	var found []ast.Node
	ast.Inspect(it.node(), func(n ast.Node) bool {
		if n == nil {
			path = path[:len(path)-1]
			return false
		}
		path = append(path, n)
		if id, ok := n.(*ast.Ident); ok && it.off(id.Pos()) == off && found == nil {
			found = append([]ast.Node(nil), path...)
		}
		return true
	})
	if found == nil {
		return false
	}
	use := "_ = " + name
	add := func(at int, text string) {
		c.fixes = append(c.fixes, edit{start: at, end: at, text: text})
	}
	for i := len(found) - 2; i >= 0; i-- {
		switch n := found[i].(type) {
		case *ast.RangeStmt:
			add(it.off(n.Body.Lbrace)+1, use+"; ")
			return true
		case *ast.CommClause:
			add(it.off(n.Colon)+1, " "+use+";")
			return true
		case *ast.TypeSwitchStmt:
			for _, cl := range n.Body.List {
				add(it.off(cl.(*ast.CaseClause).Colon)+1, " "+use+";")
			}
			return true
		case *ast.AssignStmt, *ast.DeclStmt:
			if i == 0 {
				return false // a top-level statement: hoisted, never unused
			}
			stmt := n.(ast.Stmt)
			switch parent := found[i-1].(type) {
			case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause, *ast.LabeledStmt:
				add(it.off(stmt.End()), "; "+use)
				return true
			case *ast.IfStmt:
				add(it.off(parent.Body.Lbrace)+1, use+"; ")
				return true
			case *ast.ForStmt:
				add(it.off(parent.Body.Lbrace)+1, use+"; ")
				return true
			case *ast.SwitchStmt:
				for _, cl := range parent.Body.List {
					add(it.off(cl.(*ast.CaseClause).Colon)+1, " "+use+";")
				}
				return true
			case *ast.TypeSwitchStmt:
				for _, cl := range parent.Body.List {
					add(it.off(cl.(*ast.CaseClause).Colon)+1, " "+use+";")
				}
				return true
			}
			return false
		case *ast.GenDecl, *ast.ValueSpec:
			continue
		}
	}
	return false
}

// typeString spells t in the run program, importing (under a hidden name)
// the packages it needs that no cell imported. It fails for a type that
// package main cannot name: an unexported type of another package.
func (ch *checker) typeString(t types.Type, limit int, pl *plan) (string, error) {
	if err := ch.nameable(t, map[types.Type]bool{}); err != nil {
		return "", err
	}
	qual := func(pkg *types.Package) string {
		if pkg == ch.pkg {
			return ""
		}
		for _, s := range ch.p.b.imports {
			if s.gen != "_" && s.gen != "." && s.path == pkg.Path() && ch.p.order(s.cell) < limit {
				return s.gen
			}
		}
		if pkg.Path() == displayPath {
			return "display"
		}
		for _, s := range pl.hidden {
			if s.path == pkg.Path() {
				return s.gen
			}
		}
		gen := fmt.Sprintf("nbimp%d", len(pl.hidden))
		pl.hidden = append(pl.hidden, importSpec{path: pkg.Path(), gen: gen})
		return gen
	}
	return types.TypeString(t, qual), nil
}

// nameable reports an error if t cannot be written in package main.
func (ch *checker) nameable(t types.Type, seen map[types.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch x := t.(type) {
	case *types.Named:
		obj := x.Obj()
		if obj.Pkg() != nil && obj.Pkg() != ch.pkg {
			if !obj.Exported() {
				return fmt.Errorf("type %s is not exported by package %s", obj.Name(), obj.Pkg().Path())
			}
			if internal(obj.Pkg().Path()) {
				return fmt.Errorf("type %s belongs to internal package %s", obj.Name(), obj.Pkg().Path())
			}
		}
		if obj.Pkg() == ch.pkg && obj.Parent() != ch.pkg.Scope() {
			return fmt.Errorf("type %s is local to a function", obj.Name())
		}
		if args := x.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				if err := ch.nameable(args.At(i), seen); err != nil {
					return err
				}
			}
		}
		return nil
	case *types.Alias:
		obj := x.Obj()
		if obj.Pkg() != nil && obj.Pkg() != ch.pkg {
			if !obj.Exported() {
				return fmt.Errorf("type %s is not exported by package %s", obj.Name(), obj.Pkg().Path())
			}
			if internal(obj.Pkg().Path()) {
				return fmt.Errorf("type %s belongs to internal package %s", obj.Name(), obj.Pkg().Path())
			}
		}
		return nil
	case *types.Pointer:
		return ch.nameable(x.Elem(), seen)
	case *types.Slice:
		return ch.nameable(x.Elem(), seen)
	case *types.Array:
		return ch.nameable(x.Elem(), seen)
	case *types.Chan:
		return ch.nameable(x.Elem(), seen)
	case *types.Map:
		if err := ch.nameable(x.Key(), seen); err != nil {
			return err
		}
		return ch.nameable(x.Elem(), seen)
	case *types.Signature:
		for _, tup := range []*types.Tuple{x.Params(), x.Results()} {
			for i := 0; i < tup.Len(); i++ {
				if err := ch.nameable(tup.At(i).Type(), seen); err != nil {
					return err
				}
			}
		}
		return nil
	case *types.Struct:
		for i := 0; i < x.NumFields(); i++ {
			f := x.Field(i)
			if !f.Exported() && f.Pkg() != ch.pkg {
				return fmt.Errorf("struct type has unexported field %s of package %s", f.Name(), f.Pkg().Path())
			}
			if err := ch.nameable(f.Type(), seen); err != nil {
				return err
			}
		}
		return nil
	case *types.Interface:
		for i := 0; i < x.NumExplicitMethods(); i++ {
			m := x.ExplicitMethod(i)
			if !m.Exported() && m.Pkg() != ch.pkg {
				return fmt.Errorf("interface type has unexported method %s of package %s", m.Name(), m.Pkg().Path())
			}
		}
		return nil
	case *types.Basic:
		if x.Info()&types.IsUntyped != 0 {
			return fmt.Errorf("untyped %s", x.Name())
		}
	}
	return nil
}

// internal reports whether path is an internal or vendored package, which
// package main may not be able to import (approximately: any internal
// element counts).
func internal(path string) bool {
	return path == "internal" || strings.HasPrefix(path, "internal/") ||
		strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal") ||
		strings.HasPrefix(path, "vendor/")
}
