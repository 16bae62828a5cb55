// Command embedsize measures models with trained weights built in: for
// each benchmark workload it generates the model with random float32
// weights as nngen gen -weights does (literals up to ir.MaxLiteralParams
// parameters, a //go:embed file beyond), builds a small program that
// predicts with it, and reports the generated files' sizes, the go build
// time of the program (standard library already built) and the size of
// the binary. -literal writes every model's weights as Go literals, to
// show why large models embed a file instead.
//
// Usage, from the repository's root:
//
//	go run ./bench/cmd/embedsize [-literal]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/nngen/nngen/gen"
	"github.com/nngen/nngen/ir"
	"github.com/nngen/nngen/spec"
)

func main() {
	literal := flag.Bool("literal", false, "write the weights of every model as Go literals")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "nngen-embedsize-")
	check(err)
	defer os.RemoveAll(tmp)
	write(filepath.Join(tmp, "go.mod"), []byte("module embedsize\n\ngo 1.26\n"))
	// Warm the build cache with the standard library the programs use.
	write(filepath.Join(tmp, "warm", "main.go"), []byte("package main\n\nimport (\n\t_ \"embed\"\n\t_ \"math\"\n\t_ \"math/rand/v2\"\n\t_ \"unsafe\"\n)\n\nfunc main() {}\n"))
	build(tmp, "warm")

	fmt.Printf("| workload | parameters | weights | generated files | go build | binary |\n| --- | ---: | --- | ---: | ---: | ---: |\n")
	for _, w := range []string{"tiny", "digits", "mnist", "wide"} {
		s, err := spec.ParseFile(filepath.Join("bench", w, "spec.yaml"))
		check(err)
		s.DType = spec.Float32
		m, err := ir.Lower(s, w)
		check(err)
		r := rand.New(rand.NewPCG(1, 2))
		params := make([]float64, m.NumParams)
		for i := range params {
			params[i] = float64(float32(r.NormFloat64() * 0.1))
		}
		check(m.AttachTrained("random.safetensors", params, nil, nil, nil, "model_weights.bin"))
		if *literal {
			m.Trained.Blob = ""
		}
		files, err := gen.Files(m, "model.go", false)
		check(err)
		size := 0
		for name, src := range files {
			write(filepath.Join(tmp, w, name), src)
			size += len(src)
		}
		how := "literals"
		if m.Trained.Blob != "" {
			how = "embedded file"
		}
		write(filepath.Join(tmp, "cmd"+w, "main.go"), fmt.Appendf(nil,
			"package main\n\nimport \"embedsize/%s\"\n\nfunc main() {\n\tvar x [%s.%sInputs]float32\n\tprintln(%s.%sTrained.Predict(&x))\n}\n",
			w, w, s.Name, w, s.Name))
		start := time.Now()
		bin := build(tmp, "cmd"+w)
		took := time.Since(start)
		fi, err := os.Stat(bin)
		check(err)
		fmt.Printf("| %s | %d | %s | %.1f KB | %.2f s | %.1f MB |\n", w, m.NumParams, how, float64(size)/1024, took.Seconds(), float64(fi.Size())/(1<<20))
	}
}

// build builds the program in dir and returns the binary's path.
func build(root, dir string) string {
	bin := filepath.Join(root, "bin", dir)
	cmd := exec.Command("go", "build", "-o", bin, "./"+dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		check(fmt.Errorf("go build ./%s: %v\n%s", dir, err, out))
	}
	return bin
}

func write(path string, b []byte) {
	check(os.MkdirAll(filepath.Dir(path), 0o755))
	check(os.WriteFile(path, b, 0o644))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "embedsize:", err)
		os.Exit(1)
	}
}
