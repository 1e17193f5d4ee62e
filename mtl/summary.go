package mtl

import (
	"fmt"
	"html"
	"strings"
	"text/tabwriter"
)

// A Summary describes a model layer by layer, as Keras's model.summary()
// does, adding which tasks' losses train each layer.
type Summary struct {
	Arch string `json:"arch"` // the architecture kind, with "+cascade" when a task reads another

	Input  []int       `json:"input,omitempty"`  // a single-input model's input shape
	Inputs []InputInfo `json:"inputs,omitempty"` // a multi-input model's inputs
	Layers []LayerInfo `json:"layers"`
	Params int         `json:"params"` // scalars stored, batch-norm statistics included
}

// InputInfo names one input of a multi-input model and its shape.
type InputInfo struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// Summary returns the model's layers in build order with their output
// shapes (per example), parameter counts and the tasks sharing them.
func (m *Model) Summary() *Summary {
	if m == nil {
		return &Summary{}
	}
	s := &Summary{Arch: m.spec.archName(), Input: append([]int(nil), m.spec.Input...), Params: m.params.Size()}
	for _, in := range m.spec.Inputs {
		s.Inputs = append(s.Inputs, InputInfo{Name: in.Name, Shape: append([]int(nil), in.Shape...)})
	}
	for _, l := range m.layers {
		l.Output = append([]int(nil), l.Output...)
		l.Tasks = append([]string(nil), l.Tasks...)
		s.Layers = append(s.Layers, l)
	}
	return s
}

// String renders the summary as a text table.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Architecture: %s, %s\n", s.Arch, s.inputText())
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\tkind\toutput\tparams\ttasks")
	for _, l := range s.Layers {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%d\t%s\n", l.Name, l.Kind, l.Output, l.Params, strings.Join(l.Tasks, ","))
	}
	tw.Flush()
	fmt.Fprintf(&b, "Total params: %d\n", s.Params)
	return b.String()
}

// HTML renders the summary as an HTML table (notebooks display it).
func (s *Summary) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>Architecture: <b>%s</b>, %s, %d parameters</p>\n<table>\n<tr><th>layer</th><th>kind</th><th>output</th><th>params</th><th>tasks</th></tr>\n",
		html.EscapeString(s.Arch), html.EscapeString(s.inputText()), s.Params)
	for _, l := range s.Layers {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%v</td><td>%d</td><td>%s</td></tr>\n",
			html.EscapeString(l.Name), html.EscapeString(l.Kind), l.Output, l.Params, html.EscapeString(strings.Join(l.Tasks, ", ")))
	}
	b.WriteString("</table>\n")
	return b.String()
}

// inputText returns "input [784]" or "inputs image [1 28 28], text [4096]".
func (s *Summary) inputText() string {
	if len(s.Inputs) == 0 {
		return fmt.Sprintf("input %v", s.Input)
	}
	parts := make([]string, len(s.Inputs))
	for i, in := range s.Inputs {
		parts[i] = fmt.Sprintf("%s %v", in.Name, in.Shape)
	}
	return "inputs " + strings.Join(parts, ", ")
}
