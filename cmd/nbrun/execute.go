package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gomtl/gomtl/cmd/nbrun/internal/protocol"
)

// FastEnv is the variable that -fast sets for notebooks to read.
const FastEnv = "GOMTL_NOTEBOOK_FAST"

// options are the command-line settings.
type options struct {
	fast   bool   // set FastEnv=1 for the notebooks
	outDir string // write notebooks here instead of in place
}

// A CellError is a notebook cell that failed to compile or to run. The
// notebook was executed up to it, and written with the cell's error output.
type CellError struct {
	Notebook string
	Cell     int // index in the notebook
	Count    int // execution count
	Line     int // line within the cell, 0 if unknown
	Msg      string
}

func (e *CellError) Error() string {
	where := fmt.Sprintf("cell %d (In [%d])", e.Cell, e.Count)
	if e.Line > 0 {
		where += fmt.Sprintf(", line %d", e.Line)
	}
	return fmt.Sprintf("%s: %s: %s", e.Notebook, where, e.Msg)
}

// execute runs the notebook at path and writes it with its outputs. It
// returns a *CellError when a cell failed; any other error means the
// notebook could not be run (and was not written).
func execute(ctx context.Context, path string, opts options) error {
	nb, err := readNotebook(path)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	dest := path
	if opts.outDir != "" {
		dest = filepath.Join(opts.outDir, filepath.Base(path))
	}

	// Parse the code cells gophernotes would execute: the non-blank ones.
	fset := token.NewFileSet()
	p := &program{}
	limit := -1
	var cerr *compileError
	for i, raw := range nb.cells {
		if raw["cell_type"] != "code" || strings.TrimSpace(nb.source(i)) == "" {
			continue
		}
		c := parseCell(fset, i, nb.source(i))
		c.count = len(p.cells) + 1
		p.cells = append(p.cells, c)
		if c.err != nil && limit < 0 {
			limit = len(p.cells) - 1
			off := min(c.err.offset, len(c.src))
			line, col := c.pos(off)
			cerr = &compileError{cell: c, line: line, col: col, msg: c.err.msg}
		}
	}
	if limit < 0 {
		limit = len(p.cells)
	}

	col := &collection{outputs: map[int][]interface{}{}}
	if limit > 0 {
		var err error
		col, cerr, err = compileAndRun(ctx, p, limit, cerr, filepath.Dir(abs), opts)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
	}

	// Write the outputs back.
	var failure *CellError
	for _, i := range col.begun {
		c := nb.cells[i]
		c["outputs"] = finishStreams(col.outputs[i])
		c["execution_count"] = p.byIndex(i).count
	}
	if f := col.failure; f != nil {
		failure = &CellError{Notebook: path, Cell: f.cell, Count: p.byIndex(f.cell).count, Line: f.line, Msg: p.demangle(f.evalue)}
		for j, t := range f.traceback {
			f.traceback[j] = p.demangle(t)
		}
	} else if cerr != nil {
		c := cerr.cell
		evalue := fmt.Sprintf("%d:%d: %s", cerr.line, cerr.col, cerr.msg)
		nb.cells[c.index]["outputs"] = []interface{}{errorOutput("ERROR", evalue, []string{evalue})}
		nb.cells[c.index]["execution_count"] = c.count
		failure = &CellError{Notebook: path, Cell: c.index, Count: c.count, Line: cerr.line, Msg: cerr.msg}
	}
	if err := nb.write(dest); err != nil {
		return err
	}
	if failure != nil {
		return failure
	}
	return nil
}

// byIndex is the cell with notebook index i.
func (p *program) byIndex(i int) *cell {
	for _, c := range p.cells {
		if c.index == i {
			return c
		}
	}
	return &cell{index: i}
}

func (p *program) demangle(s string) string {
	if p.b == nil {
		return s
	}
	return p.b.demangle(s)
}

