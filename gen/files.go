package gen

import (
	"path/filepath"
	"strings"

	"github.com/nngen/nngen/ir"
)

// Files returns every file of model m by path, for the code file out: the
// code itself; the weights blob beside it when trained parameters too
// large for literals are built in; the kernel files (see KernelFiles); and
// with test set, the model's tests (out_test.go, see EmitTest) and those of
// its kernels (out_kernels_test.go, see EmitKernelTest, and
// out_kernels_amd64_test.go, see EmitKernelTestAMD64).
func Files(m *ir.Model, out string, test bool) (map[string][]byte, error) {
	src, err := Emit(m)
	if err != nil {
		return nil, err
	}
	files, err := KernelFiles(m, out)
	if err != nil {
		return nil, err
	}
	if files == nil {
		files = map[string][]byte{}
	}
	files[out] = src
	if b := Blob(m); b != nil {
		files[filepath.Join(filepath.Dir(out), m.Trained.Blob)] = b
	}
	if !test {
		return files, nil
	}
	base := strings.TrimSuffix(out, filepath.Ext(out))
	if files[base+"_test.go"], err = EmitTest(m); err != nil {
		return nil, err
	}
	kt, err := EmitKernelTest(m)
	if err != nil {
		return nil, err
	}
	if kt != nil {
		files[base+"_kernels_test.go"] = kt
	}
	if kt, err = EmitKernelTestAMD64(m); err != nil {
		return nil, err
	}
	if kt != nil {
		files[base+"_kernels_amd64_test.go"] = kt
	}
	return files, nil
}
