package mtl

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fuzzCheckpoint returns the bytes of a real checkpoint of a small run.
func fuzzCheckpoint(f *testing.F) []byte {
	dir := f.TempDir()
	_, err := MustNew(syntheticSpec()).Fit(context.Background(), synthetic(60, 1),
		FitConfig{Epochs: 1, BatchSize: 16, ValidationSplit: 0.2, Checkpoint: CheckpointConfig{Dir: dir}})
	if err != nil {
		f.Fatal(err)
	}
	files, err := listCheckpoints(dir)
	if err != nil || len(files) == 0 {
		f.Fatalf("no checkpoint written: %v", err)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		f.Fatal(err)
	}
	return raw
}

// FuzzCheckpointFile feeds arbitrary bytes to the checkpoint reader: it
// must return a checkpoint or an error, never panic, and what it accepts
// must re-encode to an equal checkpoint.
func FuzzCheckpointFile(f *testing.F) {
	raw := fuzzCheckpoint(f)
	f.Add(raw)
	f.Add(raw[:len(raw)/2])
	f.Add([]byte(CheckpointMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decodeCheckpoint(data)
		if err != nil {
			return
		}
		again, err := encodeCheckpoint(d)
		if err != nil {
			t.Fatalf("re-encoding an accepted checkpoint: %v", err)
		}
		d2, err := decodeCheckpoint(again)
		if err != nil {
			t.Fatalf("decoding a re-encoded checkpoint: %v", err)
		}
		// Best may be NaN and gob writes maps in random order: compare
		// the parts that must survive exactly.
		if !reflect.DeepEqual(d.Params, d2.Params) || d.Steps != d2.Steps || !reflect.DeepEqual(d.Epoch, d2.Epoch) ||
			!bytes.Equal(d.Optimizer, d2.Optimizer) || !reflect.DeepEqual(d.History.Keys, d2.History.Keys) {
			t.Fatal("re-encoded checkpoint differs")
		}
	})
}

// FuzzCheckpointPayload frames arbitrary payloads with a valid header and
// checksum, so that the fuzzer reaches the payload decoder, the config
// and spec inside it and the model they build: errors, never panics.
func FuzzCheckpointPayload(f *testing.F) {
	raw := fuzzCheckpoint(f)
	f.Add(raw[ckptHeaderSize : len(raw)-sha256.Size])
	f.Fuzz(func(t *testing.T, payload []byte) {
		var b bytes.Buffer
		b.WriteString(CheckpointMagic)
		binary.Write(&b, binary.LittleEndian, uint32(CheckpointVersion))
		binary.Write(&b, binary.LittleEndian, uint64(len(payload)))
		b.Write(payload)
		sum := sha256.Sum256(payload)
		b.Write(sum[:])
		d, err := decodeCheckpoint(b.Bytes())
		if err != nil {
			return
		}
		c, err := newCheckpoint("fuzz.ckpt", d, nil)
		if err != nil {
			return
		}
		// Model recovers panics into errors: such an error is a failure.
		if _, err := c.Model(); err != nil && strings.Contains(err.Error(), "unexpected panic") {
			t.Fatal(err)
		}
		c.History()
	})
}
