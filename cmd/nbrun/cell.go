package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// An itemKind is what a top-level piece of a cell is.
type itemKind int

const (
	kImport   itemKind = iota // import declaration
	kType                     // type declaration
	kConst                    // const declaration
	kFunc                     // function declaration
	kMethod                   // method declaration
	kVar                      // var declaration
	kDefine                   // x, y := ... at top level
	kStmt                     // any other statement
	kExpr                     // expression statement
	kExprList                 // a, b: an expression list ending the cell
)

// An item is one top-level declaration or statement of a cell, parsed on
// its own: gophernotes lets a cell mix declarations and statements.
type item struct {
	kind  itemKind
	decl  ast.Decl   // kImport .. kVar
	stmt  ast.Stmt   // kDefine, kStmt, kExpr
	exprs []ast.Expr // kExprList
	file  *token.File
	base  int // offset in file of the cell's first byte
	start int // cell offsets of the item
	end   int

	// Set by the binder.
	defs       map[*ast.Ident]string // top-level names defined here -> generated names
	replacedBy *cell                 // a method redefined by a later cell

	// Set by the type check.
	exprOff  int  // offset in the check program of a kExpr's expression
	notUsed  bool // kExpr: a value that Go does not allow as a statement
	valued   bool // kExpr: the expression has a value to show
	hoisting []hoisted
}

// hoisted is a top-level variable carried to package level.
type hoisted struct {
	ident *ast.Ident
	gen   string
	typ   string // Go type, in the generated program's terms
}

// off is the cell offset of p.
func (it *item) off(p token.Pos) int { return it.file.Offset(p) - it.base }

// A special is a gophernotes special command line (%... or $...).
type special struct {
	text   string
	offset int
}

// A cell is a code cell being compiled.
type cell struct {
	index    int // in the notebook
	count    int // execution count
	src      string
	lines    []int // offsets of line starts
	specials []special
	items    []*item
	edits    []edit // renames, in both programs
	fixes    []edit // blank uses of unused variables, in the run program
	err      *cellError
}

// An edit replaces src[start:end] with text (an insertion when start == end).
type edit struct {
	start, end int
	text       string
}

// A cellError is a compile-time error in a cell, at a cell offset.
type cellError struct {
	offset int
	msg    string
}

// pos is the 1-based line and column of cell offset off.
func (c *cell) pos(off int) (line, col int) {
	i := sort.Search(len(c.lines), func(i int) bool { return c.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - c.lines[i] + 1
}

// parseCell splits src into items. A syntax error is recorded in c.err.
func parseCell(fset *token.FileSet, index int, src string) *cell {
	c := &cell{index: index, src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			c.lines = append(c.lines, i+1)
		}
	}
	code := c.takeSpecials()
	chunks, err := chunk(fset, code)
	if err != nil {
		c.err = err
		return c
	}
	for i, ch := range chunks {
		it, err := parseChunk(fset, code, ch, i == len(chunks)-1)
		if err != nil {
			c.err = err
			return c
		}
		c.items = append(c.items, it)
	}
	return c
}

// takeSpecials removes the special command lines that open the cell, as
// gophernotes does, and returns the code with them blanked out.
func (c *cell) takeSpecials() string {
	b := []byte(c.src)
	for i, start := range c.lines {
		end := len(c.src)
		if i+1 < len(c.lines) {
			end = c.lines[i+1]
		}
		line := strings.TrimSpace(c.src[start:end])
		if line == "" {
			continue
		}
		if line[0] != '%' && line[0] != '$' {
			break
		}
		c.specials = append(c.specials, special{text: line, offset: start})
		for j := start; j < end; j++ {
			if b[j] != '\n' {
				b[j] = ' '
			}
		}
	}
	return string(b)
}

// A chunkRange is one top-level item: the source between two top-level
// semicolons, and its tokens.
type chunkRange struct {
	start, end int
	last       int // end of the last token (before a trailing comment)
	toks       []token.Token
}

// chunk splits code at top-level semicolons (written or inserted at line
// ends), leaving alone those in the headers of if, for and switch.
func chunk(fset *token.FileSet, code string) ([]chunkRange, *cellError) {
	var firstErr *cellError
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), func(p token.Position, msg string) {
		if firstErr == nil {
			firstErr = &cellError{offset: p.Offset, msg: msg}
		}
	}, 0)
	var chunks []chunkRange
	cur := chunkRange{start: -1}
	depth := 0
	header := false
	for {
		p, tok, lit := s.Scan()
		off := file.Offset(p)
		if tok == token.EOF {
			if cur.start >= 0 {
				cur.end = off
				chunks = append(chunks, cur)
			}
			break
		}
		if tok == token.SEMICOLON && depth == 0 && !header {
			if cur.start >= 0 {
				cur.end = off
				chunks = append(chunks, cur)
			}
			cur = chunkRange{start: -1}
			continue
		}
		switch tok {
		case token.LPAREN, token.LBRACK:
			depth++
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		case token.IF, token.FOR, token.SWITCH:
			if depth == 0 {
				header = true
			}
		}
		if cur.start < 0 {
			cur.start = off
		}
		cur.toks = append(cur.toks, tok)
		if tok == token.SEMICOLON && lit == "\n" {
			continue // inserted at a line end, not in the text
		}
		if lit == "" {
			lit = tok.String()
		}
		cur.last = min(off+len(lit), len(code))
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return chunks, nil
}

