package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestNewRunDir(t *testing.T) {
	t.Chdir(t.TempDir())
	now := time.Date(2026, 11, 28, 16, 4, 5, 0, time.FixedZone("CET", 3600))
	var got []string
	for range 3 {
		d, err := newRunDir("", now)
		if err != nil {
			t.Fatal(err)
		}
		if !d.created {
			t.Errorf("%s: created is false", d.path)
		}
		got = append(got, d.path)
	}
	want := []string{"runs/20261128-150405", "runs/20261128-150405-2", "runs/20261128-150405-3"}
	for i := range want {
		if got[i] != filepath.FromSlash(want[i]) {
			t.Errorf("run folders %v, want %v (UTC, numbered when taken)", got, want)
			break
		}
	}
}

// discard removes a folder the run made while it is empty, and nothing
// else.
func TestRunDirDiscard(t *testing.T) {
	base := t.TempDir()
	tests := []struct {
		name     string
		existing bool // the folder is there before the run
		write    bool // the run wrote a file into it
		wantKept bool
	}{
		{"made and empty", false, false, false},
		{"made and written", false, true, true},
		{"existing and empty", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(base, tt.name)
			if tt.existing {
				if err := os.Mkdir(out, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			d, err := newRunDir(out, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tt.write {
				if err := d.writeFile("a.txt", []byte("a")); err != nil {
					t.Fatal(err)
				}
			}
			d.discard()
			if _, err := os.Stat(out); (err == nil) != tt.wantKept {
				t.Errorf("stat after discard: %v; want kept %v", err, tt.wantKept)
			}
		})
	}
}
