// Package asmtext accumulates the text of a Go assembly file. The
// generators of assembly, gen/asm for the models' kernels and
// internal/asmgen for the runtime's, write with it.
package asmtext

import (
	"fmt"
	"strings"
)

// Writer accumulates assembly text.
type Writer struct{ strings.Builder }

// Op writes an instruction, indented by a tab.
func (w *Writer) Op(format string, args ...any) {
	w.WriteString("\t")
	fmt.Fprintf(w, format, args...)
	w.WriteString("\n")
}

// Label writes a label.
func (w *Writer) Label(name string) { fmt.Fprintf(w, "%s:\n", name) }

// Comment writes lines of comment: an empty line as a bare //, a line
// that starts with a tab as an indented block, //⇥…, like a doc comment's.
func (w *Writer) Comment(lines ...string) {
	for _, l := range lines {
		switch {
		case l == "":
			w.WriteString("//\n")
		case strings.HasPrefix(l, "\t"):
			fmt.Fprintf(w, "//%s\n", l)
		default:
			fmt.Fprintf(w, "// %s\n", l)
		}
	}
}
