package main

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestDocListsCommands checks that the command's doc comment lists every
// command as its help does.
func TestDocListsCommands(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	for _, c := range commands() {
		if want := "\tnngen " + c.usage + "\n\t      " + c.summary + "\n"; !strings.Contains(doc, want) {
			t.Errorf("the doc comment of main.go lacks\n%s", want)
		}
	}
}

// TestNearest checks the command suggested for a mistyped one.
func TestNearest(t *testing.T) {
	for name, want := range map[string]string{
		"trian": "train", "tarin": "train", "Train": "train", "chek": "check", "checks": "check",
		"evl": "eval", "predcit": "predict", "verfy": "verify", "cleen": "clean", "versoin": "version",
		"hlep": "help", "ge": "gen", "x": "", "foo": "", "compile": "", "ab": "",
	} {
		if got := nearest(name); got != want {
			t.Errorf("nearest(%q) = %q, want %q", name, got, want)
		}
	}
}
