package mtl

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pkg/errors"
)

// The checkpoint file format: a header, a gob-encoded payload and the
// SHA-256 of the payload.
//
//	offset  size  content
//	0       16    "gomtl-checkpoint" (CheckpointMagic)
//	16      4     format version, uint32 little-endian (CheckpointVersion)
//	20      8     payload length in bytes, uint64 little-endian
//	28      n     payload: a gob-encoded checkpointData
//	28+n    32    SHA-256 of the payload
//
// A file that is shorter or longer than its header says, or whose payload
// does not hash to the trailer, is refused before the payload is decoded.
const (
	CheckpointMagic   = "gomtl-checkpoint"
	CheckpointVersion = 1
	ckptHeaderSize    = len(CheckpointMagic) + 4 + 8
	// maxCheckpointBytes bounds what readCheckpointFile reads: far above
	// any model this package can train in memory, far below what a
	// corrupted length field could ask for.
	maxCheckpointBytes = 16 << 30
)

// encodeCheckpoint returns the file bytes of d.
func encodeCheckpoint(d *checkpointData) ([]byte, error) {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(d); err != nil {
		return nil, errors.Wrap(err, "encoding checkpoint")
	}
	out := make([]byte, 0, ckptHeaderSize+payload.Len()+sha256.Size)
	out = append(out, CheckpointMagic...)
	out = binary.LittleEndian.AppendUint32(out, CheckpointVersion)
	out = binary.LittleEndian.AppendUint64(out, uint64(payload.Len()))
	out = append(out, payload.Bytes()...)
	sum := sha256.Sum256(payload.Bytes())
	return append(out, sum[:]...), nil
}

// decodeCheckpoint checks the framing and checksum of raw and decodes its
// payload. It never panics: a damaged file is an error saying what is
// wrong with it.
func decodeCheckpoint(raw []byte) (d *checkpointData, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, errors.Errorf("decoding the payload: %v", r)
		}
	}()
	if len(raw) < ckptHeaderSize+sha256.Size {
		return nil, errors.Errorf("%d bytes, shorter than the smallest checkpoint (%d): truncated", len(raw), ckptHeaderSize+sha256.Size)
	}
	if string(raw[:len(CheckpointMagic)]) != CheckpointMagic {
		return nil, errors.Errorf("not a gomtl checkpoint (it starts %q)", raw[:len(CheckpointMagic)])
	}
	if v := binary.LittleEndian.Uint32(raw[len(CheckpointMagic):]); v != CheckpointVersion {
		return nil, errors.Errorf("format version %d, this gomtl reads version %d", v, CheckpointVersion)
	}
	n := binary.LittleEndian.Uint64(raw[len(CheckpointMagic)+4:])
	if want := uint64(len(raw) - ckptHeaderSize - sha256.Size); n != want {
		return nil, errors.Errorf("the header says %d payload bytes but the file holds %d: truncated or damaged", n, want)
	}
	payload := raw[ckptHeaderSize : ckptHeaderSize+int(n)]
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], raw[ckptHeaderSize+int(n):]) {
		return nil, errors.New("checksum mismatch: the file is damaged")
	}
	d = &checkpointData{}
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(d); err != nil {
		return nil, errors.Wrap(err, "decoding the payload")
	}
	return d, nil
}

// readCheckpointFile reads and decodes the checkpoint at path.
func readCheckpointFile(path string) (*checkpointData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > maxCheckpointBytes {
		return nil, errors.Errorf("%d bytes, more than a checkpoint can be (%d)", fi.Size(), int64(maxCheckpointBytes))
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return decodeCheckpoint(raw)
}

// writeFileDurable writes data to path so that a crash at any moment
// leaves either the old file or the new one, never a mix: a temporary
// file in the same folder is written and fsynced, renamed over path, and
// the folder is fsynced so that the rename itself survives a power loss.
func writeFileDurable(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir fsyncs a folder, making the renames in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync of folder %s: %w", dir, err)
	}
	return nil
}
