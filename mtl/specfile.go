package mtl

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"

	"github.com/pkg/errors"
)

// ReadSpecFile reads a Spec from a JSON file and validates it. Unknown
// fields are errors (a misspelt field would otherwise be silently
// ignored); errors name the file, the field and, where the decoder gives
// an offset, the line.
func ReadSpecFile(path string) (Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, errors.Wrap(err, "mtl: spec file")
	}
	s, err := ParseSpec(data)
	if err != nil {
		return Spec{}, errors.Errorf("mtl: spec file %s: %s", path, strings.TrimPrefix(err.Error(), "mtl: "))
	}
	return s, nil
}

// ParseSpec decodes and validates a JSON spec; see ReadSpecFile.
func ParseSpec(data []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Spec{}, jsonError(data, err, dec.InputOffset())
	}
	if dec.More() {
		return Spec{}, errors.Errorf("line %d: more than one JSON value", lineAt(data, dec.InputOffset()))
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// jsonError rewrites a decoding error with the line it happened on; off
// is where the decoder stopped, for errors that carry no offset (an
// unknown field).
func jsonError(data []byte, err error, off int64) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.Errorf("line %d: unexpected end of file", lineAt(data, int64(len(data))))
	case errors.As(err, &syntax):
		return errors.Errorf("line %d: %v", lineAt(data, syntax.Offset), syntax)
	case errors.As(err, &typ):
		return errors.Errorf("line %d: field %q: %s where %v is wanted", lineAt(data, typ.Offset), typ.Field, typ.Value, typ.Type)
	}
	return errors.Errorf("line %d: %v", lineAt(data, off), strings.TrimPrefix(err.Error(), "json: "))
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}
