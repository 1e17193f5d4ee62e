package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"sort"
	"strconv"
)

// An emitter writes a generated program and remembers where each piece of
// it came from, so that an offset in the program maps back to a cell.
type emitter struct {
	buf  bytes.Buffer
	segs []segment
}

// A segment is a run of program text taken from a cell: copied verbatim
// (exact) or generated for the cell offset orig.
type segment struct {
	start, end int
	cell       *cell
	orig       int
	exact      bool
}

func (e *emitter) str(s string) { e.buf.WriteString(s) }

// at writes a line directive giving the next character the position of
// cell offset off, for the compiler's messages and the runtime's frames.
func (e *emitter) at(c *cell, off int) {
	line, col := c.pos(off)
	fmt.Fprintf(&e.buf, "/*line cell%d.go:%d:%d*/", c.index, line, col)
}

// gen writes text generated on behalf of cell offset off.
func (e *emitter) gen(s string, c *cell, off int) {
	start := e.buf.Len()
	e.buf.WriteString(s)
	e.segs = append(e.segs, segment{start: start, end: e.buf.Len(), cell: c, orig: off})
}

// copy writes c.src[start:end] with the cell's edits in that range applied
// (and its fixes, in the program that runs).
func (e *emitter) copy(c *cell, start, end int, run bool) {
	var eds []edit
	for _, ed := range c.edits {
		if ed.start >= start && ed.start < end {
			eds = append(eds, ed)
		}
	}
	if run {
		for _, ed := range c.fixes {
			if ed.start >= start && ed.start < end {
				eds = append(eds, ed)
			}
		}
	}
	sort.SliceStable(eds, func(i, j int) bool {
		if eds[i].start != eds[j].start {
			return eds[i].start < eds[j].start
		}
		return eds[i].end == eds[i].start && eds[j].end != eds[j].start
	})
	pos := start
	for _, ed := range eds {
		if ed.start < pos {
			continue // overlapping edit: cannot happen, but never corrupt
		}
		e.verbatim(c, pos, ed.start)
		e.gen(ed.text, c, ed.start)
		pos = ed.end
	}
	e.verbatim(c, pos, end)
}

func (e *emitter) verbatim(c *cell, start, end int) {
	if start >= end {
		return
	}
	s := e.buf.Len()
	e.buf.WriteString(c.src[start:end])
	e.segs = append(e.segs, segment{start: s, end: e.buf.Len(), cell: c, orig: start, exact: true})
}

// locate maps a program offset to a cell and cell offset.
func (e *emitter) locate(off int) (*cell, int, bool) {
	i := sort.Search(len(e.segs), func(i int) bool { return e.segs[i].end > off })
	if i == len(e.segs) || e.segs[i].start > off {
		return nil, 0, false
	}
	s := e.segs[i]
	if s.exact {
		return s.cell, s.orig + off - s.start, true
	}
	return s.cell, s.orig, true
}

// A program is the notebook's code cells being compiled into one Go
// program.
type program struct {
	cells []*cell // code cells to execute, in order
	b     *binder
}

// A plan says what the generated program holds: the cells before limit,
// and for the program that runs, the results of the type check.
type plan struct {
	limit  int
	run    bool
	hidden []importSpec // imports needed to spell the types of hoisted variables
	unused map[*importSpec]bool
}

