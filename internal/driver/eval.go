package driver

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// loadModel reads a weights file into a new model, checks that it was
// trained for the architecture arch, printing a note to stderr if the
// file records too little to tell, and returns the model with the file's
// metadata.
func loadModel[T model.Float, M any, P model.Model[T, M]](path string, arch train.Arch, stderr io.Writer) (P, train.Meta, error) {
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
	if err := decode(args, &o); err != nil {
		return err
	}
	m, meta, err := loadModel[T, M, P](o.Weights, arch, stderr)
	if err != nil {
		return err
	}
	head := m.Head()
	meta.Target = cmp.Or(o.Target, meta.Target)
	d, err := train.ReadCSV(m, o.Data, meta)
	if err != nil {
		return err
	}
	met, err := train.Evaluate(m, d)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Data, err)
	}
	// The classes as read, which are those saved with the weights if any.
	names := classNames(d.Classes, len(met.Confusion))
	if o.JSON {
		out := map[string]any{"samples": met.N, "loss": met.Loss}
		if head == model.Identity {
			out["mse"], out["mae"] = met.MSE, met.MAE
		} else {
			out["accuracy"] = met.Accuracy
			if met.Confusion != nil {
				out["confusion"], out["classes"] = met.Confusion, names
			}
		}
		enc := json.NewEncoder(stdout)
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "%s: %s\n", o.Data, summary(met, head))
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

// predictCmd writes one CSV row per input row: the predicted class and
// the probability of each class, or the predicted values. The target
// column, if the input has it, is ignored whatever it holds.
func predictCmd[T model.Float, M any, P model.Model[T, M]](arch train.Arch, args []string, stdout, stderr io.Writer) error {
	var o EvalOptions
	if err := decode(args, &o); err != nil {
		return err
	}
	m, meta, err := loadModel[T, M, P](o.Weights, arch, stderr)
	if err != nil {
		return err
	}
	widths, head := m.Widths(), m.Head()
	out := widths[len(widths)-1]
	d, err := train.ReadInputs(m, o.Data, meta, cmp.Or(o.Target, meta.Target))
	if err != nil {
		return err
	}
	w := csv.NewWriter(stdout)
	var names []string
	switch {
	case head == model.Softmax:
		names = classNames(meta.Classes, out)
	case head == model.Sigmoid && out == 1:
		names = classNames(meta.Classes, 2)
	}
	var header []string
	switch head {
	case model.Softmax:
		header = []string{"class"}
		for _, c := range names {
			header = append(header, "p_"+c)
		}
	case model.Sigmoid:
		if out == 1 {
			header = []string{"class", "p"}
		} else {
			for k := range out {
				header = append(header, fmt.Sprintf("p%d", k))
			}
		}
	default:
		for k := range out {
			header = append(header, fmt.Sprintf("y%d", k))
		}
		if out == 1 && meta.Target != "" {
			header = []string{meta.Target}
		}
	}
	first := true // the header goes out only once Predict knows all outputs are finite
	err = train.Predict(m, d, func(row []T) error {
		if first {
			first = false
			if err := w.Write(header); err != nil {
				return err
			}
		}
		var rec []string
		switch {
		case head == model.Softmax:
			best := 0
			for k := range row {
				if row[k] > row[best] {
					best = k
				}
			}
			rec = append(rec, names[best])
		case head == model.Sigmoid && out == 1:
			c := 0
			if row[0] >= 0.5 {
				c = 1
			}
			rec = append(rec, names[c])
		}
		for _, v := range row {
			rec = append(rec, strconv.FormatFloat(float64(v), 'g', 6, 64))
		}
		return w.Write(rec)
	})
	if nf := (*train.NonFiniteError)(nil); errors.As(err, &nf) {
		return fmt.Errorf("%s: %w", o.Data, err)
	}
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
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
