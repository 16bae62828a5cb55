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

// TestOff checks how GODEBUG's cpu options turn a feature off.
func TestOff(t *testing.T) {
	for _, c := range []struct {
		godebug string
		off     bool
	}{
		{"", false},
		{"cpu.avx2=off", true},
		{"madvdontneed=1,cpu.avx2=off", true},
		{"cpu.all=off", true},
		{"cpu.all=off,cpu.avx2=on", false},
		{"cpu.avx2=off,cpu.avx2=on", false},
		{"cpu.avx512f=off", false},
	} {
		t.Setenv("GODEBUG", c.godebug)
		if got := off("avx2"); got != c.off {
			t.Errorf("GODEBUG=%s: off(\"avx2\") = %v, want %v", c.godebug, got, c.off)
		}
	}
}
