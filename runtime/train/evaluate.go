package train

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
)

// Metrics are the scores of a model on a data set. Which fields are set
// depends on the model's head and on the [Scoring]; the others are zero.
type Metrics struct {
	// N is the number of samples scored.
	N int

	// Loss is the mean over the samples of the loss that training
	// minimizes, computed from the outputs of ForwardBatch:
	//
	//	softmax   cross-entropy         −Σₖ yₖ log pₖ
	//	sigmoid   binary cross-entropy  −(1/K) Σₖ yₖ log pₖ + (1−yₖ) log(1−pₖ)
	//	identity  squared error         (1/K) Σₖ (ŷₖ − yₖ)²
	//
	// where k runs over the K outputs. Logarithms are clamped below at
	// −100, as PyTorch's BCELoss does, so that a probability rounded to 0
	// gives a large but finite loss.
	Loss float64

	// Accuracy is the fraction of correct predictions, for the softmax
	// and sigmoid heads. A softmax prediction is the output with the
	// highest probability, and it is correct if the target is highest
	// there too. A sigmoid output predicts 1 if p ≥ Scoring.Threshold,
	// and its target is 1 if it is at least 0.5; with several sigmoid
	// outputs (multi-label) every output of every sample counts as one
	// prediction.
	Accuracy float64

	// Confusion is the confusion matrix, for softmax and for a single
	// sigmoid output: Confusion[t][p] counts the samples of true class t
	// predicted as class p. The true class is read off the target as the
	// prediction is off the output. It is nil for other models.
	Confusion [][]int

	// Report holds the precision, recall, F1 score and support of each
	// class of a classifier, with their macro and weighted averages, as
	// [data.ClassificationReport] computes them: the classes of a softmax
	// head, the two classes 0 and 1 of a single sigmoid output, and for
	// several sigmoid outputs (multi-label) one class per output, the
	// samples whose target is 1. Its Classes are nil for the identity
	// head.
	Report data.Report

	// ROCAUC and AP are the area under the ROC curve and the average
	// precision of a sigmoid head, as [data.ROCAUC] and
	// [data.AveragePrecision] compute them, averaged over the outputs
	// (scikit-learn's average="macro"). They are computed only when
	// Scoring.Ranking asks, since they keep every output of every sample
	// and sort them.
	ROCAUC, AP float64

	// MSE and MAE are the mean squared and mean absolute errors over all
	// outputs of all samples, for the identity head. The loss of such a
	// model is its MSE. R2 is the coefficient of determination
	// ([data.RSquared]) averaged over the outputs (scikit-learn's
	// multioutput="uniform_average").
	MSE, MAE, R2 float64

	// Undefined tells why scores are missing: it maps the name of each
	// score that the data leave undefined for some output ("roc_auc",
	// "average_precision" or "r2") to the reason. Such a score is NaN.
	// Undefined is nil when every score is defined.
	Undefined map[string]string

	// Outputs holds the scores of each output of a sigmoid or identity
	// head, of which the fields above are the averages.
	Outputs []OutputMetrics
}

// OutputMetrics are the scores of one output of a sigmoid or identity
// head, set as in [Metrics]: ROCAUC and AP for a sigmoid output when
// Scoring.Ranking asks, MSE, MAE and R2 for an identity output. A score
// the data leave undefined is NaN, and Undefined says why.
type OutputMetrics struct {
	ROCAUC, AP   float64
	MSE, MAE, R2 float64
	Undefined    map[string]string
}

// Scoring says how an evaluation scores a model beyond its loss.
type Scoring struct {
	// Threshold is the probability from which a sigmoid output predicts
	// 1 (p ≥ Threshold), for Accuracy, Confusion and Report. It must be
	// in (0, 1); zero means 0.5.
	Threshold float64

	// Ranking asks for the ROC AUC and average precision of a sigmoid
	// head.
	Ranking bool
}

// threshold returns the threshold of s, or an error if it is out of range.
func (s Scoring) threshold() (float64, error) {
	switch {
	case s.Threshold == 0:
		return 0.5, nil
	case !(s.Threshold > 0 && s.Threshold < 1):
		return 0, fmt.Errorf("threshold %v is not in (0, 1)", s.Threshold)
	}
	return s.Threshold, nil
}

// Evaluate returns the metrics of m on d, every one of them, with a
// threshold of 0.5. It runs the model forward only, 256 samples at a
// time, into one buffer. It returns an error if d is empty or its
// numbers of inputs and outputs are not the model's, and a
// [*NonFiniteError] if an output is NaN or infinite.
func Evaluate[T model.Float, M any, P model.Model[T, M]](m P, d *data.Dataset[T]) (Metrics, error) {
	return EvaluateWith(m, d, 1, Scoring{Ranking: true})
}

