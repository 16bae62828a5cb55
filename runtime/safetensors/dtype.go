package safetensors

// DType is the element type of a tensor, spelled as in the file header
// ("F32", "F64", ...).
type DType string

// The element types this package knows. Only F32 and F64 have conversion
// helpers ([FromFloats], [Floats]); the others are read and written as raw
// little-endian bytes.
const (
	Bool   DType = "BOOL"
	U8     DType = "U8"
	I8     DType = "I8"
	F8E5M2 DType = "F8_E5M2"
	F8E4M3 DType = "F8_E4M3"
	I16    DType = "I16"
	U16    DType = "U16"
	F16    DType = "F16"
	BF16   DType = "BF16"
	I32    DType = "I32"
	U32    DType = "U32"
	F32    DType = "F32"
	F64    DType = "F64"
	I64    DType = "I64"
	U64    DType = "U64"
)

// dtypes lists the known element types in the order of the reference
// implementation's Dtype enum (increasing alignment). The writer lays
// tensors out by descending position in this list, then by name, which is
// what the Python safetensors library does.
var dtypes = [...]struct {
	name DType
	size int
}{
	{Bool, 1}, {U8, 1}, {I8, 1}, {F8E5M2, 1}, {F8E4M3, 1},
	{I16, 2}, {U16, 2}, {F16, 2}, {BF16, 2},
	{I32, 4}, {U32, 4}, {F32, 4}, {F64, 8}, {I64, 8}, {U64, 8},
}

// Size returns the size of one element in bytes, or 0 if d is not a known
// element type.
func (d DType) Size() int {
	if r := d.rank(); r >= 0 {
		return dtypes[r].size
	}
	return 0
}

// rank returns d's position in dtypes, or -1 if d is unknown.
func (d DType) rank() int {
	for i, e := range dtypes {
		if e.name == d {
			return i
		}
	}
	return -1
}
