package build

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The program cache holds a folder per program, named by the key of its
// sources, with the program's module and executable. The modification
// time of the folder is the program's last use.
//
// Several nngen processes may share the cache. A process that runs or
// builds a program holds a use file (.use-*) in its folder and renews the
// file's modification time every heartbeat; a use file older than
// staleAfter was left by a process that died. A folder with a live use
// file is never removed, nor a build folder younger than staleAfter. A
// program is removed by moving its folder into a new folder evicted-*
// and deleting that, so that no process finds half a program; one that
// found the program just before the move cannot start it, and builds it
// again.

// Environment variables of the program cache.
const (
	CacheEnv    = "NNGEN_CACHE"     // the cache's folder, an absolute path
	CacheMaxEnv = "NNGEN_CACHE_MAX" // its size cap, such as 512MiB, or off
)

// DefaultCacheMax is the size cap of the cache without NNGEN_CACHE_MAX:
// about 55 programs of 4 to 5 MB. A program that was evicted is built
// again in about a second when the Go build cache holds the runtime.
const DefaultCacheMax = 256 << 20

const (
	heartbeat  = time.Minute
	staleAfter = 5 * time.Minute

	keyLen        = 20 // hexadecimal digits of a program's folder name
	buildPrefix   = "build-"
	evictedPrefix = "evicted-"
	usePrefix     = ".use-"
)

// CacheDir returns the folder of the program cache: $NNGEN_CACHE, else
// nngen/programs in the user's cache folder (os.UserCacheDir), else in
// the temporary folder.
func CacheDir() (string, error) {
	if dir := os.Getenv(CacheEnv); dir != "" {
		if !filepath.IsAbs(dir) {
			return "", fmt.Errorf("%s=%s: want an absolute path", CacheEnv, dir)
		}
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "nngen", "programs"), nil
}

// cacheMax returns the size cap of the cache in bytes: $NNGEN_CACHE_MAX,
// else DefaultCacheMax.
func cacheMax() (int64, error) {
	v := os.Getenv(CacheMaxEnv)
	if v == "" {
		return DefaultCacheMax, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%s: want a size in bytes, such as 300000000, 512MiB or 2GiB, or off", CacheMaxEnv, v)
	}
	return n, nil
}

// units are the suffixes of parseSize, in upper case.
var units = map[string]int64{
	"": 1, "B": 1,
	"K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
	"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
	"G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30,
	"T": 1 << 40, "TB": 1 << 40, "TIB": 1 << 40,
}

// parseSize parses a whole number of bytes with an optional unit, K, M, G
// or T (powers of 1024, also written KiB or KB, …), or "off", no limit.
func parseSize(s string) (int64, error) {
	if strings.EqualFold(s, "off") {
		return math.MaxInt64, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(s)
	}
	unit, ok := units[strings.ToUpper(strings.TrimSpace(s[i:]))]
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if !ok || err != nil || n > math.MaxInt64/unit {
		return 0, errors.New("not a size")
	}
	return n * unit, nil
}

// Freed is what a trim of the cache removed and kept.
type Freed struct {
	Programs  int   // programs removed
	Leftovers int   // folders of builds and removals that were killed, removed
	Bytes     int64 // the size of the files removed
	Kept      int   // programs in use and builds under way, kept
}

// Clean removes from the cache in dir, the folder CacheDir returns, every
// program that no nngen is running and the folders that killed builds
// and removals left behind.
func Clean(dir string) (Freed, error) {
	return trim(dir, -1, time.Now())
}

// program is a program's folder in the cache.
type program struct {
	dir     string
	lastUse time.Time
	size    int64
	inUse   bool
}

