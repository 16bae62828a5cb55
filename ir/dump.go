package ir

import (
	"fmt"
	"strings"
)

// Dump returns a readable listing of m: the forward schedule, the values
// saved for training and the backward schedule.
func (m *Model) Dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s (package %s, %s, from %s), %d parameters\n", m.Name, m.Package, m.Float, m.Source, m.NumParams)
	b.WriteString("forward:\n")
	for _, l := range m.Layers {
		act := fmt.Sprintf("%s head", m.Head.Act)
		if l.Act != nil {
			act = fmt.Sprintf("%s(z) = %s", l.Act.Name, l.Act.Formula)
		}
		code := "loops"
		if l.Unrolled {
			code = "unrolled"
		}
		saved := l.A
		if l.Z != "" {
			saved = l.Z + ", " + l.A
		}
		fmt.Fprintf(&b, "  %d: %s [%d][%d], %s [%d] (PyTorch %s.*, params %d..), input %s, %s; saves %s; %s; init %s\n",
			l.N, l.W, l.Out, l.In, l.B, l.Out, l.Torch, l.Offset, l.Input, act, saved, code, l.Init.Doc)
	}
	fmt.Fprintf(&b, "head: %s\nloss gradient: ∂L/∂z = %s (%s)\nbackward:\n", m.Head.Formula, m.Head.DeltaDoc, m.Head.Fused)
	for _, st := range m.Backward {
		fmt.Fprintf(&b, "  %d: %s → ∂L/∂%s, ∂L/∂%s", st.Layer.N, st.Delta, st.Layer.W, st.Layer.B)
		if st.Below != nil {
			fmt.Fprintf(&b, "; %s = %sᵀ·%s ⊙ %s'(%s) with f' = %s", st.Up, st.Layer.W, st.Delta, st.Below.Act.Name, st.DerivArg, st.Below.Act.Deriv)
		}
		b.WriteString("\n")
	}
	return b.String()
}
