// Package train trains, evaluates, saves and loads the models that nngen
// generates.
//
// A generated model type M is a struct of parameters, and *M satisfies
// [model.Model]; every function here is generic over the model through
// the pointer type, so that the type arguments are inferred from a pointer
// to the model:
//
//	var m iris.Classifier // generated, float64
//	d, err := train.Load(&m, train.Sources{Train: "iris.csv", ValSplit: 0.2, TestSplit: 0.2, Seed: 1})
//	...
//	hist, err := train.FitData(ctx, &m, d, train.Config[float64]{
//		Epochs:    200,
//		Batch:     16,
//		Optimizer: opt, // from optim.New
//		LR:        0.01,
//		Patience:  20,
//	})
//	...
//	met, err := train.Evaluate(&m, d.Test)
//	err = train.SaveWeights("iris.safetensors", &m, hist.Meta)
//
// and later, or in another program, predicts from raw features:
//
//	p, err := train.LoadPredictor("iris.safetensors", new(iris.Classifier))
//	...
//	class := p.PredictClass([]float64{5.1, 3.5, 1.4, 0.2}) // "setosa"
//
// [Load] reads and splits the data and fits the standardization; the
// seed given to it is the run's, with which [FitData] initializes the
// model and shuffles the batches ([Fit] takes the parts, a model already
// initialized or loaded, and Config.Seed). The History's Meta is the
// metadata to save the weights with, and a [Predictor] applies it.
//
// The package never interprets a network: the generated code computes the
// outputs, losses and gradients, and this package drives it.
//
// # Training
//
// [Fit] runs mini-batch training with an optimizer and an optional
// learning-rate schedule from package optim, gradient clipping, validation
// after each epoch, early stopping that restores the best weights,
// callbacks after each epoch and each batch, periodic checkpoints and
// cancellation through a context; it draws the dropout masks of the
// model's layers that have dropout, and weighs the samples by
// Config.ClassWeights (see [BalancedWeights]). It stops with a [*DivergedError] naming
// the epoch and batch when the loss or the weights stop being finite, and
// with an [*InterruptedError] naming where it stopped when cancelled.
//
// Training is deterministic: the order of the samples is that of a
// [data.Batcher] created with Config.Seed, the dropout masks are a hash of
// Config.Seed and their position, and everything else follows
// from the model's initial parameters, so the same inputs give the same
// weights bit for bit. With Config.Threads above 1 the gradients of a
// mini-batch are computed on several goroutines, data-parallel: the batch
// is split into shards that depend only on its size, each shard's
// gradient goes into its own buffer, and the buffers are summed in a
// fixed order, so the weights do not depend on the number of threads
// either. A batch of one shard (up to 32 samples) whose optimizer is an
// [optim.ScaledStepper], without clipping, has its summed gradient
// averaged in the optimizer's update, with the same result bit for bit
// and one pass over the gradient fewer. After the optimizer's first
// update, Fit allocates nothing per batch.
//
// # Evaluation
//
// [Evaluate] scores a model on a data set with its forward pass only:
// the mean of the loss that training minimizes; for classifiers accuracy,
// a confusion matrix and each class's precision, recall and F1 score with
// their macro and weighted averages; for a sigmoid head the ROC AUC and
// average precision of each output; and MSE, MAE and R² for regression,
// as scikit-learn computes them (see package data). The loss agrees
// with the one TrainBatch returns, up to rounding. [EvaluateWith] sets
// the threshold of sigmoid outputs and leaves out the ranking scores,
// which sort every output; Config.Scoring does the same for Fit's
// validation. [EvaluateParallel] and
// [ForwardParallel] run the forward passes on several goroutines, with the
// same results for the models nngen generates; a [Parallel] keeps its
// goroutines from one forward pass to the next.
//
// # Weights files
//
// [SaveWeights] and [LoadWeights] store parameters in the safetensors
// format, named and shaped as PyTorch's state_dict of the equivalent
// nn.Sequential (weights [out, in], biases [out]), in the model's dtype,
// with metadata describing the model and its preprocessing ([Meta]).
// PyTorch loads them with safetensors.torch.load_file and
// load_state_dict, and LoadWeights loads PyTorch's files of the same
// architecture. Loading is strict: a missing, misshapen, mistyped or
// unknown tensor is an error naming it. [Meta.Run] records how the
// weights were made, for their readers: the version of the software,
// the input files by size and SHA-256 ([SumFile]), the settings and the
// final scores. [ReadMeta] reads the metadata alone.
//
// # Checkpoints
//
// With Config.CheckpointPath set, Fit writes a checkpoint every
// Config.CheckpointEvery epochs and when it is cancelled. A checkpoint is
// a weights file, readable with LoadWeights, that also holds the training
// state:
//
//	"optimizer.<name>"   each buffer of the optimizer's state (for
//	                     example "optimizer.m" and "optimizer.v" for Adam,
//	                     "optimizer.velocity" for SGD with momentum),
//	                     shaped [number of parameters]
//	"best.0.weight", …   the weights of the best epoch, with early stopping
//
// and, in the metadata, the position reached (epochs completed, batches
// done of the next epoch and the sum of their losses), the optimizer's
// step count, the best epoch and its validation loss, and the seed, batch
// size and number of training samples that determine the batch order.
//
// Config.ResumeFrom continues training from a checkpoint. The order of
// the batches is recovered by replaying the batcher from the seed: a
// [data.Batcher] reshuffles each epoch's order with one generator that it
// does not expose, so Fit creates it as before and draws the batches of
// the epochs already trained, without training on them. This costs a
// pass over the samples per epoch replayed, negligible beside training,
// and reproduces the exact order a Batcher loop would see, so a resumed
// run ends with the same weights, bit for bit, as one that was never
// interrupted, whether it stopped at an epoch boundary or within an
// epoch. Resuming checks that the seed, batch size and number of training
// samples are those of the checkpoint, and so are the architecture, the
// classes, the feature names, the standardization and a fingerprint of
// the training data (a SHA-256 hash of its features and targets, stored
// as "nngen.data"), naming the first that differs. [ReadPosition] tells
// where a checkpoint's run stands.
package train

//go:generate go run github.com/nngen/nngen/internal/asmgen train
