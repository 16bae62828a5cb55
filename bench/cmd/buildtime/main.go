// Command buildtime measures what generating a model costs: for the four
// benchmark workloads and for models of hidden width w (inputs w, hidden
// layers of w relu units, 10 softmax outputs, float32) it reports how long
// generating its files takes (gen.Files: the code, and the assembly and
// declarations of the kernels), their size, and how long go build takes to
// compile the generated package.
//
// Each build runs in a temporary module with a fresh build cache, a copy of
// a template cache that holds only the standard library packages the
// generated code imports (built once), so the timing is the package's own
// compile plus the go command's fixed cost, which the row "(empty package)"
// shows. The compile column is the compiler's own wall time, from go
// build's action graph (-debug-actiongraph); the tool checks there that
// the package was the only thing compiled.
//
// Usage, from the repository's root:
//
//	go run ./bench/cmd/buildtime [-specs bench] [-widths 16,32,…] [-hidden 2] [-reps 5]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nngen/nngen/bench/workload"
	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

// model is one row of the table.
type model struct {
	label  string // what the table calls it
	layers string // its widths, "784-128-64-10"
	pkg    string // its package, and folder in the temporary module
	src    []byte // the spec
	file   string // the spec's file name, for messages

	genTime  time.Duration     // median of gen.Files
	files    map[string][]byte // the generated files, by name
	wall     time.Duration     // median wall time of go build
	compile  time.Duration     // median wall time of the compile action
	compiled []string          // packages compiled in the last build
}

func main() {
	specs := flag.String("specs", "bench", "the folder holding the workloads' folders (tiny, digits, mnist, wide) with their spec.yaml")
	widthList := flag.String("widths", "16,32,64,128,256,512,1024", "the widths w of the w-…-10 models")
	hidden := flag.Int("hidden", 2, "hidden layers of width w in the w-…-10 models (2: w-w-w-10)")
	reps := flag.Int("reps", 5, "builds per model; the table shows medians")
	keep := flag.Bool("keep", false, "keep the temporary folder")
	flag.Parse()

	var models []*model
	for _, w := range workload.All {
		path := filepath.Join(*specs, w.Dir, "spec.yaml")
		src, err := os.ReadFile(path)
		if err != nil {
			fatal(err)
		}
		models = append(models, &model{label: w.Name, layers: join(w.Widths), pkg: w.Dir, src: src, file: path})
	}
	for _, f := range strings.Split(*widthList, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 {
			fatal(fmt.Errorf("-widths: bad width %q", f))
		}
		models = append(models, widthModel(w, *hidden))
	}

	root, err := os.MkdirTemp("", "nngen-buildtime-")
	if err != nil {
		fatal(err)
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "buildtime: working in", root)
	} else {
		defer os.RemoveAll(root)
	}
	mod := filepath.Join(root, "mod")
	if err := write(filepath.Join(mod, "go.mod"), []byte("module buildtime\n\ngo 1.26\n")); err != nil {
		fatal(err)
	}

	// Generate every model, timing gen.Files, and collect the imports.
	imports := map[string]bool{}
	for _, m := range models {
		if err := m.generate(); err != nil {
			fatal(err)
		}
		for name, src := range m.files {
			if strings.HasSuffix(name, ".go") {
				f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
				if err != nil {
					fatal(fmt.Errorf("%s: the generated code does not parse: %v", m.label, err))
				}
				for _, im := range f.Imports {
					p, _ := strconv.Unquote(im.Path.Value)
					imports[p] = true
				}
			}
			if err := write(filepath.Join(mod, m.pkg, name), src); err != nil {
				fatal(err)
			}
		}
	}

	// The template cache: the standard library packages the models import.
	var seed strings.Builder
	seed.WriteString("// Package seed imports what the generated models import.\npackage seed\n\nimport (\n")
	for _, p := range slices.Sorted(maps.Keys(imports)) {
		fmt.Fprintf(&seed, "\t_ %q\n", p)
	}
	seed.WriteString(")\n")
	if err := write(filepath.Join(mod, "seed", "seed.go"), []byte(seed.String())); err != nil {
		fatal(err)
	}
	template := filepath.Join(root, "cache-template")
	start := time.Now()
	if _, err := goBuild(mod, template, "seed", filepath.Join(root, "seed.json")); err != nil {
		fatal(err)
	}
	seedTime := time.Since(start)
	if err := write(filepath.Join(mod, "empty", "empty.go"), []byte("// Package empty is the go command's fixed cost.\npackage empty\n")); err != nil {
		fatal(err)
	}
	empty := &model{label: "(empty package)", layers: "", pkg: "empty"}

	for i, m := range append([]*model{empty}, models...) {
		var walls, compiles []time.Duration
		for r := range *reps {
			cache := filepath.Join(root, fmt.Sprintf("cache-%d-%d", i, r))
			if err := copyDir(template, cache); err != nil {
				fatal(err)
			}
			graph := filepath.Join(root, fmt.Sprintf("graph-%d-%d.json", i, r))
			start := time.Now()
			acts, err := goBuild(mod, cache, m.pkg, graph)
			wall := time.Since(start)
			if err != nil {
				fatal(err)
			}
			if err := os.RemoveAll(cache); err != nil {
				fatal(err)
			}
			m.compiled = m.compiled[:0]
			var compile time.Duration
			for _, a := range acts {
				if a.Mode == "build" && a.Cmd != nil {
					m.compiled = append(m.compiled, a.Package)
					compile += time.Duration(a.CmdReal)
				}
			}
			if want := []string{"buildtime/" + m.pkg}; !slices.Equal(m.compiled, want) {
				fatal(fmt.Errorf("%s: go build compiled %q, want only %q: the template cache is incomplete", m.label, m.compiled, want))
			}
			walls = append(walls, wall)
			compiles = append(compiles, compile)
		}
		m.wall, m.compile = median(walls), median(compiles)
	}

	fmt.Printf("Generation and build cost: medians of %d fresh-cache builds each (the template cache of %d standard packages took %s to build); hidden layers of the w models: %d.\n\n",
		*reps, len(imports), seedTime.Round(time.Millisecond), *hidden)
	fmt.Println("| model | layers | gen.Files | source | go build (wall) | compile |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: |")
	for _, m := range append([]*model{empty}, models...) {
		genTime, size := "—", "—"
		if m.files != nil {
			bytes := 0
			for _, src := range m.files {
				bytes += len(src)
			}
			genTime, size = ms(m.genTime), fmt.Sprintf("%.1f KB", float64(bytes)/1000)
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", m.label, m.layers, genTime, size, ms(m.wall), ms(m.compile))
	}
}

