package ir

// Chunking: TrainBatch and ForwardBatch of a model with looped layers
// work through a mini-batch a chunk of samples at a time, layer by layer,
// each layer one product of matrices over the chunk (see gen/asm).

// stackBytes is the largest local array the Go compiler keeps on the
// stack; the chunk's arrays stay within it, so that the batch functions
// allocate nothing.
const stackBytes = 128 << 10

// MaxChunk is the largest number of samples in a chunk.
const MaxChunk = 32

// Cols is the column tile of the matrix kernels: 64 bytes of values, two
// 256-bit vectors. The chunk is a whole number of tiles.
func (m *Model) Cols() int { return 64 / m.Float.Size() }

// maxEdge is the most values in each buffer of gemm's edge: past it, the
// columns past the kernel's whole tiles stay in plain Go.
const maxEdge = 4096

// EdgeRows returns the rows of the buffers through which gemm sends the
// columns past the kernel's whole tiles to the kernel, one tile wide: for
// a chunked model with a layer whose inputs are not whole tiles, whose
// weight gradient (rows its units, k the chunk) and backward product
// (rows the chunk, k its units) have such columns. It returns 0 when there
// are none, or the buffers would hold more than maxEdge values.
func (m *Model) EdgeRows() int {
	if m.Chunk == 0 {
		return 0
	}
	rows := 0
	for _, l := range m.Layers {
		if l.In%m.Cols() != 0 {
			rows = max(rows, m.Chunk, l.Out)
		}
	}
	if rows*m.Cols() > maxEdge {
		return 0
	}
	return rows
}

// chunk returns the number of samples per chunk of m, or 0 when a layer
// is too wide for one tile of samples to fit, and the samples go one at a
// time. Even a model whose layers are all unrolled gains from the chunks:
// its batches run on the kernels.
func chunk(m *Model) int {
	widest := m.Inputs
	for _, l := range m.Layers {
		widest = max(widest, l.Out)
	}
	for c := MaxChunk; c >= m.Cols(); c /= 2 {
		if widest*c*m.Float.Size() <= stackBytes {
			return c
		}
	}
	return 0
}

// Kernels reports whether m's code calls the matrix kernels: whether it
// runs its batches in chunks or has a looped layer.
func (m *Model) Kernels() bool {
	if m.Chunk > 0 {
		return true
	}
	for _, l := range m.Layers {
		if !l.Unrolled {
			return true
		}
	}
	return false
}

// LogitsKernel reports whether the logits of one sample of m are one
// kernel, the whole network in assembly (gen/asm's Net): for a classifier
// with kernels whose layers are all unrolled, with relu or the identity
// between them. Such a network is too small for a kernel per layer to pay
// for its calls.
func (m *Model) LogitsKernel() bool {
	if !m.Head.Classifier || !m.Kernels() {
		return false
	}
	for _, l := range m.Layers {
		if !l.Unrolled || !l.Output() && !l.Act.Rectifier && l.Act.Func != nil {
			return false
		}
	}
	return true
}
