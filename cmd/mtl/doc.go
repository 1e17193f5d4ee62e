// Command mtl trains, evaluates, runs and describes gomtl multi-task
// models.
//
// Usage:
//
//	mtl train [flags]                 train a model and evaluate it on the test set
//	mtl eval --model DIR [flags]      evaluate a saved model on the test set
//	mtl predict --model DIR [flags]   predict test examples, or images from an IDX file
//	mtl summary [flags]               print a model layer by layer (Keras's model.summary())
//	mtl bench --out DIR [flags]       train a grid of balancing methods × architectures × seeds
//	mtl bench merge --out DIR SHARD...  join the shards of a bench into one table
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
//	mnist-loc   [1 56 56]  digit (10 classes), box (4)      trunk loc,       15 epochs, batch 128, cosine schedule
//	spam        [4096]     spam, hard (binary)              trunk text,       5 epochs, batch 64
//	mnist+spam  image [1 28 28]: digit; text [4096]: spam   encoders,         5 epochs, batch 32
//	csv:PATH    [features] the --tasks columns              trunk mlp,       30 epochs, batch 16
//
// --data DIR reads the MNIST files from a folder instead of the GoMNIST
// module (mnist, multimnist, mnist-loc and mnist+spam), or the
// SpamAssassin corpus from a folder (spam). mmoe-synth is generated (Ma et al. 2018) with
// --correlation P (default 0.5) and --seed, which train records in
// summary.json. MultiMNIST is derived once and cached; GOMTL_CACHE sets
// the cache folder ("off" turns it off). For quick checks, --limit N
// trains on the first N training examples and --test-limit N (train and
// eval) evaluates on the first N test examples.
//
// mnist-loc (datasets.MNISTLoc) puts each MNIST digit at a random place
// and scale on a 56×56 canvas strewn with clutter; its tasks are the digit
// and its bounding box, "box", four values (x0, y0, x1, y1) as fractions
// of the canvas, scored by the mean IoU ("iou") and the share of boxes
// with IoU >= 0.5 ("iou50"). The box's loss has weight 10: its smooth-L1
// loss on coordinates in [0, 1] is tiny beside the digit's cross-entropy
// (a spec file can choose another weight). --seed seeds the placement;
// the training set takes about 750 MB.
//
// spam (datasets.Spam) is the SpamAssassin public corpus as a hashed bag
// of words of 4,096 features, split 80/20 by a split seeded by --seed; it
// needs the corpus, which "make data" fetches into .data/ (or
// GOMTL_SPAM_DIR, or --data). Its tasks are binary: "spam" (spam or ham)
// and "hard" (hard or easy ham), which is labelled on ham only: spam is
// left out of its loss and metrics. A binary task scores accuracy and
// ROC AUC ("auc"; null in JSON when the test set holds one class only).
//
// mnist+spam is image and text classification in one model (mtl's
// multi-input models, Spec.Inputs): the input "image" ([1 28 28], MNIST)
// is read by the task "digit" (10 classes) and the input "text" ([4096],
// the spam set, split by --seed; its corpus always comes from
// GOMTL_SPAM_DIR or .data/) by the task "spam" (binary); spam's "hard"
// task is left out. Each input has its own encoder, Dense(64, ReLU) (on
// the flattened image: an MLP encoder keeps a step cheap), and one shared
// Dense(64, ReLU) block reads both encoders' outputs (hard sharing), with
// a head per task. Training follows mtl.Model.FitInputs: every step takes
// one batch of --batch examples from each input's training set and
// applies the gradient of the weighted sum of both tasks' losses; an
// epoch is one pass over the larger set (MNIST's), and the smaller
// (spam's) is reshuffled and started again whenever it runs out, so each
// of its examples is seen several times per epoch. --limit, --test-limit
// and --val-split apply to each input's set. The test scores are each
// task's on its input's test set; test_examples counts both sets, and the
// training speed counts the examples of both inputs. --arch (but hard),
// --trunk, --hidden, --experts and --split are usage errors; a --spec
// file must declare inputs "image" and "text" (or one of them) in
// "inputs", its tasks reading them as the dataset's do
// (cmd/mtl/examples/mnist-spam.json is the model the flags build). predict
// shows one input's test examples and tasks at a time: --input image or
// --input text.
//
// csv:PATH reads a CSV file with a header row (datasets.ReadCSV): --tasks
// NAME:KIND,... names the task columns, KIND classify, binary or
// regression (required); --features A,B,C the feature columns (default:
// the other columns); --test-fraction F (default 0.2) the rows held out
// for the test set, drawn by --seed. A classify or binary task has the
// class names its training rows hold, sorted; a regression task predicts
// one value. The features are standardised by the means and standard
// deviations of the training rows, which train saves with the class names
// in csv.json in the run folder; eval and predict read the file again as
// summary.json's config.csv says and standardise it with csv.json, so
// they need the run folder. The training rows are shuffled (by --seed)
// before --val-split holds out their tail, since a CSV file is often
// sorted by class. A bad --tasks is a usage error; a bad file an error
// naming its line and column.
//
// # Models
//
// train and summary declare the model with the same flags. --trunk names
// the layers the tasks share: lenet (Sener & Koltun's LeNet, with a
// Dense(50, ReLU) head per task), mlp (Dense(--hidden, ReLU)), or one of
// the command's own: mmoe-synth (Dense(16, ReLU), with a Dense(8, ReLU)
// head per task), loc (for mnist-loc: conv 16@5×5 stride 2, conv 64@3×3,
// max-pool 2, conv 64@3×3, max-pool 2, all ReLU, flatten, dropout 0.3, with a
// Dense(128, ReLU) head per task, so that the box reads the 5×5 grid of
// features through a layer of its own) or text (for spam: Dense(64,
// ReLU) over the bag of words, which is already a fixed-width vector, so
// this dense layer is the text encoder); a trunk of dense layers takes the
// dataset's input width. --arch says how
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
// # Balancing
//
// --weighting NAME (static, ew, uw, dwa, gradnorm, rlw, gls; packages
// mtl/weighting) sets how the task losses are weighted, --combine NAME
// (sum, pcgrad, mgda, cagrad, nash, imtl, aligned, upgrad, mgda-ub;
// mtl/combine) how the tasks' gradients on the shared parameters are
// merged, and --diagnose N measures the task gradients every N steps:
// conflict.csv, conflict.png and a "conflict" object in summary.json
// (pairwise cosines, the share of steps in conflict). "mtl bench" trains
// the single-task baselines (stl) and each method for seeds 1 to --seeds
// and writes results.json, results.md and results.png with Δm% against
// the baselines (LibMTL's higher-is-better convention); finished runs are
// skipped on a rerun, --shard i/n runs one slice of the grid and "mtl
// bench merge" joins the slices.
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
// and accuracy for classification, loss, accuracy and auc for binary
// tasks, loss, mae and rmse for regression, loss, iou and iou50 for
// boxes —
// training samples per second, the architecture and the configuration,
// the spec included), history.json and history.csv (the metrics of every
// epoch), curves.png (the loss and each task's metrics — accuracy, ROC
// AUC, mean absolute error, mean IoU — per epoch, training solid and
// validation dashed), model/ (the saved model) and, for csv data, csv.json
// (the statistics and class names), train.json (the flags, for --resume)
// and checkpoints/ (the training state after every epoch, or every
// --checkpoint-every N steps: the last --keep, and best.ckpt by --monitor).
// No file is ever left half written. A folder a run made and left empty
// is removed.
//
// # Interruptions and resuming
//
// SIGINT or SIGTERM stops training after the current step; the state is
// checkpointed and mtl exits with 130. "mtl train --resume DIR" continues
// the run in DIR from its newest good checkpoint, with its saved flags
// (no other flag may be given): a truncated or damaged checkpoint is
// detected by its checksum, reported and skipped for the one before it,
// and with none good the command fails (exit 1) naming each file. A run
// resumed after any interruption, a SIGKILL included, ends with exactly
// the weights, history and test metrics of the uninterrupted run.
// --early-stop N, --reduce-lr N and --lr-schedule add Keras's
// EarlyStopping, ReduceLROnPlateau and LearningRateScheduler callbacks
// (package mtl/callback), following --monitor; their state is saved in
// the checkpoints too.
//
// eval and predict take the dataset from the summary.json of the run
// folder --model names (with the seed of its data, mmoe-synth's
// correlation, and how a csv file was read), or mnist for a bare model
// folder; --dataset, --correlation and --seed override it, and --data is
// never taken from the run. predict prints each example's predicted class
// and probability per classification task (by name for csv), the
// probability of class 1 per binary task, its predicted values per
// regression or box task, and the true labels and targets ("-" where an
// example has no label), with each box's IoU; --images reads images from
// an IDX file (28×28, or 56×56 for mnist-loc), for models of such images
// only, scaling the pixels as the dataset does. --draw DIR (models with a
// box task) writes each example as a PNG, the image 4× larger in grey with
// the true box in green and the predicted box in red, named after the
// index and the IoU ("00007-iou0.83.png").
//
// The same --seed gives the same weights, history and test metrics; the
// only varying outputs are timings and the run folder's name.
//
// # Exit codes
//
//	0    success
//	1    error: unreadable data or spec file, missing or damaged model, failed write
//	2    usage error: unknown command, unknown flag, bad flag value or combination
//	130  interrupted by SIGINT or SIGTERM (training stops between steps and checkpoints)
package main
