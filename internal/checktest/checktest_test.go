package checktest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nngen/nngen/testdata/golden/softmax"
)

// TestModel checks that Model's TrainBatch returns the loss of the model
// it wraps and adds its gradient with the fault applied, to the tensor
// the fault names only, and allocates nothing.
func TestModel(t *testing.T) {
	var m Model[float64, softmax.Classifier, *softmax.Classifier, OneElement]
	var g Model[float64, softmax.Classifier, *softmax.Classifier, OneElement]
	m.Init(3)
	x := []float64{0.5, -1, 2, 0.25, 1, 0, -0.5, 3}
	y := []float64{0, 1, 0, 1, 0, 0}
	var right softmax.Classifier
	if got, want := m.TrainBatch(&g, x, y), m.M.TrainBatch(&right, x, y); got != want {
		t.Errorf("loss %v, want %v", got, want)
	}
	want := slices.Clone(right.Params())
	Apply(OneElement{}.Fault(), m.Widths(), want)
	if got := g.Params(); !slices.Equal(got, want) {
		t.Errorf("gradient\n%v\nwant\n%v", got, want)
	}
	changed := 0
	for i := range want {
		if want[i] != right.Params()[i] {
			changed++
			if name := Param(m.Widths(), i); name != "2.weight[0][1]" {
				t.Errorf("%s changed", name)
			}
		}
	}
	if changed != 1 {
		t.Errorf("%d gradients changed, want 1", changed)
	}
	if n := testing.AllocsPerRun(10, func() { m.TrainBatch(&g, x, y) }); n != 0 {
		t.Errorf("TrainBatch allocates %v times per call", n)
	}
}

// TestFaults checks each fault on a gradient of ones and twos.
func TestFaults(t *testing.T) {
	widths := []int{2, 3, 2}
	for _, c := range []struct {
		f    Fault
		want []float64 // 0.weight, 0.bias, 2.weight, 2.bias
	}{
		{Doubled{}.Fault(), []float64{2, 4, 2, 4, 2, 4, 1, 2, 1, 1, 2, 1, 2, 1, 2, 1, 2}},
		{OneElement{}.Fault(), []float64{1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 2.3, 1, 2, 1, 2, 1, 2}},
		{Flipped{}.Fault(), []float64{1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 2, -1, -2}},
		{NoBias{}.Fault(), []float64{1, 2, 1, 2, 1, 2, 0, 0, 0, 1, 2, 1, 2, 1, 2, 1, 2}},
	} {
		g := []float64{1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 2, 1, 2}
		Apply(c.f, widths, g)
		if !slices.Equal(g, c.want) {
			t.Errorf("%+v: %v, want %v", c.f, g, c.want)
		}
	}
}

// TestKinds checks that each kind's fault bears the kind's name, in the
// order of Faults, which RunKinds names its subtests after.
func TestKinds(t *testing.T) {
	for i, k := range []Kind{Doubled{}, OneElement{}, Flipped{}, NoBias{}} {
		if name := strings.TrimPrefix(fmt.Sprintf("%T", k), "checktest."); k.Fault().Name != name || Faults[i].Name != name {
			t.Errorf("kind %s: fault %+v, Faults[%d] %+v", name, k.Fault(), i, Faults[i])
		}
	}
}

// TestParam checks the names of the first and last elements of each
// tensor of a 2 → 3 → 2 model, and one past them.
func TestParam(t *testing.T) {
	widths := []int{2, 3, 2}
	for i, want := range map[int]string{
		0: "0.weight[0][0]", 5: "0.weight[2][1]", 6: "0.bias[0]", 8: "0.bias[2]",
		9: "2.weight[0][0]", 14: "2.weight[1][2]", 15: "2.bias[0]", 16: "2.bias[1]",
		17: "parameter 17, past the last tensor",
	} {
		if got := Param(widths, i); got != want {
			t.Errorf("Param(%v, %d) = %q, want %q", widths, i, got, want)
		}
	}
}

// TestRecord checks that Record returns the failures of a check in order
// and that Fatal ends the check, while a check that passes returns none.
func TestRecord(t *testing.T) {
	reached := false
	got := Record(t, func(tb testing.TB) {
		tb.Helper()
		tb.Error("one", 2)
		if !tb.Failed() {
			tb.Error("Failed is false")
		}
		tb.Errorf("three %d", 3)
		tb.Fatalf("four")
		reached = true
	})
	if want := []string{"one 2", "three 3", "four"}; !slices.Equal(got, want) {
		t.Errorf("Record returned %q, want %q", got, want)
	}
	if reached {
		t.Error("the check went on after Fatalf")
	}
	if got := Record(t, func(tb testing.TB) { tb.Log("fine") }); got != nil {
		t.Errorf("a check that passes: %q", got)
	}
}
