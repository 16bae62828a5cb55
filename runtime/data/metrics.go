package data

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Accuracy returns the fraction of positions at which pred and truth hold
// the same class index. It returns NaN for empty slices and panics if their
// lengths differ.
func Accuracy(pred, truth []int) float64 {
	checkLen(len(pred), len(truth))
	if len(pred) == 0 {
		return math.NaN()
	}
	hits := 0
	for i, p := range pred {
		if p == truth[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(pred))
}

// ConfusionMatrix returns the classes×classes confusion matrix of the
// predicted class indices pred against the true ones truth: element [t][p]
// counts the rows of true class t predicted as class p, so the diagonal
// holds the correct predictions. It panics if the lengths differ or if an
// index is outside [0, classes).
func ConfusionMatrix(pred, truth []int, classes int) [][]int {
	checkLen(len(pred), len(truth))
	cells := make([]int, classes*classes)
	m := make([][]int, classes)
	for t := range m {
		m[t] = cells[t*classes : (t+1)*classes : (t+1)*classes]
	}
	for i, p := range pred {
		t := truth[i]
		if p < 0 || p >= classes || t < 0 || t >= classes {
			panic(fmt.Sprintf("data: class index out of range [0, %d) at %d: predicted %d, true %d", classes, i, p, t))
		}
		m[t][p]++
	}
	return m
}

// MSE returns the mean squared error between pred and truth, computed in
// float64. It returns NaN for empty slices and panics if their lengths differ.
func MSE[T Float](pred, truth []T) float64 {
	checkLen(len(pred), len(truth))
	var sum float64
	for i, p := range pred {
		e := float64(p) - float64(truth[i])
		sum += e * e
	}
	return sum / float64(len(pred))
}

// MAE returns the mean absolute error between pred and truth, computed in
// float64. It returns NaN for empty slices and panics if their lengths differ.
func MAE[T Float](pred, truth []T) float64 {
	checkLen(len(pred), len(truth))
	var sum float64
	for i, p := range pred {
		sum += math.Abs(float64(p) - float64(truth[i]))
	}
	return sum / float64(len(pred))
}

func checkLen(a, b int) {
	if a != b {
		panic(fmt.Sprintf("data: length mismatch: %d predictions, %d true values", a, b))
	}
}

// Counts are the outcomes of the predictions of one class: the samples
// of the class predicted as it (TP), the samples of other classes
// predicted as it (FP) and the samples of the class predicted as another
// (FN).
type Counts struct{ TP, FP, FN int }

// ClassCounts returns the [Counts] of each class of a confusion matrix
// whose element [t][p] counts the samples of true class t predicted as
// class p, as [ConfusionMatrix] returns:
//
//	TP = C[k][k]    FP = Σₜ C[t][k] − TP    FN = Σₚ C[k][p] − TP
func ClassCounts(confusion [][]int) []Counts {
	c := make([]Counts, len(confusion))
	for t, row := range confusion {
		for p, n := range row {
			if t == p {
				c[t].TP += n
			} else {
				c[p].FP += n
				c[t].FN += n
			}
		}
	}
	return c
}

// Precision returns the fraction of the predictions of the class that
// are right,
//
//	TP / (TP + FP)
//
// or 0 if the class was never predicted (scikit-learn's zero_division=0).
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall returns the fraction of the samples of the class that are
// predicted as it,
//
//	TP / (TP + FN)
//
// or 0 if the class has no samples (scikit-learn's zero_division=0).
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 returns the harmonic mean of precision and recall,
//
//	2·TP / (2·TP + FP + FN)
//
// or 0 if the class has neither samples nor predictions
// (scikit-learn's zero_division=0).
func (c Counts) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

// Support returns the number of samples of the class, TP + FN.
func (c Counts) Support() int { return c.TP + c.FN }

// ratio returns a/b, or 0 if b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Scores are the precision, recall, F1 score and support of a class, or
// their averages over the classes.
type Scores struct {
	Precision, Recall, F1 float64
	Support               int
}

// Report holds the scores of each class and two averages of them, as
// scikit-learn's classification_report does.
type Report struct {
	// Classes holds the scores of each class, in the order of the counts.
	Classes []Scores

	// Macro is the unweighted mean of each score over the classes that
	// occur in the data or the predictions (TP + FP + FN > 0); its
	// Support is the number of samples. Classes that never occur are
	// left out, as scikit-learn leaves out labels absent from y_true and
	// y_pred of one label per sample (it counts them as 0 in multi-label
	// data); with none left, its scores are 0.
	Macro Scores

	// Weighted is the mean of each score weighted by the classes'
	// supports, Σₖ sₖ·nₖ / Σₖ nₖ; its Support is Σₖ nₖ. Its scores are 0
	// if no class has samples.
	Weighted Scores
}

// ClassificationReport returns the scores of the classes whose
// predictions are counted by counts, from [ClassCounts] for the classes
// of one prediction per sample, or one Counts per label for multi-label
// predictions (as scikit-learn's multilabel-indicator format). Undefined
// ratios are 0, as scikit-learn's zero_division=0 makes them, without
// its warning.
func ClassificationReport(counts []Counts) Report {
	r := Report{Classes: make([]Scores, len(counts))}
	var macro, weighted [3]float64
	occur, support := 0, 0
	for k, c := range counts {
		s := Scores{c.Precision(), c.Recall(), c.F1(), c.Support()}
		r.Classes[k] = s
		if c.TP+c.FP+c.FN > 0 {
			occur++
			macro[0], macro[1], macro[2] = macro[0]+s.Precision, macro[1]+s.Recall, macro[2]+s.F1
		}
		n := float64(s.Support)
		weighted[0], weighted[1], weighted[2] = weighted[0]+n*s.Precision, weighted[1]+n*s.Recall, weighted[2]+n*s.F1
		support += s.Support
	}
	mean := func(sums [3]float64, n int) Scores {
		if n == 0 {
			return Scores{Support: support}
		}
		return Scores{sums[0] / float64(n), sums[1] / float64(n), sums[2] / float64(n), support}
	}
	r.Macro, r.Weighted = mean(macro, occur), mean(weighted, support)
	return r
}

// ROCAUC returns the area under the receiver operating characteristic
// curve of the scores of samples whose true class is given by positive:
// the probability that a random positive sample scores higher than a
// random negative one, ties counting one half,
//
//	AUC = (1/(P·N)) Σᵢ Σⱼ [sᵢ > sⱼ] + ½[sᵢ = sⱼ]   (i positive, j negative)
//
// computed as the trapezoids under the curve through the points
// (FP/N, TP/P) at each distinct score, as scikit-learn's roc_auc_score.
// It returns an error if the scores are empty or NaN, or if only one
// class is present (where scikit-learn raises), and panics if the
// lengths differ.
func ROCAUC[T Float](score []T, positive []bool) (float64, error) {
	steps, p, n, err := rankSteps(score, positive)
	if err != nil {
		return 0, fmt.Errorf("ROC AUC: %w", err)
	}
	if p == 0 || n == 0 {
		class := "positive"
		if p == 0 {
			class = "negative"
		}
		return 0, fmt.Errorf("ROC AUC is undefined: only one class present, all %d samples are %s", p+n, class)
	}
	// Twice the area in units of one sample pair, exact in integers.
	var area, tp int
	for _, s := range steps {
		area += s.fp * (2*tp + s.tp)
		tp += s.tp
	}
	return float64(area) / (2 * float64(p) * float64(n)), nil
}

// AveragePrecision returns the average precision of the scores of
// samples whose true class is given by positive: the precisions at each
// distinct score, taken as the threshold from the highest down, weighted
// by the recall each adds,
//
//	AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ
//
// as scikit-learn's average_precision_score (no interpolation). It
// returns an error if the scores are empty or NaN, or if no sample is
// positive (where scikit-learn warns and returns 0), and panics if the
// lengths differ.
func AveragePrecision[T Float](score []T, positive []bool) (float64, error) {
	steps, p, _, err := rankSteps(score, positive)
	if err != nil {
		return 0, fmt.Errorf("average precision: %w", err)
	}
	if p == 0 {
		return 0, fmt.Errorf("average precision is undefined: no positive sample among %d", len(score))
	}
	var ap float64
	tp, seen := 0, 0
	for _, s := range steps {
		tp, seen = tp+s.tp, seen+s.tp+s.fp
		ap += float64(s.tp) / float64(p) * float64(tp) / float64(seen)
	}
	return ap, nil
}

// rankStep counts the positive and negative samples of one score.
type rankStep struct{ tp, fp int }

// rankSteps returns the numbers of positive and negative samples at each
// distinct score, from the highest down, and the totals.
func rankSteps[T Float](score []T, positive []bool) (steps []rankStep, p, n int, err error) {
	if len(score) != len(positive) {
		panic(fmt.Sprintf("data: length mismatch: %d scores, %d classes", len(score), len(positive)))
	}
	if len(score) == 0 {
		return nil, 0, 0, errors.New("no samples")
	}
	idx := make([]int, len(score))
	for i, s := range score {
		if s != s {
			return nil, 0, 0, fmt.Errorf("score %d is NaN", i)
		}
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return cmp.Compare(score[j], score[i]) })
	for k, i := range idx {
		if k == 0 || score[i] != score[idx[k-1]] {
			steps = append(steps, rankStep{})
		}
		if positive[i] {
			steps[len(steps)-1].tp++
			p++
		} else {
			steps[len(steps)-1].fp++
			n++
		}
	}
	return steps, p, n, nil
}

