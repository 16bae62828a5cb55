// Package suggest finds the name that a mistyped one probably meant, for
// the "did you mean" of messages.
package suggest

import "strings"

// Nearest returns the candidate fewest edits away from name, ignoring
// case, if that is at most 2 edits and fewer than name has bytes; else
// "". Of candidates equally near, it returns the first. Names longer than
// MaxLen bytes are nobody's typing and are not compared.
func Nearest(name string, candidates []string) string {
	best, dist := "", 3
	if len(name) > MaxLen {
		return ""
	}
	for _, c := range candidates {
		if len(c) > MaxLen || len(c) >= len(name)+dist || len(name) >= len(c)+dist {
			continue // at least dist edits: one per byte of difference
		}
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < dist && d < len(name) {
			best, dist = c, d
		}
	}
	return best
}

// MaxLen is the length of the longest names that Nearest compares.
const MaxLen = 256

// distance returns the number of insertions, deletions, substitutions
// and transpositions of adjacent bytes that turn a into b (the optimal
// string alignment distance).
func distance(a, b string) int {
	// d[i][j] is the distance between a[:i] and b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
