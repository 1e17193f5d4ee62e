// Command nbrun executes Go notebooks headlessly, with the semantics of the
// gophernotes Jupyter kernel, and writes their outputs into them as
// "jupyter nbconvert --execute --inplace" would.
//
// Usage:
//
//	nbrun [-fast] [-o dir] notebook.ipynb...
//
// Each notebook (nbformat 4) is compiled into one Go program, built with
// the go command inside the Go module holding the notebook (or else the
// working directory's), and run in the notebook's directory, the working
// directory a Jupyter kernel gets. The notebook is then written in place,
// or into dir with -o, with the outputs of its code cells. -fast sets
// GOMTL_NOTEBOOK_FAST=1 in the notebooks' environment; notebooks read it
// to shrink epochs and data sets. A failing cell stops its notebook: it is
// written with the error as that cell's output, later cells untouched, and
// nbrun reports the notebook, the cell's index, the line within the cell
// and the message:
//
//	nbrun: notebooks/seed.ipynb: cell 7 (In [4]), line 2: undefined: modle
//
// Exit status: 0 when every notebook ran; 1 when a cell failed; 2 for bad
// arguments, a notebook that is not valid nbformat 4 JSON (it is reported,
// never written) or one that cannot be built (no Go module, the go command
// failing); 130 when interrupted by SIGINT or SIGTERM.
//
// # What is honoured
//
// One session across cells: names defined by a cell (variables, with :=
// or var, functions, types, constants, imports) are seen by the later
// cells, and a later cell may define a name again, as a variable of
// another type or a new function, say. Definitions are sequential as in
// the gophernotes interpreter: code compiled before a redefinition keeps
// using the earlier definition (a function that reads x keeps reading the
// x it was defined with), and a use of a name that only a later cell
// defines is an error ("undefined: x"). Within a cell, functions, types
// and constants are visible from the start of the cell (so they may call
// one another), variables from their definition on.
//
// A cell mixes imports, declarations and statements in any order, with
// := at top level; imports in the middle of the notebook work. Unused
// variables and unused imports are accepted, as gophernotes accepts them;
// so are expression statements that Go rejects (a bare x or len(s) in the
// middle of a cell is evaluated and dropped). Special command lines that
// open a cell work as in gophernotes: "$cmd args" runs a command,
// "%help", "%go111module on|off" (without effect).
//
// The value of a cell's final expression statement is shown as the cell's
// execute_result, exactly as gophernotes decides it: nothing for a call
// returning nothing or for values that are all nil (a nil error, say); a
// single non-nil value (the others nil) that is an image.Image, a
// display.Data or has a renderer method (HTML() string, PNG() []byte,
// SVG() string, Markdown() string, JSON() map[string]interface{},
// Latex() string, JPEG() []byte, PDF() []byte, JavaScript() string,
// Render() display.Data, SimpleRender() display.MIMEMap) in that MIME
// type, with a text/plain entry; anything else as the text/plain of
// fmt.Sprint(values...). So a cell ending in fmt.Println("hi") shows
// "3 <nil>", the values fmt.Println returns, as in gophernotes. A final
// expression list a, b shows its values the same way.
//
// Package display (github.com/gomtl/gomtl/cmd/nbrun/display) is
// gophernotes' display package, imported in every notebook under the name
// display, and the function Display(display.Data) error publishes a
// bundle as a display_data output in the middle of a cell, in order with
// the cell's standard output and error, which become stream outputs of the
// cell that wrote them (consecutive writes to one stream are merged and
// carriage returns applied, as Jupyter front ends and nbconvert do). A
// bare display.HTML(s) in the middle of a cell builds a bundle and shows
// nothing, as in gophernotes.
//
// A cell that panics, fails to compile, calls log.Fatal or os.Exit, or
// crashes the program (a panic in another goroutine, a fatal runtime error)
// gets an error output (ename "ERROR", evalue the message, a traceback
// naming the cells and lines of the notebook frames) and no later cell
// runs; the cells before it have run and keep their outputs. A compile
// error's evalue starts with its line and column within the cell.
//
// Execution counts are 1, 2, 3... over the executed code cells; code
// cells holding only white space are skipped, as nbclient skips them.
// Markdown and raw cells, cell metadata, and notebook metadata are
// written back unchanged; a notebook without a kernelspec or
// language_info gets gophernotes' ({"name": "gophernotes", "display_name":
// "Go", "language": "go"} and {"name": "go", "file_extension": ".go"}),
// and an nbformat 4.5 cell without an id gets one. The file is written as
// nbformat writes it: sorted keys, one-space indentation, multiline
// strings as lists of lines, images base64-encoded.
//
// # What is approximated
//
// The notebook is compiled, not interpreted, so every cell is compiled
// before the first runs. A cell that does not compile is still reported
// when its turn comes: the program that runs holds only the cells before
// it, which run and keep their outputs.
//
// A redefined method replaces the earlier one for the whole notebook, as
// if the new definition had always been there (gophernotes replaces it
// from that cell on). A variable defined at top level must have a type
// that package main can write: a variable holding an unexported type of
// another package is an error ("cannot keep x for later cells").
//
// Identifiers are renamed without resolving scopes, so a local variable
// named like a notebook variable that was redefined is renamed too
// (harmlessly), and the keys of a composite literal are treated as field
// names unless the literal's type is written as a map, slice or array
// type: a map literal of a named map type keyed by a redefined variable
// may fail to compile. Messages name the notebook's names, not the
// renamed ones.
//
// Standard output and standard error are attributed to cells and ordered
// with the displays exactly, but between two displays a cell's standard
// output comes before its standard error. Output written by goroutines
// after their cell has finished goes to the cell that was running last.
// A renderer's bundle is built in a fixed order (Render, SimpleRender,
// then the single-format methods), where gophernotes uses map order. The
// text/plain entry of binary payloads and images is a short placeholder
// ("<image/png, 1234 bytes>") rather than fmt.Sprint of the bytes, and a
// missing text/plain entry is filled in (gophernotes only fills an empty
// one). Cells get no timing metadata, and language_info is not stamped
// with the Go version, so that executed notebooks diff cleanly. Unlike
// nbconvert, which writes nothing when a cell fails, nbrun writes the
// notebook with the failing cell's error.
//
// # How it works
//
// Each code cell is split at its top-level semicolons into items, each
// parsed alone with go/parser as a declaration or a statement. A binder
// gives each notebook-level name a unique Go name (x, then x_c5 for a
// redefinition in cell 5) and renames identifiers accordingly. A first
// program, in which the top-level variables are package-level var
// declarations with their initialisers, is type-checked with go/types
// against export data from "go list -export": that yields the variables'
// types, which final expressions have values, and which variables and
// imports are unused. The program that runs declares the variables at
// package level with those types, puts each cell's statements in a
// function nbCellN, and calls the functions in order through package
// session (github.com/gomtl/gomtl/cmd/nbrun/session), which shows final
// values, recovers panics and speaks nbrun's protocol on the program's
// standard output and error (see cmd/nbrun/internal/protocol). Line
// directives map compiler messages and stack frames back to cells and
// lines. The program and its binary live in a temporary directory that
// is removed afterwards; builds share the go command's build cache.
package main
