package data

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReadCSVAllErrors checks that every bad field of a file is reported
// at once, in file order, each with its line and column.
func TestReadCSVAllErrors(t *testing.T) {
	const in = "x1,x2,y\n1,2,a\n1,x,b\n3,4\n\"5\nx\",?,\n1,2\"3,a\n7,8,a\n-,NaN,\"\"\n"
	_, err := ReadCSV[float64](strings.NewReader(in), "bad.csv", CSVOptions{Classes: []string{"a", "b"}})
	want := strings.Join([]string{
		`bad.csv:3: column "x2": "x" is not a number`,
		`bad.csv:4: row has 2 fields, want 3`,
		`bad.csv:5: column "x1": "5\nx" is not a number`,
		`bad.csv:6: column "x2": "?" is not a number`,
		`bad.csv:6: column "y": missing label`,
		`bad.csv:7: bare " in non-quoted-field`,
		`bad.csv:9: column "x1": "-" is not a number`,
		`bad.csv:9: column "x2": "NaN" is not a finite number`,
		`bad.csv:9: column "y": missing label`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestReadCSVErrorLimit checks that past 50 errors the rest are counted.
func TestReadCSVErrorLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 70 {
		fmt.Fprintf(&b, "%d,?,p\n1,2,q\n", i)
	}
	_, err := ReadCSV[float32](strings.NewReader(b.String()), "bad.csv", CSVOptions{})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 51 || lines[0] != `bad.csv:2: column "b": "?" is not a number` ||
		lines[49] != `bad.csv:100: column "b": "?" is not a number` || lines[50] != "bad.csv: and 20 more errors" {
		t.Errorf("%d lines: first %q, 50th %q, last %q", len(lines), lines[0], lines[49], lines[len(lines)-1])
	}
}

// TestLoadCSVRealData reads the digits and breast cancer data, integers and
// decimals, and checks every value against encoding/csv and
// strconv.ParseFloat, for float32 and float64.
func TestLoadCSVRealData(t *testing.T) {
	for _, name := range []string{"digits", "breast_cancer"} {
		path := filepath.Join("..", "..", "examples", name, name+".csv")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		checkRealData[float32](t, path, recs)
		checkRealData[float64](t, path, recs)
	}
}

func checkRealData[T Float](t *testing.T, path string, recs [][]string) {
	d, err := LoadCSV[T](path, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, cols := len(recs)-1, len(recs[0])-1
	if d.Len() != rows || d.Inputs != cols || d.Target != recs[0][cols] {
		t.Fatalf("%s: %d rows of %d features, target %q", path, d.Len(), d.Inputs, d.Target)
	}
	for i, rec := range recs[1:] {
		for j, s := range rec[:cols] {
			f, err := strconv.ParseFloat(s, bitSize[T]())
			if err != nil {
				t.Fatal(err)
			}
			if got := d.X[i*cols+j]; math.Float64bits(float64(got)) != math.Float64bits(float64(T(f))) {
				t.Fatalf("%s:%d: column %d: %v, want %v", path, i+2, j, got, T(f))
			}
		}
		if d.Classes[d.Labels[i]] != rec[cols] {
			t.Fatalf("%s:%d: label %q, want %q", path, i+2, d.Classes[d.Labels[i]], rec[cols])
		}
	}
}

// TestReadCSVAllocation checks that a file that can seek is read into a
// data set allocated once at its size, and that one that cannot gives the
// same data set.
func TestReadCSVAllocation(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "digits", "digits.csv")
	d, err := LoadCSV[float32](path, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cap(d.X) != len(d.X) {
		t.Errorf("X has capacity %d for %d values", cap(d.X), len(d.X))
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := ReadCSV[float32](io.MultiReader(bytes.NewReader(src)), path, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, stream, d)
}
