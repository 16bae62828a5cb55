package driver

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nngen/nngen/runtime/train"
)

// TestBarRender renders progress lines at fixed widths: none reaches the
// last column, the parts are left out in their order, and a small loss
// is written with four significant digits.
func TestBarRender(t *testing.T) {
	b := bar{
		Epoch: 17, Epochs: 100, Batch: 450, Batches: 1875, Loss: 0.000012345,
		Elapsed: 83 * time.Second, ETA: 2*time.Hour + 5*time.Minute + 7*time.Second, Rate: 123456,
	}
	for _, c := range []struct {
		width int
		has   []string // in this order
		lacks []string
	}{
		{200, []string{"epoch 17/100 [", "] 450/1875", "loss 1.234e-05", "123k samples/s", "1:23 elapsed", "ETA 2:05:07"}, nil},
		{80, []string{"epoch 17/100 [", "] 450/1875", "loss 1.234e-05", "1:23 elapsed", "ETA 2:05:07"}, []string{"samples/s"}},
		{50, []string{"epoch 17/100", "loss 1.234e-05", "ETA 2:05:07"}, []string{"samples/s", "elapsed", "450/1875", "["}},
		{20, []string{"epoch 17/100"}, []string{"[", "loss", "ETA"}},
		{8, []string{"epoch 1"}, nil},
	} {
		line := b.render(c.width)
		if len(line) >= c.width {
			t.Errorf("width %d: %d columns: %q", c.width, len(line), line)
		}
		rest := line
		for _, s := range c.has {
			i := strings.Index(rest, s)
			if i < 0 {
				t.Errorf("width %d: %q lacks %q (or has it out of order)", c.width, line, s)
				break
			}
			rest = rest[i+len(s):]
		}
		for _, s := range c.lacks {
			if strings.Contains(line, s) {
				t.Errorf("width %d: %q has %q", c.width, line, s)
			}
		}
	}
	// The bar takes the room there is, up to maxBar.
	for width := 1; width <= 300; width++ {
		line := b.render(width)
		if len(line) > max(0, width-1) {
			t.Errorf("width %d: %d columns: %q", width, len(line), line)
		}
		if open, end := strings.Index(line, "["), strings.Index(line, "]"); open >= 0 {
			if inner := end - open - 1; inner < minBar || inner > maxBar {
				t.Errorf("width %d: a bar of %d columns: %q", width, inner, line)
			}
		}
	}
}

func TestDrawBar(t *testing.T) {
	for _, c := range []struct {
		inner, done, total int
		want               string
	}{
		{10, 0, 7, "[          ]"},
		{10, 1, 7, "[>         ]"},
		{10, 4, 8, "[====>     ]"},
		{10, 7, 7, "[==========]"},
	} {
		if got := drawBar(c.inner, c.done, c.total); got != c.want {
			t.Errorf("drawBar(%d, %d, %d) = %q, want %q", c.inner, c.done, c.total, got, c.want)
		}
	}
}

func TestClockRate(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0:00", 1499 * time.Millisecond: "0:01", 83 * time.Second: "1:23", time.Hour + 2*time.Second: "1:00:02", -1: "-:--",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
	for r, want := range map[float64]string{
		0: "- samples/s", 950.4: "950 samples/s", 9999: "9999 samples/s", 12345: "12k samples/s", 2.5e6: "2.5M samples/s",
	} {
		if got := rate(r); got != want {
			t.Errorf("rate(%g) = %q, want %q", r, got, want)
		}
	}
}

// TestProgressRedraw draws the bar to a pipe, at $COLUMNS columns, as
// longer and shorter lines follow each other, and clears it: each
// drawing covers the last one and stays within the width.
func TestProgressRedraw(t *testing.T) {
	t.Setenv("COLUMNS", "120") // room for the whole line, whose length varies with the loss
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &progress{f: w, epochs: 3, start: time.Now()}
	for i, loss := range []float64{1.5, 0.000012345, 2, 0.25} {
		p.last = time.Time{} // not to skip any
		p.batch(train.BatchStats{Epoch: 1, Batch: i + 1, Batches: 4, N: 8, Loss: loss})
	}
	p.clear()
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	// "\r" 4 × (drawing "\r") spaces "\r"
	draws := strings.Split(string(out), "\r")
	if len(draws) != 7 || draws[0] != "" || draws[6] != "" || strings.TrimSpace(draws[5]) != "" || len(draws[5]) < len(draws[4]) {
		t.Fatalf("output %q, want 4 drawings and a clearing, each after a carriage return", out)
	}
	for i, d := range draws[1:6] {
		if len(d) >= 120 || strings.Contains(d, "\n") {
			t.Errorf("drawing %d: %q is %d columns, or more than a line", i+1, d, len(d))
		}
		if i > 0 && len(d) < len(strings.TrimRight(draws[i], " ")) {
			t.Errorf("drawing %d: %q does not cover %q", i+1, d, draws[i])
		}
	}
	if s := strings.TrimSpace(draws[4]); !strings.HasPrefix(s, "epoch 1/3") || !strings.Contains(s, "loss 0.25") {
		t.Errorf("last drawing %q", s)
	}
}
