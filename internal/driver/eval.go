package driver

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/nngen/nngen/internal/atomicfile"
	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// weighted is the options of a command that loads a trained model.
type weighted interface{ weightsFile() string }

func (o *EvalOptions) weightsFile() string   { return o.Weights }
func (o *VerifyOptions) weightsFile() string { return o.Weights }

// loadModel decodes the command's JSON options in args into o, reads the
// weights file they name into a new model, checks that it was trained for
// the architecture arch, printing a note to stderr if the file records too
// little to tell, and returns the model with the file's metadata.
func loadModel[T model.Float, M any, P model.Model[T, M]](args []string, o weighted, arch train.Arch, stderr io.Writer) (P, train.Meta, error) {
	if err := decode(args, o); err != nil {
		return nil, train.Meta{}, err
	}
	path := o.weightsFile()
	m := P(new(M))
	meta, err := train.LoadWeights(path, m)
	if err != nil {
		return nil, meta, err
	}
	note, err := train.CheckArch(path, meta, arch)
	if err != nil {
		return nil, meta, err
	}
	if note != "" {
		fmt.Fprintf(stderr, "nngen: note: %s\n", note)
	}
	return m, meta, nil
}

func decode(args []string, v any) error {
	if len(args) != 1 {
		return fmt.Errorf("the command takes its options as one JSON argument")
	}
	return json.Unmarshal([]byte(args[0]), v)
}

func evalCmd[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) error {
	var o EvalOptions
	m, meta, err := loadModel[T, M, P](args, &o, arch, stderr)
	if err != nil {
		return err
	}
	head := m.Head()
	meta.Target = cmp.Or(o.Target, meta.Target)
	if _, err := missingPolicy(o, &meta); err != nil {
		return err
	}
	f, name, err := openData(o.Data)
	if err != nil {
		return err
	}
	defer f.Close()
	d, rep, err := train.ReadCSVFrom(m, f, name, meta)
	if err != nil {
		return err
	}
	reportMissing(stderr, name, rep)
	threshold := cmp.Or(o.Threshold, 0.5)
	met, err := train.EvaluateWith(m, d, 1, train.Scoring{Threshold: threshold, Ranking: true})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// The classes as read, which are those saved with the weights if any.
	names := classNames(d.Classes, len(met.Report.Classes))
	if o.JSON {
		return json.NewEncoder(stdout).Encode(metricsJSON(met, head, names, threshold))
	}
	fmt.Fprintf(stdout, "%s: %s\n", name, summary(met, head, HeadMetrics[head]))
	writeUndefined(stdout, met, HeadMetrics[head])
	if head == model.Identity {
		return nil
	}
	if head == model.Sigmoid && met.Confusion != nil {
		fmt.Fprintf(stdout, "class %s predicted where p ≥ %g:\n", names[1], threshold)
	} else if head == model.Sigmoid {
		fmt.Fprintf(stdout, "each output predicted 1 where p ≥ %g:\n", threshold)
	}
	writeReport(stdout, met.Report, names)
	if met.Confusion != nil {
		fmt.Fprintln(stdout, "confusion matrix (rows: true class, columns: predicted class):")
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "\t")
		for _, c := range names {
			fmt.Fprintf(tw, "%s\t", c)
		}
		fmt.Fprintln(tw)
		for i, row := range met.Confusion {
			fmt.Fprintf(tw, "%s\t", names[i])
			for _, n := range row {
				fmt.Fprintf(tw, "%d\t", n)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}
	return nil
}

// missingPolicy sets meta.Missing, in the metadata of the weights file
// o.Weights, to the policy for missing values of o: -missing if given,
// else the one the file records. It returns the policy as messages name
// it: "-missing drop", or "-missing drop (recorded in w.safetensors)".
// Filling in means needs the training means, which only weights trained
// with -missing mean save.
func missingPolicy(o EvalOptions, meta *train.Meta) (string, error) {
	origin := ""
	if o.Missing != nil {
		meta.Missing = *o.Missing
	} else {
		origin = " (recorded in " + o.Weights + ")"
	}
	if meta.Missing == data.MissingMean && meta.Fill == nil {
		return "", fmt.Errorf("-missing mean: %s holds no training means to fill in missing values with, as only weights trained with -missing mean do; use -missing drop, or error", o.Weights)
	}
	return "-missing " + meta.Missing.String() + origin, nil
}

// reportMissing says on stderr what was done with the missing values of
// the data that name names, as rep reports them, if there were any.
func reportMissing(stderr io.Writer, name string, rep *data.MissingReport) {
	if rep.Rows > 0 {
		fmt.Fprintf(stderr, "nngen: %s: %v\n", name, rep)
	}
}

// openData opens the data file path, or standard input if path is "-",
// and returns it with the name that messages give it.
func openData(path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), "stdin", nil
	}
	f, err := os.Open(path)
	return f, path, err
}

