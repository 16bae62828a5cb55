// Package gen emits the Go source of a model lowered by package ir.
//
// The output is one gofmt-clean file that imports only the standard
// library: the model type (its parameters in PyTorch's nn.Linear layout),
// Forward and Predict for inference, Trace and Backward for training (the
// chain rule written out layer by layer) and TrainBatch over a mini-batch.
// Every choice of what to compute was made by ir; gen only writes it down.
package gen
