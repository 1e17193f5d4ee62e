package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"github.com/gomtl/gomtl/mtl"
)

// How predict --draw draws: each pixel of the image becomes a
// drawScale×drawScale square, and a box is an outline drawLine pixels
// thick, inside the box's pixels.
const (
	drawScale = 4
	drawLine  = 2
)

// The colours of predict --draw's boxes.
var (
	trueBoxColor = color.RGBA{G: 200, A: 255}
	predBoxColor = color.RGBA{R: 255, A: 255}
)

// checkDraw reports, as a usage error, a dataset or the model's tasks
// that --draw cannot draw: it needs images and a box task.
func checkDraw(d *dataset, tasks []mtl.Task) error {
	if !d.images {
		return usageErrorf("predict", "--draw draws boxes on images, but dataset %s has none", d.name)
	}
	if boxTask(tasks) == "" {
		return usageErrorf("predict", "--draw draws the boxes of a box task, but the model's tasks are %s", taskNamesOf(tasks))
	}
	return nil
}

// boxTask returns the name of the first box task of tasks, or "".
func boxTask(tasks []mtl.Task) string {
	for _, t := range tasks {
		if t.Kind == mtl.BoxKind {
			return t.Name
		}
	}
	return ""
}

// taskNamesOf returns `"digit", "parity"`.
func taskNamesOf(tasks []mtl.Task) string {
	var names []string
	for _, t := range tasks {
		names = append(names, fmt.Sprintf("%q", t.Name))
	}
	return andList(names)
}

// drawPredictions writes one PNG per line into dir, made if need be: the
// example x[k] of shape [1 H W] with the true and predicted boxes of the
// first box task of tasks. It sets each line's Drawing to its file.
func drawPredictions(dir string, shape []int, x [][]float32, lines []predictionLine, tasks []mtl.Task) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--draw folder: %w", err)
	}
	task := boxTask(tasks)
	for k := range lines {
		line := &lines[k]
		img := drawBoxes(x[k], shape[2], shape[1], line.Targets[task], line.Predictions[task].Values)
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return fmt.Errorf("drawing example %d: %w", line.Index, err)
		}
		name := fmt.Sprintf("%05d.png", line.Index)
		if iou, ok := line.IoU[task]; ok {
			name = fmt.Sprintf("%05d-iou%.2f.png", line.Index, iou)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--draw: %w", err)
		}
		line.Drawing = path
	}
	return nil
}

// drawBoxes returns the w×h image pix (row-major, values in [0, 1],
// clamped) drawScale times larger in grey, with the box want in
// trueBoxColor and then the box got in predBoxColor; a nil box is not
// drawn.
func drawBoxes(pix []float32, w, h int, want, got []float32) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w*drawScale, h*drawScale))
	for y := range h {
		for x := range w {
			v := uint8(math.Round(float64(min(max(pix[y*w+x], 0), 1)) * 255))
			r := image.Rect(x*drawScale, y*drawScale, (x+1)*drawScale, (y+1)*drawScale)
			draw.Draw(img, r, &image.Uniform{C: color.RGBA{R: v, G: v, B: v, A: 255}}, image.Point{}, draw.Src)
		}
	}
	for _, b := range []struct {
		box []float32
		c   color.RGBA
	}{{want, trueBoxColor}, {got, predBoxColor}} {
		if len(b.box) == 4 {
			outline(img, boxRect(b.box, w, h, drawScale), drawLine, b.c)
		}
	}
	return img
}

// boxRect returns the pixels of box (x0, y0, x1, y1), fractions of a w×h
// image as mnist-loc's boxes are, in that image scaled by scale: columns
// round(x0·w·scale) up to, not including, round(x1·w·scale), and rows
// likewise. A box whose corners are swapped spans the same pixels.
func boxRect(box []float32, w, h, scale int) image.Rectangle {
	px := func(v float32, n int) int {
		f := float64(v) * float64(n*scale)
		if math.IsNaN(f) {
			return 0
		}
		return int(math.Round(min(max(f, -1), float64(n*scale+1))))
	}
	return image.Rect(px(box[0], w), px(box[1], h), px(box[2], w), px(box[3], h))
}

// outline draws the border of r, t pixels thick and inside r, in c,
// clipped to img.
func outline(img *image.RGBA, r image.Rectangle, t int, c color.RGBA) {
	u := &image.Uniform{C: c}
	for _, side := range []image.Rectangle{
		image.Rect(r.Min.X, r.Min.Y, r.Max.X, min(r.Min.Y+t, r.Max.Y)), // top
		image.Rect(r.Min.X, max(r.Max.Y-t, r.Min.Y), r.Max.X, r.Max.Y), // bottom
		image.Rect(r.Min.X, r.Min.Y, min(r.Min.X+t, r.Max.X), r.Max.Y), // left
		image.Rect(max(r.Max.X-t, r.Min.X), r.Min.Y, r.Max.X, r.Max.Y), // right
	} {
		draw.Draw(img, side.Intersect(img.Bounds()), u, image.Point{}, draw.Src)
	}
}
