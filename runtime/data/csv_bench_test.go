package data

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLoadCSV loads MNIST-shaped files of 60,000 rows: a label
// column (0-9) then 784 features, either integer pixels 0-255 or decimals
// as a standardized data set writes them. Besides the time and MB/s it
// reports the processor time (all threads, the garbage collector's too;
// steadier than the time on a busy machine), the loader's peak heap (live
// and not yet collected objects, sampled every millisecond, less the heap
// before the call) and as a multiple of the data set's own bytes (rows ×
// 785 × 4 for float32), and the process's peak resident memory.
//
//	go test ./runtime/data -run '^$' -bench LoadCSV -benchmem -benchtime 3x
func BenchmarkLoadCSV(b *testing.B) {
	const rows, features = 60_000, 784
	dir := b.TempDir() // the parent's, kept while the sub-benchmarks run
	for _, bc := range []struct {
		name  string
		field func(r *rand.Rand, buf []byte) []byte
	}{
		{"pixels", func(r *rand.Rand, buf []byte) []byte { return strconv.AppendInt(buf, r.Int64N(256), 10) }},
		{"decimals", func(r *rand.Rand, buf []byte) []byte {
			return strconv.AppendFloat(buf, r.NormFloat64(), 'f', 4, 64)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(dir, bc.name+".csv")
			st, err := os.Stat(path)
			if err != nil { // written once, for the first round
				writeBenchCSV(b, path, rows, features, bc.field)
				st, err = os.Stat(path)
			}
			if err != nil {
				b.Fatal(err)
			}
			size := st.Size()
			dataBytes := float64(rows * (features + 1) * 4)
			b.SetBytes(size)
			var (
				peakHeap, peakRSS uint64
				cpu               time.Duration
			)
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				runtime.GC()
				debug.FreeOSMemory()
				resetPeakRSS()
				base := heapObjects()
				stop := samplePeakHeap()
				cpu0 := cpuTime()
				b.StartTimer()
				d, err := LoadCSV[float32](path, CSVOptions{TargetIndex: new(0)})
				b.StopTimer()
				cpu += cpuTime() - cpu0
				peak := stop()
				if err != nil {
					b.Fatal(err)
				}
				if d.Len() != rows || d.Inputs != features {
					b.Fatalf("got %d rows of %d features", d.Len(), d.Inputs)
				}
				peakHeap = max(peakHeap, peak-min(base, peak))
				peakRSS = max(peakRSS, readPeakRSS())
				b.StartTimer()
			}
			if cpu > 0 {
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(peakHeap)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(peakHeap)/dataBytes, "peak-heap/data")
			if peakRSS > 0 {
				b.ReportMetric(float64(peakRSS)/1e6, "peak-RSS-MB")
			}
		})
	}
}

// writeBenchCSV writes a file of rows rows, each a label and features
// fields made by field, with a header.
func writeBenchCSV(b *testing.B, path string, rows, features int, field func(*rand.Rand, []byte) []byte) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("label")
	for j := range features {
		fmt.Fprintf(w, ",pixel%d", j)
	}
	w.WriteByte('\n')
	r := rand.New(rand.NewPCG(1, 2))
	var line []byte
	for range rows {
		line = strconv.AppendInt(line[:0], r.Int64N(10), 10)
		for range features {
			line = field(r, append(line, ','))
		}
		w.Write(append(line, '\n'))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	// Written to disk now, not while the loader reads it.
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// heapObjects returns the bytes of the heap's objects, live or not yet
// swept.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// samplePeakHeap samples heapObjects every millisecond until the
// returned function is called, which returns the largest value seen.
func samplePeakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	peak.Store(heapObjects())
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if h := heapObjects(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return max(peak.Load(), heapObjects())
	}
}

// resetPeakRSS resets the process's peak resident set size to the
// current one, on Linux; elsewhere it does nothing.
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// readPeakRSS returns the process's peak resident set size in bytes, or 0
// where /proc/self/status does not tell it.
func readPeakRSS() uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	_, after, ok := bytes.Cut(status, []byte("VmHWM:"))
	if !ok {
		return 0
	}
	kb, _, _ := bytes.Cut(bytes.TrimSpace(after), []byte(" "))
	n, err := strconv.ParseUint(string(kb), 10, 64)
	if err != nil {
		return 0
	}
	return n << 10
}