// generate writes the program for cells[:pl.limit]. The check program
// (pl.run false) keeps the top-level variables' initialisers as
// package-level declarations so the type checker infers their types; the
// program that runs declares them with those types and assigns them in
// their cell's function, in order.
func (p *program) generate(pl *plan) (*emitter, map[int]*importSpec) {
	e := &emitter{}
	e.str("package main\n\nimport (\n")
	e.str("\t" + sessionName + " " + strconv.Quote(sessionPath) + "\n")
	e.str("\t" + strconv.Quote(displayPath) + "\n")
	specAt := map[int]*importSpec{}
	included := map[*cell]bool{}
	for _, c := range p.cells[:pl.limit] {
		included[c] = true
	}
	for _, s := range p.b.imports {
		if !included[s.cell] {
			continue
		}
		e.str("\t")
		e.at(s.cell, s.off)
		specAt[e.buf.Len()] = s
		name := s.name
		if pl.run && pl.unused[s] {
			name = "_"
		}
		if name != "" {
			name += " "
		}
		e.gen(name+strconv.Quote(s.path), s.cell, s.off)
		e.str("\n")
	}
	if len(pl.hidden) > 0 {
		e.str("\n//line nbrun.go:1\n")
		for _, s := range pl.hidden {
			e.str("\t" + s.gen + " " + strconv.Quote(s.path) + "\n")
		}
	}
	e.str(")\n\n//line nbrun.go:1\nvar Display func(display.Data) error = " + sessionName + ".Display\n\n")

	// Package level: types, constants, functions, methods, variables.
	for _, c := range p.cells[:pl.limit] {
		for _, it := range c.items {
			switch it.kind {
			case kType, kConst, kFunc, kMethod:
				if it.replacedBy != nil && p.order(it.replacedBy) < pl.limit {
					continue // gophernotes replaces a redefined method
				}
				e.at(c, it.start)
				e.copy(c, it.start, it.end, pl.run)
				e.str("\n\n")
			case kVar:
				if pl.run {
					p.declareHoisted(e, c, it)
					continue
				}
				e.at(c, it.start)
				e.copy(c, it.start, it.end, false)
				e.str("\n\n")
			case kDefine:
				if pl.run {
					p.declareHoisted(e, c, it)
					continue
				}
				a := it.stmt.(*ast.AssignStmt)
				tok := it.off(a.TokPos)
				e.gen("var ", c, it.start)
				e.at(c, it.start)
				e.copy(c, it.start, tok, false)
				e.gen(" =", c, tok)
				e.copy(c, tok+2, it.end, false)
				e.str("\n\n")
			}
		}
	}

	// One function per cell, for its statements.
	for _, c := range p.cells[:pl.limit] {
		fmt.Fprintf(&e.buf, "//line nbrun.go:1\nfunc nbCell%d() {\n", c.index)
		for _, sp := range c.specials {
			e.str("\t")
			e.at(c, sp.offset)
			e.gen(sessionName+".Special("+strconv.Quote(sp.text)+")", c, sp.offset)
			e.str("\n")
		}
		for i, it := range c.items {
			last := i == len(c.items)-1
			p.statement(e, pl, c, it, last)
		}
		e.str("}\n\n")
	}
	e.str("//line nbrun.go:1\nfunc main() {\n\t" + sessionName + ".Run([]" + sessionName + ".Cell{\n")
	for _, c := range p.cells[:pl.limit] {
		fmt.Fprintf(&e.buf, "\t\t{Index: %d, Run: nbCell%d},\n", c.index, c.index)
	}
	e.str("\t})\n}\n")
	return e, specAt
}

// declareHoisted declares the variables an item defines at package level,
// with the types the check found.
func (p *program) declareHoisted(e *emitter, c *cell, it *item) {
	for _, h := range it.hoisting {
		off := it.off(h.ident.Pos())
		e.gen("var ", c, off)
		e.at(c, off)
		e.gen(h.gen+" "+h.typ, c, off)
		e.str("\n")
	}
	if len(it.hoisting) > 0 {
		e.str("\n")
	}
}

// statement writes what an item does when its cell runs.
func (p *program) statement(e *emitter, pl *plan, c *cell, it *item, last bool) {
	switch it.kind {
	case kVar:
		if !pl.run {
			return
		}
		for _, s := range it.decl.(*ast.GenDecl).Specs {
			s := s.(*ast.ValueSpec)
			if len(s.Values) == 0 {
				continue
			}
			e.str("\t")
			e.at(c, it.off(s.Names[0].Pos()))
			e.copy(c, it.off(s.Names[0].Pos()), it.off(s.Names[len(s.Names)-1].End()), true)
			vstart := it.off(s.Values[0].Pos())
			e.gen(" = ", c, vstart)
			e.at(c, vstart)
			e.copy(c, vstart, it.off(s.Values[len(s.Values)-1].End()), true)
			e.str("\n")
		}
	case kDefine:
		if !pl.run {
			return
		}
		a := it.stmt.(*ast.AssignStmt)
		tok := it.off(a.TokPos)
		e.str("\t")
		e.at(c, it.start)
		e.copy(c, it.start, tok, true)
		e.gen(" =", c, tok)
		e.copy(c, tok+2, it.end, true)
		e.str("\n")
	case kStmt:
		e.str("\t")
		e.at(c, it.start)
		e.copy(c, it.start, it.end, pl.run)
		e.str("\n")
	case kExpr:
		e.str("\t")
		switch {
		case !pl.run:
			e.at(c, it.start)
			it.exprOff = e.buf.Len()
			e.copy(c, it.start, it.end, false)
		case last && it.valued:
			e.gen(sessionName+".Show(", c, it.start)
			e.at(c, it.start)
			e.copy(c, it.start, it.end, true)
			e.gen(")", c, it.end)
		case it.notUsed:
			e.gen("_ = ", c, it.start)
			e.at(c, it.start)
			e.copy(c, it.start, it.end, true)
		default:
			e.at(c, it.start)
			e.copy(c, it.start, it.end, true)
		}
		e.str("\n")
	case kExprList:
		e.str("\t")
		e.gen(sessionName+".Show(", c, it.start)
		e.at(c, it.start)
		e.copy(c, it.start, it.end, pl.run)
		e.gen(")", c, it.end)
		e.str("\n")
	}
}
