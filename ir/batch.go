package ir

// Chunking: TrainBatch and ForwardBatch of a model with looped layers
// work through a mini-batch a chunk of samples at a time, layer by layer,
// so that each weight row is read once per chunk rather than once per
// sample, and the innermost loops update four samples at once.

// chunkBytes bounds the memory of one chunk's saved values and deltas:
// the Go compiler keeps local arrays of up to 128 KiB on the stack.
const chunkBytes = 96 << 10

// MaxChunk is the largest number of samples in a chunk.
const MaxChunk = 32

// chunk returns the number of samples per chunk of m, a multiple of 4, or
// 0 when the model's samples are best processed one at a time: when every
// layer is unrolled (its weights stay in registers and L1 anyway), or when
// the layers are too wide for four samples to fit.
func chunk(m *Model) int {
	looped, widest, trace := false, 0, 0
	for _, l := range m.Layers {
		looped = looped || !l.Unrolled
		widest = max(widest, l.Out)
		trace += l.Out
		if l.Z != "" {
			trace += l.Out
		}
	}
	if !looped {
		return 0
	}
	size := 8
	if m.Float == "float32" {
		size = 4
	}
	trace += 1 // log-sum-exp
	c := min(MaxChunk, chunkBytes/(size*max(trace, widest))) &^ 3
	if c < 4 {
		return 0
	}
	return c
}
