package train

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/nngen/nngen/runtime/data"
	"github.com/nngen/nngen/runtime/model"
)

// Task returns how a model with the given head and number of outputs
// reads the target column of a CSV file: classes for softmax, 0/1 labels
// for one sigmoid output, a value for one identity output.
func Task(head string, outputs int) (data.Task, error) {
	switch {
	case head == model.Softmax:
		return data.Classification, nil
	case head == model.Sigmoid && outputs == 1:
		return data.Binary, nil
	case head == model.Identity && outputs == 1:
		return data.Regression, nil
	}
	return 0, fmt.Errorf("a model with %d %s outputs cannot read its targets from one CSV column", outputs, head)
}

// ReadCSV reads a CSV data set for m: its target column, classes and
// feature columns (matched by name) are those of meta, if given, its
// shape is checked against m, its missing values are treated as
// meta.Missing says, and the standardization saved in meta is applied.
func ReadCSV[T model.Float, M any, P model.Model[T, M]](m P, path string, meta Meta) (*data.Dataset[T], error) {
	opts, err := savedOptions(m, meta)
	if err != nil {
		return nil, err
	}
	d, _, err := readFile(m, nil, path, opts, meta)
	return d, err
}

// ReadCSVFrom is ReadCSV reading the CSV data in r, which name names in
// messages, that also reports its missing values, as
// [data.ReadCSVReport] does.
func ReadCSVFrom[T model.Float, M any, P model.Model[T, M]](m P, r io.Reader, name string, meta Meta) (*data.Dataset[T], *data.MissingReport, error) {
	opts, err := savedOptions(m, meta)
	if err != nil {
		return nil, nil, err
	}
	return readFrom(m, r, name, opts, meta)
}

// ReadInputs reads a CSV file of inputs for m, without targets: its
// feature columns are those of meta (matched by name), if given, the
// columns named in ignore are skipped whatever they hold (the target
// column, say), its shape is checked against m, its missing values are
// treated as meta.Missing says, and the standardization saved in meta is
// applied.
func ReadInputs[T model.Float, M any, P model.Model[T, M]](m P, path string, meta Meta, ignore ...string) (*data.Dataset[T], error) {
	opts, err := inputOptions(meta, ignore)
	if err != nil {
		return nil, err
	}
	d, _, err := readFile(m, nil, path, opts, meta)
	return d, err
}

// ReadInputsFrom is ReadInputs reading the CSV data in r, which name
// names in messages, that also reports its missing values, as
// [data.ReadCSVReport] does.
func ReadInputsFrom[T model.Float, M any, P model.Model[T, M]](m P, r io.Reader, name string, meta Meta, ignore ...string) (*data.Dataset[T], *data.MissingReport, error) {
	opts, err := inputOptions(meta, ignore)
	if err != nil {
		return nil, nil, err
	}
	return readFrom(m, r, name, opts, meta)
}

// inputOptions are the options of ReadInputs.
func inputOptions(meta Meta, ignore []string) (data.CSVOptions, error) {
	opts := data.CSVOptions{NoTarget: true, Features: meta.Features, Ignore: ignore}
	return opts, withMissing(&opts, meta)
}

// savedOptions are the options of ReadCSV.
func savedOptions[T model.Float, M any, P model.Model[T, M]](m P, meta Meta) (data.CSVOptions, error) {
	opts, err := csvOptions(m, meta)
	if err != nil {
		return opts, err
	}
	return opts, withMissing(&opts, meta)
}

// withMissing sets the policy for missing values of opts to meta's,
// with meta.Fill for MissingMean, which needs it: the means of other
// data than the training data's would fill in values that the model
// was not trained on.
func withMissing(opts *data.CSVOptions, meta Meta) error {
	opts.Missing = meta.Missing
	if meta.Missing != data.MissingMean {
		return nil
	}
	if meta.Fill == nil {
		return errors.New("train: Meta.Missing is mean, but Meta.Fill holds no training means to fill in missing values with")
	}
	opts.Fill = meta.Fill
	return nil
}

