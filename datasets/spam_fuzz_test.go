package datasets

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// spamFixtures is the corpus of testdata/spam/corpus, a record of each
// group (the one of spam-1 holds U+FFFD where its .txt copy holds
// Latin-1 bytes).
const spamFixtures = "testdata/spam/corpus"

// FuzzReadSpamList checks that readSpamList never panics on a
// file_list.json holding any bytes, and returns either an error naming
// the file and no list, or the records of exactly the entries the file
// lists: sorted, without repeats, each <group>/<name>.json with a known
// group; and that a file listing those records reads the same. The seeds
// are the fixtures' file list, read when the fuzzing starts, and broken
// lists.
func FuzzReadSpamList(f *testing.F) {
	fixture, err := os.ReadFile(filepath.Join(spamFixtures, "file_list.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	for _, s := range []string{
		`[]`, `null`, `{}`, `["spam-1/a.txt", "spam-1/a.txt"]`, `["spam-1/a.txt", "spam-2/a.txt"]`,
		`["spam-1/.txt"]`, `["spam-3/a.txt"]`, `["spam-1/a/b.txt"]`, `["spam-1/a.json"]`, `["spam-1/../spam-2/a.txt"]`,
		`["spam-1/a\\b.txt"]`, `["/spam-1/a.txt"]`, `["spam-1//a.txt"]`, `["spam-1/./a.txt"]`, `["hard-ham-1/\u00e9.txt"]`, `[1]`, `["spam-1/a.txt"] x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p := filepath.Join(t.TempDir(), "file_list.json")
		if err := os.WriteFile(p, in, 0o644); err != nil {
			t.Fatal(err)
		}
		files, err := readSpamList(p)
		if err != nil {
			if files != nil {
				t.Fatalf("list %q returned with error %v", files, err)
			}
			if !strings.HasPrefix(err.Error(), "datasets: "+p+": ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}

		var list []string
		if err := json.Unmarshal(in, &list); err != nil {
			t.Fatalf("readSpamList accepted a list that does not decode: %v", err)
		}
		if len(files) == 0 || len(files) != len(list) {
			t.Fatalf("%d records from a list of %d", len(files), len(list))
		}
		if !slices.IsSorted(files) || len(slices.Compact(slices.Clone(files))) != len(files) {
			t.Fatalf("records %q out of order or repeated", files)
		}
		groups := spamGroups()
		want := make([]string, len(list))
		for i, e := range list {
			want[i] = strings.TrimSuffix(e, ".txt") + ".json"
		}
		slices.Sort(want)
		if !slices.Equal(files, want) {
			t.Fatalf("records %q, the list names %q", files, want)
		}
		for _, file := range files {
			group, name, _ := strings.Cut(file, "/")
			if !slices.Contains(groups[:], group) || name == ".json" || strings.ContainsAny(name, `/\`) || path.Clean(file) != file {
				t.Fatalf("record %q is not <group>/<name>.json", file)
			}
		}

		txts := make([]string, len(files))
		for i, file := range files {
			txts[i] = strings.TrimSuffix(file, ".json") + ".txt"
		}
		b, err := json.Marshal(txts)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if again, err := readSpamList(p); err != nil || !slices.Equal(again, files) {
			t.Fatalf("re-encoded list reads as %q, %v; want %q", again, err, files)
		}
	})
}

// FuzzReadSpamMessage checks that readSpamMessage never panics on a
// record file and a .txt copy holding any bytes, at any path
// readSpamList can give, and returns either an error naming the record
// file, leaving the message alone, or a message of the record's group
// and id whose raw text has the recorded MD5 (or the one spamErratum
// gives) and is the record's text or the .txt copy, parsed by ParseEmail.
// The seeds are the fixtures' records and copies, read when the fuzzing
// starts, and broken records.
func FuzzReadSpamMessage(f *testing.F) {
	list, err := readSpamList(filepath.Join(spamFixtures, "file_list.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range list {
		rec, err := os.ReadFile(filepath.Join(spamFixtures, filepath.FromSlash(file)))
		if err != nil {
			f.Fatal(err)
		}
		txt, err := os.ReadFile(filepath.Join(spamFixtures, filepath.FromSlash(strings.TrimSuffix(file, ".json")+".txt")))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file, rec, txt)
	}
	const file = "spam-2/00002.0123456789abcdef0123456789abcdef.json"
	sum := md5.Sum([]byte("Subject: x\n\nbody\n"))
	for _, rec := range []string{
		`{}`, `null`, `[]`, `{"id": "00002"}`, `{"id": "00002", "group": "spam-2"}`, `{"id": "00002", "group": "spam-2", "checksum": {}}`,
		`{"id": "00002", "group": "spam-1", "checksum": {"type": "MD5", "value": "` + hex.EncodeToString(sum[:]) + `"}, "text": "Subject: x\n\nbody\n"}`,
		`{"id": "00003", "group": "spam-2", "checksum": {"type": "MD5", "value": "` + hex.EncodeToString(sum[:]) + `"}, "text": "Subject: x\n\nbody\n"}`,
		`{"id": "00002", "group": "spam-2", "checksum": {"type": "SHA1", "value": "` + hex.EncodeToString(sum[:]) + `"}, "text": "Subject: x\n\nbody\n"}`,
		`{"id": "00002", "group": "spam-2", "checksum": {"type": "MD5", "value": "zz"}, "text": "Subject: x\n\nbody\n"}`,
		`{"id": "00002", "group": "spam-2", "checksum": {"type": "MD5", "value": "` + hex.EncodeToString(sum[:]) + `"}, "text": "Subject: x\n\nbody\n"}`,
		`{"id": "00002", "group": "spam-2", "checksum": {"type": "MD5", "value": "` + hex.EncodeToString(sum[:]) + `"}, "text": "Subject: \ufffd\n\nbody\n"}`,
	} {
		f.Add(file, []byte(rec), []byte("Subject: x\n\nbody\n"))
	}
	f.Fuzz(func(t *testing.T, file string, rec, txt []byte) {
		group, name, _ := strings.Cut(file, "/")
		stem, ok := strings.CutSuffix(name, ".json")
		if groups := spamGroups(); !slices.Contains(groups[:], group) || !ok || stem == "" || strings.ContainsAny(name, `/\`) || path.Clean(file) != file {
			t.Skip("not a record path readSpamList gives")
		}
		dir := t.TempDir()
		p := filepath.Join(dir, filepath.FromSlash(file))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, rec, 0o644); err != nil {
			t.Skipf("the file system refuses the name %q: %q", file, err) // a NUL byte, say
		}
		if err := os.WriteFile(strings.TrimSuffix(p, ".json")+".txt", txt, 0o644); err != nil {
			t.Fatal(err)
		}
		var m SpamMessage
		if err := readSpamMessage(&m, dir, file); err != nil {
			if !reflect.DeepEqual(m, SpamMessage{}) {
				t.Fatalf("message %+v filled in with error %v", m, err)
			}
			if !strings.HasPrefix(err.Error(), "datasets: "+p+": ") {
				t.Fatalf("error %q does not name the record file", err)
			}
			return
		}

		var r spamRecord
		if err := json.Unmarshal(rec, &r); err != nil {
			t.Fatalf("readSpamMessage accepted a record that does not decode: %v", err)
		}
		if m.File != file || m.Group != group || m.Group != *r.Group || m.ID != *r.ID || m.ID == "" || !strings.HasPrefix(name, m.ID+".") {
			t.Fatalf("message %q, group %q, id %q from record %q of group %q", m.File, m.Group, m.ID, file, *r.Group)
		}
		if m.IsSpam() != strings.HasPrefix(group, "spam-") || m.IsHardHam() != (group == "hard-ham-1") {
			t.Fatalf("group %q: IsSpam %v, IsHardHam %v", group, m.IsSpam(), m.IsHardHam())
		}
		if !bytes.Equal(m.Raw, []byte(*r.Text)) && !bytes.Equal(m.Raw, txt) {
			t.Fatal("raw text is neither the record's text nor the .txt copy")
		}
		got := md5.Sum(m.Raw)
		if h := hex.EncodeToString(got[:]); !strings.EqualFold(h, r.Checksum.Value) && h != spamErratum(file) {
			t.Fatalf("MD5 %s, the record says %s", h, r.Checksum.Value)
		}
		if m.Email == nil || !reflect.DeepEqual(m.Email, ParseEmail(m.Raw)) {
			t.Fatal("Email is not ParseEmail(Raw)")
		}
	})
}
