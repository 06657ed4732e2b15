package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/simulate"
)

// detectCLI runs `fanzha detect ARGS` and returns what it printed.
func detectCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runDetect(context.Background(), args, &out)
	return out.String(), err
}

// readCSV reads a whole CSV file as rows, header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return rows
}

func TestDetectTelecomOnSimulatedScenario(t *testing.T) {
	dir := t.TempDir()
	truth, err := simulate.WriteTelecom(simulate.TelecomConfig{Subscribers: 8000, Days: 2, Seed: 7, FraudShare: 0.02}, dir)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "cdr.csv")
	sus, warn := filepath.Join(dir, "suspects.csv"), filepath.Join(dir, "warnings.csv")
	var progress bytes.Buffer
	old := progressOutput
	progressOutput = func() io.Writer { return &progress }
	out, err := detectCLI(t, "telecom", "--in", in, "--out", sus, "--warnings", warn)
	progressOutput = old
	if err != nil {
		t.Fatalf("detect: %v\n%s", err, out)
	}
	t.Log(out)
	if p := progress.String(); !regexp.MustCompile(`^\r[0-9,]+ records, [0-9,]+ records/s, [0-9]+% of the input.*\n$`).MatchString(p) || !strings.Contains(p, "100% of the input") {
		t.Errorf("progress line %q", p)
	}
	for _, want := range []string{
		"read " + thousands(truth.Records) + " records from " + in,
		"accepted " + thousands(truth.Records) + ", rejected 0",
		"records/s, peak memory ",
		"duplicates 0, late 0",
		"suspects ", "mass_outreach ", "warnings ", "high ",
		"wrote " + sus + " and " + warn,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}

	rows := readCSV(t, sus)
	if want := "kind,value,score,detector,reasons,first_seen,last_seen"; strings.Join(rows[0], ",") != want {
		t.Errorf("suspects header %v, want %s", rows[0], want)
	}
	flagged := map[string]bool{}
	e164 := regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	for _, r := range rows[1:] {
		if len(r) != 7 {
			t.Fatalf("suspect row %v has %d fields", r, len(r))
		}
		if r[0] != "phone" || !e164.MatchString(r[1]) {
			t.Errorf("suspect %v: want a phone number in E.164", r)
		}
		if s, err := strconv.Atoi(r[2]); err != nil || s < 0 || s > 100 {
			t.Errorf("suspect %v: score %q", r, r[2])
		}
		if r[4] == "" {
			t.Errorf("suspect %v has no reasons", r)
		}
		for _, ts := range r[5:7] {
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				t.Errorf("suspect %v: %v", r, err)
			}
		}
		flagged[r[1]] = true
	}
	var opts indicator.Options
	found := 0
	for _, l := range truth.FraudLines {
		ind, err := opts.Detect(l.Number)
		if err != nil {
			t.Fatalf("truth number %q: %v", l.Number, err)
		}
		if flagged[ind.Value()] {
			found++
		} else {
			t.Logf("fraud line not in suspects.csv: %s (%s)", ind.Value(), l.Kind)
		}
	}
	if len(truth.FraudLines) == 0 || found*10 < len(truth.FraudLines)*9 {
		t.Errorf("suspects.csv has %d of the %d fraud lines of truth.json, want ≥ 90%%", found, len(truth.FraudLines))
	}

	rows = readCSV(t, warn)
	if want := "subscriber,suspect,first_contact,score,reason,grade"; strings.Join(rows[0], ",") != want {
		t.Errorf("warnings header %v, want %s", rows[0], want)
	}
	if len(rows) < 2 {
		t.Errorf("no warnings for %d victims", len(truth.Victims))
	}
	for _, r := range rows[1:] {
		if len(r) != 6 || !e164.MatchString(r[1]) || !slices.Contains([]string{"high", "medium", "low"}, r[5]) {
			t.Errorf("warning row %v", r)
			continue
		}
		if _, err := time.Parse(time.RFC3339, r[2]); err != nil {
			t.Errorf("warning %v: %v", r, err)
		}
		if !flagged[r[1]] {
			t.Errorf("warning %v names a suspect not in suspects.csv", r)
		}
	}

	// The same records gzipped, and through stdin, give the same files.
	want := [2][]byte{mustRead(t, sus), mustRead(t, warn)}
	gz := filepath.Join(dir, "cdr.csv.gz")
	writeGzip(t, gz, mustRead(t, in))
	sus2, warn2 := filepath.Join(dir, "s2.csv"), filepath.Join(dir, "w2.csv")
	if out, err := detectCLI(t, "telecom", "--in", gz, "--out", sus2, "--warnings", warn2); err != nil {
		t.Fatalf("gzip: %v\n%s", err, out)
	}
	if !bytes.Equal(mustRead(t, sus2), want[0]) || !bytes.Equal(mustRead(t, warn2), want[1]) {
		t.Error("the gzipped file gave other outputs")
	}
	withStdin(t, in, func() {
		if out, err := detectCLI(t, "telecom", "--in", "-", "--out", sus2, "--warnings", warn2); err != nil || !strings.Contains(out, "from stdin") {
			t.Fatalf("stdin: %v\n%s", err, out)
		}
	})
	if !bytes.Equal(mustRead(t, sus2), want[0]) || !bytes.Equal(mustRead(t, warn2), want[1]) {
		t.Error("stdin gave other outputs")
	}
}