// csvOptions are the options of a CSV file of data for m, with meta's
// target, classes and features.
func csvOptions[T model.Float, M any, P model.Model[T, M]](m P, meta Meta) (data.CSVOptions, error) {
	widths, head := m.Widths(), m.Head()
	task, err := Task(head, widths[len(widths)-1])
	if err != nil {
		return data.CSVOptions{}, err
	}
	opts := data.CSVOptions{Target: meta.Target, Task: task, Classes: meta.Classes, Features: meta.Features}
	if task == data.Classification {
		opts.MaxClasses = widths[len(widths)-1]
	}
	return opts, nil
}

// readFile reads the CSV file at path, from fsys or from the operating
// system if fsys is nil, with opts, checks it against m and applies the
// standardization saved in meta.
func readFile[T model.Float, M any, P model.Model[T, M]](m P, fsys fs.FS, path string, opts data.CSVOptions, meta Meta) (*data.Dataset[T], *data.MissingReport, error) {
	var (
		f   io.ReadCloser
		err error
	)
	if fsys == nil {
		f, err = os.Open(path)
	} else {
		f, err = fsys.Open(path)
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readFrom(m, f, path, opts, meta)
}

// readFrom is readFile reading r, which name names in messages.
func readFrom[T model.Float, M any, P model.Model[T, M]](m P, r io.Reader, name string, opts data.CSVOptions, meta Meta) (*data.Dataset[T], *data.MissingReport, error) {
	d, rep, err := data.ReadCSVReport[T](r, name, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := fits(m, name, d); err != nil {
		return nil, nil, err
	}
	if meta.Mean != nil {
		st, err := data.NewStandardizer[T](meta.Mean, meta.Std)
		if err != nil {
			return nil, nil, err
		}
		st.Apply(d)
	}
	return d, rep, nil
}

// fits checks that d has the inputs and classes (if it has targets) of m.
func fits[T model.Float, M any, P model.Model[T, M]](m P, path string, d *data.Dataset[T]) error {
	widths := m.Widths()
	in, out := widths[0], widths[len(widths)-1]
	if d.Inputs != in {
		return fmt.Errorf("%s: %d feature columns, the model takes %d inputs", path, d.Inputs, in)
	}
	if m.Head() == model.Softmax && d.Outputs > 0 && len(d.Classes) != out {
		names := d.Classes
		if len(names) > 10 {
			names = append(slices.Clone(names[:10]), "…")
		}
		return fmt.Errorf("%s: %d classes (%s), the model has %d outputs", path, len(d.Classes), strings.Join(names, ", "), out)
	}
	return nil
}

// Sources name the data of a training run.
type Sources struct {
	Train     string  // CSV file of the training data (required)
	Val, Test string  // CSV files of validation and test data, optional
	ValSplit  float64 // if Val is empty, the fraction of the training data held out for validation
	TestSplit float64 // if Test is empty, the fraction of the training data held out for testing
	Target    string  // target column (default: the last)
	// NoStandardize turns off the standardization of the features, which
	// is otherwise fitted on the training part and applied to every part.
	NoStandardize bool
	// Missing is what to do with the missing values of every file (see
	// data.Missing). With MissingMean, they are filled in with the means
	// of the training part, held-out rows left out, before the
	// standardization is fitted.
	Missing data.Missing
	Seed    uint64 // of the splits, and the Seed of the Data
	// FS, if not nil, holds the files, as an embed.FS does for a program
	// that carries its data; otherwise they are read from the file system.
	FS fs.FS
}

// Data is the data of a training run, ready for Fit and Evaluate.
type Data[T model.Float] struct {
	Train, Val, Test *data.Dataset[T] // Val and Test may be nil
	// Meta holds the classes, target, feature names, standardization,
	// and policy for missing values with the means it fills in, to be
	// saved with the weights (Config.Meta, SaveWeights).
	Meta Meta
	// Seed is the seed of the run: Load splits with it, and [FitData]
	// initializes the model and shuffles the batches with it.
	Seed uint64
	// Missing reports the missing values of each file that had any, in
	// the order read: the training file, then the test and validation
	// files. With MissingMean, each report's Fill is Meta.Fill, given
	// (Given) to all but the training file.
	Missing []MissingFile
}

// MissingFile is the report of the missing values of a file.
type MissingFile struct {
	Path   string
	Report *data.MissingReport
}

// Load reads the data of a training run for m: the training file, split
// into test, validation and training parts as asked (test first, then
// validation from the rest, each a seeded random split), or separate
// validation and test files read with the training file's classes. The
// means of the missing values (with MissingMean) and the standardization
// are fitted on the training part alone.
func Load[T model.Float, M any, P model.Model[T, M]](m P, src Sources) (*Data[T], error) {
	d := &Data[T]{Seed: src.Seed}
	all, err := loadPart(m, src, src.Train, Meta{Target: src.Target}, &d.Missing)
	if err != nil {
		return nil, err
	}
	d.Train = all
	trained := len(d.Missing) // the training file's reports
	d.Meta = Meta{Classes: all.Classes, Target: all.Target, Features: all.Features, Missing: src.Missing}
	if src.Test != "" {
		if d.Test, err = loadPart(m, src, src.Test, d.Meta, &d.Missing); err != nil {
			return nil, err
		}
	} else if src.TestSplit > 0 {
		d.Train, d.Test = d.Train.Split(src.TestSplit, src.Seed)
	}
	if src.Val != "" {
		if d.Val, err = loadPart(m, src, src.Val, d.Meta, &d.Missing); err != nil {
			return nil, err
		}
	} else if src.ValSplit > 0 {
		d.Train, d.Val = d.Train.Split(src.ValSplit, src.Seed+1)
	}
	if src.Missing == data.MissingMean {
		if err := d.fillMissing(src, trained); err != nil {
			return nil, err
		}
	}
	if !src.NoStandardize {
		st, err := data.FitStandardizer(d.Train)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Train, err)
		}
		for _, part := range d.parts() {
			st.Apply(part)
		}
		d.Meta.Mean, d.Meta.Std = st.Mean, st.Std
	}
	return d, nil
}