// EvaluateParallel is Evaluate with the forward passes on up to threads
// goroutines (0 or 1: on the caller alone), as [ForwardParallel] runs
// them, 256 samples per goroutine at a time. For the models nngen
// generates the metrics are those of Evaluate, bit for bit, whatever the
// number of threads.
func EvaluateParallel[T model.Float, M any, P model.Model[T, M]](m P, d *data.Dataset[T], threads int) (Metrics, error) {
	return EvaluateWith(m, d, threads, Scoring{Ranking: true})
}

// EvaluateWith is EvaluateParallel with the scores that s asks for.
func EvaluateWith[T model.Float, M any, P model.Model[T, M]](m P, d *data.Dataset[T], threads int, s Scoring) (Metrics, error) {
	var buf []T
	n := 0
	if d != nil {
		n = d.Len()
	}
	p := newPool(threads, forwardTasks(n))
	defer p.close()
	return evaluate(m, d, s, &buf, p, newForwarder(m), evalBatch*p.workers())
}

// evalBatch is the number of samples Evaluate runs through the model at a
// time, per thread.
const evalBatch = 256

// Fit's validation runs valBatch samples at a time through the model, in
// valParts parts, whatever the number of threads.
const (
	valBatch = 512
	valParts = 4
)

// minLog is the lower bound of the logarithms in the classification losses.
const minLog = -100

// evaluate is EvaluateWith with a buffer for the outputs that is grown
// as needed and kept for the next call, and the forward passes of step
// samples at a time run by f on the pool p.
func evaluate[T model.Float, M any, P model.Model[T, M]](m P, d *data.Dataset[T], sc Scoring, buf *[]T, p *pool, f *forwarder[T, M, P], step int) (Metrics, error) {
	widths := m.Widths()
	if d == nil {
		return Metrics{}, errors.New("train: evaluate: nil data set")
	}
	threshold, err := sc.threshold()
	if err != nil {
		return Metrics{}, fmt.Errorf("train: evaluate: %w", err)
	}
	if err := checkDims(d, widths, "data set"); err != nil {
		return Metrics{}, fmt.Errorf("train: evaluate: %w", err)
	}
	n := d.Len()
	if n == 0 {
		return Metrics{}, errors.New("train: evaluate: data set has no samples")
	}
	out := widths[len(widths)-1]
	if rows := min(n, step); len(*buf) < rows*out {
		*buf = make([]T, rows*out)
	}
	s := newScorer(m.Head(), out, threshold, sc.Ranking)
	bad := &NonFiniteError{Samples: n}
	for i := 0; i < n; i += step {
		b := d.Batch(i, min(i+step, n))
		y := (*buf)[:b.N*out]
		f.run(p, y, b.X)
		findNonFinite(bad, y, out, i)
		for k := range b.N {
			add(s, y[k*out:(k+1)*out], b.Y[k*out:(k+1)*out])
		}
	}
	if bad.Count > 0 {
		return Metrics{}, bad
	}
	return s.metrics(), nil
}

// NonFiniteError reports samples for which a model's outputs are NaN or
// infinite, as they are for features far outside the range of those it
// was trained on.
type NonFiniteError struct {
	Rows    []int // the first such samples, at most 10, numbered from 0
	Count   int   // how many there are
	Samples int   // of how many
}

func (e *NonFiniteError) Error() string {
	rows := make([]string, len(e.Rows))
	for i, r := range e.Rows {
		rows[i] = strconv.Itoa(r + 1)
	}
	list := strings.Join(rows, ", ")
	if e.Count > len(e.Rows) {
		list += ", …"
	}
	return fmt.Sprintf("the model's outputs are NaN or infinite for %d of %d %s (data %s %s): their features are far outside the range of the training data",
		e.Count, e.Samples, plural(e.Samples, "sample"), plural(e.Count, "row"), list)
}

