package main

import (
	"fmt"
	"go/ast"
	"go/types"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Import paths of the runtime packages.
const (
	sessionPath = "github.com/gomtl/gomtl/cmd/nbrun/session"
	displayPath = "github.com/gomtl/gomtl/cmd/nbrun/display"
	sessionName = "nbsession"
)

type bindKind int

const (
	bVar bindKind = iota
	bFunc
	bType
	bConst
	bImport
)

// A binding is what a notebook name means at a point of the notebook.
type binding struct {
	gen  string // the name in the generated program
	kind bindKind
	path string // bImport
}

// An importSpec is an import of the generated program.
type importSpec struct {
	name string // as written in the program; "" for the package's own name
	path string
	cell *cell // the cell and offset of the import, for errors
	off  int
	gen  string // bound name; "_" or "." for blank and dot imports
}

// A binder gives every top-level name of the notebook a unique name in
// the generated program, so that a later definition of a name (a variable
// of another type, a new function) coexists with the earlier one that
// earlier cells still use. It does so without resolving scopes: every
// occurrence of an identifier in an item is renamed to what the name means
// at that item (locals included, which is harmless since they are renamed
// consistently), except field and method names, labels and the keys of
// struct literals.
type binder struct {
	bind    map[string]*binding
	taken   map[string]bool   // package-level names of the program
	seen    map[string]bool   // every identifier of the notebook
	future  map[string]bool   // every top-level name of the notebook
	orig    map[string]string // generated name -> notebook name
	pkgName func(path string) string
	imports []*importSpec
	methods map[string]*item // "Type.Method" -> its latest declaration
}

func newBinder(cells []*cell, pkgName func(string) string) *binder {
	b := &binder{
		bind:    map[string]*binding{},
		taken:   map[string]bool{},
		seen:    map[string]bool{},
		future:  map[string]bool{},
		orig:    map[string]string{},
		pkgName: pkgName,
		methods: map[string]*item{},
	}
	for _, name := range types.Universe.Names() {
		b.taken[name] = true
	}
	for _, name := range []string{"main", "init", sessionName, "display", "Display"} {
		b.taken[name] = true
	}
	b.bind["display"] = &binding{gen: "display", kind: bImport, path: displayPath}
	b.bind["Display"] = &binding{gen: "Display", kind: bVar}
	for _, c := range cells {
		for _, it := range c.items {
			ast.Inspect(it.node(), func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					b.seen[id.Name] = true
				}
				return true
			})
			for _, id := range it.topNames() {
				b.future[id.Name] = true
			}
		}
	}
	return b
}

// node is the item's syntax tree.
func (it *item) node() ast.Node {
	switch {
	case it.decl != nil:
		return it.decl
	case it.stmt != nil:
		return it.stmt
	}
	return &ast.CompositeLit{Elts: it.exprs}
}

// topNames are the notebook-level names the item defines.
func (it *item) topNames() []*ast.Ident {
	var ids []*ast.Ident
	switch d := it.decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			ids = append(ids, d.Name)
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				ids = append(ids, s.Name)
			case *ast.ValueSpec:
				ids = append(ids, s.Names...)
			}
		}
	}
	if a, ok := it.stmt.(*ast.AssignStmt); ok && it.kind == kDefine {
		for _, e := range a.Lhs {
			if id, ok := e.(*ast.Ident); ok {
				ids = append(ids, id)
			}
		}
	}
	out := ids[:0]
	for _, id := range ids {
		if id.Name != "_" {
			out = append(out, id)
		}
	}
	return out
}

// fresh is a program name for notebook name n defined in cell c: n itself
// the first time, then n_c<cell>.
func (b *binder) fresh(n string, c *cell) string {
	gen := n
	if b.taken[gen] || strings.HasPrefix(gen, "nbCell") || strings.HasPrefix(gen, "nbimp") {
		gen = fmt.Sprintf("%s_c%d", n, c.index)
		for i := 2; b.taken[gen] || b.seen[gen]; i++ {
			gen = fmt.Sprintf("%s_c%d_%d", n, c.index, i)
		}
	}
	b.taken[gen] = true
	b.orig[gen] = n
	return gen
}

// poison is the name given to a use of a name that a later cell defines:
// undefined in the program, as it is at that point of the notebook.
func (b *binder) poison(n string) string {
	gen := n + "_undefined"
	for i := 2; b.seen[gen]; i++ {
		gen = fmt.Sprintf("%s_undefined%d", n, i)
	}
	b.orig[gen] = n
	return gen
}

// bindCell binds the names cell c defines and renames its identifiers.
func (b *binder) bindCell(c *cell) {
	// Types, constants and functions are visible in the whole cell.
	for _, it := range c.items {
		switch it.kind {
		case kType, kConst, kFunc:
			kind := map[itemKind]bindKind{kType: bType, kConst: bConst, kFunc: bFunc}[it.kind]
			for _, id := range it.topNames() {
				gen := b.fresh(id.Name, c)
				it.setDef(id, gen)
				b.bind[id.Name] = &binding{gen: gen, kind: kind}
			}
		}
	}
	// Variables from their definition on.
	for _, it := range c.items {
		switch it.kind {
		case kImport:
			b.bindImports(c, it)
		case kVar:
			for _, s := range it.decl.(*ast.GenDecl).Specs {
				s := s.(*ast.ValueSpec)
				if s.Type != nil {
					b.rename(c, it, s.Type)
				}
				for _, v := range s.Values {
					b.rename(c, it, v)
				}
				b.defineVars(c, it, s.Names)
			}
		case kDefine:
			a := it.stmt.(*ast.AssignStmt)
			for _, e := range a.Rhs {
				b.rename(c, it, e)
			}
			var ids []*ast.Ident
			for _, e := range a.Lhs {
				if id, ok := e.(*ast.Ident); ok {
					ids = append(ids, id)
				}
			}
			b.defineVars(c, it, ids)
		case kMethod:
			b.rename(c, it, it.decl)
			if key := methodKey(it.decl.(*ast.FuncDecl), c, it); key != "" {
				if old := b.methods[key]; old != nil {
					old.replacedBy = c
				}
				b.methods[key] = it
			}
		default:
			b.rename(c, it, it.node())
		}
	}
}

