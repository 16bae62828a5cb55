package ir

// Stats are the costs of a model per sample.
type Stats struct {
	ForwardFLOPs  int // 2·in·out per layer: one multiply and one add per weight
	BackwardFLOPs int // ∂L/∂W (2·in·out per layer) and Wᵀ·δ (2·in·out, all layers but the first)
	ParamBytes    int
	// Values kept per sample: training keeps the input (∂L/∂W₁ = δ₁·xᵀ
	// reads it) and every layer's output (and z where f' needs it, and
	// the mask and the output after dropout) for the backward pass; inference needs only one layer's input and output at
	// a time, so training always keeps more.
	TrainValues, InferValues int
	FloatBytes               int
}

// Stats computes the costs of m. Activations, softmax and the loss are
// not counted in FLOPs: they are linear in the widths, the products are
// quadratic.
func (m *Model) Stats() Stats {
	s := Stats{FloatBytes: m.Float.Size()}
	s.ParamBytes = m.NumParams * s.FloatBytes
	s.TrainValues = m.Inputs
	for _, l := range m.Layers {
		mac := 2 * l.In * l.Out
		s.ForwardFLOPs += mac
		s.BackwardFLOPs += mac
		if l.N > 1 {
			s.BackwardFLOPs += mac
		}
		s.InferValues = max(s.InferValues, l.In+l.Out)
		s.TrainValues += l.Out
		if l.Z != "" {
			s.TrainValues += l.Out
		}
		if l.Dropout != nil {
			s.TrainValues += 2 * l.Out // the mask and the output after dropout
		}
	}
	if m.Head.Softmax {
		s.TrainValues++ // log-sum-exp
	}
	return s
}
