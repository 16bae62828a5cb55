package plot

import (
	"image"
	"image/color"
)

// The colours of the plot, as indices into palette.
const (
	white uint8 = iota
	black
	grey      // the best-epoch line
	lightGrey // the grid
	blue      // training loss
	orange    // validation loss
)

var palette = color.Palette{
	color.White,
	color.Black,
	color.RGBA{0x70, 0x70, 0x70, 0xff},
	color.RGBA{0xe4, 0xe4, 0xe4, 0xff},
	color.RGBA{0x1f, 0x77, 0xb4, 0xff},
	color.RGBA{0xe6, 0x6b, 0x00, 0xff},
}

// canvas is a paletted image with the few drawing operations the plot
// needs; coordinates are pixels, y pointing down.
type canvas struct {
	*image.Paletted
}

func newCanvas(w, h int) canvas {
	return canvas{image.NewPaletted(image.Rect(0, 0, w, h), palette)}
}

// dot sets a size×size square centred on (x, y).
func (c canvas) dot(x, y, size int, col uint8) {
	for dy := range size {
		for dx := range size {
			c.SetColorIndex(x-size/2+dx, y-size/2+dy, col)
		}
	}
}

// fill paints the rectangle from (x0, y0) to (x1, y1), corners included.
func (c canvas) fill(x0, y0, x1, y1 int, col uint8) {
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			c.SetColorIndex(x, y, col)
		}
	}
}

// line draws a line from (x0, y0) to (x1, y1) with Bresenham's algorithm,
// each point a dot of the given width.
func (c canvas) line(x0, y0, x1, y1, width int, col uint8) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.dot(x0, y0, width, col)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// dashedV draws a vertical dashed line at x from y0 down to y1.
func (c canvas) dashedV(x, y0, y1 int, col uint8) {
	for y := y0; y <= y1; y++ {
		if y%8 < 5 {
			c.SetColorIndex(x, y, col)
		}
	}
}

// text writes s with its top left corner at (x, y), each font pixel a
// scale×scale square.
func (c canvas) text(x, y, scale int, s string, col uint8) {
	for _, r := range s {
		for gy := range glyphH {
			for gx := range glyphW {
				if ink(r, gx, gy) {
					c.dot(x+gx*scale+scale/2, y+gy*scale+scale/2, scale, col)
				}
			}
		}
		x += advance * scale
	}
}

// textWidth is the width of s written at scale.
func textWidth(s string, scale int) int {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return (n*advance - 1) * scale
}

func abs(v int) int { return max(v, -v) }

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
