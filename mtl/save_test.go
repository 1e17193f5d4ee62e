package mtl

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	m := MustNew(syntheticSpec()) // trained below, so only read weights can match
	d := synthetic(200, 1)
	if _, err := m.Fit(context.Background(), d, FitConfig{Epochs: 2}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded.Spec(), m.Spec()) {
		t.Errorf("spec %+v after load, want %+v", loaded.Spec(), m.Spec())
	}
	want, _ := m.Evaluate(context.Background(), d)
	got, err := loaded.Evaluate(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded model evaluates to %+v, saved one to %+v", got, want)
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	m := MustNew(syntheticSpec())
	for _, tc := range []struct {
		name  string
		spoil func(dir string) error
		want  string
	}{
		{"missing folder", func(dir string) error { return os.RemoveAll(dir) }, "no such file"},
		{"flipped weight byte", func(dir string) error {
			return editFile(filepath.Join(dir, "weights.bin"), func(b []byte) []byte { b[10] ^= 1; return b })
		}, "checksum mismatch"},
		{"truncated weights", func(dir string) error {
			return editFile(filepath.Join(dir, "weights.bin"), func(b []byte) []byte { return b[:len(b)-4] })
		}, "the spec needs"},
		{"newer version", func(dir string) error { return editManifest(dir, func(m map[string]any) { m["version"] = 99 }) }, "format version 99 is newer"},
		{"other format", func(dir string) error { return editManifest(dir, func(m map[string]any) { m["format"] = "keras" }) }, `format "keras"`},
		{"spec changed", func(dir string) error {
			return editManifest(dir, func(m map[string]any) {
				m["spec"].(map[string]any)["shared"].([]any)[0].(map[string]any)["units"] = 17
			})
		}, `parameter 0 is "shared.0.w" [6 16], but the spec builds "shared.0.w" [6 17]`},
		{"escaping weights path", func(dir string) error {
			return editManifest(dir, func(m map[string]any) { m["weights"] = "../weights.bin" })
		}, "must be a plain file name"},
		{"bad json", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "model.json"), []byte("{"), 0o644)
		}, "model.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "model")
			if err := m.Save(dir); err != nil {
				t.Fatal(err)
			}
			if err := tc.spoil(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func editFile(path string, f func([]byte) []byte) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, f(b), 0o644)
}

func editManifest(dir string, f func(map[string]any)) error {
	return editFile(filepath.Join(dir, "model.json"), func(b []byte) []byte {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			panic(err)
		}
		f(m)
		out, _ := json.Marshal(m)
		return out
	})
}