// R2 returns the coefficient of determination of the predictions pred
// of the values truth, computed in float64:
//
//	R² = 1 − Σᵢ (yᵢ − ŷᵢ)² / Σᵢ (yᵢ − ȳ)²
//
// as scikit-learn's r2_score, through [RSquared]. It returns an error
// for fewer than 2 samples and panics if the lengths differ.
func R2[T Float](pred, truth []T) (float64, error) {
	checkLen(len(pred), len(truth))
	var mean float64
	for _, y := range truth {
		mean += float64(y)
	}
	mean /= float64(len(truth))
	var res, tot float64
	for i, y := range truth {
		e, d := float64(y)-float64(pred[i]), float64(y)-mean
		res, tot = res+e*e, tot+d*d
	}
	return RSquared(res, tot, len(truth))
}

// RSquared returns R² = 1 − res/tot for n samples whose squared
// residuals sum to res and whose squared deviations from their mean sum
// to tot. For constant values (tot = 0) it returns 1 if the predictions
// are exact (res = 0) and 0 otherwise, as scikit-learn's r2_score does
// with force_finite=True, its default. It returns an error for fewer
// than 2 samples, for which scikit-learn warns and returns NaN.
func RSquared(res, tot float64, n int) (float64, error) {
	switch {
	case n < 2:
		return 0, fmt.Errorf("R² is undefined for fewer than 2 samples, got %d", n)
	case tot == 0 && res == 0:
		return 1, nil
	case tot == 0:
		return 0, nil
	}
	return 1 - res/tot, nil
}