// Predict calls f with the outputs of m for each sample of d in turn,
// computed evalBatch samples at a time into one buffer, so that memory
// does not grow with d. So that a caller writing predictions writes none
// when some are not finite, it first runs the model over all of d, and
// returns a [*NonFiniteError] without calling f if an output is NaN or
// infinite. It panics if d's inputs are not the model's.
func Predict[T model.Float, M any, P model.Model[T, M]](m P, d *data.Dataset[T], f func(y []T) error) error {
	widths := m.Widths()
	if d.Inputs != widths[0] {
		panic(fmt.Sprintf("train: Predict: %d inputs per sample, the model has %d", d.Inputs, widths[0]))
	}
	out, n := widths[len(widths)-1], d.Len()
	buf := make([]T, min(n, evalBatch)*out)
	each := func(do func(first int, y []T) error) error {
		for i := 0; i < n; i += evalBatch {
			b := d.Batch(i, min(i+evalBatch, n))
			y := buf[:b.N*out]
			m.ForwardBatch(y, b.X)
			if err := do(i, y); err != nil {
				return err
			}
		}
		return nil
	}
	bad := &NonFiniteError{Samples: n}
	each(func(first int, y []T) error {
		findNonFinite(bad, y, out, first)
		return nil
	})
	if bad.Count > 0 {
		return bad
	}
	return each(func(_ int, y []T) error {
		for k := 0; k < len(y); k += out {
			if err := f(y[k : k+out]); err != nil {
				return err
			}
		}
		return nil
	})
}