// loadPart reads the file at path for Load, with the target, classes and
// features of meta and the policy for missing values of src, and adds
// the report of its missing values to reports if it had any. With
// MissingMean it leaves them NaN, for fillMissing.
func loadPart[T model.Float, M any, P model.Model[T, M]](m P, src Sources, path string, meta Meta, reports *[]MissingFile) (*data.Dataset[T], error) {
	opts, err := csvOptions(m, meta)
	if err != nil {
		return nil, err
	}
	opts.Missing, opts.MarkMissing = src.Missing, src.Missing == data.MissingMean
	d, rep, err := readFile(m, src.FS, path, opts, Meta{})
	if err != nil {
		return nil, err
	}
	if rep.Rows > 0 {
		*reports = append(*reports, MissingFile{Path: path, Report: rep})
	}
	return d, nil
}

// fillMissing fills in the missing values of every part of d with the
// means of the training part, and saves them in d.Meta and in the
// reports, of which the first trained are the training file's.
func (d *Data[T]) fillMissing(src Sources, trained int) error {
	fill, err := data.FillMissing(d.Train, nil)
	if err != nil {
		name := src.Train
		if src.Test == "" && src.TestSplit > 0 || src.Val == "" && src.ValSplit > 0 {
			name += " (its training part)"
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, part := range d.parts()[1:] {
		data.FillMissing(part, fill)
	}
	d.Meta.Fill = fill
	for i, f := range d.Missing {
		f.Report.Fill, f.Report.Given = fill, i >= trained
	}
	return nil
}

// parts returns the parts of d that it has: the training part first.
func (d *Data[T]) parts() []*data.Dataset[T] {
	parts := []*data.Dataset[T]{d.Train}
	for _, p := range []*data.Dataset[T]{d.Val, d.Test} {
		if p != nil {
			parts = append(parts, p)
		}
	}
	return parts
}