// compileAndRun type-checks, builds and runs cells[:limit], stopping
// before the first cell that does not compile, and returns what the run
// produced and that first compile error (cerr if none comes earlier).
func compileAndRun(ctx context.Context, p *program, limit int, cerr *compileError, dir string, opts options) (*collection, *compileError, error) {
	root, err := moduleRoot(dir)
	if err != nil {
		return nil, nil, err
	}
	paths := []string{sessionPath, displayPath}
	for _, c := range p.cells[:limit] {
		for _, it := range c.items {
			if it.kind != kImport {
				continue
			}
			for _, s := range it.decl.(*ast.GenDecl).Specs {
				if q, err := strconv.Unquote(s.(*ast.ImportSpec).Path.Value); err == nil && q != "display" && q != "C" {
					paths = append(paths, q)
				}
			}
		}
	}
	pkgs, err := goList(ctx, root, paths)
	if err != nil {
		return nil, nil, err
	}
	if s := pkgs[sessionPath]; s == nil || s.Error != nil || s.Export == "" {
		why := "not found"
		if s != nil && s.Error != nil {
			why = s.Error.Err
		}
		return nil, nil, fmt.Errorf("module %s cannot import %s, the notebook runtime (%s); notebooks must be run inside a module that requires github.com/gomtl/gomtl", root, sessionPath, strings.TrimSpace(why))
	}
	pkgName := func(path string) string {
		if p := pkgs[path]; p != nil && p.Name != "" {
			return p.Name
		}
		return defaultPackageName(path)
	}
	p.b = newBinder(p.cells[:limit], pkgName)
	for _, c := range p.cells[:limit] {
		p.b.bindCell(c)
	}
	ch := &checker{p: p, pkgs: pkgs}
	if err := ch.check(limit); err != nil {
		return nil, nil, err
	}
	if ch.first != nil {
		limit, cerr = p.order(ch.first.cell), ch.first
	}

	tmp, err := os.MkdirTemp("", "nbrun-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "notebook")
	if filepath.Separator == '\\' {
		bin += ".exe"
	}
	for limit > 0 {
		pl, herr := ch.plan(limit)
		if herr != nil {
			limit, cerr = p.order(herr.cell), herr
			continue
		}
		e, _ := p.generate(pl)
		src := filepath.Join(tmp, "main.go")
		if err := os.WriteFile(src, e.buf.Bytes(), 0o644); err != nil {
			return nil, nil, err
		}
		berr, err := build(ctx, root, src, bin, p)
		if err != nil {
			return nil, nil, err
		}
		if berr == nil {
			break
		}
		if p.order(berr.cell) >= limit {
			return nil, nil, fmt.Errorf("internal error: build failed in a cell that is not compiled: %s", berr.msg)
		}
		limit, cerr = p.order(berr.cell), berr
	}
	if limit == 0 {
		return &collection{outputs: map[int][]interface{}{}}, cerr, nil
	}

	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), protocol.NonceEnv+"="+hex.EncodeToString(nonce))
	if opts.fast {
		cmd.Env = append(cmd.Env, FastEnv+"=1")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A process the notebook started in the background may keep the
	// pipes open after the program ends; stop waiting for it.
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	if errors.Is(runErr, exec.ErrWaitDelay) {
		runErr = nil
	}
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return nil, nil, runErr
	}
	count := func(i int) int { return p.byIndex(i).count }
	col := collect(stdout.Bytes(), stderr.Bytes(), hex.EncodeToString(nonce), runErr, count, p.cells[0].index)
	return col, cerr, nil
}

// plan is the plan of the program that runs cells[:limit]: the types of
// the hoisted variables and the imports to blank. It fails with the first
// variable whose type package main cannot spell.
func (ch *checker) plan(limit int) (*plan, *compileError) {
	p := ch.p
	pl := &plan{limit: limit, run: true, unused: map[*importSpec]bool{}}
	for _, c := range p.cells[:limit] {
		for _, it := range c.items {
			for i := range it.hoisting {
				h := &it.hoisting[i]
				obj := ch.pkg.Scope().Lookup(h.gen)
				if obj == nil {
					return nil, &compileError{cell: c, msg: "internal error: no type for " + h.ident.Name}
				}
				t, err := ch.typeString(obj.Type(), limit, pl)
				if err != nil {
					line, col := c.pos(it.off(h.ident.Pos()))
					return nil, &compileError{cell: c, line: line, col: col,
						msg: fmt.Sprintf("cannot keep %s for later cells: %v", h.ident.Name, err)}
				}
				h.typ = t
			}
		}
	}
	for _, s := range p.b.imports {
		if s.gen == "_" {
			continue
		}
		used := false
		for _, o := range ch.uses[s] {
			used = used || o < limit
		}
		pl.unused[s] = !used
	}
	return pl, nil
}

var buildLine = regexp.MustCompile(`(?m)cell(\d+)\.go:(\d+):(\d+): (.*)$`)

// build compiles the program at src inside the module at root. A compile
// error in a cell is returned as a *compileError.
func build(ctx context.Context, root, src, bin string, p *program) (*compileError, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, src)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if m := buildLine.FindStringSubmatch(string(out)); m != nil {
		i, _ := strconv.Atoi(m[1])
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		for _, c := range p.cells {
			if c.index == i {
				return &compileError{cell: c, line: line, col: col, msg: p.demangle(m[4])}, nil
			}
		}
	}
	return nil, fmt.Errorf("go build: %v\n%s", err, out)
}

// moduleRoot is the directory of the go.mod governing dir, or else the
// working directory.
func moduleRoot(dir string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for _, start := range []string{dir, wd} {
		for d := start; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				return d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", fmt.Errorf("neither %s nor the working directory is inside a Go module", dir)
}
