package data

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseFloat parses a trimmed field as strconv.ParseFloat does at T's
// precision, bit for bit, and reports whether it is a finite number. Plain
// decimals take a fast path; everything else goes to strconv (whose
// parsers do not let a []byte converted for the call escape, so that this
// costs no allocation either). On failure [parseNumber] says why.
func parseFloat[T Float](b []byte) (T, bool) {
	if v, n, ok := parseDecimal[T](b); ok && n == len(b) {
		return v, true
	}
	f, err := strconv.ParseFloat(string(b), bitSize[T]())
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return T(f), true
}

// parseDecimal parses the plain decimal number at the start of b,
// [+-]digits[.digits][(e|E)[+-]digits], and returns its value and length
// if it has at most 19 digits before the exponent and T's arithmetic
// computes it exactly from the digits as an integer and a power of ten:
// strconv's first, exact, method (Clinger's fast path), under the same
// conditions. Otherwise ok is false. The caller checks that the number
// ends where the field does.
func parseDecimal[T Float](b []byte) (v T, n int, ok bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i++
	}
	var mant uint64
	start := i
	for ; i < len(b) && b[i]-'0' < 10; i++ {
		mant = mant*10 + uint64(b[i]-'0')
	}
	digits, exp := i-start, 0
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for ; i < len(b) && b[i]-'0' < 10; i++ {
			mant = mant*10 + uint64(b[i]-'0')
		}
		digits += i - start
		exp = start - i
	}
	if digits == 0 || digits > 19 { // 19 digits fit in a uint64
		return 0, 0, false
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		e, start := 0, i
		for ; i < len(b) && b[i]-'0' < 10 && i-start < 4; i++ {
			e = e*10 + int(b[i]-'0')
		}
		if i == start {
			return 0, 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if exp == 0 && mant < 1<<23 { // an integer, exact in float32 too
		v = T(mant)
		if neg {
			v = -v
		}
		return v, i, true
	}
	if bitSize[T]() == 32 {
		f, ok := exact32(mant, exp, neg)
		return T(f), i, ok
	}
	f, ok := exact64(mant, exp, neg)
	return T(f), i, ok
}

var (
	pow10f64 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}
	pow10f32 = [...]float32{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10}
)

// exact64 returns mant × 10^exp, negated if neg, as a float64 if one
// IEEE operation on exact operands computes it (an integer below 2^52
// times or divided by a power of ten up to 1e22), so that it is correctly
// rounded.
func exact64(mant uint64, exp int, neg bool) (float64, bool) {
	if mant>>52 != 0 {
		return 0, false
	}
	f := float64(mant)
	if neg {
		f = -f
	}
	switch {
	case exp == 0:
		return f, true
	case exp > 0 && exp <= 15+22:
		if exp > 22 { // move zeros into the integer while it stays exact
			f *= pow10f64[exp-22]
			exp = 22
		}
		if f > 1e15 || f < -1e15 {
			return 0, false
		}
		return f * pow10f64[exp], true
	case exp < 0 && exp >= -22:
		return f / pow10f64[-exp], true
	}
	return 0, false
}

// exact32 is exact64 for float32: an integer below 2^23 and powers of ten
// up to 1e10, in float32 arithmetic.
func exact32(mant uint64, exp int, neg bool) (float32, bool) {
	if mant>>23 != 0 {
		return 0, false
	}
	f := float32(mant)
	if neg {
		f = -f
	}
	switch {
	case exp == 0:
		return f, true
	case exp > 0 && exp <= 7+10:
		if exp > 10 {
			f *= pow10f32[exp-10]
			exp = 10
		}
		if f > 1e7 || f < -1e7 {
			return 0, false
		}
		return f * pow10f32[exp], true
	case exp < 0 && exp >= -10:
		return f / pow10f32[-exp], true
	}
	return 0, false
}

// parseNumber parses a feature or regression target, rounding it directly
// to T's precision. On failure it returns a message saying why.
func parseNumber[T Float](s string) (T, string) {
	if s == "" {
		return 0, "missing value"
	}
	size := bitSize[T]()
	f, err := strconv.ParseFloat(s, size)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Sprintf("%s is out of range for float%d", quote(s), size)
		}
		if strings.Contains(s, ",") {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64); err == nil {
				return 0, fmt.Sprintf("%s is not a number: use a decimal point, not a comma", quote(s))
			}
		}
		return 0, fmt.Sprintf("%s is not a number", quote(s))
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Sprintf("%s is not a finite number", quote(s))
	}
	return T(f), ""
}

// bitSize returns the size in bits of T's underlying float type.
func bitSize[T Float]() int {
	var x T = 1 << 24 // float32 has a 24-bit significand
	if T(x+1) == x {  // the conversion forces rounding to T
		return 32
	}
	return 64
}
