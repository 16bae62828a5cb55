package driver

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// HeadMetrics lists the scores that a model's head has beyond the loss
// and the accuracy or errors. -metrics adds some of them to the epochs'
// lines; the end of training and eval show them all.
var HeadMetrics = map[string][]string{
	model.Softmax:  {"precision", "recall", "f1"},
	model.Sigmoid:  {"precision", "recall", "f1", "roc_auc", "average_precision"},
	model.Identity: {"r2"},
}

// allMetrics lists the scores of every head.
var allMetrics = append(slices.Clone(HeadMetrics[model.Sigmoid]), HeadMetrics[model.Identity]...)

// MetricsUsage describes the scores of -metrics.
const MetricsUsage = "precision, recall, f1 (classifiers: macro averages, or the second class's for one sigmoid output), roc_auc, average_precision (sigmoid), r2 (identity)"

// checkMetrics reports a name of -metrics that no head has.
func checkMetrics(names []string) error {
	for _, n := range names {
		if !slices.Contains(allMetrics, n) {
			return fmt.Errorf("-metrics: unknown score %q (want some of: %s)", n, strings.Join(allMetrics, ", "))
		}
	}
	return nil
}

// CheckHead reports an option that a model with the given head does not
// take: a score of -metrics it does not have, or a -threshold other than
// 0.5 without a sigmoid head.
func (o *TrainOptions) CheckHead(head string) error {
	for _, n := range o.Metrics {
		if !slices.Contains(HeadMetrics[head], n) {
			return fmt.Errorf("-metrics: the model's %s head has no score %s; its scores: %s", head, n, strings.Join(HeadMetrics[head], ", "))
		}
	}
	return checkThresholdHead(o.Threshold, head)
}

// CheckHead reports a -threshold other than 0.5 without a sigmoid head.
func (o *EvalOptions) CheckHead(head string) error {
	return checkThresholdHead(o.Threshold, head)
}

func checkThresholdHead(t float64, head string) error {
	if t != 0 && t != 0.5 && head != model.Sigmoid {
		return fmt.Errorf("-threshold %g: the model's %s head takes no threshold; only sigmoid outputs do", t, head)
	}
	return nil
}

// scoring is how training scores the validation after each epoch: the
// ranking scores are computed only if -metrics asks for one.
func (o *TrainOptions) scoring() train.Scoring {
	return train.Scoring{
		Threshold: o.Threshold,
		Ranking:   slices.Contains(o.Metrics, "roc_auc") || slices.Contains(o.Metrics, "average_precision"),
	}
}

// headline returns the score of m named name, one of HeadMetrics: the
// precision, recall and F1 score are those of the second class for a
// single sigmoid output (as scikit-learn's average="binary"), their macro
// averages otherwise. It reports false if the score is undefined.
func headline(m train.Metrics, head, name string) (float64, bool) {
	s := m.Report.Macro
	if head == model.Sigmoid && m.Confusion != nil {
		s = m.Report.Classes[1]
	}
	switch name {
	case "precision":
		return s.Precision, true
	case "recall":
		return s.Recall, true
	case "f1":
		return s.F1, true
	case "roc_auc":
		return m.ROCAUC, m.Undefined[name] == ""
	case "average_precision":
		return m.AP, m.Undefined[name] == ""
	case "r2":
		return m.R2, m.Undefined[name] == ""
	}
	panic("driver: unknown score " + name)
}

// writeUndefined writes why the scores named are undefined, if they are,
// one line each.
func writeUndefined(w io.Writer, m train.Metrics, names []string) {
	for _, n := range names {
		if why := m.Undefined[n]; why != "" {
			fmt.Fprintf(w, "note: %s\n", why)
		}
	}
}

// writeReport writes the scores of each class of a classifier, named by
// names, and their averages, as scikit-learn's classification_report.
func writeReport(w io.Writer, r data.Report, names []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tprecision\trecall\tf1\tsupport\t")
	row := func(name string, s data.Scores) {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%d\t\n", name, s.Precision, s.Recall, s.F1, s.Support)
	}
	for k, s := range r.Classes {
		row(names[k], s)
	}
	row("macro avg", r.Macro)
	row("weighted avg", r.Weighted)
	tw.Flush()
}

// jsonScores are data.Scores in eval's JSON output.
type jsonScores struct {
	Class     string  `json:"class,omitempty"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

func toJSON(class string, s data.Scores) jsonScores {
	return jsonScores{class, s.Precision, s.Recall, s.F1, s.Support}
}

// metricsJSON returns the object that eval -json prints, for a model with
// the given head whose classes, for a classifier, are named by names.
func metricsJSON(m train.Metrics, head string, names []string, threshold float64) map[string]any {
	out := map[string]any{"samples": m.N, "loss": m.Loss}
	if head == model.Identity {
		out["mse"], out["mae"] = m.MSE, m.MAE
	} else {
		out["accuracy"] = m.Accuracy
		if m.Confusion != nil {
			out["confusion"], out["classes"] = m.Confusion, names
		}
		report := make([]jsonScores, len(m.Report.Classes))
		for k, s := range m.Report.Classes {
			report[k] = toJSON(names[k], s)
		}
		out["report"] = report
		out["macro_avg"], out["weighted_avg"] = toJSON("", m.Report.Macro), toJSON("", m.Report.Weighted)
	}
	if head == model.Sigmoid {
		out["threshold"] = threshold
	}
	for _, n := range []string{"roc_auc", "average_precision", "r2"} {
		if slices.Contains(HeadMetrics[head], n) {
			if v, ok := headline(m, head, n); ok {
				out[n] = v
			}
		}
	}
	if m.Undefined != nil {
		out["undefined"] = m.Undefined
	}
	return out
}