// widthModel is the spec of a model of inputs w, hidden layers of w relu
// units and 10 softmax outputs.
func widthModel(w, hidden int) *model {
	var b strings.Builder
	fmt.Fprintf(&b, "name: W%d\npackage: w%d\ndtype: float32\ninputs: %d\nlayers:\n", w, w, w)
	widths := []int{w}
	for range hidden {
		fmt.Fprintf(&b, "  - {units: %d, activation: relu}\n", w)
		widths = append(widths, w)
	}
	b.WriteString("  - {units: 10, activation: softmax}\n")
	widths = append(widths, 10)
	return &model{label: fmt.Sprintf("w=%d", w), layers: join(widths), pkg: fmt.Sprintf("w%d", w), src: []byte(b.String()), file: fmt.Sprintf("w%d.yaml", w)}
}

// generate times gen.Files on m's spec: the median of at least 5 runs and
// of as many as fit in 200 ms.
func (m *model) generate() error {
	s, err := spec.Parse(m.file, m.src)
	if err != nil {
		return err
	}
	var times []time.Duration
	var total time.Duration
	for len(times) < 5 || total < 200*time.Millisecond && len(times) < 1000 {
		start := time.Now()
		lowered, err := ir.Lower(s, m.pkg)
		if err != nil {
			return fmt.Errorf("%s: %v", m.file, err)
		}
		files, err := gen.Files(lowered, "model.go", false)
		d := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %v", m.file, err)
		}
		m.files = files
		times = append(times, d)
		total += d
	}
	m.genTime = median(times)
	return nil
}

// action is the part of an action of go build's action graph used here.
type action struct {
	Mode    string
	Package string
	Cmd     []string
	CmdReal int64 // nanoseconds
}

// goBuild builds package pkg of the module in dir with the build cache
// cache, and returns the actions of its action graph.
func goBuild(dir, cache, pkg, graph string) ([]action, error) {
	cmd := exec.Command("go", "build", "-debug-actiongraph="+graph, "./"+pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOTOOLCHAIN=local", "GOPROXY=off", "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./%s: %v\n%s", pkg, err, out)
	}
	b, err := os.ReadFile(graph)
	if err != nil {
		return nil, err
	}
	var acts []action
	if err := json.Unmarshal(b, &acts); err != nil {
		return nil, fmt.Errorf("%s: %v", graph, err)
	}
	return acts, nil
}

// copyDir copies the tree at src to dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func write(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/1e6)
}

func join(widths []int) string {
	s := make([]string, len(widths))
	for i, w := range widths {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, "-")
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "buildtime:", err)
	os.Exit(1)
}
