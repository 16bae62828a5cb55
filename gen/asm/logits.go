package asm

import (
	"fmt"
	"slices"
	"strings"
)

// Net is a small network whose logits for one sample are one kernel: the
// whole forward pass in assembly, every size a constant, so that no call
// and no loop stands between its layers. Widths are the inputs, then the
// units of each layer; Relu[l] says whether relu follows layer l+1 (else
// the identity), for every layer but the output's.
type Net struct {
	Widths []int
	Relu   []bool
}

// logitsAMD64 writes the logits of net, a layer at a time. The input and
// each hidden layer's output are vectors padded with zeros, in the
// registers the kernel leaves free where they fit, else on the stack, in
// one of two buffers. For each block of a vector's worth of units, each
// unit's accumulator gathers its row of W times the input, a vector at a
// time (the row's last values by a masked load, which reads nothing past
// them); horizontal adds transpose the block's sums into one vector, which
// takes the bias and relu and goes to the layer's output, or for the
// output layer to z, its units past the last whole vector by plain stores,
// the widest first (storeFirst).
// Registers:
//
//	SI the parameters (m), BX x, DI z
//	Y0–Y7 the accumulators (Y0–Y3 for float64), then scratch of the sums,
//	with the next two
//	Y6–Y12 (float64) or Y10–Y12 (float32) the vectors of the layers
//	Y13 the mask of the last block's units, Y14 that of a row's last values
//	Y15 a vector of a row of W, then of the bias, then zero for relu
func (w *writer) logitsAMD64(name string, t x86, net *Net) {
	masks := w.masks(strings.TrimSuffix(name, "AVX2"), t)
	vectors := func(n int) int { return (n + t.lanes - 1) / t.lanes }
	var pool []string
	for r := t.lanes + 2; r <= 12; r++ {
		pool = append(pool, fmt.Sprintf("Y%d", r))
	}
	// places[l] are the vectors of x (l = 0) and of the hidden layers'
	// outputs: registers of the pool not holding the layer's input, or
	// buffer l%2 on the stack.
	last := len(net.Widths) - 1
	places := make([][]string, last)
	widest := 0
	for l, n := range net.Widths[:last] {
		free := pool
		if l > 0 {
			free = slices.DeleteFunc(slices.Clone(pool), func(r string) bool { return slices.Contains(places[l-1], r) })
		}
		if vectors(n) <= len(free) {
			places[l] = free[:vectors(n)]
			continue
		}
		widest = max(widest, 32*vectors(n))
		places[l] = []string{}
	}
	for l, n := range net.Widths[:last] {
		if len(places[l]) == 0 {
			for v := range vectors(n) {
				places[l] = append(places[l], fmt.Sprintf("%d(SP)", l%2*widest+32*v))
			}
		}
	}
	inRegister := func(op string) bool { return op[0] == 'Y' }
	// The frame holds the buffers the layers use: one, or two when
	// consecutive layers are on the stack.
	frame := 0
	for l, pl := range places {
		if len(pl) > 0 && !inRegister(pl[0]) {
			frame = max(frame, (l%2+1)*widest)
		}
	}
	// mask loads into reg the mask of the values past the whole vectors of
	// n, if there are any and reg does not hold it yet, and reports whether
	// there are.
	held := map[int]int{} // the values left that each mask register covers
	mask := func(reg, n int) bool {
		left := n % t.lanes
		if left != 0 && held[reg] != left {
			w.Op("VMOVUP%s %s+%d(SB), Y%d", t.p[1:], masks, (t.lanes-left)*t.size, reg)
			held[reg] = left
		}
		return left != 0
	}
	// load loads the vector at addr into dst, under the mask in reg if masked.
	load := func(addr string, masked bool, reg int, dst string) {
		if masked {
			w.Op("VMASKMOV%s %s, Y%d, %s", t.p, addr, reg, dst)
		} else {
			w.Op("VMOVUP%s %s, %s", t.p[1:], addr, dst)
		}
	}
	w.Comment(name+" computes the logits z of the network for one input sample x;",
		"see the package doc of the generator for the contract.", "")
	w.WriteString("// func " + name + "(m *Model, x *[inputs]T, z *[outputs]T)\n")
	// The linker allows small frames to a function that skips the check of
	// the stack's size.
	flags := "NOSPLIT"
	if frame > 512 {
		flags = "0"
	}
	w.WriteString(fmt.Sprintf("TEXT ·%s(SB), %s, $%d-24\n", name, flags, frame))
	w.Op("MOVQ m+0(FP), SI")
	w.Op("MOVQ x+8(FP), BX")
	w.Op("MOVQ z+16(FP), DI")
	w.Comment("x, with zeros past its last value.")
	in := net.Widths[0]
	tail := mask(14, in)
	for v, op := range places[0] {
		masked := tail && v == vectors(in)-1
		if inRegister(op) {
			load(fmt.Sprintf("%d(BX)", 32*v), masked, 14, op)
			continue
		}
		load(fmt.Sprintf("%d(BX)", 32*v), masked, 14, "Y15")
		w.Op("VMOVUP%s Y15, %s", t.p[1:], op)
	}
	at := 0 // the offset of the layer's parameters in m
	for l, out := range net.Widths[1:] {
		in := net.Widths[l]
		output := l == last-1
		switch {
		case output:
			w.Comment(fmt.Sprintf("Layer %d, %d → %d: z = W·a + b.", l+1, in, out))
		case net.Relu[l]:
			w.Comment(fmt.Sprintf("Layer %d, %d → %d: relu(W·a + b); VMAXP returns its first operand", l+1, in, out),
				"where one is NaN: the sum, NaN, as max(z, 0) in Go.")
		default:
			w.Comment(fmt.Sprintf("Layer %d, %d → %d: W·a + b.", l+1, in, out))
		}
		rowTail, blockTail := mask(14, in), mask(13, out)
		bias := at + out*in*t.size
		for first := 0; first < out; first += t.lanes {
			units := min(t.lanes, out-first)
			for r := units; r < t.lanes; r++ {
				w.Op("VXORP%s Y%d, Y%d, Y%d", t.p[1:], r, r, r)
			}
			for v, a := range places[l] {
				// The first vector's products start the sums.
				op := "VFMADD231" + t.p
				if v == 0 {
					op = "VMUL" + t.p
				}
				for r := range units {
					row := fmt.Sprintf("%d(SI)", at+((first+r)*in+v*t.lanes)*t.size)
					switch {
					case rowTail && v == vectors(in)-1:
						load(row, true, 14, "Y15")
						w.Op("%s %s, Y15, Y%d", op, a, r)
					case inRegister(a):
						w.Op("%s %s, %s, Y%d", op, row, a, r)
					default:
						load(row, false, 0, "Y15")
						w.Op("%s %s, Y15, Y%d", op, a, r)
					}
				}
			}
			w.sums(t, 0, t.lanes, t.lanes+1)
			lastBlock := units < t.lanes && blockTail
			if lastBlock {
				load(fmt.Sprintf("%d(SI)", bias+first*t.size), true, 13, "Y15")
				w.Op("VADD%s Y15, Y0, Y0", t.p)
			} else {
				w.Op("VADD%s %d(SI), Y0, Y0", t.p, bias+first*t.size)
			}
			switch {
			case output && lastBlock:
				w.storeFirst(t, units, first*t.size)
			case output:
				w.Op("VMOVUP%s Y0, %d(DI)", t.p[1:], first*t.size)
			default:
				if net.Relu[l] {
					w.Op("VXORP%s Y15, Y15, Y15", t.p[1:])
					w.Op("VMAX%s Y0, Y15, Y0", t.p)
				}
				to := places[l+1][first/t.lanes]
				if inRegister(to) {
					w.Op("VMOVAP%s Y0, %s", t.p[1:], to)
				} else {
					w.Op("VMOVUP%s Y0, %s", t.p[1:], to)
				}
			}
		}
		at = bias + out*t.size
	}
	w.Op("VZEROUPPER")
	w.Op("RET")
	w.WriteString("\n")
}

// storeFirst stores the first n values of Y0, fewer than a vector's, at
// off(DI) by plain stores, the widest first, rather than under a mask: the
// Go code that reads them can then take each value from a store, where a
// load waits for a masked store to reach the cache.
func (w *writer) storeFirst(t x86, n, off int) {
	bytes := n * t.size
	if bytes >= 16 {
		w.Op("VMOVUP%s X0, %d(DI)", t.p[1:], off)
		if bytes == 16 {
			return
		}
		w.Op("VEXTRACTF128 $1, Y0, X0")
		off, bytes = off+16, bytes-16
	}
	if bytes >= 8 {
		w.Op("VMOVSD X0, %d(DI)", off)
		if bytes == 8 {
			return
		}
		w.Op("VPSRLDQ $8, X0, X0")
		off, bytes = off+8, bytes-8
	}
	w.Op("VMOVSS X0, %d(DI)", off)
}
