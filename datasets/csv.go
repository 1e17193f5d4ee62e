package datasets

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The kinds of CSV task.
const (
	CSVClassify   = "classify"   // a class label, one of two or more classes
	CSVBinary     = "binary"     // a class label, one of exactly two classes
	CSVRegression = "regression" // a real number, a target of Dim 1
)

// MaxCSVBytes is the largest file ReadCSV reads: 256 MiB. Its rows, and so
// the memory ReadCSV uses, are bounded by it: a row takes at least two
// bytes (one character and a line end) and becomes at most 4 bytes of
// float32 per cell.
const MaxCSVBytes = 256 << 20

// csvStream is the second PCG seed word (the stream) of the held-out
// split: rand.NewPCG(cfg.Seed, csvStream).
const csvStream = 0x63737673 // "csvs"

// csvDefaultTest is the default held-out fraction.
const csvDefaultTest = 0.2

// CSVTask is one task of a CSV file: a column and what it holds.
type CSVTask struct {
	Name    string   `json:"name"`              // the header name of the task's column; the task has the same name
	Kind    string   `json:"kind"`              // CSVClassify, CSVBinary or CSVRegression
	Classes []string `json:"classes,omitempty"` // classify and binary only, optional: the class names, label = index; empty means those of the training rows, sorted
}

// CSVConfig configures ReadCSV. Tasks is required; the zero value of every
// other field means its default.
type CSVConfig struct {
	Tasks        []CSVTask `json:"tasks"`
	Features     []string  `json:"features,omitempty"`      // the feature columns, in this order; empty means every column that is not a task, in file order
	TestFraction float64   `json:"test_fraction,omitempty"` // the fraction of rows held out for testing, in (0, 1); 0 means 0.2
	Seed         uint64    `json:"seed,omitempty"`          // seeds the held-out split
}

// CSVInfo describes what ReadCSV read: enough to standardise new data as
// the training data would be, and to name the classes of a prediction. It
// holds only plain values, so it can be saved as JSON with a model; Lines,
// which grows with the file, is left out of the JSON.
type CSVInfo struct {
	File     string              `json:"file"`     // the path ReadCSV was given
	Features []string            `json:"features"` // the feature columns, in the order of the features of an example
	Mean     []float64           `json:"mean"`     // per feature, the mean over the training rows
	Std      []float64           `json:"std"`      // per feature, the standard deviation over the training rows (dividing by their count), 1 where it is 0
	Tasks    []CSVTask           `json:"tasks"`    // the tasks, in the order of cfg.Tasks, with Classes filled in for classify and binary tasks
	Classes  map[string][]string `json:"classes"`  // per classify or binary task, its class names: label i is Classes[task][i]
	Lines    [2][]int            `json:"-"`        // the file line of each example: Lines[0] of train, Lines[1] of test
}

// CSVError is a problem with the contents of a CSV file: a bad header, row
// or cell.
type CSVError struct {
	File   string
	Line   int    // the line of the file, from 1
	Column int    // the column, from 1; 0 when the problem is not one cell's
	Name   string // the column's header name when Column > 0
	Reason string
}

// Error returns "datasets: FILE: line L: REASON" or, for a cell,
// "datasets: FILE: line L, column C ("NAME"): REASON".
func (e *CSVError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("datasets: %s: line %d, column %d (%q): %s", e.File, e.Line, e.Column, e.Name, e.Reason)
	}
	return fmt.Sprintf("datasets: %s: line %d: %s", e.File, e.Line, e.Reason)
}

