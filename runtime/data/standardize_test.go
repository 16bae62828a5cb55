package data

import (
	"math"
	"math/big"
	"path/filepath"
	"slices"
	"testing"
)

// refMeanStd is an independent reference for the population mean and
// standard deviation, computed in 256-bit precision.
func refMeanStd(x []float64) (mean, std float64) {
	const prec = 256
	n := new(big.Float).SetPrec(prec).SetInt64(int64(len(x)))
	sum := new(big.Float).SetPrec(prec)
	for _, v := range x {
		sum.Add(sum, big.NewFloat(v))
	}
	m := new(big.Float).SetPrec(prec).Quo(sum, n)
	ss := new(big.Float).SetPrec(prec)
	for _, v := range x {
		d := new(big.Float).SetPrec(prec).Sub(big.NewFloat(v), m)
		ss.Add(ss, d.Mul(d, d))
	}
	variance := ss.Quo(ss, n)
	mean, _ = m.Float64()
	std, _ = new(big.Float).SetPrec(prec).Sqrt(variance).Float64()
	return mean, std
}

func TestFitStandardizerByHand(t *testing.T) {
	// Columns: 1..4 (mean 2.5, population variance 1.25), a constant 0.1
	// (which does not average to exactly 0.1 in floating point), and
	// -2, 2, -2, 2 (mean 0, std 2).
	d := &Dataset[float64]{
		Task: Regression, Inputs: 3, Outputs: 1,
		X: []float64{
			1, 0.1, -2,
			2, 0.1, 2,
			3, 0.1, -2,
			4, 0.1, 2,
		},
		Y: []float64{0, 0, 0, 0},
	}
	s, err := FitStandardizer(d)
	if err != nil {
		t.Fatal(err)
	}
	wantMean := []float64{2.5, 0.1, 0}
	wantStd := []float64{math.Sqrt(1.25), 1, 2}
	for j := range wantMean {
		if math.Abs(s.Mean[j]-wantMean[j]) > 1e-15 || math.Abs(s.Std[j]-wantStd[j]) > 1e-15 {
			t.Errorf("feature %d: mean %v, std %v; want %v, %v", j, s.Mean[j], s.Std[j], wantMean[j], wantStd[j])
		}
	}
	s.Apply(d)
	r := 1 / math.Sqrt(1.25)
	want := []float64{
		-1.5 * r, 0, -1,
		-0.5 * r, 0, 1,
		0.5 * r, 0, -1,
		1.5 * r, 0, 1,
	}
	for i := range want {
		if math.Abs(d.X[i]-want[i]) > 1e-15 {
			t.Errorf("standardized X[%d] = %v, want %v", i, d.X[i], want[i])
		}
	}
	// The constant feature maps to exactly zero.
	for i := range 4 {
		if d.X[i*3+1] != 0 {
			t.Errorf("constant feature of row %d = %v, want 0", i, d.X[i*3+1])
		}
	}
	if !slices.Equal(d.Y, []float64{0, 0, 0, 0}) {
		t.Errorf("Apply changed the targets: %v", d.Y)
	}
}

