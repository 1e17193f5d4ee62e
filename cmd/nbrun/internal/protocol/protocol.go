// Package protocol is the wire format between nbrun and the notebook
// programs it generates.
//
// The program writes the notebook's own output straight to its standard
// output and standard error, and its messages (a cell begins, a value is
// displayed, a cell fails ...) as single lines on standard output that
// start with a marker holding a per-run nonce. Before each message it
// writes the same marker with the message's sequence number on standard
// error. Text read from either stream before marker n belongs before
// message n, so nbrun attributes every write to its cell, in order with the
// displays, without the program redirecting or buffering anything: a
// crash report or a log.Fatal line that the runtime writes as the process
// dies is still attributed to the cell that was running.
package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// NonceEnv names the environment variable that carries the nonce to the
// program. A program started without it runs standalone and prints its
// results as text.
const NonceEnv = "NBRUN_NONCE"

// Message types.
const (
	Begin   = "begin"   // a cell starts
	Display = "display" // a display_data output
	Result  = "result"  // an execute_result output
	Error   = "error"   // the cell failed; nothing more runs
	End     = "end"     // the cell finished
	Done    = "done"    // every cell ran
)

// A Message is one protocol line.
type Message struct {
	Seq       int                    `json:"seq"`
	Type      string                 `json:"type"`
	Cell      int                    `json:"cell"`
	Data      map[string]interface{} `json:"data,omitempty"`
	Metadata  map[string]interface{} `json:"metadata,omitempty"`
	Ename     string                 `json:"ename,omitempty"`
	Evalue    string                 `json:"evalue,omitempty"`
	Traceback []string               `json:"traceback,omitempty"`
	// Line is the line within the cell where an error arose, 0 if unknown.
	Line int `json:"line,omitempty"`
}

// Marker is the prefix of every protocol line for nonce.
func Marker(nonce string) []byte { return []byte("\x1fnbrun:" + nonce + ":") }

// EncodeMessage is the line for m: marker, JSON, newline.
func EncodeMessage(nonce string, m *Message) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	line := append(Marker(nonce), 'm')
	line = append(line, b...)
	return append(line, '\n'), nil
}

// EncodeSync is the line written on standard error before message seq.
func EncodeSync(nonce string, seq int) []byte {
	line := append(Marker(nonce), 's')
	line = strconv.AppendInt(line, int64(seq), 10)
	return append(line, '\n')
}

// Split looks for the first marker line in data. It returns the text before
// the marker; when a marker was found, found is set, and when its line is
// complete, payload is the line after the marker (without the newline) and
// rest what follows it. An incomplete line is returned whole as rest.
func Split(data []byte, marker []byte) (before, payload, rest []byte, found, complete bool) {
	i := bytes.Index(data, marker)
	if i < 0 {
		return data, nil, nil, false, false
	}
	// The line ends at the first newline after the marker (a marker may
	// hold one: Marker takes any nonce).
	k := i + len(marker)
	j := bytes.IndexByte(data[k:], '\n')
	if j < 0 {
		return data[:i], nil, data[i:], true, false
	}
	return data[:i], data[k : k+j], data[k+j+1:], true, true
}

// DecodeMessage parses the payload of a message line.
func DecodeMessage(payload []byte) (*Message, error) {
	if len(payload) == 0 || payload[0] != 'm' {
		return nil, fmt.Errorf("protocol: not a message line")
	}
	var m Message
	if err := json.Unmarshal(payload[1:], &m); err != nil {
		return nil, fmt.Errorf("protocol: %v", err)
	}
	return &m, nil
}

// DecodeSync parses the payload of a sync line.
func DecodeSync(payload []byte) (int, error) {
	if len(payload) == 0 || payload[0] != 's' {
		return 0, fmt.Errorf("protocol: not a sync line")
	}
	return strconv.Atoi(string(payload[1:]))
}
