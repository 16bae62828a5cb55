package build

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nngen/nngen/internal/checktest"
)

// cacheFolder makes a folder of the cache in root, last modified at
// mtime, holding a file of size bytes (none if size is negative) and,
// unless renewed is zero, a use file renewed then.
func cacheFolder(t *testing.T, root, name string, size int, mtime, renewed time.Time) {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, size int, mtime time.Time) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	if size >= 0 {
		write("model", size, mtime)
	}
	if !renewed.IsZero() {
		write(usePrefix+"1", 0, renewed)
	}
	if err := os.Chtimes(dir, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// key returns a program's folder name made of the digit d.
func key(d byte) string { return strings.Repeat(string(d), keyLen) }

// TestTrim checks which programs trim removes: the least recently used
// beyond the cap, never one in use, whose size counts toward the cap;
// and the leftovers of killed builds and removals, never a build under
// way; other files stay.
func TestTrim(t *testing.T) {
	now := time.Now()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	var none time.Time // no use file
	tests := []struct {
		name  string
		max   int64
		setup func(t *testing.T, root string)
		left  []string
		freed Freed
	}{
		{"under the cap", 300, func(t *testing.T, root string) {
			cacheFolder(t, root, key('1'), 100, ago(3*time.Hour), none)
			cacheFolder(t, root, key('2'), 100, ago(2*time.Hour), none)
			cacheFolder(t, root, key('3'), 100, ago(time.Hour), none)
		}, []string{key('1'), key('2'), key('3')}, Freed{}},
		{"oldest beyond the cap", 250, func(t *testing.T, root string) {
			cacheFolder(t, root, key('1'), 100, ago(3*time.Hour), none)
			cacheFolder(t, root, key('2'), 100, ago(time.Hour), none)
			cacheFolder(t, root, key('3'), 100, ago(2*time.Hour), none)
			cacheFolder(t, root, key('4'), 10, ago(4*time.Hour), none)
		}, []string{key('2'), key('3')}, Freed{Programs: 2, Bytes: 110}},
		{"in use, over the cap", 150, func(t *testing.T, root string) {
			cacheFolder(t, root, key('1'), 100, ago(3*time.Hour), now) // a long run
			cacheFolder(t, root, key('2'), 100, ago(time.Hour), none)
			cacheFolder(t, root, key('3'), 100, ago(2*time.Minute), ago(time.Minute))
		}, []string{key('1'), key('3')}, Freed{Programs: 1, Bytes: 100, Kept: 2}},
		{"everything", -1, func(t *testing.T, root string) {
			cacheFolder(t, root, key('1'), 100, now, none)
			cacheFolder(t, root, key('2'), -1, now, none)
			cacheFolder(t, root, key('3'), 100, now, now)
		}, []string{key('3')}, Freed{Programs: 2, Bytes: 100, Kept: 1}},
		{"stale use file", 0, func(t *testing.T, root string) {
			cacheFolder(t, root, key('1'), 100, ago(time.Hour), ago(staleAfter+time.Second))
		}, nil, Freed{Programs: 1, Bytes: 100}},
		{"leftovers", 1000, func(t *testing.T, root string) {
			cacheFolder(t, root, buildPrefix+"1", 50, ago(time.Hour), none)                 // killed
			cacheFolder(t, root, buildPrefix+"2", 50, ago(staleAfter/2), none)              // just started
			cacheFolder(t, root, buildPrefix+"3", 50, ago(time.Hour), now)                  // under way
			cacheFolder(t, root, evictedPrefix+"1", 7, ago(time.Hour), none)                // a killed removal
			cacheFolder(t, root, evictedPrefix+"2", 7, now, none)                           // one under way
			cacheFolder(t, root, "notes", 5, ago(time.Hour), none)                          // not the cache's
			cacheFolder(t, root, key('1')[1:], 5, ago(time.Hour), none)                     // nor this
			cacheFolder(t, root, strings.ToUpper(key('a')), 5, ago(time.Hour), none)        // nor this
			if err := os.WriteFile(filepath.Join(root, key('2')), nil, 0o644); err != nil { // a file
				t.Fatal(err)
			}
		}, []string{key('1')[1:], key('2'), "AAAAAAAAAAAAAAAAAAAA", buildPrefix + "2", buildPrefix + "3", evictedPrefix + "2", "notes"},
			Freed{Leftovers: 2, Bytes: 57, Kept: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			tc.setup(t, root)
			freed, err := trim(root, tc.max, now)
			if err != nil {
				t.Fatal(err)
			}
			if freed != tc.freed {
				t.Errorf("freed %+v, want %+v", freed, tc.freed)
			}
			if got := checktest.DirNames(t, root); !slices.Equal(got, tc.left) {
				t.Errorf("left %q, want %q", got, tc.left)
			}
		})
	}
}

// TestTrimMissing checks that a cache that was never made is empty.
func TestTrimMissing(t *testing.T) {
	freed, err := trim(filepath.Join(t.TempDir(), "none"), 0, time.Now())
	if err != nil || freed != (Freed{}) {
		t.Errorf("trim: %+v, %v", freed, err)
	}
}

// TestHold checks that a use renews its file while held, follows its
// folder when renamed, and removes the file when released, after which
// the folder is not in use.
func TestHold(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, buildPrefix+"1")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	u, err := hold(dir, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(root, key('1'))
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	u.moved(moved)
	uses, _ := filepath.Glob(filepath.Join(moved, usePrefix+"*"))
	if len(uses) != 1 {
		t.Fatalf("use files %q, want one", uses)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(uses[0], old, old); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !inUse(moved, time.Now()) {
		if time.Now().After(deadline) {
			t.Fatal("the use file was not renewed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	u.release()
	u.release()
	if uses, _ := filepath.Glob(filepath.Join(moved, usePrefix+"*")); len(uses) != 0 {
		t.Errorf("use files %q left after release", uses)
	}
	if inUse(moved, time.Now()) {
		t.Error("in use after release")
	}
}

// TestParseSize checks the sizes NNGEN_CACHE_MAX takes.
func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{
		"0": 0, "300000000": 300000000, "512MiB": 512 << 20, "512M": 512 << 20, "512mb": 512 << 20,
		"2GiB": 2 << 30, "2 GiB": 2 << 30, "1T": 1 << 40, "64KiB": 64 << 10, "10B": 10,
		"off": 1<<63 - 1, "OFF": 1<<63 - 1,
	} {
		if got, err := parseSize(s); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "1.5G", "G", "12 PB", "lots", "9223372036854775807K", "99999999999999999999"} {
		if got, err := parseSize(s); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", s, got)
		}
	}
}

// TestTrimConcurrent runs cleans of one cache at once: each program is
// removed by one of them.
func TestTrimConcurrent(t *testing.T) {
	root := t.TempDir()
	const n = 40
	for i := range n {
		cacheFolder(t, root, fmt.Sprintf("%0*x", keyLen, i), 10, time.Now(), time.Time{})
	}
	results := make(chan Freed)
	for range 4 {
		go func() {
			f, err := trim(root, -1, time.Now())
			if err != nil {
				t.Error(err)
			}
			results <- f
		}()
	}
	var total Freed
	for range 4 {
		f := <-results
		total.Programs += f.Programs
		total.Bytes += f.Bytes
	}
	if total.Programs != n || total.Bytes != 10*n {
		t.Errorf("the cleans removed %d programs, %d bytes in all; want %d, %d", total.Programs, total.Bytes, n, 10*n)
	}
	if names := checktest.DirNames(t, root); len(names) != 0 {
		t.Errorf("left %q", names)
	}
}
