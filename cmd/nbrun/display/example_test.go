package display_test

import (
	"fmt"

	"github.com/gomtl/gomtl/cmd/nbrun/display"
)

// A bundle holds a value in several formats; a cell ending in one shows it,
// and Display(d) shows it in the middle of a cell.
func ExampleHTML() {
	d := display.HTML("<b>bold</b>")
	fmt.Println(d.Data[display.MIMETypeHTML])
	fmt.Println(d.Data[display.MIMETypeText])
	// Output:
	// <b>bold</b>
	// <b>bold</b>
}

// Binary payloads get a short text/plain placeholder.
func ExamplePNG() {
	d := display.PNG([]byte("\x89PNG\r\n\x1a\n..."))
	fmt.Println(d.Data[display.MIMETypeText])
	// Output:
	// <image/png, 11 bytes>
}

// Math shows a display equation; its text/plain is the formula.
func ExampleMath() {
	d := display.Math(`e^{i\pi}+1=0`)
	fmt.Println(d.Data[display.MIMETypeLatex])
	fmt.Println(d.Data[display.MIMETypeText])
	// Output:
	// $$e^{i\pi}+1=0$$
	// e^{i\pi}+1=0
}
