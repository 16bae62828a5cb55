package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
)

// Tensor is one named tensor: its element type, its shape (outermost
// dimension first) and its elements as little-endian bytes in C
// (row-major) order.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// File is the content of a safetensors file.
type File struct {
	// Tensors holds the tensors. Read returns them in the order of their
	// data in the file; Write accepts any order and lays them out
	// canonically (see the package documentation).
	Tensors []Tensor
	// Metadata is the optional "__metadata__" object. It is nil when the
	// file has none; Write omits it when nil and writes {} when empty.
	Metadata map[string]string
}

// Tensor returns the tensor with the given name.
func (f *File) Tensor(name string) (*Tensor, error) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], nil
		}
	}
	return nil, fmt.Errorf("safetensors: no tensor named %q", name)
}

// FormatError reports malformed safetensors data.
type FormatError struct {
	Path string // the file read, or "" for Read
	Msg  string // what is wrong
}

func (e *FormatError) Error() string {
	if e.Path == "" {
		return "safetensors: " + e.Msg
	}
	return "safetensors: " + e.Path + ": " + e.Msg
}

func formatErr(format string, args ...any) error {
	return &FormatError{Msg: fmt.Sprintf(format, args...)}
}

// Float is the set of element types the conversion helpers handle.
type Float interface {
	~float32 | ~float64
}

// dtypeOf returns F32 for float32-based T and F64 for float64-based T.
func dtypeOf[T Float]() DType {
	if reflect.TypeFor[T]().Kind() == reflect.Float32 {
		return F32
	}
	return F64
}

// FromFloats returns a tensor holding values with the given shape. The
// dtype is F32 when T is float32-based and F64 when it is float64-based.
// The product of the dimensions must equal len(values); an empty shape
// denotes a scalar (one value).
func FromFloats[T Float](name string, shape []int, values []T) (Tensor, error) {
	dt := dtypeOf[T]()
	n, err := numElements(shape)
	if err != nil {
		return Tensor{}, fmt.Errorf("safetensors: tensor %q: %v", name, err)
	}
	if n != len(values) {
		return Tensor{}, fmt.Errorf("safetensors: tensor %q: shape %v holds %d elements, got %d values",
			name, shape, n, len(values))
	}
	data := make([]byte, 0, n*dt.Size())
	for _, v := range values {
		if dt == F32 {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(float32(v)))
		} else {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(float64(v)))
		}
	}
	return Tensor{Name: name, DType: dt, Shape: slices.Clone(shape), Data: data}, nil
}

// Floats decodes the elements of an F32 or F64 tensor into a new slice.
// Conversion between the two widths is allowed: F32 to float64 is exact,
// F64 to float32 rounds to nearest. It fails if t has another dtype or if
// the length of t.Data does not match t.Shape.
func Floats[T Float](t *Tensor) ([]T, error) {
	n, err := t.check()
	if err != nil {
		return nil, err
	}
	out := make([]T, n)
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = T(math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:])))
		}
	case F64:
		for i := range out {
			out[i] = T(math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*i:])))
		}
	default:
		return nil, fmt.Errorf("safetensors: tensor %q has dtype %s; only F32 and F64 convert to floats",
			t.Name, t.DType)
	}
	return out, nil
}

// CheckShape reports an error unless t has exactly the given shape.
func (t *Tensor) CheckShape(shape ...int) error {
	if !slices.Equal(t.Shape, shape) {
		return fmt.Errorf("safetensors: tensor %q has shape %v, want %v", t.Name, t.Shape, shape)
	}
	return nil
}

// check verifies that t has a known dtype, a valid shape and exactly the
// data its shape calls for, and returns its number of elements.
func (t *Tensor) check() (int, error) {
	size := t.DType.Size()
	if size == 0 {
		return 0, fmt.Errorf("safetensors: tensor %q: unknown dtype %q", t.Name, t.DType)
	}
	n, err := numElements(t.Shape)
	if err == nil && n > math.MaxInt/size {
		err = fmt.Errorf("shape %v is too large", t.Shape)
	}
	if err != nil {
		return 0, fmt.Errorf("safetensors: tensor %q: %v", t.Name, err)
	}
	if len(t.Data) != n*size {
		return 0, fmt.Errorf("safetensors: tensor %q: %s%v needs %d bytes, data has %d",
			t.Name, t.DType, t.Shape, n*size, len(t.Data))
	}
	return n, nil
}

// numElements returns the product of the dimensions, rejecting negative
// dimensions and products that overflow an int.
func numElements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d in shape %v", d, shape)
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= d
	}
	return n, nil
}