// predictCmd writes one CSV row per input row: the kept input columns,
// then the predicted class and the probability of each class, or the
// predicted values. The target column, if the input has it, is ignored
// whatever it holds. A row that -missing drop leaves out has no output
// row, so that the output rows would not line up with the input's:
// input with such rows is refused unless -keep names columns that
// identify the rows.
func predictCmd[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) error {
	var o EvalOptions
	m, meta, err := loadModel[T, M, P](args, &o, arch, stderr)
	if err != nil {
		return err
	}
	policy, err := missingPolicy(o, &meta)
	if err != nil {
		return err
	}
	pr := newPredictions[T](m.Head(), m.Widths(), meta, o)
	header := append(slices.Clone(o.Keep), pr.header...)
	for _, c := range o.Keep {
		if slices.Contains(pr.header, c) {
			return fmt.Errorf("-keep %s: the predictions have a column %s already", c, c)
		}
	}
	f, name, err := openData(o.Data)
	if err != nil {
		return err
	}
	defer f.Close()
	var (
		in   io.Reader = f
		kept [][]string
	)
	if len(o.Keep) > 0 { // read twice: the kept columns, then the features
		b, err := io.ReadAll(f)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if kept, err = data.ReadColumns(bytes.NewReader(b), name, data.CSVOptions{}, o.Keep); err != nil {
			return fmt.Errorf("-keep: %w", err)
		}
		in = bytes.NewReader(b)
	}
	d, rep, err := train.ReadInputsFrom(m, in, name, meta, skipped(o, meta)...)
	if err != nil {
		return err
	}
	if len(rep.Dropped) > 0 {
		if kept == nil {
			others := "-missing error"
			if meta.Fill != nil {
				others = "-missing mean or error"
			}
			return fmt.Errorf("%s: %s would leave out %d of the %d rows, which have missing values, and the predictions would not line up with the input rows: "+
				"name columns that identify the rows with -keep, or use %s", name, policy, len(rep.Dropped), rep.Total, others)
		}
		kept = leaveOut(kept, rep.Dropped)
	}
	reportMissing(stderr, name, rep)
	write := func(w io.Writer) error {
		cw := csv.NewWriter(w)
		i := 0
		rec := make([]string, 0, len(header))
		// The header goes out only once Predict knows all outputs are finite.
		err := train.Predict(m, d, func(y []T) error {
			if i == 0 {
				if err := cw.Write(header); err != nil {
					return err
				}
			}
			rec = rec[:0]
			if kept != nil {
				rec = append(rec, kept[i]...)
			}
			rec = pr.record(rec, y)
			i++
			return cw.Write(rec)
		})
		if nf := (*train.NonFiniteError)(nil); errors.As(err, &nf) {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}
	if o.Out == "" || o.Out == "-" {
		return write(stdout)
	}
	return atomicfile.Write(o.Out, write)
}

// leaveOut returns rows without those whose indices are listed, in
// increasing order, in out.
func leaveOut[E any](rows []E, out []int) []E {
	kept := make([]E, 0, len(rows)-len(out))
	for i, r := range rows {
		if len(out) > 0 && out[0] == i {
			out = out[1:]
			continue
		}
		kept = append(kept, r)
	}
	return kept
}

// skipped returns the columns of the input that predict does not read as
// features: the target column, and the kept columns that the model's
// saved feature names do not name (all of them without saved names).
func skipped(o EvalOptions, meta train.Meta) []string {
	var cols []string
	if t := cmp.Or(o.Target, meta.Target); t != "" {
		cols = append(cols, t)
	}
	for _, c := range o.Keep {
		if !slices.Contains(meta.Features, c) {
			cols = append(cols, c)
		}
	}
	return cols
}

// predictions formats the outputs of a model as predict's CSV columns.
type predictions[T model.Float] struct {
	header    []string
	head      string
	classes   []string // the class names of a softmax head or a single sigmoid output
	threshold float64
	digits    int // of strconv.FormatFloat, -1 for the shortest exact form
	bits      int // of T
}

// newPredictions returns the columns of a model with the given head and
// widths: for softmax the class and p_<class> for each class; for a
// single sigmoid output the class and p_<second class>, for several
// p_<class> for each output; for identity the target's name for one
// output, y0, y1, … otherwise. Classes are named as saved with the
// weights, else by their index.
func newPredictions[T model.Float](head string, widths []int, meta train.Meta, o EvalOptions) *predictions[T] {
	out := widths[len(widths)-1]
	pr := &predictions[T]{head: head, threshold: cmp.Or(o.Threshold, 0.5), digits: -1, bits: reflect.TypeFor[T]().Bits()}
	if o.Precision > 0 {
		pr.digits = o.Precision
	}
	switch {
	case head == model.Softmax:
		pr.classes = classNames(meta.Classes, out)
		pr.header = append([]string{"class"}, prefixed("p_", pr.classes)...)
	case head == model.Sigmoid && out == 1:
		pr.classes = classNames(meta.Classes, 2)
		pr.header = []string{"class", "p_" + pr.classes[1]}
	case head == model.Sigmoid:
		pr.header = prefixed("p_", classNames(meta.Classes, out))
	case out == 1 && meta.Target != "":
		// Named after the target, unless -keep copies the target's own values
		// beside it.
		name := meta.Target
		if slices.Contains(o.Keep, name) {
			name += "_pred"
		}
		pr.header = []string{name}
	default:
		for k := range out {
			pr.header = append(pr.header, fmt.Sprintf("y%d", k))
		}
	}
	return pr
}

// record appends to rec the columns of the outputs y.
func (pr *predictions[T]) record(rec []string, y []T) []string {
	switch {
	case pr.head == model.Softmax:
		best := 0
		for k := range y {
			if y[k] > y[best] {
				best = k
			}
		}
		rec = append(rec, pr.classes[best])
	case pr.classes != nil: // a single sigmoid output
		c := 0
		if float64(y[0]) >= pr.threshold {
			c = 1
		}
		rec = append(rec, pr.classes[c])
	}
	for _, v := range y {
		rec = append(rec, strconv.FormatFloat(float64(v), 'g', pr.digits, pr.bits))
	}
	return rec
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for k, n := range names {
		out[k] = prefix + n
	}
	return out
}

// classNames returns the names of n classes: those saved with the
// weights if there are n, else the class indices.
func classNames(saved []string, n int) []string {
	if len(saved) == n {
		return saved
	}
	names := make([]string, n)
	for k := range names {
		names[k] = strconv.Itoa(k)
	}
	return names
}
