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
		if d := l.Dropout; d != nil {
			saved += fmt.Sprintf(", %s, %s = %s ⊙ %s (dropout %g: masks %d.. of a sample, 0 or %g)", d.M, d.H, d.M, l.A, d.P, d.Offset, d.Scale)
		}
		fmt.Fprintf(&b, "  %d: %s [%d][%d], %s [%d] (PyTorch %s, %s, params %d..), input %s, %s; saves %s; %s; init %s\n",
			l.N, l.W, l.Out, l.In, l.B, l.Out, l.TorchW, l.TorchB, l.Offset, l.Input, act, saved, code, l.Init.Doc)
	}
	fmt.Fprintf(&b, "head: %s\nloss gradient: ∂L/∂z = %s (%s)\nbackward:\n", m.Head.Formula, m.Head.DeltaDoc, m.Head.Fused)
	for _, st := range m.Backward {
		fmt.Fprintf(&b, "  %d: %s → ∂L/∂%s, ∂L/∂%s", st.Layer.N, st.Delta, st.Layer.W, st.Layer.B)
		if st.Below != nil {
			mask := ""
			if d := st.Below.Dropout; d != nil {
				mask = " ⊙ " + d.M
			}
			fmt.Fprintf(&b, "; %s = %sᵀ·%s%s ⊙ %s'(%s) with f' = %s", st.Up, st.Layer.W, st.Delta, mask, st.Below.Act.Name, st.DerivArg, st.Below.Act.Deriv)
		}
		b.WriteString("\n")
	}
	return b.String()
}