// ReadCSV reads a multi-task dataset from the CSV file at path, splits it
// into a training and a test set, and returns both with what it found.
// Nothing is standardised: call info.Standardize on each set (and later on
// new data) to centre and scale the features by the training statistics.
//
// The file is comma-separated as RFC 4180 says, read by encoding/csv
// (fields may be quoted, and a quoted field may hold commas, quotes as ""
// and line ends); empty lines are ignored, as encoding/csv ignores them; a
// UTF-8 byte-order mark before the header is dropped; every header name and
// cell is trimmed of surrounding white space. The first row is the header,
// naming every column: a name must be non-empty and unique. Every other row
// must have as many fields as the header. Each task of cfg.Tasks names a
// column: a classify or binary column holds class names (any non-empty
// text, compared exactly), a regression column numbers. The feature
// columns, cfg.Features or else every column that is not a task, hold
// numbers; other columns are not read. A number is a decimal as
// strconv.ParseFloat reads it ("-1.5", "2e-3"; not "0x1p-2" or "1_000"),
// finite once rounded to float32: "NaN", "Inf" and 1e39 are refused.
//
// Nothing is skipped silently: an empty cell, a bad number, a row with the
// wrong field count, or a class outside a task's declared Classes is a
// *CSVError (possibly wrapped; use errors.As) naming the file, the line
// and, for a cell, the column by number (from 1) and header name, and so
// is a header without a column that cfg names. A configuration that cannot
// work is an error too: no tasks, an unknown Kind, a task or feature named
// twice, a column used both as a task and as a feature, Classes on a
// regression task or with an empty or repeated name, a binary task with
// other than two classes, or a held-out split that leaves either side
// without rows. A file over MaxCSVBytes is refused.
//
// The held-out split is a seeded shuffle: a Fisher-Yates shuffle of the
// row indices (for i = n-1 down to 1, swap i with j uniform in [0, i], by
// Lemire's method from rand.NewPCG(cfg.Seed, 0x63737673)), whose first
// round(TestFraction*n) entries are the test rows and the rest the training
// rows; each set keeps the file's order. The same file, tasks and seed give
// the same split. A task without declared Classes takes the class names
// its training rows hold, sorted by byte value, label i for the i-th (so
// "B" is 0 and "M" is 1); a class name that only test rows hold is an
// error naming its line and column, since the model could never predict
// it. A classify task needs at least two classes, a binary task exactly
// two. The means and standard deviations in info are computed over the
// training rows only, in float64.
//
// train and test have Shape [len(info.Features)], the features in that
// order; one Labels entry per classify or binary task and one Targets entry
// of Dim 1 per regression task, each in the order of cfg.Tasks. They are
// named after the file without its folder and extension, followed by
// "-train" or "-test" ("data/iris.csv" gives "iris-train").
func ReadCSV(path string, cfg CSVConfig) (train, test *Dataset, info *CSVInfo, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxCSVBytes {
		return nil, nil, nil, fmt.Errorf("datasets: %s: file of %d bytes is over %d bytes (MaxCSVBytes)", path, st.Size(), MaxCSVBytes)
	}
	return readCSV(f, path, cfg, MaxCSVBytes)
}

// csvCapReader reads at most left bytes from r and then, if r has more,
// fails and sets over.
type csvCapReader struct {
	r    io.Reader
	left int64
	over bool
}

var errCSVTooBig = errors.New("file too big")

