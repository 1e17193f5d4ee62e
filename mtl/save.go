package mtl

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/pkg/errors"
)

// The saved-model format: a folder holding model.json (this manifest) and
// weights.bin (every parameter's float32 values, little-endian, in the
// manifest's order). The manifest records the format version, the spec
// and the SHA-256 of the weights, so a model loads the same in any process
// and a damaged or mismatched file is refused.
const (
	ModelFormat   = "gomtl-model"
	ModelVersion  = 2
	manifestName  = "model.json"
	weightsName   = "weights.bin"
	weightsFormat = "float32-le"
)

type manifest struct {
	Format        string          `json:"format"`
	Version       int             `json:"version"`
	Spec          Spec            `json:"spec"`
	Weights       string          `json:"weights"`
	WeightsFormat string          `json:"weights_format"`
	WeightsBytes  int64           `json:"weights_bytes"`
	WeightsSHA256 string          `json:"weights_sha256"`
	Params        []manifestParam `json:"params"`
}

type manifestParam struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// Save writes the model (spec and weights) into dir, creating it if
// needed. Files are written under temporary names, fsynced and renamed
// into place.
func (m *Model) Save(dir string) (err error) {
	defer recoverPanic(&err, "save %s", dir)
	if m == nil {
		return errors.New("mtl: save: nil model")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "mtl: save")
	}
	var weights bytes.Buffer
	man := manifest{Format: ModelFormat, Version: ModelVersion, Spec: m.spec, Weights: weightsName, WeightsFormat: weightsFormat}
	for _, name := range m.params.Names() {
		v := m.params.Value(name)
		man.Params = append(man.Params, manifestParam{Name: name, Shape: append([]int(nil), v.Shape()...)})
		data, ok := v.Data().([]float32)
		if !ok {
			return errors.Errorf("mtl: save: parameter %q is %v, want float32", name, v.Dtype())
		}
		if err := binary.Write(&weights, binary.LittleEndian, data); err != nil {
			return errors.Wrap(err, "mtl: save: encoding weights")
		}
	}
	sum := sha256.Sum256(weights.Bytes())
	man.WeightsBytes = int64(weights.Len())
	man.WeightsSHA256 = hex.EncodeToString(sum[:])
	js, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return errors.Wrap(err, "mtl: save: encoding manifest")
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{weightsName, weights.Bytes()}, {manifestName, append(js, '\n')}} {
		if err := writeFileDurable(filepath.Join(dir, f.name), f.data); err != nil {
			return errors.Wrapf(err, "mtl: save %s", filepath.Join(dir, f.name))
		}
	}
	return nil
}

// Load reads a model written by Save.
func Load(dir string) (m *Model, err error) {
	defer recoverPanic(&err, "load %s", dir)
	path := filepath.Join(dir, manifestName)
	js, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrap(err, "mtl: load")
	}
	var man manifest
	if err := json.Unmarshal(js, &man); err != nil {
		return nil, errors.Wrapf(err, "mtl: load %s", path)
	}
	switch {
	case man.Format != ModelFormat:
		return nil, errors.Errorf("mtl: load %s: format %q, want %q", path, man.Format, ModelFormat)
	case man.Version > ModelVersion:
		return nil, errors.Errorf("mtl: load %s: format version %d is newer than this gomtl reads (%d)", path, man.Version, ModelVersion)
	case man.Version < 1:
		return nil, errors.Errorf("mtl: load %s: format version %d", path, man.Version)
	case man.WeightsFormat != weightsFormat:
		return nil, errors.Errorf("mtl: load %s: weights format %q, want %q", path, man.WeightsFormat, weightsFormat)
	case man.Weights != filepath.Base(man.Weights):
		return nil, errors.Errorf("mtl: load %s: weights file %q must be a plain file name", path, man.Weights)
	}
	if m, err = New(man.Spec); err != nil {
		return nil, errors.WithMessagef(err, "mtl: load %s", path)
	}
	names := m.params.Names()
	if len(names) != len(man.Params) {
		return nil, errors.Errorf("mtl: load %s: %d parameters listed, but the spec builds %d", path, len(man.Params), len(names))
	}
	want := int64(0)
	for i, p := range man.Params {
		v := m.params.Value(names[i])
		if p.Name != names[i] || !slices.Equal(p.Shape, []int(v.Shape())) {
			return nil, errors.Errorf("mtl: load %s: parameter %d is %q %v, but the spec builds %q %v", path, i, p.Name, p.Shape, names[i], []int(v.Shape()))
		}
		want += int64(v.Shape().TotalSize()) * 4
	}
	wpath := filepath.Join(dir, man.Weights)
	raw, err := os.ReadFile(wpath)
	if err != nil {
		return nil, errors.Wrap(err, "mtl: load")
	}
	if int64(len(raw)) != want || man.WeightsBytes != want {
		return nil, errors.Errorf("mtl: load %s: %d bytes (manifest says %d), the spec needs %d", wpath, len(raw), man.WeightsBytes, want)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != man.WeightsSHA256 {
		return nil, errors.Errorf("mtl: load %s: checksum mismatch: the file is damaged or does not belong to %s", wpath, path)
	}
	off := 0
	for _, name := range names {
		data := m.params.Value(name).Data().([]float32)
		for j := range data {
			data[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[off:]))
			off += 4
		}
	}
	return m, nil
}
