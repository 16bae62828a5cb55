package build_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nngen/nngen/internal/build"
	"github.com/nngen/nngen/runtime/gradcheck"
	"github.com/nngen/nngen/spec"
)

var (
	propertyN    = flag.Int("property.n", 3, "random specs that TestPropertyGradients generates, builds and checks")
	propertySeed = flag.Uint64("property.seed", 1, "seed of TestPropertyGradients' random specs")
)

// specGen writes random valid specs as YAML. Hidden activations and heads
// are drawn from shuffled decks, so that every one of them comes up as
// soon as there are enough layers; everything else is drawn afresh.
type specGen struct {
	r             *rand.Rand
	hidden, heads []string
}

func (g *specGen) draw(deck *[]string, all []string) string {
	if len(*deck) == 0 {
		*deck = slices.Clone(all)
		g.r.Shuffle(len(*deck), func(i, j int) { (*deck)[i], (*deck)[j] = (*deck)[j], (*deck)[i] })
	}
	v := (*deck)[0]
	*deck = (*deck)[1:]
	return v
}

func (g *specGen) pick(options ...string) string { return options[g.r.IntN(len(options))] }

// width is a layer size: often 1, mostly small, now and then large enough
// for loops with remainders.
func (g *specGen) width() int {
	switch g.r.IntN(8) {
	case 0, 1:
		return 1
	case 2:
		return 17 + g.r.IntN(30)
	}
	return 2 + g.r.IntN(7)
}

var (
	hiddenNames = []string{"identity", "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "elu", "gelu", "silu"}
	headNames   = []string{"softmax", "sigmoid", "identity"}
	lossOf      = map[string]string{"softmax": "cross_entropy", "sigmoid": "binary_cross_entropy", "identity": "mse"}
)

// next returns the YAML of a random valid spec named Rand<i>.
func (g *specGen) next(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: Rand%d\n", i)
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&b, "package: rand%d\n", i)
	}
	fmt.Fprintf(&b, "dtype: %s\n", g.pick("float32", "float64"))
	fmt.Fprintf(&b, "inputs: %d\n", g.width())
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&b, "init: %s\n", g.pick("he_uniform", "he_normal", "xavier_uniform", "xavier_normal"))
	}
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&b, "unroll: %s\n", g.pick("auto", "full", "loops"))
	}
	fmt.Fprintf(&b, "seed: %d\n", g.r.IntN(1000))
	b.WriteString("layers:\n")
	depth := 1 + g.r.IntN(6)
	head := ""
	for l := range depth {
		act, units := "", g.width()
		if l == depth-1 {
			act = g.draw(&g.heads, headNames)
			head = act
			if act == "softmax" {
				units = max(units, 2)
			}
		} else {
			act = g.draw(&g.hidden, hiddenNames)
		}
		fmt.Fprintf(&b, "  - {units: %d, activation: %s", units, act)
		switch {
		case act == "leaky_relu" && g.r.IntN(4) > 0:
			fmt.Fprintf(&b, ", alpha: %.3g", 0.001+0.998*g.r.Float64())
		case act == "elu" && g.r.IntN(4) > 0:
			fmt.Fprintf(&b, ", alpha: %.3g", 0.05+4.95*g.r.Float64())
		}
		if g.r.IntN(2) == 0 {
			fmt.Fprintf(&b, ", init: %s", g.pick("he_uniform", "he_normal", "xavier_uniform", "xavier_normal"))
		}
		if g.r.IntN(2) == 0 {
			fmt.Fprintf(&b, ", unroll: %s", g.pick("auto", "full", "loops"))
		}
		b.WriteString("}\n")
	}
	if g.r.IntN(2) == 0 {
		// The head's loss, written out (it is also the default).
		fmt.Fprintf(&b, "loss: %s\n", lossOf[head])
	}
	return b.String()
}

// TestPropertyGradients generates random valid specs (1 to 6 layers,
// widths from 1, every hidden activation and head, both dtypes, every
// code form and initialization, random alphas), builds each into a
// program and runs its finite-difference gradient check, which must pass
// at the tolerance of nngen check -grad. Float32 specs are built as they
// are, to see that they compile, and checked through their float64 twin.
// By default it checks 3 specs; -property.n and -property.seed run more:
//
//	go test ./internal/build -run TestPropertyGradients -property.n 50 -property.seed 7
func TestPropertyGradients(t *testing.T) {
	isolateCache(t)
	g := &specGen{r: rand.New(rand.NewPCG(*propertySeed, 0x70726f7065727479))}
	seen := map[string]int{}
	for i := range *propertyN {
		src := g.next(i)
		t.Run(fmt.Sprintf("spec%d", i), func(t *testing.T) {
			s, err := spec.Parse(fmt.Sprintf("rand%d.yaml", i), []byte(src))
			if err != nil {
				t.Fatalf("a generated spec is invalid: %v\n%s", err, src)
			}
			for _, l := range s.Layers {
				seen[string(l.Activation)]++
			}
			seen[string(s.DType)]++
			if s.DType == spec.Float32 {
				if _, _, err := build.Program(s); err != nil {
					t.Fatalf("building the float32 model: %v\nspec:\n%s", err, src)
				}
			}
			twin := *s
			twin.DType = spec.Float64
			exe, _, err := build.Program(&twin)
			if err != nil {
				t.Fatalf("building the model: %v\nspec:\n%s", err, src)
			}
			status, out := runGradcheck(t, exe, gradcheck.Options{Seed: *propertySeed + uint64(i)})
			if !gradcheckPassed(status, out) {
				t.Fatalf("gradient check: status %d\n%s\nspec:\n%s", status, out, src)
			}
			t.Logf("%s\n%s", src, out)
		})
	}
	t.Logf("layers and dtypes covered: %v", seen)
}
