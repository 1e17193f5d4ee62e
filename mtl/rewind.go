package mtl

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Gorgonia's tapeMachine.Reset sets the program counter back to the first
// instruction and drops every register, so each run allocates every
// intermediate value, gradient and BLAS output again (hundreds of
// allocations and most of a megabyte per step of the seed model). A
// rewinder sets only the counter back and keeps the registers that are
// safe to keep: their alloc instructions then find a value of the right
// shape and the ops write into it through UsePreallocDo.
//
// A register is kept when every node the compiler placed in it has one
// shape and dtype (a chain of in-place ops, not a reshape), and its value
// owns its memory: it is not a view and overlaps no other register,
// input or parameter, and no op that accumulates into its output buffer
// writes it (accumulates). Any other register is dropped as Reset would, so
// the first op of the next run cannot write through a stale view.
//
// The counter and the registers are unexported fields of gorgonia
// v0.9.18's tapeMachine, found once by reflection. Should a later
// Gorgonia rename or retype them, rewinders fall back to Reset.
// TestRewindMatchesReset checks that both give bit-identical training.
type rewinder struct {
	vm gorgonia.VM
	// pc and regs point into vm: its program counter and CPU registers
	// (nil when vm is not a tape machine of the known layout).
	pc   *int
	regs *[]gorgonia.Value
	// shapes holds, per register, the one shape of its nodes; nil for a
	// register never kept (mixed shapes, or an input's).
	shapes []tensor.Shape
	spans  []span // scratch, one per live register
}

// A span is the memory of one register's value.
type span struct {
	reg        int
	start, end uintptr
}

var tapeLayout = func() (l struct {
	typ         reflect.Type
	pc, cpumem  uintptr
	regID, regD int
}) {
	g := gorgonia.NewGraph()
	gorgonia.NewScalar(g, gorgonia.Float32, gorgonia.WithName("x"))
	t := reflect.TypeOf(gorgonia.NewTapeMachine(g))
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return l
	}
	pc, ok1 := t.Elem().FieldByName("pc")
	mem, ok2 := t.Elem().FieldByName("cpumem")
	lm, ok3 := t.MethodByName("LocMap")
	if !ok1 || !ok2 || !ok3 || pc.Type.Kind() != reflect.Int || mem.Type != reflect.TypeOf([]gorgonia.Value(nil)) {
		return l
	}
	reg := lm.Type.Out(0).Elem()
	id, ok1 := reg.FieldByName("id")
	dev, ok2 := reg.FieldByName("device")
	if !ok1 || !ok2 || id.Type.Kind() != reflect.Int || dev.Type != reflect.TypeOf(gorgonia.CPU) {
		return l
	}
	l.typ, l.pc, l.cpumem, l.regID, l.regD = t, pc.Offset, mem.Offset, id.Index[0], dev.Index[0]
	return l
}()

// accumulates lists the Gorgonia ops of gomtl's graphs whose
// UsePreallocDo adds into the buffer it is given rather than overwrite it
// (the gradient of Slice, which cross-stitch and the expert mixtures use):
// a register one of them writes is never kept. A Gorgonia upgrade or a new
// op in gomtl's graphs has to be checked against this list;
// TestRewindMatchesReset covers the graphs gomtl builds.
var accumulates = map[string]bool{
	"gorgonia.sliceIncrOp": true,
}

// useRewind is false in tests that compare rewinding with Reset.
var useRewind = tapeLayout.typ != nil

// newRewinder prepares vm for rewinding.
func newRewinder(vm gorgonia.VM) *rewinder {
	r := &rewinder{vm: vm}
	if tapeLayout.typ == nil || reflect.TypeOf(vm) != tapeLayout.typ {
		return r
	}
	base := reflect.ValueOf(vm).UnsafePointer()
	r.pc = (*int)(unsafe.Add(base, tapeLayout.pc))
	r.regs = (*[]gorgonia.Value)(unsafe.Add(base, tapeLayout.cpumem))
	locs := reflect.ValueOf(vm).MethodByName("LocMap").Call(nil)[0]
	n := len(*r.regs)
	r.shapes = make([]tensor.Shape, n)
	mixed := make([]bool, n)
	for it := locs.MapRange(); it.Next(); {
		node := it.Key().Interface().(*gorgonia.Node)
		reg := it.Value()
		id := int(reg.Field(tapeLayout.regID).Int())
		if reg.Field(tapeLayout.regD).Int() != int64(gorgonia.CPU) || id < 0 || id >= n {
			continue
		}
		switch {
		case node.Op() == nil, mixed[id], accumulates[fmt.Sprintf("%T", node.Op())]:
			mixed[id] = true
		case r.shapes[id] == nil:
			r.shapes[id] = node.Shape().Clone()
		case !r.shapes[id].Eq(node.Shape()):
			mixed[id] = true
		}
	}
	for i := range r.shapes {
		if mixed[i] {
			r.shapes[i] = nil
		}
	}
	r.spans = make([]span, 0, n)
	return r
}

// rewind readies the machine for its next run.
func (r *rewinder) rewind() {
	if !useRewind || r.shapes == nil {
		r.vm.Reset()
		return
	}
	regs := *r.regs
	r.spans = r.spans[:0]
	for i, v := range regs {
		if v == nil || v.MemSize() == 0 {
			continue
		}
		start := v.Uintptr()
		r.spans = append(r.spans, span{i, start, start + v.MemSize()})
	}
	slices.SortFunc(r.spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for i, s := range r.spans {
		for _, t := range r.spans[i+1:] {
			if t.start >= s.end {
				break
			}
			regs[s.reg], regs[t.reg] = nil, nil
		}
	}
	for i, v := range regs {
		if v == nil {
			continue
		}
		d, dense := v.(*tensor.Dense)
		if r.shapes[i] == nil || (dense && d.IsView()) || !v.Shape().Eq(r.shapes[i]) {
			regs[i] = nil
		}
	}
	*r.pc = 0
}
