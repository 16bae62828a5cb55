package driver

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// loadModel reads a weights file into a new model and returns it with
// the file's metadata, and the standardizer saved with it, if any.
func loadModel[T model.Float, M any, P model.Model[T, M]](path string) (P, train.Meta, *data.Standardizer[T], error) {
	m := P(new(M))
	meta, err := train.LoadWeights(path, m)
	if err != nil {
		return nil, meta, nil, err
	}
	var st *data.Standardizer[T]
	if meta.Mean != nil {
		if st, err = data.NewStandardizer[T](meta.Mean, meta.Std); err != nil {
			return nil, meta, nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	return m, meta, st, nil
}

func decode(args []string, v any) error {
	if len(args) != 1 {
		return fmt.Errorf("the command takes its options as one JSON argument")
	}
	return json.Unmarshal([]byte(args[0]), v)
}

func evalCmd[T model.Float, M any, P model.Model[T, M]](args []string, stdout io.Writer) error {
	var o EvalOptions
	if err := decode(args, &o); err != nil {
		return err
	}
	m := P(new(M))
	meta, err := train.LoadWeights(o.Weights, m)
	if err != nil {
		return err
	}
	head := m.Head()
	d, err := train.ReadCSV(m, o.Data, meta)
	if err != nil {
		return err
	}
	met, err := train.Evaluate(m, d)
	if err != nil {
		return err
	}
	if o.JSON {
		out := map[string]any{"samples": met.N, "loss": met.Loss}
		if head == model.Identity {
			out["mse"], out["mae"] = met.MSE, met.MAE
		} else {
			out["accuracy"] = met.Accuracy
			if met.Confusion != nil {
				out["confusion"], out["classes"] = met.Confusion, meta.Classes
			}
		}
		enc := json.NewEncoder(stdout)
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "%s: %s\n", o.Data, summary(met, head))
	if met.Confusion != nil {
		fmt.Fprintln(stdout, "confusion matrix (rows: true class, columns: predicted class):")
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		names := meta.Classes
		if names == nil {
			names = []string{"0", "1"}
		}
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
// the probability of each class, or the predicted values. A target column
// in the input, named as at training, is ignored.
func predictCmd[T model.Float, M any, P model.Model[T, M]](args []string, stdout io.Writer) error {
	var o EvalOptions
	if err := decode(args, &o); err != nil {
		return err
	}
	m, meta, st, err := loadModel[T, M, P](o.Weights)
	if err != nil {
		return err
	}
	widths, head := m.Widths(), m.Head()
	in, out := widths[0], widths[len(widths)-1]
	opts := data.CSVOptions{NoTarget: true}
	if hasColumn(o.Data, meta.Target) {
		// The file still has its target column: read and ignore it.
		tk, err := train.Task(head, out)
		if err != nil {
			return err
		}
		opts = data.CSVOptions{Target: meta.Target, Task: tk, Classes: meta.Classes}
	}
	d, err := data.LoadCSV[T](o.Data, opts)
	if err != nil {
		return err
	}
	if d.Inputs != in {
		return fmt.Errorf("%s: %d feature columns, the model takes %d inputs", o.Data, d.Inputs, in)
	}
	if st != nil {
		st.Apply(d)
	}
	y := make([]T, d.Len()*out)
	m.ForwardBatch(y, d.X)
	w := csv.NewWriter(stdout)
	names := meta.Classes
	if head == model.Softmax && names == nil {
		for k := range out {
			names = append(names, strconv.Itoa(k))
		}
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
	w.Write(header)
	for i := range d.Len() {
		row := y[i*out : (i+1)*out]
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
			if len(names) == 2 {
				rec = append(rec, names[c])
			} else {
				rec = append(rec, strconv.Itoa(c))
			}
		}
		for _, v := range row {
			rec = append(rec, strconv.FormatFloat(float64(v), 'g', 6, 64))
		}
		w.Write(rec)
	}
	w.Flush()
	return w.Error()
}

// hasColumn reports whether the header row of the CSV file at path names
// the column name.
func hasColumn(path, name string) bool {
	if name == "" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	r := bufio.NewReader(f)
	if b, err := r.Peek(3); err == nil && string(b) == "\ufeff" {
		r.Discard(3)
	}
	header, err := csv.NewReader(r).Read()
	if err != nil {
		return false
	}
	for _, h := range header {
		if strings.TrimSpace(h) == name {
			return true
		}
	}
	return false
}
