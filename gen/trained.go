package gen

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// trained emits the predictor type and the trained value, when the model
// carries trained parameters:
//
//	type IrisPredictor struct { Net Iris; Mean, Std [IrisInputs]float64 }
//	var IrisTrained = &IrisPredictor{Net: Iris{W1: …}, Mean: …, Std: …}
func (e *emitter) trained() {
	m, t := e.m, e.m.Trained
	if t == nil {
		return
	}
	n := m.Names
	x := Id("x").Op("*").Index(Id(n.Inputs)).Add(e.T())
	recv := Params(Id("p").Op("*").Id(t.Predictor))
	if t.Classes != nil {
		e.docf("%s names the classes of %s, in the order of its outputs.", t.ClassNames, m.Name)
		names := make([]Code, len(t.Classes))
		for i, c := range t.Classes {
			names[i] = Lit(c)
		}
		e.f.Var().Id(t.ClassNames).Op("=").Index(Lit(len(names))).String().Values(names...)
	}
	e.docf(`%s is a trained %s with the standardization of its inputs
from training: its methods take raw features. It is safe for concurrent use.`, t.Predictor, m.Name)
	fields := []Code{
		Comment("Net holds the trained parameters."),
		Id("Net").Id(m.Name),
		Comment("Mean and Std standardize an input: x' = (x − Mean) / Std."),
		List(Id("Mean"), Id("Std")).Index(Id(n.Inputs)).Add(e.T()),
	}
	standardize := []Code{
		Id("s").Index(Id("i")).Op("=").Parens(Id("x").Index(Id("i")).Op("-").Id("p").Dot("Mean").Index(Id("i"))).Op("/").Id("p").Dot("Std").Index(Id("i")),
	}
	doc := "Standardize returns x standardized as the training data was."
	if t.Fill != nil {
		fields = append(fields,
			Comment("Fill replaces a missing (NaN) input: the mean of the training data."),
			Id("Fill").Index(Id(n.Inputs)).Add(e.T()))
		standardize = []Code{
			Id("v").Op(":=").Id("x").Index(Id("i")),
			If(Id("v").Op("!=").Id("v")).Block(
				Comment("NaN, a missing value: the training mean"),
				Id("v").Op("=").Id("p").Dot("Fill").Index(Id("i")),
			),
			Id("s").Index(Id("i")).Op("=").Parens(Id("v").Op("-").Id("p").Dot("Mean").Index(Id("i"))).Op("/").Id("p").Dot("Std").Index(Id("i")),
		}
		doc = "Standardize returns x standardized as the training data was, its missing (NaN)\nvalues filled in with the training means first."
	}
	e.f.Type().Id(t.Predictor).Struct(fields...)
	e.docf("%s", doc)
	e.f.Func().Add(recv).Id("Standardize").Params(x.Clone()).Params(Id("s").Index(Id(n.Inputs)).Add(e.T())).Block(
		For(Id("i").Op(":=").Range().Id("s")).Block(standardize...),
		Return(Id("s")),
	)
	e.docf("Forward returns the model's output for the raw features x: %s.", e.m.Head.OutputDoc)
	e.f.Func().Add(recv).Id("Forward").Params(x.Clone()).Index(Id(n.Outputs)).Add(e.T()).Block(
		Id("s").Op(":=").Id("p").Dot("Standardize").Call(Id("x")),
		Return(Id("p").Dot("Net").Dot("Forward").Call(Op("&").Id("s"))),
	)
	if m.Head.Classifier {
		e.docf("Predict returns the class the model predicts for the raw features x.")
		e.f.Func().Add(recv).Id("Predict").Params(x.Clone()).Int().Block(
			Id("s").Op(":=").Id("p").Dot("Standardize").Call(Id("x")),
			Return(Id("p").Dot("Net").Dot("Predict").Call(Op("&").Id("s"))),
		)
		if t.Classes != nil {
			e.docf("PredictClass returns the name of the class the model predicts for the raw\nfeatures x.")
			e.f.Func().Add(recv).Id("PredictClass").Params(x.Clone()).String().Block(
				Return(Id(t.ClassNames).Index(Id("p").Dot("Predict").Call(Id("x")))),
			)
		}
	}
	mean := e.vec(m.Inputs).Add(e.floats(t.Mean))
	std := e.vec(m.Inputs).Add(e.floats(t.Std))
	e.docf("%s is %s trained: its parameters are those of %s.", t.Value, m.Name, t.Source)
	if t.Blob == "" {
		values := []Code{keyed("Net", e.literal()), keyed("Mean", mean), keyed("Std", std)}
		if t.Fill != nil {
			values = append(values, keyed("Fill", e.vec(m.Inputs).Add(e.floats(t.Fill))))
		}
		e.f.Var().Id(t.Value).Op("=").Op("&").Id(t.Predictor).Values(append(values, Line())...)
		return
	}
	// All of it is set by init, so that the large zero value takes no room
	// in the binary.
	e.f.Var().Id(t.Value).Op("=").Op("&").Id(t.Predictor).Values()
	e.f.Anon("embed")
	size := e.m.Float.Size()
	e.docf("%s holds the parameters of %s, little-endian %s.", t.BlobVar, t.Source, m.Float)
	e.f.Comment("//go:embed " + t.Blob)
	e.f.Var().Id(t.BlobVar).String()
	word := func(k int) *Statement {
		s := Id("w").Index(Lit(0))
		if size == 4 {
			s = Uint32().Call(s)
		} else {
			s = Uint64().Call(s)
		}
		for j := 1; j < size; j++ {
			conv := Uint32
			if size == 8 {
				conv = Uint64
			}
			s = s.Op("|").Add(conv().Call(Id("w").Index(Lit(j)))).Op("<<").Lit(8 * j)
		}
		return s
	}
	from := Qual("math", "Float32frombits")
	if size == 8 {
		from = Qual("math", "Float64frombits")
	}
	fillInit := Null()
	if t.Fill != nil {
		fillInit = Id(t.Value).Dot("Fill").Op("=").Add(e.vec(m.Inputs).Add(e.floats(t.Fill)))
	}
	sum := sha256.Sum256(Blob(m))
	e.docf("%s is the SHA-256 of %s, written with this file.", t.BlobSum, t.Blob)
	e.f.Const().Id(t.BlobSum).Op("=").Lit(hex.EncodeToString(sum[:]))
	// func init() {
	// 	sum := sha256.Sum256([]byte(irisWeights))
	// 	if hex.EncodeToString(sum[:]) != irisWeightsSHA256 {
	// 		panic("…")
	// 	}
	// 	…
	e.f.Func().Id("init").Params().Block(
		Id("sum").Op(":=").Qual("crypto/sha256", "Sum256").Call(Index().Byte().Parens(Id(t.BlobVar))),
		If(Qual("encoding/hex", "EncodeToString").Call(Id("sum").Index(Op(":"))).Op("!=").Id(t.BlobSum)).Block(
			Panic(Lit(fmt.Sprintf("%s: %s is not the file generated with %s ", m.Name, t.Blob, codeFile(t.Blob))).Op("+").
				Lit("(its SHA-256 differs); regenerate both with ").Op("+").
				Lit(fmt.Sprintf("nngen gen -weights %s %s", t.Source, m.Source))),
		),
		Id(t.Value).Dot("Mean").Op("=").Add(mean),
		Id(t.Value).Dot("Std").Op("=").Add(std),
		fillInit,
		Id("p").Op(":=").Id(t.Value).Dot("Net").Dot("Params").Call(),
		For(Id("i").Op(":=").Range().Id("p")).Block(
			Id("w").Op(":=").Id(t.BlobVar).Index(Lit(size).Op("*").Id("i").Op(":").Lit(size).Op("*").Id("i").Op("+").Lit(size)),
			Id("p").Index(Id("i")).Op("=").Add(from).Call(word(0)),
		),
	)
}