// findNonFinite records in e the samples of the outputs y, out values per
// sample and numbered from first, that are not finite.
func findNonFinite[T model.Float](e *NonFiniteError, y []T, out, first int) {
	for k := 0; k*out < len(y); k++ {
		for _, v := range y[k*out : (k+1)*out] {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				if e.Count++; len(e.Rows) < 10 {
					e.Rows = append(e.Rows, first+k)
				}
				break
			}
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// checkDims reports whether d has the inputs and outputs of a model of the
// given widths; what names d in the message.
func checkDims[T model.Float](d *data.Dataset[T], widths []int, what string) error {
	in, out := widths[0], widths[len(widths)-1]
	if d.Inputs != in || d.Outputs != out {
		return fmt.Errorf("%s has %d inputs and %d outputs per sample, the model %d and %d",
			what, d.Inputs, d.Outputs, in, out)
	}
	if len(d.X) != d.Len()*d.Inputs || len(d.Y) != d.Len()*d.Outputs {
		return fmt.Errorf("%s is malformed: %d features and %d targets for %d inputs and %d outputs per sample",
			what, len(d.X), len(d.Y), d.Inputs, d.Outputs)
	}
	return nil
}

// scorer accumulates the metrics of a model's outputs sample by sample.
type scorer struct {
	head      string
	out       int
	threshold float64 // of the sigmoid outputs' predictions

	n          int
	loss       float64 // sum of the per-sample losses
	hits, seen int     // correct and total predictions
	confusion  [][]int
	labels     []data.Counts // of each output, for several sigmoid outputs
	// The outputs of each sigmoid output and whether their targets are
	// 1, when ranking scores are asked for.
	ranked   [][]float64
	positive [][]bool
	sums     []errorSums // of each identity output
}

// errorSums accumulate the errors of one identity output, and the mean
// of its targets and the sum of their squared deviations from it, by
// Welford's update, which keeps the digits that Σy² − (Σy)²/n loses.
type errorSums struct {
	se, ae   float64 // sums of squared and absolute errors
	mean, m2 float64
}

func newScorer(head string, out int, threshold float64, ranking bool) *scorer {
	s := &scorer{head: head, out: out, threshold: threshold}
	classes := 0
	switch {
	case head == model.Softmax:
		classes = out
	case head == model.Sigmoid && out == 1:
		classes = 2
	case head == model.Sigmoid:
		s.labels = make([]data.Counts, out)
	case head == model.Identity:
		s.sums = make([]errorSums, out)
	}
	if classes > 0 {
		cells := make([]int, classes*classes)
		s.confusion = make([][]int, classes)
		for t := range s.confusion {
			s.confusion[t] = cells[t*classes : (t+1)*classes : (t+1)*classes]
		}
	}
	if head == model.Sigmoid && ranking {
		s.ranked, s.positive = make([][]float64, out), make([][]bool, out)
	}
	return s
}

// add scores one sample with outputs p and targets y.
func add[T model.Float](s *scorer, p, y []T) {
	s.n++
	switch s.head {
	case model.Softmax:
		var loss float64
		pred, truth := 0, 0
		for k := range p {
			if y[k] != 0 {
				loss -= float64(y[k]) * clampedLog(float64(p[k]))
			}
			if p[k] > p[pred] {
				pred = k
			}
			if y[k] > y[truth] {
				truth = k
			}
		}
		s.loss += loss
		s.count(truth, pred)
	case model.Sigmoid:
		var loss float64
		for k := range p {
			pk, yk := float64(p[k]), float64(y[k])
			loss -= yk*clampedLog(pk) + (1-yk)*clampedLog(1-pk)
			s.classify(k, pk, yk >= 0.5)
		}
		s.loss += loss / float64(len(p))
	default:
		var se float64
		for k := range p {
			yk := float64(y[k])
			r := float64(p[k]) - yk
			se += r * r
			e := &s.sums[k]
			e.se += r * r
			e.ae += math.Abs(r)
			d := yk - e.mean
			e.mean += d / float64(s.n)
			e.m2 += d * (yk - e.mean)
		}
		s.loss += se / float64(len(p))
	}
}

// classify records the prediction of sigmoid output k, whose value is p
// and whose target is positive or not.
func (s *scorer) classify(k int, p float64, positive bool) {
	pred, truth := 0, 0
	if p >= s.threshold {
		pred = 1
	}
	if positive {
		truth = 1
	}
	s.count(truth, pred)
	if s.labels != nil {
		c := &s.labels[k]
		switch {
		case pred == 1 && truth == 1:
			c.TP++
		case pred == 1:
			c.FP++
		case truth == 1:
			c.FN++
		}
	}
	if s.ranked != nil {
		s.ranked[k] = append(s.ranked[k], p)
		s.positive[k] = append(s.positive[k], positive)
	}
}

// count records one classification.
func (s *scorer) count(truth, pred int) {
	s.seen++
	if truth == pred {
		s.hits++
	}
	if s.confusion != nil {
		s.confusion[truth][pred]++
	}
}

func (s *scorer) metrics() Metrics {
	r := Metrics{N: s.n, Loss: s.loss / float64(s.n), Confusion: s.confusion}
	switch s.head {
	case model.Softmax, model.Sigmoid:
		r.Accuracy = float64(s.hits) / float64(s.seen)
		counts := s.labels
		if s.confusion != nil {
			counts = data.ClassCounts(s.confusion)
		}
		r.Report = data.ClassificationReport(counts)
		if s.ranked != nil {
			s.rank(&r)
		}
	default:
		s.regress(&r)
	}
	return r
}

// rank sets the ranking scores of r from the outputs kept.
func (s *scorer) rank(r *Metrics) {
	r.Outputs = make([]OutputMetrics, s.out)
	for k := range r.Outputs {
		o := &r.Outputs[k]
		auc, err := data.ROCAUC(s.ranked[k], s.positive[k])
		o.ROCAUC = score(&o.Undefined, "roc_auc", auc, err)
		ap, err := data.AveragePrecision(s.ranked[k], s.positive[k])
		o.AP = score(&o.Undefined, "average_precision", ap, err)
	}
	r.ROCAUC = r.mean("roc_auc", func(o *OutputMetrics) float64 { return o.ROCAUC })
	r.AP = r.mean("average_precision", func(o *OutputMetrics) float64 { return o.AP })
}

// regress sets the errors and R² of r from the sums of an identity head.
func (s *scorer) regress(r *Metrics) {
	r.Outputs = make([]OutputMetrics, s.out)
	var se, ae float64
	for k, e := range s.sums {
		o := &r.Outputs[k]
		o.MSE, o.MAE = e.se/float64(s.n), e.ae/float64(s.n)
		r2, err := data.RSquared(e.se, e.m2, s.n)
		o.R2 = score(&o.Undefined, "r2", r2, err)
		se, ae = se+e.se, ae+e.ae
	}
	total := float64(s.n * s.out)
	r.MSE, r.MAE = se/total, ae/total
	r.R2 = r.mean("r2", func(o *OutputMetrics) float64 { return o.R2 })
}

// score returns v, or NaN if err says the score named name is undefined,
// which it records in *undefined.
func score(undefined *map[string]string, name string, v float64, err error) float64 {
	if err == nil {
		return v
	}
	note(undefined, name, err.Error())
	return math.NaN()
}

// note records in *undefined why the score named name is undefined.
func note(undefined *map[string]string, name, why string) {
	if *undefined == nil {
		*undefined = make(map[string]string)
	}
	(*undefined)[name] = why
}

// mean returns the mean over r's outputs of the score named name, read
// by get, or NaN if an output's is undefined, which it records in r.
func (r *Metrics) mean(name string, get func(*OutputMetrics) float64) float64 {
	var sum float64
	for k := range r.Outputs {
		o := &r.Outputs[k]
		if why, ok := o.Undefined[name]; ok {
			if len(r.Outputs) > 1 {
				why = fmt.Sprintf("output %d: %s", k, why)
			}
			note(&r.Undefined, name, why)
			return math.NaN()
		}
		sum += get(o)
	}
	return sum / float64(len(r.Outputs))
}

// clampedLog returns log x, but not less than minLog.
func clampedLog(x float64) float64 {
	if x <= 0 {
		return minLog
	}
	return max(math.Log(x), minLog)
}
