package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/nngen/nngen/internal/build"
)

// cleanAbout is the help of nngen clean.
const cleanAbout = `Removes the model programs that train, eval, predict, verify and check -grad
build and keep in a cache, and the folders that killed builds left behind. It
keeps the programs that an nngen is running or building.

The cache is $NNGEN_CACHE, else nngen/programs in the user's cache folder:
$XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LocalAppData%
on Windows. After each build the least recently used programs beyond
$NNGEN_CACHE_MAX are removed: a size such as 512MiB or 2GiB, or off; by
default 256MiB, some 55 programs.`

func runClean(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("clean", stdout, stderr)
	if err := fs.Parse(args); err != nil {
		return fs.failed(err)
	}
	if fs.NArg() > 0 {
		return fs.usageError("nngen clean: want no arguments, got %d", fs.NArg())
	}
	dir, err := build.CacheDir()
	if err != nil {
		return err
	}
	f, err := build.Clean(dir)
	fmt.Fprintln(stdout, cleaned(dir, f))
	return err
}

// cleaned says what a clean of the cache in dir freed and kept.
func cleaned(dir string, f build.Freed) string {
	var removed []string
	if f.Programs > 0 {
		removed = append(removed, plural(f.Programs, "program"))
	}
	if f.Leftovers > 0 {
		removed = append(removed, plural(f.Leftovers, "leftover folder"))
	}
	s := "nothing to remove in " + dir
	if len(removed) > 0 {
		s = fmt.Sprintf("removed %s (%s) from %s", strings.Join(removed, " and "), byteSize(f.Bytes), dir)
	}
	if f.Kept > 0 {
		s += fmt.Sprintf("; kept %d in use by nngen", f.Kept)
	}
	return s
}

// plural returns n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
