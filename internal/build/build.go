// Package build turns generated model code into a program with the Go
// toolchain. The program's module holds the module and go lines of
// nngen's go.mod, the runtime and internal/driver (embedded in the nngen
// binary, see package nngen), the model in package internal/generated,
// and a main that hands the model to internal/driver.
//
// Programs are kept in a cache (CacheDir), so a second run with the same
// spec starts at once: each is built in a build-* folder of the cache,
// then renamed to the hash of its sources and the toolchain's settings.
// After each build the least recently used programs beyond a size cap
// are removed, never one that an nngen process is running or building;
// Clean removes them all. The comment at the top of cache.go says how
// processes share the cache.
package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"time"

	"github.com/nngen/nngen"
	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/internal/weightfile"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
)

// Program returns the path of an executable running internal/driver on
// the model of s, generating and building it if it is not in the cache,
// and a function to call once the program has ended: until then the
// program is in use, and no nngen removes it from the cache. A build
// removes the least recently used programs beyond the cache's size cap
// (see CacheMaxEnv).
func Program(s *spec.Model) (exe string, release func(), err error) {
	root, err := CacheDir()
	if err != nil {
		return "", nil, err
	}
	limit, err := cacheMax()
	if err != nil {
		return "", nil, err
	}
	m, err := ir.Lower(s, "generated")
	if err != nil {
		return "", nil, err
	}
	m.Package = "generated"
	model, err := gen.Files(m, "internal/generated/model.go", false)
	if err != nil {
		return "", nil, err
	}
	files, err := sources(model, m.Name, string(m.Float), weightfile.Arch(s))
	if err != nil {
		return "", nil, err
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", nil, errors.New("the Go toolchain (the go command) is not on PATH; nngen needs it to build the model")
	}
	// Everything that changes the binary is in its key: the sources, and
	// the toolchain with the settings that pick the target and its code.
	toolchain, err := exec.Command(gobin, "env", "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "GOEXPERIMENT", "GOFLAGS").Output()
	if err != nil {
		return "", nil, fmt.Errorf("%s env: %v", gobin, err)
	}
	h := sha256.New()
	h.Write(toolchain)
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s %d\n", name, len(files[name]))
		h.Write(files[name])
	}
	dir := filepath.Join(root, hex.EncodeToString(h.Sum(nil))[:keyLen])
	exe = filepath.Join(dir, "model"+exeSuffix())
	if exists(exe) {
		u, err := hold(dir, heartbeat)
		switch {
		case err == nil:
			return exe, u.release, nil
		case exists(exe):
			return exe, func() {}, nil // a cache nngen cannot write, which no nngen trims
		}
		// Removed meanwhile by another nngen: built again.
	}
	u, err := compile(root, dir, gobin, files)
	if err != nil {
		return "", nil, err
	}
	trim(root, limit, time.Now()) // the cap is best effort: a failure costs only space
	return exe, u.release, nil
}

// compile builds the module of files in a build folder of root, renames
// the folder to dir and returns its use. A stop signal (Ctrl-C) ends the
// build and removes the folder.
func compile(root, dir, gobin string, files map[string][]byte) (_ *use, err error) {
	ctx, stop := signal.NotifyContext(context.Background(), driver.StopSignals...)
	defer stop()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(root, buildPrefix)
	if err != nil {
		return nil, err
	}
	u, err := hold(tmp, heartbeat)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	defer func() {
		if err != nil {
			u.release()
			os.RemoveAll(tmp)
		}
	}()
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, err
		}
	}
	exe := "model" + exeSuffix()
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-o", exe, "./cmd/model")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	// Interrupted, go build removes its work folder.
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, errors.New("interrupted while building the model")
		}
		return nil, fmt.Errorf("building the model with %s failed: %v\n%s", gobin, err, strings.TrimSpace(out.String()))
	}
	if err := os.Rename(tmp, dir); err != nil {
		if !exists(filepath.Join(dir, exe)) {
			return nil, err
		}
		// Another nngen built the same program meanwhile: use that one.
		u.release()
		os.RemoveAll(tmp)
		return hold(dir, heartbeat)
	}
	u.moved(dir)
	return u, nil
}

// sources returns the files of the program's module by slash path: the
// model's files, a main, and nngen's module; the program checks weights
// files against arch.
func sources(model map[string][]byte, typeName, dtype string, arch train.Arch) (map[string][]byte, error) {
	files := map[string][]byte{
		"cmd/model/main.go": fmt.Appendf(nil, `// Command model runs the nngen driver on a generated model.
package main

import (
	"os"

	"github.com/nngen/nngen/internal/driver"
	"github.com/nngen/nngen/internal/generated"
	"github.com/nngen/nngen/runtime/train"
)

// arch is the model's architecture, which weights files must match.
var arch = %#v

func main() {
	os.Exit(driver.Main[%s, generated.%s](arch, os.Args[1:], os.Stdout, os.Stderr))
}
`, arch, dtype, typeName),
	}
	maps.Copy(files, model)
	err := fs.WalkDir(nngen.Source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		data, err := fs.ReadFile(nngen.Source, p)
		if p == "go.mod" {
			data = bareModule(data)
		}
		files[path.Clean(p)] = data
		return err
	})
	return files, err
}

// bareModule keeps of a go.mod file its module and go lines: the program
// needs no module but the standard library, so it builds offline with an
// empty module cache, and a dependency slipping into the runtime fails
// the build.
func bareModule(gomod []byte) []byte {
	var b []byte
	for line := range strings.Lines(string(gomod)) {
		if strings.HasPrefix(line, "module ") || strings.HasPrefix(line, "go ") {
			b = append(b, line...)
		}
	}
	return b
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func exeSuffix() string {
	if goruntime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
