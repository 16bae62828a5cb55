package driver

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nngen/nngen/runtime/train"
)

// progress draws a bar of the training on a terminal, and nothing
// otherwise. It redraws at most ten times a second, to the terminal's
// width at the time.
type progress struct {
	f      *os.File // nil if not a terminal
	epochs int      // the last epoch to train
	start  time.Time
	last   time.Time // of the last drawing
	shown  int       // columns of the bar on screen, 0 if none

	// The speed is measured from the end of the first batch, after the
	// start-up: the batches and samples trained since.
	first            time.Time
	batches, samples int
}

func newProgress(w io.Writer, epochs int) *progress {
	p := &progress{epochs: epochs, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.f = f
		}
	}
	return p
}

func (p *progress) batch(b train.BatchStats) {
	now := time.Now()
	if p.first.IsZero() {
		p.first = now
	} else {
		p.batches++
		p.samples += b.N
	}
	if p.f == nil || now.Sub(p.last) < 100*time.Millisecond && b.Batch < b.Batches {
		return
	}
	p.last = now
	line := bar{
		Epoch: b.Epoch, Epochs: p.epochs, Batch: b.Batch, Batches: b.Batches, Loss: b.Loss,
		Elapsed: now.Sub(p.start), ETA: -1,
	}
	if since := now.Sub(p.first); p.batches > 0 && since > 0 {
		left := (p.epochs-b.Epoch)*b.Batches + b.Batches - b.Batch
		line.ETA = since / time.Duration(p.batches) * time.Duration(left)
		line.Rate = float64(p.samples) / since.Seconds()
	}
	s := line.render(termWidth(p.f))
	// Spaces cover what is left of a longer bar.
	fmt.Fprintf(p.f, "\r%s%s", s, strings.Repeat(" ", max(0, p.shown-len(s))))
	p.shown = len(s)
}

// clear removes the bar, if one is drawn.
func (p *progress) clear() {
	if p.shown > 0 {
		fmt.Fprintf(p.f, "\r%s\r", strings.Repeat(" ", p.shown))
		p.shown = 0
	}
}

// bar is what the progress bar shows of the current batch.
type bar struct {
	Epoch, Epochs  int
	Batch, Batches int
	Loss           float64 // of the batch
	Elapsed        time.Duration
	ETA            time.Duration // negative until known
	Rate           float64       // samples per second, 0 until known
}

// The width of the bar between its brackets.
const minBar, maxBar = 10, 40

// barPart is a part of the progress line; the parts of lower rank are
// left out first where the line does not fit.
type barPart struct {
	text string // "" for the bar itself
	rank int
}

// render writes the progress line in fewer than width columns, leaving
// the last one free (where some terminals wrap the line):
//
//	epoch 3/100 [=======>      ] 45/120  loss 0.2345  1.2M samples/s  0:05 elapsed  ETA 1:23
//
// Where that does not fit, the parts are left out in this order: the
// speed, the elapsed time, the batch count, the bar, the ETA and the
// loss; then the epoch is cut. The text is ASCII: a byte is a column.
func (b bar) render(width int) string {
	parts := []barPart{
		{fmt.Sprintf("epoch %d/%d", b.Epoch, b.Epochs), 6},
		{"", 3},
		{fmt.Sprintf("%d/%d", b.Batch, b.Batches), 2},
		{fmt.Sprintf("loss %.4g", b.Loss), 5},
		{rate(b.Rate), 0},
		{clock(b.Elapsed) + " elapsed", 1},
		{"ETA " + clock(b.ETA), 4},
	}
	room := width - 1
	for drop := range 7 {
		var kept []barPart
		for _, p := range parts {
			if p.rank >= drop {
				kept = append(kept, p)
			}
		}
		line := joinParts(kept, "")
		if len(kept) > 1 && kept[1].text == "" { // with the bar
			inner := min(maxBar, room-len(line)-2)
			if inner < minBar {
				continue
			}
			line = joinParts(kept, drawBar(inner, b.Batch, b.Batches))
		}
		if len(line) <= room {
			return line
		}
	}
	epoch := parts[0].text
	return epoch[:max(0, min(room, len(epoch)))]
}

// joinParts joins the parts with two spaces, and with one around the
// bar, drawn as bar.
func joinParts(parts []barPart, bar string) string {
	var s strings.Builder
	for i, p := range parts {
		if i > 0 {
			if p.text == "" || parts[i-1].text == "" {
				s.WriteString(" ")
			} else {
				s.WriteString("  ")
			}
		}
		if p.text == "" {
			s.WriteString(bar)
		} else {
			s.WriteString(p.text)
		}
	}
	return s.String()
}

// drawBar draws done of total as a bar of inner columns between brackets.
func drawBar(inner, done, total int) string {
	filled := inner * done / total
	s := strings.Repeat("=", filled)
	if filled > 0 && filled < inner {
		s = s[1:] + ">"
	}
	return "[" + s + strings.Repeat(" ", inner-filled) + "]"
}

// rate writes samples per second with three digits or fewer.
func rate(r float64) string {
	switch {
	case r == 0:
		return "- samples/s"
	case r >= 1e6:
		return fmt.Sprintf("%.1fM samples/s", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.0fk samples/s", r/1e3)
	}
	return fmt.Sprintf("%.0f samples/s", r)
}

// clock writes d in whole seconds as m:ss, or h:mm:ss from an hour on;
// a negative d is unknown, -:--.
func clock(d time.Duration) string {
	if d < 0 {
		return "-:--"
	}
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
