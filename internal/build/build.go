// Package build turns generated model code into a program with the Go
// toolchain. The program's module holds the module and go lines of
// nngen's go.mod, the runtime and internal/driver (embedded in the nngen
// binary, see package nngen), the model in package internal/generated,
// and a main that hands the model to internal/driver. It is built in a
// build-* folder of the program cache, which is then renamed to the hash
// of the sources and the toolchain's settings, so a second run with the
// same spec starts at once.
package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"

	"github.com/nngen/nngen"
	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/runtime/train"
	"github.com/nngen/nngen/spec"
)

// Program returns the path of an executable running internal/driver on
// the model of s, generating and building it if it is not in the cache.
func Program(s *spec.Model) (string, error) {
	m, err := ir.Lower(s, "generated")
	if err != nil {
		return "", err
	}
	m.Package = "generated"
	model, err := gen.Files(m, "internal/generated/model.go", false)
	if err != nil {
		return "", err
	}
	files, err := sources(model, m.Name, m.Float, gen.Arch(s))
	if err != nil {
		return "", err
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the Go toolchain (the go command) is not on PATH; nngen needs it to build the model")
	}
	// Everything that changes the binary is in its key: the sources, and
	// the toolchain with the settings that pick the target and its code.
	toolchain, err := exec.Command(gobin, "env", "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "GOEXPERIMENT", "GOFLAGS").Output()
	if err != nil {
		return "", fmt.Errorf("%s env: %v", gobin, err)
	}
	h := sha256.New()
	h.Write(toolchain)
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s %d\n", name, len(files[name]))
		h.Write(files[name])
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	root := filepath.Join(cache, "nngen", "programs")
	dir := filepath.Join(root, hex.EncodeToString(h.Sum(nil))[:20])
	exe := filepath.Join(dir, "model"+exeSuffix())
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
	}
	cmd := exec.Command(gobin, "build", "-trimpath", "-o", "model"+exeSuffix(), "./cmd/model")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the model with %s failed: %v\n%s", gobin, err, strings.TrimSpace(out.String()))
	}
	if err := os.Rename(tmp, dir); err != nil && !exists(exe) {
		return "", err
	}
	return exe, nil
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