func (c *csvCapReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var b [1]byte
		n, err := c.r.Read(b[:])
		if n > 0 {
			c.over = true
			return 0, errCSVTooBig
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// csvColumn is one column that ReadCSV reads: a feature or a task.
type csvColumn struct {
	index int    // in the header, from 0
	name  string // the header name
}

// csvClassTask collects the labels of one classify or binary task while
// the rows are read.
type csvClassTask struct {
	col      csvColumn
	kind     string
	declared map[string]int // declared class → label; nil when undeclared
	names    []string       // undeclared: the names met, in order of first appearance
	ids      map[string]int // undeclared: name → index into names
	values   []int          // per row: the label if declared, else the index into names
	lines    []int          // per row: the line of the cell
}

// csvRegTask collects the targets of one regression task.
type csvRegTask struct {
	col    csvColumn
	values []float32
}

// readCSV is ReadCSV on a reader, reading at most limit bytes; name is the
// file's name in errors.
func readCSV(r io.Reader, name string, cfg CSVConfig, limit int64) (train, test *Dataset, info *CSVInfo, err error) {
	if err := checkCSVConfig(name, cfg); err != nil {
		return nil, nil, nil, err
	}
	frac := cfg.TestFraction
	if frac == 0 {
		frac = csvDefaultTest
	}
	capr := &csvCapReader{r: r, left: limit}
	cr := csv.NewReader(capr)
	cr.FieldsPerRecord = -1
	readErr := func(err error) error {
		var pe *csv.ParseError
		switch {
		case capr.over:
			return fmt.Errorf("datasets: %s: file is over %d bytes", name, limit)
		case errors.As(err, &pe):
			return &CSVError{File: name, Line: pe.Line, Reason: fmt.Sprintf("%v (byte %d of the line)", pe.Err, pe.Column)}
		}
		return fmt.Errorf("datasets: %s: %w", name, err)
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, nil, &CSVError{File: name, Line: 1, Reason: "no header row: the file is empty or blank"}
	}
	if err != nil {
		return nil, nil, nil, readErr(err)
	}
	headerLine, _ := cr.FieldPos(0)
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	cols := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" {
			return nil, nil, nil, &CSVError{File: name, Line: headerLine, Column: i + 1, Reason: "empty column name in the header"}
		}
		if j, dup := cols[h]; dup {
			return nil, nil, nil, &CSVError{File: name, Line: headerLine, Column: i + 1, Name: h, Reason: fmt.Sprintf("duplicate column name, also column %d", j+1)}
		}
		cols[h] = i
	}
	column := func(n, what string) (csvColumn, error) {
		i, ok := cols[n]
		if !ok {
			return csvColumn{}, &CSVError{File: name, Line: headerLine, Reason: fmt.Sprintf("no column %q for %s (the header has %s)", n, what, csvQuoteList(header, 20))}
		}
		return csvColumn{index: i, name: n}, nil
	}

	var classTasks []*csvClassTask
	var regTasks []*csvRegTask
	isTask := make(map[string]bool, len(cfg.Tasks))
	for _, t := range cfg.Tasks {
		c, err := column(t.Name, fmt.Sprintf("%s task %q", t.Kind, t.Name))
		if err != nil {
			return nil, nil, nil, err
		}
		isTask[t.Name] = true
		if t.Kind == CSVRegression {
			regTasks = append(regTasks, &csvRegTask{col: c})
			continue
		}
		ct := &csvClassTask{col: c, kind: t.Kind}
		if len(t.Classes) > 0 {
			ct.declared = make(map[string]int, len(t.Classes))
			for i, cl := range t.Classes {
				ct.declared[cl] = i
			}
		} else {
			ct.ids = make(map[string]int)
		}
		classTasks = append(classTasks, ct)
	}
	var features []csvColumn
	if len(cfg.Features) > 0 {
		for _, f := range cfg.Features {
			c, err := column(f, fmt.Sprintf("feature %q", f))
			if err != nil {
				return nil, nil, nil, err
			}
			features = append(features, c)
		}
	} else {
		for i, h := range header {
			if !isTask[h] {
				features = append(features, csvColumn{index: i, name: h})
			}
		}
		if len(features) == 0 {
			return nil, nil, nil, &CSVError{File: name, Line: headerLine, Reason: fmt.Sprintf("no feature columns: every column of the header is a task (%s)", csvQuoteList(header, 20))}
		}
	}

	cr.ReuseRecord = true
	nf := len(features)
	var pix []float32
	var lines []int
	cellErr := func(c csvColumn, reason string) error {
		line, _ := cr.FieldPos(c.index)
		return &CSVError{File: name, Line: line, Column: c.index + 1, Name: c.name, Reason: reason}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, nil, nil, &CSVError{File: name, Line: line, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))}
		}
		lines = append(lines, line)
		for _, c := range features {
			v, reason := parseCSVNumber(rec[c.index])
			if reason != "" {
				return nil, nil, nil, cellErr(c, reason)
			}
			pix = append(pix, v)
		}
		for _, t := range regTasks {
			v, reason := parseCSVNumber(rec[t.col.index])
			if reason != "" {
				return nil, nil, nil, cellErr(t.col, reason)
			}
			t.values = append(t.values, v)
		}
		for _, t := range classTasks {
			cell := strings.TrimSpace(rec[t.col.index])
			if cell == "" {
				return nil, nil, nil, cellErr(t.col, "empty cell")
			}
			cellLine, _ := cr.FieldPos(t.col.index)
			t.lines = append(t.lines, cellLine)
			if t.declared != nil {
				label, ok := t.declared[cell]
				if !ok {
					return nil, nil, nil, cellErr(t.col, fmt.Sprintf("class %q is not one of the declared classes %s", cell, csvQuoteList(cfg.task(t.col.name).Classes, 20)))
				}
				t.values = append(t.values, label)
				continue
			}
			id, ok := t.ids[cell]
			if !ok {
				id = len(t.names)
				t.ids[cell] = id
				t.names = append(t.names, cell)
			}
			t.values = append(t.values, id)
		}
	}

	n := len(lines)
	if n == 0 {
		return nil, nil, nil, &CSVError{File: name, Line: headerLine, Reason: "no rows after the header"}
	}
	k := int(math.Round(frac * float64(n)))
	if k == 0 || k == n {
		return nil, nil, nil, fmt.Errorf("datasets: %s: test fraction %v of %d rows leaves %d for training and %d for testing", name, frac, n, n-k, k)
	}
	testRows, trainRows := csvSplit(n, k, cfg.Seed)

	info = &CSVInfo{File: name, Classes: make(map[string][]string, len(classTasks))}
	for _, c := range features {
		info.Features = append(info.Features, c.name)
	}
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	train = csvDataset(base+"-train", nf, len(trainRows))
	test = csvDataset(base+"-test", nf, len(testRows))
	for _, t := range cfg.Tasks {
		ct := CSVTask{Name: t.Name, Kind: t.Kind}
		switch t.Kind {
		case CSVRegression:
			rt := regTasks[0]
			regTasks = regTasks[1:]
			train.Targets = append(train.Targets, Targets{Task: t.Name, Dim: 1, Values: csvPick(rt.values, trainRows)})
			test.Targets = append(test.Targets, Targets{Task: t.Name, Dim: 1, Values: csvPick(rt.values, testRows)})
		default:
			lt := classTasks[0]
			classTasks = classTasks[1:]
			classes, err := lt.resolve(name, t, trainRows, testRows)
			if err != nil {
				return nil, nil, nil, err
			}
			ct.Classes = classes
			info.Classes[t.Name] = slices.Clone(classes)
			train.Labels = append(train.Labels, Labels{Task: t.Name, Classes: len(classes), Values: csvPick(lt.values, trainRows)})
			test.Labels = append(test.Labels, Labels{Task: t.Name, Classes: len(classes), Values: csvPick(lt.values, testRows)})
		}
		info.Tasks = append(info.Tasks, ct)
	}
	for _, i := range trainRows {
		train.Features = append(train.Features, pix[i*nf:(i+1)*nf]...)
	}
	for _, i := range testRows {
		test.Features = append(test.Features, pix[i*nf:(i+1)*nf]...)
	}
	info.Lines = [2][]int{csvPick(lines, trainRows), csvPick(lines, testRows)}
	info.Mean, info.Std = csvStats(train.Features, nf)
	return train, test, info, nil
}

