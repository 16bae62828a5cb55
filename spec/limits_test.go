package spec_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nngen/nngen/spec"
)

// parseWithin parses src in a goroutine and fails the test if that takes
// longer than a generous bound: it detects hangs, not slowness.
func parseWithin(t *testing.T, src string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := spec.Parse("s.yaml", []byte(src))
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Parse did not return within 10 s on %d bytes", len(src))
		return nil
	}
}

// checkFirstError parses src, which must be refused within parseWithin's
// time with a well-formed list of errors, the first of them want.
func checkFirstError(t *testing.T, src, want string) {
	t.Helper()
	err := parseWithin(t, src)
	if err == nil {
		t.Fatal("accepted")
	}
	CheckErrorList(t, "s.yaml", []byte(src), err)
	if got, _, _ := strings.Cut(err.Error(), "\n"); got != want {
		t.Errorf("first error\n\t%s\nwant\n\t%s", got, want)
	}
}

// fill repeats unit to nearly MaxFileSize bytes.
func fill(prefix, unit string) string {
	return prefix + strings.Repeat(unit, (spec.MaxFileSize-len(prefix)-64)/len(unit))
}

const billionLaughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
name: M
inputs: *i
layers: [{units: 1, activation: identity}]
`

// TestParseHostile feeds Parse inputs built to exhaust time or memory and
// checks that each is rejected, promptly, with its first error as wanted.
func TestParseHostile(t *testing.T) {
	const depthMsg = "lists and mappings are nested deeper than 16 levels (a spec needs 3)"
	const aliasMsg = "YAML anchors and aliases are not supported in specs"
	deepBlock := func(levels int) string {
		var b strings.Builder
		b.WriteString("name: M\nlayers:\n")
		for i := range levels {
			b.WriteString(strings.Repeat(" ", 2*i) + "- \n")
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"billion laughs", billionLaughs, "s.yaml:1:4: " + aliasMsg},
		{"merge key bomb", "x: &x {units: 1, activation: identity}\nname: M\ninputs: 2\nlayers: [{<<: *x}, {<<: [*x, *x]}]\n",
			"s.yaml:1:4: " + aliasMsg},
		{"unknown alias", "name: M\ninputs: *nowhere\n", "s.yaml:2:9: " + aliasMsg},
		{"anchor on a layer", "name: M\ninputs: 2\nlayers:\n  - &l {units: 1, activation: identity}\n", "s.yaml:4:5: " + aliasMsg},
		{"100000 nested [", strings.Repeat("[", 100000), "s.yaml:1:17: " + depthMsg},
		{"100000 nested [ on line 3", "name: M\ninputs: 2\nlayers: " + strings.Repeat("[", 100000), "s.yaml:3:25: " + depthMsg},
		{"100000 nested {a:", "a: " + strings.Repeat("{a: ", 100000), "s.yaml:1:68: " + depthMsg},
		{"9999 nested, closed", "name: M\nlayers: " + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + "\n", "s.yaml:2:24: " + depthMsg},
		{"100000 compact - ", strings.Repeat("- ", 100000) + "x\n", "s.yaml:1:1: " + depthMsg},
		{"9999 compact - ", strings.Repeat("- ", 9999) + "x\n", "s.yaml:1:33: " + depthMsg},
		{"deep indentation", deepBlock(1000), "s.yaml:18:31: " + depthMsg},
		{"17 levels", "name: M\nlayers: " + strings.Repeat("[", 16) + strings.Repeat("]", 16) + "\n", "s.yaml:2:24: " + depthMsg},
		{"16 levels are YAML a spec can report on", "name: M\ninputs: 1\nlayers: " + strings.Repeat("[", 15) + strings.Repeat("]", 15) + "\n",
			"s.yaml:3:10: layer 1: want a mapping, got a list"},
		{"enormous sizes", "name: M\ninputs: 18446744073709551616\nlayers: [{units: 1e308, activation: identity}]\n",
			`s.yaml:2:9: inputs: want an integer, got "18446744073709551616"`},
		{"enormous model", "name: M\ninputs: 16384\nlayers: [" + strings.Repeat("{units: 16384, activation: relu}, ", 31) + "{units: 16384, activation: identity}]\n",
			"s.yaml:3:9: layers: the model has 8590458880 parameters, at most 16777216 are allowed"},
		{"a million layers", fill("name: M\ninputs: 1\nlayers:\n", "- {units: 1, activation: relu}\n"),
			"s.yaml:4:1: layers: 33822 layers, at most 32 are allowed"},
		{"a huge name", "name: A" + strings.Repeat("a", 1<<19) + "\ninputs: 1\nlayers: [{units: 1, activation: identity}]\n",
			`s.yaml:1:7: name: "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"… is not an exported Go identifier (an upper-case ASCII letter, then ASCII letters and digits, at most 64)`},
		{"200000 keys", fill("", "k: 1\n"),
			`s.yaml:1:1: spec: unknown key "k" (known: dtype, init, inputs, layers, loss, name, package, seed, train, unroll)`},
		{"500000 list items", fill("[", "1,") + "1]", "s.yaml:1:1: spec: want a mapping, got a list"},
		{"a long line", fill("name: ", "M"), "s.yaml:1:1: spec: missing required key \"inputs\""},
		{"too large", strings.Repeat("#", spec.MaxFileSize+1), "s.yaml: spec file is larger than 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkFirstError(t, tc.src, tc.want) })
	}
}

// TestParseMemory bounds what parsing the worst 1 MiB inputs allocates in
// all (nothing of it is kept): the YAML library's nodes dominate.
func TestParseMemory(t *testing.T) {
	for name, src := range map[string]string{
		"keys":        fill("", "k: 1\n"),
		"empty lists": fill("[", "[],") + "1]",
		"aliases":     fill("- &a 1\n", "- *a\n"),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if err := parseWithin(t, src); err == nil {
			t.Fatalf("%s: accepted", name)
		}
		runtime.ReadMemStats(&after)
		if mb := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20); mb > 512 {
			t.Errorf("%s: parsing %d bytes allocated %.0f MiB", name, len(src), mb)
		}
	}
}

func TestParseTooManyErrors(t *testing.T) {
	src := "name: M\ninputs: 1\nlayers: [{units: 1, activation: identity}]\n" + strings.Repeat("x: 1\n", 80)
	err := parseWithin(t, src)
	list, ok := err.(spec.ErrorList)
	if !ok || len(list) != spec.MaxErrors+1 {
		t.Fatalf("got %d errors, want %d: %v", len(list), spec.MaxErrors+1, err)
	}
	if got := list[len(list)-1].Error(); got != "s.yaml: too many errors: 30 more not shown" {
		t.Errorf("last error %q", got)
	}
	if got := list[spec.MaxErrors-1].Error(); !strings.HasPrefix(got, `s.yaml:53:1: spec: unknown key "x"`) {
		t.Errorf("error %d: %q", spec.MaxErrors, got)
	}
}

// TestParseText checks the errors that the YAML library gives without a
// position and Parse places: bad bytes, control characters, a second
// document, problems on the first line and at the end of the file.
func TestParseText(t *testing.T) {
	const lay = "layers: [{units: 1, activation: identity}]\n"
	for _, tc := range []struct{ name, src, want string }{
		{"invalid UTF-8", "name: M\ninputs: 1\n" + lay + "# caf\xe9\n", "s.yaml:4:6: invalid YAML: the file is not valid UTF-8 (byte 0xe9)"},
		{"NUL", "name: M\x00\n", "s.yaml:1:8: invalid YAML: control character U+0000 is not allowed"},
		{"escape", "name: \"Ж\x1b[31m\"\n", "s.yaml:1:9: invalid YAML: control character U+001B is not allowed"},
		{"C1 control", "name: M\u0090\n", "s.yaml:1:8: invalid YAML: control character U+0090 is not allowed"},
		{"line counting", "a: 1\r\nb: 2\rc: 3\u2028d: \x7f", "s.yaml:4:4: invalid YAML: control character U+007F is not allowed"},
		{"second document", "name: M\ninputs: 1\n" + lay + "---\nname: N\n", "s.yaml:4:1: a spec is one YAML document; another starts here"},
		{"empty second document", "name: M\ninputs: 1\n" + lay + "---\n", "s.yaml:4:1: a spec is one YAML document; another starts here"},
		{"syntax on line 1", "name: [", "s.yaml:1:1: invalid YAML: did not find expected node content"},
		{"null document at the end", "---", "s.yaml:1:4: spec: want a mapping, got nothing"},
		{"UTF-16", "\xff\xfen\x00:\x00 \x00\x01\x00", "s.yaml:1:1: invalid YAML: control characters are not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkFirstError(t, tc.src, tc.want) })
	}
	// A UTF-8 byte order mark and a UTF-16 file are fine.
	for _, src := range []string{
		"\ufeffname: M\ninputs: 1\n" + lay,
		"\xff\xfen\x00a\x00m\x00e\x00:\x00 \x00M\x00\n\x00i\x00n\x00p\x00u\x00t\x00s\x00:\x00 \x001\x00\n\x00" +
			"l\x00a\x00y\x00e\x00r\x00s\x00:\x00 \x00[\x00{\x00u\x00n\x00i\x00t\x00s\x00:\x00 \x001\x00,\x00 \x00" +
			"a\x00c\x00t\x00i\x00v\x00a\x00t\x00i\x00o\x00n\x00:\x00 \x00t\x00a\x00n\x00h\x00}\x00,\x00{\x00u\x00n\x00i\x00t\x00s\x00:\x00 \x001\x00,\x00 \x00" +
			"a\x00c\x00t\x00i\x00v\x00a\x00t\x00i\x00o\x00n\x00:\x00 \x00i\x00d\x00e\x00n\x00t\x00i\x00t\x00y\x00}\x00]\x00\n\x00",
	} {
		if _, err := spec.Parse("s.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestParseFileLimits checks that ParseFile reads no more than the size
// limit of files that are too large, endless or not files at all.
func TestParseFileLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: takes no disk space
		t.Fatal(err)
	}
	f.Close()
	exact := filepath.Join(dir, "exact.yaml")
	src := "name: M\ninputs: 1\nlayers: [{units: 1, activation: identity}]\n"
	if err := os.WriteFile(exact, []byte(src+strings.Repeat("#", spec.MaxFileSize-len(src))), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := spec.ParseFile(exact); err != nil {
		t.Errorf("a file of exactly MaxFileSize bytes: %v", err)
	}
	paths := []string{big}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := spec.ParseFile(p)
		runtime.ReadMemStats(&after)
		if _, ok := err.(spec.ErrorList); !ok || err.Error() != p+": spec file is larger than 1048576 bytes" {
			t.Errorf("%s: error %T %v", p, err, err)
		}
		if mb := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20); mb > 16 {
			t.Errorf("%s: reading allocated %.0f MiB", p, mb)
		}
	}
	if _, err := spec.ParseFile(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}