// trainedHeader adds to the header of a model with trained parameters
// what a reader needs to know which they are, the command in a block
// that no wrapping breaks:
//
//	//
//	// Weights: iris.safetensors
//	// SHA-256: 3f2a…
//	// Command:
//	//	nngen gen -weights iris.safetensors iris.yaml
func (e *emitter) trainedHeader() {
	t := e.m.Trained
	if t == nil {
		return
	}
	e.f.HeaderComment("")
	e.f.HeaderComment("Weights: " + t.Source)
	if t.SHA256 != "" {
		e.f.HeaderComment("SHA-256: " + t.SHA256)
	}
	if t.Command != "" {
		e.f.HeaderComment("Command:")
		e.f.HeaderComment("//\t" + t.Command)
	}
}

// codeFile is the Go file that the weights file blob belongs to: nngen
// gen names the blob after it, iris_weights.bin for iris.go.
func codeFile(blob string) string {
	return strings.TrimSuffix(blob, "_weights.bin") + ".go"
}

// literal renders the trained parameters as a value of the model type.
func (e *emitter) literal() Code {
	m, p := e.m, e.m.Trained.Params
	var fields []Code
	for _, l := range m.Layers {
		var rows []Code
		for o := range l.Out {
			rows = append(rows, Line().Add(e.floats(p[l.Offset+o*l.In:l.Offset+(o+1)*l.In])))
		}
		bias := l.Offset + l.In*l.Out
		fields = append(fields,
			keyed(l.W, e.mat(l.Out, l.In).Values(append(rows, Line())...)),
			keyed(l.B, e.vec(l.Out).Add(e.floats(p[bias:bias+l.Out]))),
		)
	}
	return Id(m.Name).Values(append(fields, Line())...)
}

// keyed renders "name: value" on a line of its own in a composite literal.
func keyed(name string, value Code) Code {
	return Line().Id(name).Op(":").Add(value)
}

// floats renders {v0, v1, …} with each value exact in the element type.
func (e *emitter) floats(vs []float64) Code {
	items := make([]Code, len(vs))
	for i, v := range vs {
		items[i] = Op(floatLit(e.m.Float, v))
	}
	return Values(items...)
}

// floatLit writes v rounded to the element type float as the shortest Go
// literal that gives it back exactly.
func floatLit(float spec.DType, v float64) string {
	if float == spec.Float32 {
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Blob returns the contents of the file that holds m's trained parameters
// for //go:embed: little-endian floats of the element type, in the order
// of Params. It returns nil when the parameters are written as literals.
func Blob(m *ir.Model) []byte {
	t := m.Trained
	if t == nil || t.Blob == "" {
		return nil
	}
	if m.Float == spec.Float32 {
		b := make([]byte, 4*len(t.Params))
		for i, v := range t.Params {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
		}
		return b
	}
	b := make([]byte, 8*len(t.Params))
	for i, v := range t.Params {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b
}
