package gen

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	. "github.com/dave/jennifer/jen"

	"github.com/nngen/nngen/ir"
)

// TestRenderError checks that code which does not format is reported with
// the parser's position and the source, numbered so that the line the
// position names shows the fault.
func TestRenderError(t *testing.T) {
	e := &emitter{m: &ir.Model{}, f: NewFile("p")}
	e.f.Comment("f is broken.")
	e.f.Func().Id("f").Params().Block(Id("x").Op(":=").Op(")"))
	_, err := e.render()
	if err == nil {
		t.Fatal("code with a stray parenthesis formatted")
	}
	msg := err.Error()
	const prefix = "generated code does not format (a bug in nngen): "
	pos := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `(\d+):\d+: `).FindStringSubmatch(msg)
	if pos == nil {
		t.Fatalf("the error does not start with %q and a position:\n%s", prefix, msg)
	}
	line, _ := strconv.Atoi(pos[1])
	if want := fmt.Sprintf("\n%5d\tx := )\n", line); !strings.Contains(msg, want) {
		t.Errorf("the error does not show line %d as %q:\n%s", line, want, msg)
	}
	if !strings.Contains(msg, fmt.Sprintf("\n%5d\t// f is broken.\n", line-2)) {
		t.Errorf("the error does not number every line:\n%s", msg)
	}
}