func TestFitStandardizerReference(t *testing.T) {
	d, err := LoadCSV[float32](filepath.Join("testdata", "iris.csv"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	train, test := d.Split(0.3, 11)
	s, err := FitStandardizer(train)
	if err != nil {
		t.Fatal(err)
	}
	col := make([]float64, train.Len())
	for j := range train.Inputs {
		for i := range col {
			col[i] = float64(train.X[i*train.Inputs+j])
		}
		mean, std := refMeanStd(col)
		if math.Abs(s.Mean[j]-mean) > 1e-12 || math.Abs(s.Std[j]-std) > 1e-12 {
			t.Errorf("feature %d: mean %v, std %v; reference %v, %v", j, s.Mean[j], s.Std[j], mean, std)
		}
	}

	// After Apply the training features have mean 0 and std 1 (up to
	// float32 rounding); the test set is scaled by the training statistics.
	x0, _ := test.Row(0)
	want := make([]float32, len(x0))
	for j, v := range x0 {
		want[j] = float32((float64(v) - s.Mean[j]) / s.Std[j])
	}
	s.Apply(train)
	s.Apply(test)
	if x0, _ := test.Row(0); !slices.Equal(x0, want) {
		t.Errorf("standardized test row 0 = %v, want %v", x0, want)
	}
	for j := range train.Inputs {
		for i := range col {
			col[i] = float64(train.X[i*train.Inputs+j])
		}
		mean, std := refMeanStd(col)
		if math.Abs(mean) > 1e-6 || math.Abs(std-1) > 1e-6 {
			t.Errorf("standardized feature %d: mean %v, std %v", j, mean, std)
		}
	}
}

func TestStandardizerRestore(t *testing.T) {
	fit, err := FitStandardizer(indexed(10))
	if err != nil {
		t.Fatal(err)
	}
	mean, std := slices.Clone(fit.Mean), slices.Clone(fit.Std)
	s, err := NewStandardizer[float64](mean, std)
	if err != nil {
		t.Fatal(err)
	}
	mean[0] = 99 // NewStandardizer copies
	row, fitRow := []float64{3, 1003}, []float64{3, 1003}
	s.ApplyRow(row)
	fit.ApplyRow(fitRow)
	if !slices.Equal(row, fitRow) {
		t.Errorf("restored standardizer gives %v, fitted one %v", row, fitRow)
	}
	// indexed(10) has features 0..9 and 1000..1009: mean 4.5, std sqrt(8.25).
	want := (3 - 4.5) / math.Sqrt(8.25)
	if math.Abs(row[0]-want) > 1e-15 || math.Abs(row[1]-want) > 1e-12 {
		t.Errorf("ApplyRow = %v, want [%v %v]", row, want, want)
	}

	for _, tt := range []struct {
		mean, std []float64
		want      string
	}{
		{[]float64{0}, []float64{1, 1}, "data: standardizer has 1 means but 2 standard deviations"},
		{[]float64{0, math.NaN()}, []float64{1, 1}, "data: standardizer mean 1 is NaN"},
		{[]float64{0, 0}, []float64{1, 0}, "data: standardizer standard deviation 1 is 0, want finite and positive"},
		{[]float64{0}, []float64{-1}, "data: standardizer standard deviation 0 is -1, want finite and positive"},
		{[]float64{0}, []float64{math.Inf(1)}, "data: standardizer standard deviation 0 is +Inf, want finite and positive"},
	} {
		_, err := NewStandardizer[float32](tt.mean, tt.std)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewStandardizer(%v, %v): error %v, want %q", tt.mean, tt.std, err, tt.want)
		}
	}
}

func TestStandardizerPanics(t *testing.T) {
	s, _ := NewStandardizer[float64]([]float64{0, 0}, []float64{1, 1})
	for name, f := range map[string]func(){
		"Apply":    func() { s.Apply(&Dataset[float64]{Inputs: 3, Outputs: 1}) },
		"ApplyRow": func() { s.ApplyRow([]float64{1}) },
		"Fit":      func() { FitStandardizer(&Dataset[float64]{Inputs: 3, Outputs: 1}) },
	} {
		mustPanic(t, name, f)
	}
}

// TestFitStandardizerOverflow checks that statistics that overflow are
// an error naming the column, not a silent standard deviation of 1 or an
// infinite mean.
func TestFitStandardizerOverflow(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want string
	}{
		{[]float64{1, 1e200, 2, -1e200}, `column "big": the values are too large to standardize: their variance overflows float64`},
		{[]float64{1, 1e308, 2, 9e307}, `column "big": the values are too large to standardize: their sum overflows float64`},
		{[]float64{1, math.MaxFloat64, 2, -math.MaxFloat64}, `column "big": the values are too large to standardize: their variance overflows float64`},
	} {
		d := &Dataset[float64]{Inputs: 2, Outputs: 1, X: tc.x, Y: []float64{0, 1}, Features: []string{"small", "big"}}
		if _, err := FitStandardizer(d); err == nil || err.Error() != tc.want {
			t.Errorf("%v: error %v, want %s", tc.x, err, tc.want)
		}
	}
	// A constant column of huge values is fine: it maps to 0.
	d := &Dataset[float64]{Inputs: 1, Outputs: 1, X: []float64{1e308, 1e308}, Y: []float64{0, 1}}
	if s, err := FitStandardizer(d); err != nil || s.Mean[0] != 1e308 || s.Std[0] != 1 {
		t.Errorf("constant column: %v, error %v", s, err)
	}
}