// task returns the configured task named n; the caller knows there is one.
func (cfg CSVConfig) task(n string) CSVTask {
	for _, t := range cfg.Tasks {
		if t.Name == n {
			return t
		}
	}
	return CSVTask{}
}

// checkCSVConfig checks what can be checked of cfg without the file.
func checkCSVConfig(name string, cfg CSVConfig) error {
	if len(cfg.Tasks) == 0 {
		return fmt.Errorf("datasets: %s: no tasks: CSVConfig.Tasks names none", name)
	}
	if !(cfg.TestFraction >= 0 && cfg.TestFraction < 1) {
		return fmt.Errorf("datasets: %s: test fraction %v outside (0, 1) (0 means %v)", name, cfg.TestFraction, csvDefaultTest)
	}
	tasks := make(map[string]bool, len(cfg.Tasks))
	for i, t := range cfg.Tasks {
		switch {
		case t.Name == "":
			return fmt.Errorf("datasets: %s: task %d has no column name", name, i)
		case tasks[t.Name]:
			return fmt.Errorf("datasets: %s: task %q is named twice", name, t.Name)
		case t.Kind != CSVClassify && t.Kind != CSVBinary && t.Kind != CSVRegression:
			return fmt.Errorf("datasets: %s: task %q: unknown kind %q, want %q, %q or %q", name, t.Name, t.Kind, CSVClassify, CSVBinary, CSVRegression)
		case t.Kind == CSVRegression && len(t.Classes) > 0:
			return fmt.Errorf("datasets: %s: task %q: a regression task has no classes, got %s", name, t.Name, csvQuoteList(t.Classes, 20))
		case t.Kind == CSVBinary && len(t.Classes) > 0 && len(t.Classes) != 2:
			return fmt.Errorf("datasets: %s: task %q: a binary task has 2 classes, %d declared: %s", name, t.Name, len(t.Classes), csvQuoteList(t.Classes, 20))
		case t.Kind == CSVClassify && len(t.Classes) == 1:
			return fmt.Errorf("datasets: %s: task %q: a classify task has at least 2 classes, %d declared", name, t.Name, len(t.Classes))
		}
		tasks[t.Name] = true
		seen := make(map[string]bool, len(t.Classes))
		for _, c := range t.Classes {
			if strings.TrimSpace(c) != c || c == "" {
				return fmt.Errorf("datasets: %s: task %q: declared class %q is empty or has surrounding white space, which no trimmed cell can match", name, t.Name, c)
			}
			if seen[c] {
				return fmt.Errorf("datasets: %s: task %q: class %q is declared twice", name, t.Name, c)
			}
			seen[c] = true
		}
	}
	features := make(map[string]bool, len(cfg.Features))
	for i, f := range cfg.Features {
		switch {
		case f == "":
			return fmt.Errorf("datasets: %s: feature %d has no column name", name, i)
		case features[f]:
			return fmt.Errorf("datasets: %s: feature %q is named twice", name, f)
		case tasks[f]:
			return fmt.Errorf("datasets: %s: column %q is both a task and a feature", name, f)
		}
		features[f] = true
	}
	return nil
}