// trim removes from the cache in root the least recently used programs
// beyond max bytes (all of them if max is negative) and the leftovers of
// killed builds and removals. It keeps the programs in use at now, whose
// sizes count, and the builds under way.
func trim(root string, max int64, now time.Time) (Freed, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return Freed{}, nil
	}
	if err != nil {
		return Freed{}, err
	}
	var (
		f     Freed
		progs []program
		errs  []error
	)
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		info, err := e.Info()
		if err != nil || !info.IsDir() {
			continue
		}
		name := e.Name()
		switch {
		case isKey(name):
			progs = append(progs, program{dir, info.ModTime(), dirSize(dir), inUse(dir, now)})
		case !strings.HasPrefix(name, buildPrefix) && !strings.HasPrefix(name, evictedPrefix):
			// not the cache's
		case inUse(dir, now) || now.Sub(info.ModTime()) < staleAfter:
			if strings.HasPrefix(name, buildPrefix) {
				f.Kept++ // a build under way; a removal under way is not counted
			}
		default:
			size := dirSize(dir)
			if err := os.RemoveAll(dir); err != nil {
				errs = append(errs, err)
				continue
			}
			f.Leftovers++
			f.Bytes += size
		}
	}
	slices.SortFunc(progs, func(a, b program) int { return b.lastUse.Compare(a.lastUse) })
	var total int64
	for _, p := range progs {
		total += p.size
		switch {
		case p.inUse:
			f.Kept++
		case total > max:
			removed, err := remove(root, p.dir)
			if err != nil {
				errs = append(errs, err)
			}
			if removed {
				f.Programs++
				f.Bytes += p.size
			}
		}
	}
	return f, errors.Join(errs...)
}

// remove removes a program's folder: it moves it into a new folder
// evicted-*, which one process alone can do, and deletes that. It reports
// whether it was the one to move the folder.
func remove(root, dir string) (bool, error) {
	away, err := os.MkdirTemp(root, evictedPrefix)
	if err != nil {
		return false, err
	}
	err = os.Rename(dir, filepath.Join(away, filepath.Base(dir)))
	if errors.Is(err, fs.ErrNotExist) {
		return false, os.Remove(away) // another process removed it
	}
	if err != nil {
		os.Remove(away)
		return false, err
	}
	return true, os.RemoveAll(away)
}

func isKey(name string) bool {
	return len(name) == keyLen && strings.Trim(name, "0123456789abcdef") == ""
}

// inUse reports whether the folder dir holds a use file renewed after
// now − staleAfter.
func inUse(dir string, now time.Time) bool {
	uses, _ := filepath.Glob(filepath.Join(dir, usePrefix+"*"))
	for _, p := range uses {
		if info, err := os.Stat(p); err == nil && now.Sub(info.ModTime()) < staleAfter {
			return true
		}
	}
	return false
}

// dirSize returns the size of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// A use marks a folder of the cache in use, from hold to release: it
// keeps a use file in the folder and renews the file's modification time
// at every tick.
type use struct {
	mu      sync.Mutex
	file    string
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// hold starts a use of dir, renewed every period, and sets the folder's
// modification time, its last use, to now.
func hold(dir string, every time.Duration) (*use, error) {
	f, err := os.CreateTemp(dir, usePrefix+"*")
	if err != nil {
		return nil, err
	}
	f.Close()
	now := time.Now()
	os.Chtimes(dir, now, now)
	u := &use{file: f.Name(), stop: make(chan struct{}), stopped: make(chan struct{})}
	go u.renew(every)
	return u, nil
}

func (u *use) renew(every time.Duration) {
	defer close(u.stopped)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-u.stop:
			return
		case now := <-tick.C:
			u.mu.Lock()
			os.Chtimes(u.file, now, now)
			u.mu.Unlock()
		}
	}
}

// moved tells u that its folder was renamed to dir.
func (u *use) moved(dir string) {
	u.mu.Lock()
	u.file = filepath.Join(dir, filepath.Base(u.file))
	u.mu.Unlock()
}

// release ends the use; calls after the first do nothing.
func (u *use) release() {
	u.once.Do(func() {
		close(u.stop)
		<-u.stopped
		os.Remove(u.file)
	})
}
