package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"reflect"
	"sort"
	"strings"
	"testing"
)

type htmler string

func (h htmler) HTML() string { return "<b>" + string(h) + "</b>" }

type simple struct{}

func (simple) SimpleRender() MIMEMap { return MIMEMap{Latex: "$x$"} }

type full struct{}

func (full) Render() Data {
	return Data{Data: MIMEMap{SVG: "<svg/>"}, Metadata: MIMEMap{SVG: MIMEMap{"isolated": true}}}
}

// both has a Render bundle and an HTML method: the method wins.
type both struct{}

func (both) Render() Data { return Data{Data: MIMEMap{HTML: "from Render"}} }
func (both) HTML() string { return "from HTML" }

type pngBytes struct{}

func (pngBytes) PNG() []byte { return []byte("\x89PNG\r\n\x1a\nrest") }

// keys is a bundle as "mime=value" lines, values printed with %v.
func keys(m MIMEMap) string {
	var lines []string
	for k, v := range m {
		if b, ok := v.([]byte); ok {
			v = fmt.Sprintf("%d bytes", len(b))
			if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				v = "png"
			}
		}
		lines = append(lines, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "; ")
}

// TestResults checks the display rule of gophernotes' autoRenderResults
// (display.go): all nil shows nothing, one renderable value among nils is
// rendered, anything else is fmt.Sprint of the values.
func TestResults(t *testing.T) {
	var nilPtr *int
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	tests := []struct {
		name string
		vals []interface{}
		data string
		meta string
	}{
		{"int", []interface{}{42}, "text/plain=42", ""},
		{"nil", []interface{}{nil}, "", ""},
		{"all nil", []interface{}{nil, nil}, "", ""},
		{"nil error", []interface{}{error(nil)}, "", ""},
		{"typed nil pointer is a value", []interface{}{nilPtr}, "text/plain=<nil>", ""},
		{"two ints", []interface{}{1, 2}, "text/plain=1 2", ""},
		{"Sprint joins strings without spaces", []interface{}{1, "a"}, "text/plain=1a", ""},
		{"value and nil error", []interface{}{7, nil}, "text/plain=7 <nil>", ""},
		{"error", []interface{}{errors.New("bad")}, "text/plain=bad", ""},
		{"HTMLer", []interface{}{htmler("hi")}, "text/html=<b>hi</b>; text/plain=hi", ""},
		{"HTMLer and nil", []interface{}{htmler("hi"), nil}, "text/html=<b>hi</b>; text/plain=hi", ""},
		// fmt.Sprint spaces operands only when neither is a string.
		{"HTMLer and a value", []interface{}{htmler("hi"), 3}, "text/plain=hi3", ""},
		{"PNGer", []interface{}{pngBytes{}}, "image/png=png; text/plain={}", ""},
		{"SimpleRenderer", []interface{}{simple{}}, "text/latex=$x$; text/plain={}", ""},
		{"Renderer", []interface{}{full{}}, "image/svg+xml=<svg/>; text/plain={}", "image/svg+xml=map[isolated:true]"},
		{"method over Render", []interface{}{both{}}, "text/html=from HTML; text/plain={}", ""},
		{"image", []interface{}{img}, "image/png=png; text/plain=<*image.Gray 3x2>", "height=2; width=3"},
		{"Data", []interface{}{Make(Markdown, "*m*")}, "text/markdown=*m*; text/plain=*m*", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Results(tt.vals)
			if got := keys(d.Data); got != tt.data {
				t.Errorf("data %s, want %s", got, tt.data)
			}
			if got := keys(d.Metadata); got != tt.meta {
				t.Errorf("metadata %s, want %s", got, tt.meta)
			}
		})
	}
}

func TestValue(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nrest")
	tests := []struct {
		name string
		mime string
		v    interface{}
		data string
	}{
		{"string as html", HTML, "<i>x</i>", "text/html=<i>x</i>; text/plain=<i>x</i>"},
		{"string", "", "hello", "text/plain=hello"},
		{"sniffed png", "", png, "image/png=png; text/plain=<image/png, 12 bytes>"},
		{"reader", PDF, bytes.NewReader([]byte("%PDF-1.4")), "application/pdf=8 bytes; text/plain=<application/pdf, 8 bytes>"},
		{"renderable", "", htmler("a"), "text/html=<b>a</b>; text/plain=a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keys(Value(tt.mime, tt.v).Data); got != tt.data {
				t.Errorf("data %s, want %s", got, tt.data)
			}
		})
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "cannot render: struct {}") {
			t.Errorf("Value of a struct: recovered %v, want gophernotes' panic", r)
		}
	}()
	Value("", struct{}{})
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"\x89PNG\r\n\x1a\n", PNG},
		{"\xff\xd8\xff\xe0", JPEG},
		{"GIF89a...", "image/gif"},
		{"%PDF-1.7", PDF},
		{"  <svg xmlns=''>", SVG},
		{"<?xml version='1.0'?><svg>", SVG},
		{"<!DOCTYPE html><p>", HTML},
		{"plain words\n", Text},
		{"\x00\x01\x02", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("Sniff(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestMakeError(t *testing.T) {
	d := Error(errors.New("boom"))
	want := MIMEMap{"ename": "ERROR", "evalue": "boom", "traceback": nil, "status": "error"}
	if !reflect.DeepEqual(d.Data, want) {
		t.Errorf("Error = %v, want %v", d.Data, want)
	}
}
