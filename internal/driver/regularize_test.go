package driver

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/nngen/nngen/runtime/data"
)

// TestClassWeightsParse checks the values -class-weight takes, what it
// makes of them and how it prints them; a class name may hold colons.
func TestClassWeightsParse(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want ClassWeights
	}{
		{"balanced", ClassWeights{Balanced: true}},
		{"0:1,1:5", ClassWeights{Weights: []ClassWeight{{"0", 1}, {"1", 5}}}},
		{"malignant:2.5", ClassWeights{Weights: []ClassWeight{{"malignant", 2.5}}}},
		{"a:b:0.5", ClassWeights{Weights: []ClassWeight{{"a:b", 0.5}}}},
		{"none", ClassWeights{}},
		{"", ClassWeights{}},
	} {
		cw := ClassWeights{Weights: []ClassWeight{{"spec", 9}}} // replaced
		if err := cw.Parse(c.arg); err != nil {
			t.Fatalf("%s: %v", c.arg, err)
		}
		if !reflect.DeepEqual(cw, c.want) {
			t.Errorf("%s: %+v, want %+v", c.arg, cw, c.want)
		}
		if got := cw.String(); got != c.arg && !(c.arg == "none" && got == "") {
			t.Errorf("%s prints as %s", c.arg, got)
		}
	}
	for arg, want := range map[string]string{
		"a:1,":        `want balanced, none or class:weight pairs separated by commas, got ""`,
		":1":          `want balanced, none or class:weight pairs separated by commas, got ":1"`,
		"a:-1":        `class "a": the weight must be a positive number, got -1`,
		"a:Inf":       `class "a": the weight must be a positive number, got +Inf`,
		"a:NaN":       `class "a": the weight must be a positive number, got NaN`,
		"a:1,b:1,a:1": `class "a" is given twice`,
	} {
		var c ClassWeights
		if err := c.Parse(arg); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %s", arg, err, want)
		}
	}
}

// TestRegularizationOptions checks that the weight decay, 0 included, and
// the class weights reach the model program, and that Validate refuses
// the values out of range.
func TestRegularizationOptions(t *testing.T) {
	zero := 0.0
	o := TrainOptions{WeightDecay: &zero, ClassWeight: ClassWeights{Weights: []ClassWeight{{"a", 2}}}}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var back TrainOptions
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, o) {
		t.Errorf("after JSON: %+v, want %+v", back, o)
	}
	valid := TrainOptions{Data: "d.csv", Out: "w.safetensors", Epochs: 1, Batch: 1, LR: 0.1, Optimizer: "sgd", Schedule: "constant"}
	big := 101.0
	for _, c := range []struct {
		edit func(*TrainOptions)
		want string
	}{
		{func(o *TrainOptions) { o.WeightDecay = &big }, "-weight-decay must be in [0, 100], got 101"},
		{func(o *TrainOptions) { o.ClassWeight.Weights = []ClassWeight{{"b", -1}} }, `-class-weight: class "b": the weight must be a positive number, got -1`},
	} {
		o := valid
		c.edit(&o)
		if err := o.Validate(); err == nil || err.Error() != c.want {
			t.Errorf("error %v, want %s", err, c.want)
		}
	}
}

// TestClassWeightsOfData checks the weights given to a data set's
// classes: named ones, the others 1, balanced ones, and a class the data
// does not have.
func TestClassWeightsOfData(t *testing.T) {
	d := &data.Dataset[float32]{Labels: []int{0, 0, 0, 1}, Classes: []string{"B", "M"}}
	for _, c := range []struct {
		cw   ClassWeights
		want []float64
	}{
		{ClassWeights{}, nil},
		{ClassWeights{Weights: []ClassWeight{{"M", 3}}}, []float64{1, 3}},
		{ClassWeights{Balanced: true}, []float64{4.0 / 6, 2}},
	} {
		got, err := classWeights(c.cw, d)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, %v; want %v", c.cw, got, err, c.want)
		}
	}
	_, err := classWeights(ClassWeights{Weights: []ClassWeight{{"X", 3}}}, d)
	if want := `class weights: no class "X" in the training data (its classes: B, M)`; err == nil || err.Error() != want {
		t.Errorf("unknown class: error %v, want %s", err, want)
	}
	_, err = classWeights(ClassWeights{Balanced: true}, &data.Dataset[float32]{})
	if want := "class weights: the training data has no classes to weigh"; err == nil || err.Error() != want {
		t.Errorf("no labels: error %v, want %s", err, want)
	}
}
