// Command mtl trains, evaluates, runs and describes gomtl multi-task
// models.
//
// Usage:
//
//	mtl train [flags]                 train a model and evaluate it on the test set
//	mtl eval --model DIR [flags]      evaluate a saved model on the test set
//	mtl predict --model DIR [flags]   predict test examples, or images from an IDX file
//	mtl summary [flags]               print a model layer by layer (Keras's model.summary())
//	mtl help [command]                show the usage of mtl or of a command
//
// With no flags, "mtl train" runs the seed example: one shared Dense(64,
// ReLU) layer and two softmax heads, "digit" (10 classes) and "parity" (2
// classes), trained on MNIST with Adam at 1e-3, batch size 32, for 5 epochs
// with the last 20% of the training set held out for validation, then
// evaluated on the 10,000 test images.
//
// # Datasets
//
// --dataset chooses the data, its tasks and the defaults of the flags the
// user leaves out (the validation split is 0.2 for all):
//
//	mnist       [1 28 28]  digit (10 classes), parity (2)   trunk mlp,        5 epochs, batch 32
//	multimnist  [1 28 28]  left (10 classes), right (10)    trunk lenet,     10 epochs, batch 256
//	mmoe-synth  [100]      t1, t2 (regression, 1 value)     trunk mmoe-synth, 30 epochs, batch 128
//
// --data DIR reads the MNIST files from a folder instead of the GoMNIST
// module (mnist and multimnist). mmoe-synth is generated (Ma et al. 2018)
// with --correlation P (default 0.5) and --seed, which train records in
// summary.json. MultiMNIST is derived once and cached; GOMTL_CACHE sets
// the cache folder ("off" turns it off). For quick checks, --limit N
// trains on the first N training examples and --test-limit N (train and
// eval) evaluates on the first N test examples.
//
// # Models
//
// train and summary declare the model with the same flags. --trunk names
// the layers the tasks share: lenet (Sener & Koltun's LeNet, with a
// Dense(50, ReLU) head per task), mlp (Dense(--hidden, ReLU)) or
// mmoe-synth (Dense(16, ReLU), with a Dense(8, ReLU) head per task); a
// trunk of dense layers takes the dataset's input width. --arch says how
// the tasks share it: hard (one trunk, a head per task), cross-stitch (a
// tower per task, mixed after every layer), mmoe, cgc and ple (copies of
// the trunk as experts, mixed by a gate per task; --experts N shared
// experts) or cascade (hard sharing where the second task also reads the
// first task's probabilities). --split K keeps the first K trunk layers
// shared and copies the rest into every task's head. --spec FILE instead
// reads the whole model from a JSON spec file (cmd/mtl/examples has one
// per architecture), so it excludes those flags; its tasks must be tasks
// of the dataset, of the same kind and size, and --seed replaces its
// seed. A bad file is an error naming the field and, where the JSON
// decoder tells, the line.
//
// "mtl summary" prints the model as a table: each layer, its output shape
// per example, its parameter count and the tasks whose losses train it,
// then the total; the model comes from --spec, from --model DIR (a saved
// model) or from the model flags.
//
// # Output
//
// Results go to stdout and progress to stderr. On a terminal, training
// draws one progress bar per epoch, redrawn at most 10 times a second,
// and ends each epoch with a line of all its metrics; otherwise it prints
// exactly one line per epoch. With --json, stdout carries JSON lines only,
// each with a "message_type": "status" after each epoch, "summary" at the
// end (train, eval and summary), "prediction" per example (predict) and
// "exit_error" on failure; nothing is drawn on stderr then, except the
// error message.
//
// A training run writes into --out DIR, or into a fresh folder
// runs/<UTC time, 20060102-150405>[-N] under the working directory:
// summary.json (the dataset, epochs, seed, test metrics per task — loss
// and accuracy for classification, loss, mae and rmse for regression —
// training samples per second, the architecture and the configuration,
// the spec included), history.json and history.csv (the metrics of every
// epoch), curves.png (the loss and each task's metric, accuracy or mean
// absolute error, per epoch, training solid and validation dashed) and
// model/ (the saved model). An interrupted run writes no partial file: a
// folder it made and left empty is removed.
//
// eval and predict take the dataset from the summary.json of the run
// folder --model names (mmoe-synth with its correlation and seed), or
// mnist for a bare model folder; --dataset, --correlation and --seed
// override it, and --data is never taken from the run. predict prints
// each example's predicted class and probability per classification
// task, its predicted values per regression task, and the true labels and
// targets; --images reads 28×28 images from an IDX file, for models of
// such images only, scaling the pixels as the dataset does.
//
// The same --seed gives the same weights, history and test metrics; the
// only varying outputs are timings and the run folder's name.
//
// # Exit codes
//
//	0    success
//	1    error: unreadable data or spec file, missing or damaged model, failed write
//	2    usage error: unknown command, unknown flag, bad flag value or combination
//	130  interrupted by SIGINT or SIGTERM (training stops between steps)
package main
