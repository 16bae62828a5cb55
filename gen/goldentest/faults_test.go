package goldentest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/internal/checktest"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/spec"
	"github.com/nngen/nngen/testdata/golden/mixed32"
	"github.com/nngen/nngen/testdata/golden/softmax"
)

// faultGoldens are the golden models the fault tests break: one float64,
// one float32.
var faultGoldens = []string{"softmax", "mixed32"}

func goldenSpec(t *testing.T, golden string) *spec.Model {
	t.Helper()
	s, err := spec.ParseFile(filepath.Join("..", "..", "testdata", "golden", golden, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCheckModelFaults checks that checkModel fails the softmax and
// mixed32 golden models with each fault in their backward pass, its
// gradient check naming an element of the tensor the fault alters.
func TestCheckModelFaults(t *testing.T) {
	t.Run("softmax", checkModelFaults[float64, softmax.Classifier])
	t.Run("mixed32", checkModelFaults[float32, mixed32.Small])
}

func checkModelFaults[T float32 | float64, M any, P model.Model[T, M]](t *testing.T) {
	checktest.RunKinds(t, checkModelFault[T, M, P, checktest.Doubled], checkModelFault[T, M, P, checktest.OneElement],
		checkModelFault[T, M, P, checktest.Flipped], checkModelFault[T, M, P, checktest.NoBias])
}

// checkModelFault runs checkModel on the golden model M, named in the
// test's name (TestCheckModelFaults/softmax/Doubled), with the fault K.
func checkModelFault[T float32 | float64, M any, P model.Model[T, M], K checktest.Kind](t *testing.T) {
	s := goldenSpec(t, strings.Split(t.Name(), "/")[1])
	wrong := checktest.Of[K]().Tensor
	failures := checktest.Record(t, func(tb testing.TB) {
		checkModel(tb, s, func(m, g *checktest.Model[T, M, P, K], x, y []T, w T, masks []T) T {
			return m.TrainWith(g, x, y, []T{w}, masks)
		})
	})
	for _, f := range failures {
		if strings.HasPrefix(f, "gradient: ") && strings.Contains(f, " at "+wrong+"[") {
			return
		}
	}
	t.Errorf("with %s wrong, the failures name no element of it in the gradient:\n%s", wrong, strings.Join(failures, "\n"))
}

// TestGeneratedGradientFaults runs the gradient test that nngen gen -test
// writes (Test<Model>Gradient) for the softmax and mixed32 golden models
// and for the models with each fault of checktest in their backward pass,
// beside them in their packages: the first passes, the others fail, each
// naming the tensor of its fault and no other, and for a fault in one
// element, that element.
func TestGeneratedGradientFaults(t *testing.T) {
	checktest.NeedGoTool(t)
	dir := t.TempDir()
	writeModule(t, dir)
	for _, golden := range faultGoldens {
		writeFaultPackage(t, filepath.Join(dir, golden), goldenSpec(t, golden), golden)
	}
	out, _ := goTest(dir, "-json", "-run", "Gradient$", "./...")
	results := testResults(t, out)
	for _, golden := range faultGoldens {
		s := goldenSpec(t, golden)
		widths := []int{s.Inputs}
		for _, l := range s.Layers {
			widths = append(widths, l.Units)
		}
		if r := results[golden+"/Test"+s.Name+"Gradient"]; r.action != "pass" {
			t.Errorf("%s: Test%sGradient: %s\n%s", golden, s.Name, r.action, r.output)
		}
		for _, f := range checktest.Faults {
			r := results[golden+"/Test"+f.Name+"Gradient"]
			if r.action != "fail" {
				t.Errorf("%s with %s wrong: Test%sGradient: %s\n%s", golden, f.Tensor, f.Name, r.action, r.output)
				continue
			}
			if err := checkFaultOutput(r.output, widths, f); err != nil {
				t.Errorf("%s with %s wrong: Test%sGradient: %v\n%s", golden, f.Tensor, f.Name, err, r.output)
			}
		}
	}
}

// faultTemplate is the Go code of the models with a fault, in the package
// of the model they wrap: a trainWrong function that does what
// checktest.Model does, and per fault a type around the model whose
// TrainWith calls it, with the constants the generated test reads.
var faultTemplate = template.Must(template.New("faults").Parse(`package {{.Package}}

import "math"

// trainWrong adds to g the gradient of m's TrainWith with the size
// gradients from off (or only that at off+one, if one ≥ 0) made
// scale·v + offset·(1 + |v|) where they are v, and returns the loss.
func trainWrong(m, g *{{.Name}}, x, y, w, masks []{{.Float}}, off, size, one int, scale, offset float64) {{.Float}} {
	var d {{.Name}}
	loss := m.TrainWith(&d, x, y, w, masks)
	p, sum := d.Params(), g.Params()
	for i := range size {
		if one < 0 || i == one {
			v := float64(p[off+i])
			p[off+i] = {{.Float}}(scale*v + offset*(1+math.Abs(v)))
		}
	}
	for i, v := range p {
		sum[i] += v
	}
	return loss
}
{{range .Faults}}
// {{.Name}} is {{$.Name}} with a wrong gradient of {{.Tensor}}.
type {{.Name}} struct{ {{$.Name}} }

const (
	{{.Name}}Inputs  = {{$.Names.Inputs}}
	{{.Name}}Outputs = {{$.Names.Outputs}}
	{{.Name}}Seed    = {{$.Names.Seed}}
	{{.Name}}Masks   = {{$.Names.Masks}}
)

func (m *{{.Name}}) TrainWith(g *{{.Name}}, x, y, w, masks []{{$.Float}}) {{$.Float}} {
	return trainWrong(&m.{{$.Name}}, &g.{{$.Name}}, x, y, w, masks, {{.Target.Offset}}, {{.Target.Size}}, {{.Element}}, {{.Scale}}, {{.Offset}})
}

func (m *{{.Name}}) TrainBatch(g *{{.Name}}, x, y []{{$.Float}}) {{$.Float}} {
	return m.TrainWith(g, x, y, nil, nil)
}

func (m *{{.Name}}) Gradient(g *{{.Name}}, x, y, w, masks []{{$.Float}}) {{$.Float}} {
	*g = {{.Name}}{}
	return m.TrainWith(g, x, y, w, masks)
}
{{end}}`))

// writeFaultPackage writes at dir the package pkg of the model of s with
// its generated test, the models with the faults, and the generated
// gradient tests of those.
func writeFaultPackage(t *testing.T, dir string, s *spec.Model, pkg string) {
	m, err := ir.Lower(s, pkg)
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Files(m, "model.go", true)
	if err != nil {
		t.Fatal(err)
	}
	type fault struct {
		checktest.Fault
		Target model.Tensor // the tensor the fault names
	}
	var faults []fault
	for _, f := range checktest.Faults {
		broken := *s
		broken.Name = f.Name
		bm, err := ir.Lower(&broken, pkg)
		if err != nil {
			t.Fatal(err)
		}
		if files[strings.ToLower(f.Name)+"_test.go"], err = gen.EmitTest(bm); err != nil {
			t.Fatal(err)
		}
		faults = append(faults, fault{f, tensorNamed(t, m, f.Tensor)})
	}
	var b strings.Builder
	if err := faultTemplate.Execute(&b, struct {
		*ir.Model
		Faults []fault
	}{m, faults}); err != nil {
		t.Fatal(err)
	}
	files["faults.go"] = []byte(b.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		write(t, filepath.Join(dir, name), string(src))
	}
}

// tensorNamed returns the tensor of m named name.
func tensorNamed(t *testing.T, m *ir.Model, name string) model.Tensor {
	t.Helper()
	widths := []int{m.Inputs}
	for _, l := range m.Layers {
		widths = append(widths, l.Out)
	}
	for _, tensor := range model.Layout(widths) {
		if tensor.Name == name {
			return tensor
		}
	}
	t.Fatalf("%s has no tensor %s", m.Name, name)
	return model.Tensor{}
}

// testResult is the outcome of one test in the output of go test -json.
type testResult struct {
	action string // pass, fail or skip; empty if the test did not run
	output string
}

// testResults returns the outcomes of the tests in the output of
// go test -json, by the last element of the package path and the test
// name: "softmax/TestClassifierGradient".
func testResults(t *testing.T, out string) map[string]testResult {
	t.Helper()
	results := map[string]testResult{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e struct{ Action, Package, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			t.Fatalf("go test -json printed %q:\n%s", sc.Text(), out)
		}
		if e.Test == "" {
			continue
		}
		name := path.Base(e.Package) + "/" + e.Test
		r := results[name]
		switch e.Action {
		case "output":
			r.output += e.Output
		case "pass", "fail", "skip":
			r.action = e.Action
		}
		results[name] = r
	}
	return results
}

// checkFaultOutput checks the output of a failed generated gradient test
// of a model with the given widths and fault f: every parameter it
// reports must be in f's tensor, and where f alters one element, be that
// element.
func checkFaultOutput(out string, widths []int, f checktest.Fault) error {
	layout := model.Layout(widths)
	reported := 0
	for line := range strings.Lines(out) {
		_, msg, ok := strings.Cut(line, ": tensor ")
		if !ok {
			continue
		}
		var l, i int
		if _, err := fmt.Sscanf(msg, "%d, parameter %d:", &l, &i); err != nil {
			return fmt.Errorf("cannot read %q: %v", line, err)
		}
		if l >= len(layout) || layout[l].Name != f.Tensor {
			return fmt.Errorf("tensor %d reported, want that of %s", l, f.Tensor)
		}
		if f.Element >= 0 && i != layout[l].Offset+f.Element {
			return fmt.Errorf("parameter %d reported, want %s, %d", i, checktest.Param(widths, layout[l].Offset+f.Element), layout[l].Offset+f.Element)
		}
		reported++
	}
	if reported == 0 {
		return fmt.Errorf("no parameter reported")
	}
	return nil
}
