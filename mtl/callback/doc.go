// Package callback holds the usual training callbacks, after Keras's:
// EarlyStopping, ModelCheckpoint, TerminateOnNaN, ReduceLROnPlateau,
// LearningRateScheduler and CSVLogger. Each is an mtl.Callback: put them
// in mtl.FitConfig.Callbacks. Those that keep state across epochs save it
// in the run's checkpoints (they implement encoding.BinaryMarshaler), so a
// resumed run continues as if it had never stopped.
//
// Monitored values are History keys such as "val_loss" or
// "val_digit_accuracy". A Mode of "" picks "max" for accuracy, AUC and
// IoU keys and "min" for the others, as Keras's mode="auto" does.
package callback
