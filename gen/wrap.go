package gen

import (
	"bytes"
	"go/scanner"
	"go/token"
	"strings"
	"unicode/utf8"
)

// The generated files keep within MaxColumns columns, a tab counting as
// TabWidth: their comments are wrapped after the names and numbers of a
// model are put in, and their long lines of code broken after a comma or
// a sum's operator, as gofmt allows.
const (
	MaxColumns = 100
	TabWidth   = 8
	docColumns = 80 // of a doc comment's text, when it is wrapped
)

// columns returns the width of line: its leading tabs count TabWidth each,
// every other character one.
func columns(line string) int {
	tabs := len(line) - len(strings.TrimLeft(line, "\t"))
	return tabs*TabWidth + utf8.RuneCountInString(line[tabs:])
}

// wrapText wraps the paragraphs of text, separated by blank lines, to
// width characters; a line that starts with a tab (a block of code or math
// in a doc comment) is kept as it is.
func wrapText(text string, width int) []string {
	var out, words []string
	flush := func() {
		line := ""
		for _, w := range words {
			if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, line)
		}
		words = nil
	}
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "\t"):
			flush()
			out = append(out, l)
		case strings.TrimSpace(l) == "":
			flush()
			out = append(out, "")
		default:
			words = append(words, strings.Fields(l)...)
		}
	}
	flush()
	return out
}

// wrapComments wraps every line of src that is a comment alone and wider
// than MaxColumns into lines of the same indentation, of docColumns
// characters of text at most. The header that marks the file as
// generated, directives (//go:…) and lines of a block (//⇥…) are kept.
func wrapComments(src []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.SplitAfter(string(src), "\n") {
		body := strings.TrimRight(line, "\n")
		indent := body[:len(body)-len(strings.TrimLeft(body, "\t"))]
		text, ok := strings.CutPrefix(body[len(indent):], "// ")
		if !ok || columns(body) <= MaxColumns || strings.HasPrefix(text, "Code generated ") {
			b.WriteString(line)
			continue
		}
		for _, l := range wrapText(text, min(docColumns, MaxColumns-columns(indent+"// "))) {
			b.WriteString(indent + "// " + l + "\n")
		}
	}
	return b.Bytes()
}

// breakLines breaks each line of Go code in src that is wider than
// MaxColumns after the last comma, +, | or || that keeps its first part
// within them, but not inside an index, as often as it takes. It
// returns whether it broke a line; the caller formats the result, which
// indents the continued lines.
func breakLines(src []byte) ([]byte, bool) {
	lines := strings.SplitAfter(string(src), "\n")
	broke := false
	for i, line := range lines {
		body := strings.TrimRight(line, "\n")
		if columns(body) <= MaxColumns || strings.HasPrefix(strings.TrimLeft(body, "\t"), "//") {
			continue
		}
		// The parts after the first are indented by one more tab, as gofmt
		// will indent them.
		indent := body[:len(body)-len(strings.TrimLeft(body, "\t"))] + "\t"
		var parts []string
		for columns(body) > MaxColumns {
			at := breakPoint(body)
			if at == 0 {
				break
			}
			parts = append(parts, body[:at])
			body = indent + strings.TrimLeft(body[at:], " ")
			broke = true
		}
		lines[i] = strings.Join(append(parts, body), "\n") + "\n"
	}
	return []byte(strings.Join(lines, "")), broke
}

// breakPoint returns the byte offset in line just after the last comma,
// +, | or || before column MaxColumns and outside square brackets, 0 if
// there is none. The line is
// scanned as Go, so that a comma inside a string or a comment does not
// count.
func breakPoint(line string) int {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(line))
	s.Init(file, []byte(line), nil, scanner.ScanComments)
	best := 0
	var open []token.Token // the brackets open at the token
	for {
		pos, tok, _ := s.Scan()
		switch tok {
		case token.EOF, token.COMMENT:
			return best
		case token.LPAREN, token.LBRACK, token.LBRACE:
			open = append(open, tok)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
		end := file.Offset(pos) + len(tok.String())
		if tok != token.COMMA && tok != token.ADD && tok != token.OR && tok != token.LOR || len(open) > 0 && open[len(open)-1] == token.LBRACK {
			continue
		}
		if columns(line[:end]) > MaxColumns {
			return best
		}
		if strings.TrimSpace(line[end:]) != "" {
			best = end
		}
	}
}