func (it *item) setDef(id *ast.Ident, gen string) {
	if it.defs == nil {
		it.defs = map[*ast.Ident]string{}
	}
	it.defs[id] = gen
}

func (b *binder) defineVars(c *cell, it *item, ids []*ast.Ident) {
	for _, id := range ids {
		if id.Name == "_" {
			continue
		}
		gen := b.fresh(id.Name, c)
		it.setDef(id, gen)
		b.bind[id.Name] = &binding{gen: gen, kind: bVar}
		b.renameIdent(c, it, id)
		it.hoisting = append(it.hoisting, hoisted{ident: id, gen: gen})
	}
}

// methodKey is "Type.Method" for a method declaration, with the receiver
// type's program name.
func methodKey(fn *ast.FuncDecl, c *cell, it *item) string {
	if len(fn.Recv.List) == 0 {
		return ""
	}
	t := fn.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.ParenExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		}
		break
	}
	id, ok := t.(*ast.Ident)
	if !ok {
		return ""
	}
	name := id.Name
	off := it.off(id.Pos())
	for _, e := range c.edits {
		if e.start == off && e.end == off+len(id.Name) {
			name = e.text
		}
	}
	return name + "." + fn.Name.Name
}

func (b *binder) bindImports(c *cell, it *item) {
	for _, s := range it.decl.(*ast.GenDecl).Specs {
		s := s.(*ast.ImportSpec)
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			continue // reported by the type check
		}
		if p == "display" { // gophernotes' name for its display package
			p = displayPath
		}
		spec := &importSpec{path: p, cell: c, off: it.off(s.Pos())}
		local := ""
		if s.Name != nil {
			local = s.Name.Name
		}
		switch local {
		case "_", ".":
			spec.gen, spec.name = local, local
			b.imports = append(b.imports, spec)
			continue
		case "":
			local = b.pkgName(p)
		}
		if old := b.bind[local]; old != nil && old.kind == bImport && old.path == p {
			continue
		}
		spec.gen = b.fresh(local, c)
		if spec.gen != b.pkgName(p) {
			spec.name = spec.gen
		}
		b.bind[local] = &binding{gen: spec.gen, kind: bImport, path: p}
		b.imports = append(b.imports, spec)
	}
}

// rename renames the identifiers of n in item it of cell c.
func (b *binder) rename(c *cell, it *item, n ast.Node) {
	skip := map[*ast.Ident]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.StructType:
			for _, f := range n.Fields.List {
				for _, id := range f.Names {
					skip[id] = true
				}
			}
		case *ast.InterfaceType:
			for _, f := range n.Methods.List {
				for _, id := range f.Names {
					skip[id] = true
				}
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				skip[n.Name] = true
			}
		case *ast.LabeledStmt:
			skip[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				skip[n.Label] = true
			}
		case *ast.CompositeLit:
			// Keys of struct literals are field names; keys of map, slice
			// and array literals are expressions. Only a literal whose
			// type is written as a map or array type is known to be one.
			switch n.Type.(type) {
			case *ast.MapType, *ast.ArrayType:
			default:
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							skip[id] = true
						}
					}
				}
			}
		case *ast.Ident:
			if !skip[n] {
				b.renameIdent(c, it, n)
			}
		}
		return true
	})
}

// renameIdent renames one identifier to what its name means here.
func (b *binder) renameIdent(c *cell, it *item, id *ast.Ident) {
	if id.Name == "_" {
		return
	}
	var gen string
	if g, ok := it.defs[id]; ok {
		gen = g
	} else if bd := b.bind[id.Name]; bd != nil {
		gen = bd.gen
	} else if b.future[id.Name] && types.Universe.Lookup(id.Name) == nil {
		gen = b.poison(id.Name)
	} else {
		return
	}
	if gen == id.Name {
		return
	}
	off := it.off(id.Pos())
	c.edits = append(c.edits, edit{start: off, end: off + len(id.Name), text: gen})
}

// demangle rewrites generated names in a message back to notebook names.
func (b *binder) demangle(msg string) string {
	if len(b.orig) == 0 {
		return msg
	}
	var names []string
	for gen, n := range b.orig {
		if gen != n {
			names = append(names, gen)
		}
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, gen := range names {
		msg = replaceWord(msg, gen, b.orig[gen])
	}
	return msg
}

// replaceWord replaces whole-identifier occurrences of old in s.
func replaceWord(s, old, repl string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		before := i == 0 || !isIdentByte(s[i-1])
		after := i+len(old) == len(s) || !isIdentByte(s[i+len(old)])
		out.WriteString(s[:i])
		if before && after {
			out.WriteString(repl)
		} else {
			out.WriteString(old)
		}
		s = s[i+len(old):]
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// defaultPackageName guesses a package's name from its path when go list
// could not tell it.
func defaultPackageName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" && path.Dir(p) != "." {
		base = path.Base(path.Dir(p))
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexAny(base, ".-"); i > 0 {
		base = base[:i]
	}
	return base
}