// parseCSVNumber parses a trimmed cell as a finite float32, or returns why
// it cannot.
func parseCSVNumber(cell string) (float32, string) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return 0, "empty cell"
	}
	v, err := strconv.ParseFloat(s, 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Sprintf("%q is outside the float32 range", s)
	case err != nil:
		return 0, fmt.Sprintf("%q is not a number", s)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Sprintf("%q is not a finite number", s)
	case strings.ContainsAny(s, "_xX"):
		return 0, fmt.Sprintf("%q is not a decimal number", s)
	}
	return float32(v), ""
}

// csvSplit returns the k test rows and the n-k training rows of n, each in
// increasing order: the first k and the rest of a Fisher-Yates shuffle
// drawn from rand.NewPCG(seed, csvStream).
func csvSplit(n, k int, seed uint64) (test, train []int) {
	src := rand.NewPCG(seed, csvStream)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	shuffleIndices(src, perm)
	test, train = perm[:k], perm[k:]
	slices.Sort(test)
	slices.Sort(train)
	return test, train
}

// resolve returns the class names of t, declared or found in the training
// rows, and turns t.values into labels. A class met only in a test row is
// an error naming the first such row's line.
func (t *csvClassTask) resolve(file string, task CSVTask, trainRows, testRows []int) ([]string, error) {
	if t.declared != nil {
		return slices.Clone(task.Classes), nil
	}
	inTrain := make([]bool, len(t.names))
	for _, i := range trainRows {
		inTrain[t.values[i]] = true
	}
	var classes []string
	for id, ok := range inTrain {
		if ok {
			classes = append(classes, t.names[id])
		}
	}
	slices.Sort(classes)
	switch {
	case t.kind == CSVBinary && len(classes) != 2:
		return nil, fmt.Errorf("datasets: %s: binary task %q (column %d): the training rows hold %d classes, want 2: %s", file, task.Name, t.col.index+1, len(classes), csvQuoteList(classes, 20))
	case len(classes) < 2:
		return nil, fmt.Errorf("datasets: %s: classify task %q (column %d): the training rows hold %d class, want at least 2: %s", file, task.Name, t.col.index+1, len(classes), csvQuoteList(classes, 20))
	}
	for _, i := range testRows {
		if !inTrain[t.values[i]] {
			return nil, &CSVError{File: file, Line: t.lines[i], Column: t.col.index + 1, Name: t.col.name,
				Reason: fmt.Sprintf("class %q is in held-out test rows only, so no model trained on the rest can predict it (declare the task's Classes, or change the seed or the test fraction)", t.names[t.values[i]])}
		}
	}
	label := make([]int, len(t.names))
	for id, n := range t.names {
		label[id], _ = slices.BinarySearch(classes, n)
	}
	for i, id := range t.values {
		t.values[i] = label[id]
	}
	return classes, nil
}

// csvDataset returns an empty dataset of nf features with room for n rows.
func csvDataset(name string, nf, n int) *Dataset {
	return &Dataset{Name: name, Shape: []int{nf}, Features: make([]float32, 0, n*nf)}
}

// csvPick returns s[i] for each i of idx.
func csvPick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = s[i]
	}
	return out
}

// csvQuoteList returns the first limit names quoted and comma-separated, with
// a count of the rest.
func csvQuoteList(names []string, limit int) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, 0, min(len(names), limit)+1)
	for i, n := range names {
		if i == limit {
			q = append(q, fmt.Sprintf("and %d more", len(names)-limit))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}
