package data

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// numberInputs are edge cases of the number syntax and of rounding.
var numberInputs = []string{
	"0", "-0", "+0", "00", "1", "-1", "+7", "255", "0.1", "-0.1", ".5", "-.5", "+.5e-3", "5.", "1.000",
	"1e22", "1e23", "1e-22", "1e-23", "123456.7e-3", "1E5", "1e+05", "1e0005", "1e00005", "7e-10", "7e-11",
	"8388607", "8388608", "8388609", "16777216", "16777217", "4503599627370495", "4503599627370496",
	"4503599627370497", "9007199254740993", "9999999999999999999", "18446744073709551615",
	"18446744073709551616", "123456789012345678901234567890", "0.000000000000000000000000001",
	"00000000000000000001", "0.30000000000000004", "2.2250738585072011e-308", "2.2250738585072014e-308",
	"4.9e-324", "2.4703282292062328e-324", "2.4703282292062327e-324", "1e-400", "-1e-400",
	"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e400", "-1e400",
	"3.4028234e38", "3.4028235e38", "3.40282356e38", "3.4028236e38", "1.17549435e-38", "1.4e-45",
	"7e-46", "7.1e-46", "1e-45", "1e39", "0.1e-9", "1234567e3", "12345678e10", "1e17", "10000000e10",
	"", ".", "-", "+", "e5", "1e", "1e+", "1e-", "--1", "1-", "1.2.3", "1e5.5", "1_000", "0x1p-2", "0x10",
	"inf", "-Inf", "+Infinity", "NaN", "nan", "1,5", " 1", "1 ", "1\x00", "١",
}

// checkParse checks parseFloat on s against strconv.ParseFloat at T's
// precision, and parseDecimal wherever it claims the whole of s.
func checkParse[T Float](t *testing.T, s string) (fast bool) {
	size := bitSize[T]()
	f, err := strconv.ParseFloat(s, size)
	wantOK := err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	got, ok := parseFloat[T]([]byte(s))
	if ok != wantOK || ok && !sameBits(got, T(f)) {
		t.Errorf("float%d %q: parseFloat gives %v (%v), strconv %v (%v)", size, s, got, ok, f, err)
	}
	v, n, ok := parseDecimal[T]([]byte(s))
	// In a row, the rest of the line follows the number.
	v2, n2, ok2 := parseDecimal[T]([]byte(s + ",12345678,9"))
	if ok && n == len(s) != (ok2 && n2 == len(s)) || ok && n == len(s) && !sameBits(v, v2) {
		t.Errorf("float%d %q: parseDecimal gives %v, %d, %v alone, %v, %d, %v in a line", size, s, v, n, ok, v2, n2, ok2)
	}
	if ok && n == len(s) {
		if !wantOK || !sameBits(v, T(f)) {
			t.Errorf("float%d %q: parseDecimal gives %v, strconv %v (%v)", size, s, v, f, err)
		}
		return true
	}
	return false
}

func sameBits[T Float](a, b T) bool {
	return math.Float64bits(float64(a)) == math.Float64bits(float64(b))
}

// TestParseFloatExact checks that features are parsed bit for bit as
// strconv.ParseFloat parses them, for float32 and float64, on edge cases
// and on random decimals of every length and exponent, and that the fast
// path takes the plain ones.
func TestParseFloatExact(t *testing.T) {
	for _, s := range numberInputs {
		checkParse[float32](t, s)
		checkParse[float64](t, s)
	}
	r := rand.New(rand.NewPCG(5, 6))
	fast32, fast64 := 0, 0
	const n = 100_000
	for range n {
		s := randomDecimal(r)
		if checkParse[float32](t, s) {
			fast32++
		}
		if checkParse[float64](t, s) {
			fast64++
		}
		// Shortest and long forms of random values, as data files have
		// them (float32's slow path, for values far outside its range, is
		// too slow to try them all).
		x := math.Float64frombits(r.Uint64())
		checkParse[float64](t, strconv.FormatFloat(x, 'g', -1, 64))
		checkParse[float64](t, strconv.FormatFloat(x, 'e', 18, 64))
		for _, s := range []string{
			strconv.FormatFloat(float64(float32(r.NormFloat64())), 'g', -1, 32),
			strconv.FormatFloat(r.NormFloat64()*1e3, 'e', 18, 64),
			strconv.FormatFloat(r.NormFloat64(), 'f', r.IntN(8), 64),
		} {
			checkParse[float32](t, s)
			checkParse[float64](t, s)
		}
	}
	// About half the random decimals are plain and short enough.
	if fast32 < n/10 || fast64 < n/5 {
		t.Errorf("the fast path took %d and %d of %d decimals for float32 and float64", fast32, fast64, n)
	}
	if _, msg := parseNumber[float64]("1e400"); msg != `"1e400" is out of range for float64` {
		t.Errorf("1e400: %s", msg)
	}
}

// randomDecimal returns a decimal with 1 to 25 digits, a point anywhere or
// none, and often an exponent.
func randomDecimal(r *rand.Rand) string {
	var b strings.Builder
	switch r.IntN(4) {
	case 0:
		b.WriteByte('-')
	case 1:
		b.WriteByte('+')
	}
	digits := 1 + r.IntN(25)
	if r.IntN(2) == 0 {
		digits = 1 + r.IntN(8)
	}
	point := r.IntN(digits + 2)
	for i := range digits {
		if i == point {
			b.WriteByte('.')
		}
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	if r.IntN(3) == 0 {
		b.WriteString("e" + strconv.Itoa(r.IntN(700)-350))
	}
	return b.String()
}
