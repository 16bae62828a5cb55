// Package safetensors reads and writes the safetensors tensor file format,
// in which nngen stores trained weights so that PyTorch (through the
// Python safetensors library) can load them and vice versa.
//
// # Format
//
// A file is laid out as
//
//	8 bytes    N, the header length, unsigned little-endian
//	N bytes    header: a UTF-8 JSON object, possibly followed by spaces
//	rest       data section: the tensors' bytes
//
// The header maps each tensor name to
//
//	{"dtype":"F32","shape":[2,3],"data_offsets":[BEGIN,END]}
//
// where [BEGIN, END) is the tensor's byte range relative to the start of
// the data section. Elements are little-endian and C-contiguous (row
// major); a shape of [] is a scalar. The optional key "__metadata__" maps
// to an object of string values.
//
// # Reading
//
// [Read] and [ReadFile] reject, with a [*FormatError] naming the file and
// the problem, any input that is not exactly such a file: fewer than 8
// bytes; a header length above [MaxHeaderSize] (100 MB, the reference
// implementation's limit) or beyond the end of the input; a header that
// is not valid UTF-8, does not start with '{', is not valid JSON or has
// anything but whitespace after the object; duplicate keys at any level;
// unknown fields or dtypes; shapes or offsets that are negative, not
// integers or overflow; offsets whose span does not match
// shape × element size; tensors that overlap or leave a hole in the data
// section; and bytes after the last tensor. No input makes them panic,
// and they allocate only in proportion to the input's real size:
// ReadFile checks the header length against the file size before
// allocating, and Read grows its buffers only as bytes arrive.
// [ReadMetadata] reads a file's header alone, for its metadata, with the
// same checks but that of the tensors' data, which it skips.
//
// Every dtype of the reference implementation with a whole-byte element
// size is accepted (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16,
// I32, U32, F32, F64, I64, U64); [Floats] and [FromFloats] convert only
// F32 and F64.
//
// # Writing
//
// [Write] and [WriteFile] produce the same bytes as the Python safetensors
// library (safetensors.torch.save_file, which serialises through the
// reference Rust implementation) for the same tensors and metadata:
//
//   - tensors are laid out by descending dtype alignment in the
//     reference's dtype order (so F64 before F32), then by name in byte
//     order; for tensors of one dtype that is plain name order;
//   - the header is compact JSON with "__metadata__" first when present,
//     then one entry per tensor in layout order, each with the fields
//     "dtype", "shape", "data_offsets" in that order;
//   - strings are escaped as serde_json does: '"' and '\' get a
//     backslash, control characters become \b, \t, \n, \f, \r or \u00xx
//     (lowercase hex), and everything else, non-ASCII included, is
//     written as is;
//   - the header is padded with spaces to a multiple of 8 bytes, so the
//     data section starts 8-byte aligned.
//
// One deliberate difference: the reference writes metadata entries in
// hash-map order, which varies from run to run; this package sorts them by
// key so that its output is deterministic. With at most one metadata
// entry, as in {"format":"pt"}, the bytes are identical.
//
// The tests pin this layout against the byte strings that the reference
// project's own tests expect (bindings/python/tests/test_simple.py and
// safetensors/src/tensor.rs in huggingface/safetensors), and against a
// hand-written one-layer fixture in testdata.
//
// [WriteFile] is atomic: it writes a temporary file next to the target,
// syncs it, renames it over the target and syncs the directory; on
// failure before the rename the target is untouched.
package safetensors