func TestDetectTelecomReportsBadRows(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "cdr.csv")
	rows := "id,start,caller,callee,duration,type\n" +
		"r1,2026-11-20T09:00:00+08:00,138 0013 8000,13900139000,60,voice\n" + // line 2
		"r2,2026-11-20T09:01:00+08:00,not a number,13900139000,60,voice\n" + // line 3
		"r3,yesterday,13800138000,13900139000,60,voice\n" + // line 4
		"r4,2026-11-20T09:02:00+08:00,13800138000,13900139000,-5,voice\n" + // line 5
		"r5,2026-11-20T09:03:00+08:00,13800138000,13900139000,0,fax\n" + // line 6
		"r6,2026-11-20T09:04:00+08:00,+86 138 0013 8000,+86 139 0013 9000,12,sms\n" // line 7
	if err := os.WriteFile(in, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	sus := filepath.Join(dir, "suspects.csv")
	out, err := detectCLI(t, "telecom", "--in", in, "--out", sus)
	if err != nil {
		t.Fatalf("a file with some bad rows: %v\n%s", err, out)
	}
	for _, want := range []string{
		"read 6 records", "accepted 2, rejected 4",
		"line 3: caller: ", "line 4: start: ", "line 5: duration: negative", "line 6: type: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if got := readCSV(t, sus); len(got) != 1 {
		t.Errorf("suspects from two ordinary calls: %v", got)
	}

	// Files that cannot be used at all say why.
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, in, want string
	}{
		{"all rows bad", write("bad.csv", "id,start,caller,callee,duration\nr1,never,x,y,z\n"), "all 1 were rejected (first: line 2: start"},
		{"missing column", write("nocallee.csv", "id,start,caller,duration\nr1,2026-11-20T09:00:00Z,13800138000,5\n"), `lacks the required column "callee"`},
		{"empty", write("empty.csv", ""), "empty CSV"},
		{"missing file", filepath.Join(dir, "absent.csv"), "no such file"},
		{"directory", func() string { p := filepath.Join(dir, "d.csv"); os.Mkdir(p, 0o755); return p }(), "is a directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "-")+".csv")
			_, err := detectCLI(t, "telecom", "--in", c.in, "--out", out)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error with %q", err, c.want)
			}
			if errors.Is(err, errUsage) {
				t.Errorf("a bad input file is not a usage error: %v", err)
			}
			if _, serr := os.Stat(out); serr == nil {
				t.Errorf("a failed run left %s behind", out)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".out-*.tmp")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestDetectTelecomUsage(t *testing.T) {
	in := filepath.Join(t.TempDir(), "cdr.csv")
	for _, args := range [][]string{
		{},
		{"money"},
		{"telecom"},
		{"telecom", "--out", "s.csv"},
		{"telecom", "--in", "cdr.txt"},
		{"telecom", "--in", in, "--format", "xml"},
		{"telecom", "--in", in, "--region", "XX"},
		{"telecom", "--in", in, "extra"},
		{"telecom", "--in", in, "--bogus"},
	} {
		if _, err := detectCLI(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("detect %v: got %v, want a usage error", args, err)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeGzip(t *testing.T, path string, data []byte) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withStdin runs fn with os.Stdin reading the file at path.
func withStdin(t *testing.T, path string, fn func()) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	fn()
}
