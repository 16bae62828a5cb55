//go:build !purego

package cpu

import (
	"encoding/binary"
	"testing"
)

// TestCPUID checks that cpuid returns each register in its own result:
// leaf 0 spells the vendor in EBX, EDX, ECX, and leaf 1 reports SSE2 in
// EDX, which every amd64 processor has.
func TestCPUID(t *testing.T) {
	maxLeaf, ebx, ecx, edx := cpuid(0, 0)
	if maxLeaf < 1 {
		t.Fatalf("cpuid(0, 0): highest leaf %d, want at least 1", maxLeaf)
	}
	vendor := binary.LittleEndian.AppendUint32(nil, ebx)
	vendor = binary.LittleEndian.AppendUint32(vendor, edx)
	vendor = binary.LittleEndian.AppendUint32(vendor, ecx)
	for _, c := range vendor {
		if c < ' ' || c > '~' {
			t.Fatalf("cpuid(0, 0): vendor %q, want 12 printable characters", vendor)
		}
	}
	const sse2 = 1 << 26
	if _, _, _, edx1 := cpuid(1, 0); edx1&sse2 == 0 {
		t.Errorf("cpuid(1, 0): EDX %#x lacks SSE2 (bit 26)", edx1)
	}
	t.Logf("vendor %s, highest leaf %d, AVX2 %v", vendor, maxLeaf, AVX2)
}
