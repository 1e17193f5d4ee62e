// Command mtl trains, evaluates and runs gomtl multi-task models on MNIST.
//
// Usage:
//
//	mtl train [flags]                 train the seed model and evaluate it on the test set
//	mtl eval --model DIR [flags]      evaluate a saved model on the MNIST test set
//	mtl predict --model DIR [flags]   predict test-set images, or images from an IDX file
//	mtl help [command]                show the usage of mtl or of a command
//
// With no flags, "mtl train" runs the seed example: one shared Dense(64,
// ReLU) layer and two softmax heads, "digit" (10 classes) and "parity" (2
// classes), trained with Adam at 1e-3, batch size 32, for 5 epochs with
// the last 20% of the training set held out for validation, then evaluated
// on the 10,000 test images.
//
// # Output
//
// Results go to stdout and progress to stderr. On a terminal, training
// draws one progress bar per epoch, redrawn at most 10 times a second,
// and ends each epoch with a line of all its metrics; otherwise it prints
// exactly one line per epoch. With --json, stdout carries JSON lines only,
// each with a "message_type": "status" after each epoch, "summary" at the
// end (eval and train), "prediction" per image (predict) and "exit_error"
// on failure; nothing is drawn on stderr then, except the error message.
//
// A training run writes into --out DIR, or into a fresh folder
// runs/<UTC time, 20060102-150405>[-N] under the working directory:
// summary.json (test loss and accuracy per task, training samples per
// second, the configuration), history.json and history.csv (the metrics of
// every epoch), curves.png (loss and accuracy per task, training solid and
// validation dashed) and model/ (the saved model). An interrupted run
// writes no partial file: a folder it made and left empty is removed.
//
// The same --seed gives the same weights, history and test metrics; the
// only varying outputs are timings and the run folder's name.
//
// # Exit codes
//
//	0    success
//	1    error: unreadable data, missing or damaged model, failed write
//	2    usage error: unknown command, unknown flag, bad flag value
//	130  interrupted by SIGINT or SIGTERM (training stops between steps)
package main