// isFuncDecl tells a function or method declaration from a statement that
// starts with a function literal.
func isFuncDecl(toks []token.Token) (decl, method bool) {
	if len(toks) < 2 || toks[0] != token.FUNC {
		return false, false
	}
	if toks[1] == token.IDENT {
		return true, false
	}
	if toks[1] != token.LPAREN {
		return false, false
	}
	depth := 0
	for i := 1; i < len(toks); i++ {
		switch toks[i] {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
			if depth == 0 {
				if i+2 < len(toks) && toks[i+1] == token.IDENT && (toks[i+2] == token.LPAREN || toks[i+2] == token.LBRACK) {
					return true, true
				}
				return false, false
			}
		}
	}
	return false, false
}

// blankOutside is code with every byte outside [start, end) but newlines
// replaced by spaces, so that a chunk parses alone at its own offsets.
func blankOutside(code string, start, end int) []byte {
	b := []byte(code)
	for i := range b {
		if (i < start || i >= end) && b[i] != '\n' {
			b[i] = ' '
		}
	}
	return b
}

// parseChunk parses one chunk as a declaration or a statement.
func parseChunk(fset *token.FileSet, code string, ch chunkRange, last bool) (*item, *cellError) {
	body := blankOutside(code, ch.start, ch.end)
	switch ch.toks[0] {
	case token.IMPORT, token.TYPE, token.CONST, token.VAR:
		return parseDecl(fset, body, ch)
	case token.FUNC:
		if decl, _ := isFuncDecl(ch.toks); decl {
			return parseDecl(fset, body, ch)
		}
	}
	const prefix = "package p\nfunc _() {\n"
	f, err := parser.ParseFile(fset, "", prefix+string(body)+"\n}\n", parser.SkipObjectResolution)
	if err != nil {
		if last {
			if it := parseExprList(fset, body, ch); it != nil {
				return it, nil
			}
		}
		e := syntaxError(err, len(prefix))
		if e.offset >= len(code) { // in the closing brace nbrun added
			e.msg = strings.Replace(e.msg, "found '}'", "found 'EOF'", 1)
		}
		return nil, e
	}
	fn := f.Decls[0].(*ast.FuncDecl)
	if len(fn.Body.List) != 1 {
		return nil, &cellError{offset: ch.start, msg: "expected one statement"}
	}
	it := &item{stmt: fn.Body.List[0], file: fset.File(f.Pos()), base: len(prefix)}
	// A label that ends the chunk labels an implicit empty statement,
	// which the parser places at the brace nbrun added: past the cell.
	it.start, it.end = it.off(it.stmt.Pos()), min(it.off(it.stmt.End()), ch.end)
	switch s := it.stmt.(type) {
	case *ast.ExprStmt:
		it.kind = kExpr
	case *ast.AssignStmt:
		it.kind = kStmt
		if s.Tok == token.DEFINE {
			it.kind = kDefine
		}
	default:
		it.kind = kStmt
	}
	return it, nil
}

func parseDecl(fset *token.FileSet, body []byte, ch chunkRange) (*item, *cellError) {
	const prefix = "package p\n"
	f, err := parser.ParseFile(fset, "", prefix+string(body), parser.SkipObjectResolution)
	if err != nil {
		return nil, syntaxError(err, len(prefix))
	}
	if len(f.Decls) != 1 {
		return nil, &cellError{offset: ch.start, msg: "expected one declaration"}
	}
	it := &item{decl: f.Decls[0], file: fset.File(f.Pos()), base: len(prefix)}
	it.start, it.end = it.off(it.decl.Pos()), it.off(it.decl.End())
	switch d := it.decl.(type) {
	case *ast.FuncDecl:
		it.kind = kFunc
		if d.Recv != nil {
			it.kind = kMethod
		}
	case *ast.GenDecl:
		switch d.Tok {
		case token.IMPORT:
			it.kind = kImport
		case token.TYPE:
			it.kind = kType
		case token.CONST:
			it.kind = kConst
		default:
			it.kind = kVar
		}
	default:
		return nil, &cellError{offset: ch.start, msg: "unexpected declaration"}
	}
	return it, nil
}

// parseExprList parses a chunk ending a cell as a list of expressions, the
// values it shows; nil if it is not one.
func parseExprList(fset *token.FileSet, body []byte, ch chunkRange) *item {
	const prefix = "package p\nvar _ = []interface{}{\n"
	src := prefix + string(body[:ch.last]) + "," + string(body[ch.last:]) + "\n}\n"
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	lit, ok := f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Values[0].(*ast.CompositeLit)
	if !ok || len(lit.Elts) < 2 {
		return nil
	}
	for _, e := range lit.Elts {
		if _, ok := e.(*ast.KeyValueExpr); ok {
			return nil
		}
	}
	it := &item{kind: kExprList, exprs: lit.Elts, file: fset.File(f.Pos()), base: len(prefix)}
	it.start, it.end = it.off(lit.Elts[0].Pos()), it.off(lit.Elts[len(lit.Elts)-1].End())
	return it
}

// syntaxError is the first error of a parse whose source had prefix bytes
// before the cell.
func syntaxError(err error, prefix int) *cellError {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		off := list[0].Pos.Offset - prefix
		if off < 0 {
			off = 0
		}
		return &cellError{offset: off, msg: list[0].Msg}
	}
	return &cellError{msg: fmt.Sprint(err)}
}
