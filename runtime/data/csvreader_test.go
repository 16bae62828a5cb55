package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// record is what a CSV reader makes of one record: its fields and the
// lines they start on, or the error with its lines.
type record struct {
	fields []string
	lines  []int
	err    string
}

// readAllStd reads in with encoding/csv, as ReadCSV did before it had its
// own reader, going on after errors as encoding/csv does.
func readAllStd(in string, comma rune) []record {
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(in, bom)))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	var out []record
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			out = append(out, record{err: fmt.Sprintf("%d-%d: %v", pe.StartLine, pe.Line, pe.Err)})
			continue
		}
		r := record{fields: rec}
		for j := range rec {
			line, _ := cr.FieldPos(j)
			r.lines = append(r.lines, line)
		}
		out = append(out, r)
	}
}

// readAll reads in with csvReader, through a reader that returns a byte at
// a time if slow is set, so that records cross the buffer's end.
func readAll(t *testing.T, in string, comma rune, slow bool) []record {
	var src io.Reader = strings.NewReader(in)
	if slow {
		src = iotest.OneByteReader(src)
	}
	buf := make([]byte, readSize)
	if slow {
		buf = make([]byte, 4) // and grows
	}
	r := newCSVReader(src, comma, buf)
	var out []record
	for {
		err := r.next()
		if err == io.EOF {
			return out
		}
		var se *syntaxError
		if errors.As(err, &se) {
			out = append(out, record{err: fmt.Sprintf("%d-%d: %v", se.start, se.line, se.err)})
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var rec record
		for j := range r.spans() {
			rec.fields = append(rec.fields, string(r.field(j)))
			rec.lines = append(rec.lines, r.fieldLine(j))
		}
		out = append(out, rec)
	}
}

// checkSameRecords compares csvReader with encoding/csv on in.
func checkSameRecords(t *testing.T, in string, comma rune) {
	t.Helper()
	want := readAllStd(in, comma)
	for _, slow := range []bool{false, true} {
		got := readAll(t, in, comma, slow)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("input %q (one byte at a time: %v):\ngot  %v\nwant %v", in, slow, got, want)
		}
	}
}

func TestCSVReaderLikeEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"", "\n", "\r\n\r\n", "a", "a\n", "a\r", "a\r\n", "a,b\nc,d", "\ufeffa,b\n1,2\n",
		"a,,b,\n,\n", " a , b \n", "a\rb,c\n", "a\r\rb\r\n", "\n\na\n\nb\n\n",
		`"a","b"` + "\n", `"a""b",c` + "\n", `"",""` + "\n", `"a` + "\n" + `b",c` + "\n" + "d,e\n",
		`"a` + "\r\n" + `b"` + "\r\n", `"a` + "\n\n" + `b"` + "\n1,2\n",
		`a"b,c` + "\n1,2\n", `"a"b,c` + "\n1,2\n", `"a` + "\n", `"a` + "\n\n", `x,"a` + "\n" + `b`,
		`"a"` + "\n" + `"b` + "\nc\nd\n", ` "a",b` + "\n", `"a" ,b` + "\n", `"a"` + "\r", `"a"` + "\r\n\r\n",
		"1,2\n3,4,5\n\"6\n7\"\n", "a;b\n1;\"2;3\"\n", `"a",` + "\n" + `,"b"`,
	} {
		checkSameRecords(t, in, ',')
	}
	checkSameRecords(t, "a;b\n1;\"2;3\"\n", ';')
	checkSameRecords(t, "a→b→\"c→d\"\n1→2→3\n", '→')
	checkSameRecords(t, "a\tb\n\"1\t2\"\t3\n", '\t')
}

// TestCSVReaderRandom compares csvReader with encoding/csv on random
// inputs made of the bytes that matter to CSV.
func TestCSVReaderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	parts := []string{",", "\"", "\"\"", "\n", "\r\n", "\r", "a", "1", " ", "é", ",\"x\"", "\"\n"}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		checkSameRecords(t, b.String(), ',')
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", `"a""b",c` + "\r\n", `"a` + "\n" + `b"`, `a"b`, "\"a\"x,\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSameRecords(t, in, ',')
	})
}
