package spec

import "fmt"

// Limits keep a spec from describing a model whose generated code or
// parameters would not fit a program.
const (
	MaxLayers     = 32       // dense layers, the output layer included
	MaxUnits      = 16384    // units of one layer, and input features
	MaxParams     = 16 << 20 // weights and biases of the whole model
	MaxFullUnroll = 64 * 64  // weights of one layer under unroll: full
	MaxNameLength = 64       // bytes of the model and package names
	MaxFileSize   = 1 << 20  // bytes of a spec file
	MaxDepth      = 16       // lists and mappings nested in one another; a spec needs 3
	MaxErrors     = 50       // errors reported for one file; more are counted, not listed
)

// Model is a validated model specification with every default filled in.
type Model struct {
	File    string // spec file name, as given to Parse
	Name    string // Go type name of the model
	Package string // Go package name, or "" when the caller chooses
	DType   DType
	Inputs  int
	Layers  []Layer // the last one is the output layer
	Loss    Loss
	Seed    uint64
	Train   Train

	PackagePos Pos // of the package key, if the spec has one
}

// Layer is one dense layer: z = W·a + b, then its activation.
type Layer struct {
	Pos        Pos
	Units      int
	Activation Activation
	Alpha      float64 // slope or scale of leaky_relu and elu
	Init       Init
	Unroll     Unroll
	// Dropout is the probability that training drops each unit of the
	// layer's output (inverted dropout); 0 for none, always on the output
	// layer.
	Dropout float64
}

// Train holds the optional training defaults of a spec; zero values mean
// "not given". Command-line flags override them. Each key of the train
// section is its flag's name with _ for -.
type Train struct {
	TestSplit       float64
	Schedule        string // one of Schedules
	Warmup          int    // epochs of learning-rate warm-up
	Clip            float64
	Patience        int
	NoStandardize   bool
	CheckpointEvery int // with a checkpoint file, the epochs between checkpoints
	Threads         int
	Missing         string // one of MissingPolicies

	Epochs    int
	Batch     int
	LR        float64
	Optimizer string
	ValSplit  float64
	Target    string
	// WeightDecay is the optimizer's weight decay λ; nil for the
	// optimizer's default.
	WeightDecay *float64
	// ClassWeight weighs each training sample's loss by its class; nil
	// when every class weighs 1.
	ClassWeight *ClassWeight
}

// ClassWeight is the class_weight of a spec's train section: balanced,
// or a weight for each of some classes.
type ClassWeight struct {
	// Balanced weighs class c by n/(K·n_c), n samples of K classes of
	// which n_c are of class c, as scikit-learn's "balanced".
	Balanced bool
	// Weights are the weights given, in file order; classes not named
	// weigh 1.
	Weights []NamedWeight
}

// NamedWeight is the weight of one class, named as the target column
// writes it.
type NamedWeight struct {
	Class  string
	Weight float64
}

// Pos is a position in a spec file; line and column count from 1.
type Pos struct {
	Line, Col int
}

// DType is the floating-point type of a model.
type DType string

const (
	Float32 DType = "float32"
	Float64 DType = "float64"
)

// Size returns the number of bytes of one value of d.
func (d DType) Size() int {
	if d == Float32 {
		return 4
	}
	return 8
}

// Activation is an elementwise function applied after a dense layer.
type Activation string

const (
	Identity  Activation = "identity"
	ReLU      Activation = "relu"
	LeakyReLU Activation = "leaky_relu"
	Sigmoid   Activation = "sigmoid"
	Tanh      Activation = "tanh"
	Softplus  Activation = "softplus"
	ELU       Activation = "elu"
	GELU      Activation = "gelu"
	SiLU      Activation = "silu"
	Softmax   Activation = "softmax" // output layer only
)

// Hidden lists the activations allowed on hidden layers.
var Hidden = []Activation{Identity, ReLU, LeakyReLU, Sigmoid, Tanh, Softplus, ELU, GELU, SiLU}

// Heads lists the activations allowed on the output layer.
var Heads = []Activation{Softmax, Sigmoid, Identity}

// Loss is the training objective.
type Loss string

const (
	CrossEntropy       Loss = "cross_entropy"
	BinaryCrossEntropy Loss = "binary_cross_entropy"
	MSE                Loss = "mse"
)

// LossFor maps each head to the one loss it pairs with.
var LossFor = map[Activation]Loss{
	Softmax:  CrossEntropy,
	Sigmoid:  BinaryCrossEntropy,
	Identity: MSE,
}

// Init is a weight initialization scheme; biases start at zero.
type Init string

const (
	HeUniform     Init = "he_uniform"
	HeNormal      Init = "he_normal"
	XavierUniform Init = "xavier_uniform"
	XavierNormal  Init = "xavier_normal"
)

// Unroll chooses how a layer's code is laid out.
type Unroll string

const (
	Auto  Unroll = "auto"  // full for small layers, loops for large ones
	Full  Unroll = "full"  // one statement per unit, no loops
	Loops Unroll = "loops" // constant-bound loops with unrolled bodies
)

// Head returns the output layer's activation.
func (m *Model) Head() Activation { return m.Layers[len(m.Layers)-1].Activation }

// Outputs returns the number of output units.
func (m *Model) Outputs() int { return m.Layers[len(m.Layers)-1].Units }

// CheckClassWeights reports why m cannot weigh its samples by class, if
// it cannot: class weights need one class per sample.
func (m *Model) CheckClassWeights() error {
	switch head := m.Head(); {
	case head == Identity:
		return fmt.Errorf("a regression model (identity head) has no classes to weigh")
	case head == Sigmoid && m.Outputs() > 1:
		return fmt.Errorf("needs one class per sample, and a head of %d sigmoid outputs gives each sample %d labels", m.Outputs(), m.Outputs())
	}
	return nil
}

// NumParams returns the number of weights and biases.
func (m *Model) NumParams() int {
	n, in := 0, m.Inputs
	for _, l := range m.Layers {
		n += l.Units*in + l.Units
		in = l.Units
	}
	return n
}

// Error is a problem at a position of a spec file.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// ErrorList is every problem found in one spec file, in file order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	s := ""
	for i, e := range l {
		if i > 0 {
			s += "\n"
		}
		s += e.Error()
	}
	return s
}
