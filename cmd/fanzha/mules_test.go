package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
)

func TestDetectMulesOnSimulatedScenario(t *testing.T) {
	dir := t.TempDir()
	truth, err := simulate.WriteMoney(simulate.MoneyConfig{Accounts: 6000, Victims: 60, Days: 30, Seed: 3}, dir)
	if err != nil {
		t.Fatal(err)
	}
	mules := map[string]bool{}
	for _, m := range truth.Mules {
		mules[strings.ToLower(m.Value)] = true
	}
	in := filepath.Join(dir, "transfers.csv")
	gz := filepath.Join(dir, "transfers.csv.gz")
	raw, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	writeGzip(t, gz, raw)
	for _, tc := range []struct {
		name string
		in   string
		args []string
	}{
		{"csv with attributions and reports", in, []string{"--attributions", filepath.Join(dir, "attributions.csv"), "--victims", filepath.Join(dir, "reports.ndjson")}},
		{"gzip, behaviour alone", gz, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "mules.csv")
			summary, err := detectCLI(t, append([]string{"mules", "--in", tc.in, "--out", out}, tc.args...)...)
			if err != nil {
				t.Fatalf("detect mules: %v\n%s", err, summary)
			}
			t.Log(summary)
			for _, want := range []string{
				"read " + thousands(truth.Counts.Transfers) + " transfers from " + tc.in + " (transfer) in ",
				"records/s, peak memory ",
				"accepted " + thousands(truth.Counts.Transfers) + ", rejected 0, skipped 0\n",
				"scored ", "accounts that received money",
				"suspects ", "pass_through ", "fan_in_out ", "consolidation ",
				"wrote " + out,
			} {
				if !strings.Contains(summary, want) {
					t.Errorf("summary lacks %q", want)
				}
			}
			if len(tc.args) > 0 && !strings.Contains(summary, "victim evidence: 60 lines accepted, 0 rejected") {
				t.Errorf("summary does not account for the reports")
			}
			rows := readCSV(t, out)
			if !slices.Equal(rows[0], suspectColumns) {
				t.Fatalf("header %q", rows[0])
			}
			hit := 0
			for _, r := range rows[1:] {
				score, err := strconv.Atoi(r[2])
				if err != nil || score < 50 || score > 100 || r[3] == "" || r[4] == "" || r[5] == "" || r[6] == "" {
					t.Errorf("bad row %q", r)
				}
				if mules[strings.ToLower(r[1])] {
					hit++
				}
			}
			n := len(rows) - 1
			t.Logf("%d suspects, %d of them mules, of %d mules", n, hit, len(truth.Mules))
			if n == 0 || float64(hit) < 0.9*float64(n) || float64(hit) < 0.8*float64(len(truth.Mules)) {
				t.Errorf("%d suspects, %d of them mules, of %d mules", n, hit, len(truth.Mules))
			}
		})
	}
}

func TestDetectMulesUsage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "t.csv")
	os.WriteFile(good, []byte("id,time,rail,amount,from,to\n"), 0o644)
	for _, tc := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"mules"}, true, "needs --in"},
		{[]string{"mules", "--in", good, "extra"}, true, "no arguments"},
		{[]string{"mules", "--in", good, "--min-score", "0"}, true, "--min-score 0"},
		{[]string{"mules", "--in", good, "--window", "10s"}, true, "shorter than a minute"},
		{[]string{"mules", "--in", good, "--as-of", "yesterday"}, true, "RFC 3339"},
		{[]string{"mules", "--in", filepath.Join(dir, "t.txt")}, true, "cannot tell the format"},
		{[]string{"mules", "--in", filepath.Join(dir, "missing.csv")}, false, "no such file"},
		{[]string{"mules", "--in", good}, false, "no transfers"},
		{[]string{"mules", "--in", dir, "--format", "csv"}, false, "is a directory"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := detectCLI(t, tc.args...)
			if err == nil || errors.Is(err, errUsage) != tc.usage || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want usage=%v containing %q", err, tc.usage, tc.want)
			}
		})
	}
}

// TestLedgerLoadChunks reads a file in chunks far smaller than its rows, so
// that every record boundary case is met: quoted fields with commas,
// quotes and newlines, CRLF line ends, rejected rows, whose line numbers
// must be the file's.
func TestLedgerLoadChunks(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,time,rail,amount,from,to,memo\r\n")
	line := 2
	var badLines []int
	accepted := 0
	for i := 0; i < 60; i++ {
		switch {
		case i%13 == 5:
			fmt.Fprintf(&b, "x%d,2026-11-20T10:00:00+08:00,bank,-5,6222000011112222,6217000011112222333,\n", i)
			badLines = append(badLines, line)
			line++
		case i%7 == 3:
			fmt.Fprintf(&b, "x%d,2026-11-20T10:%02d:00+08:00,bank,10.5,6222000011112222,6217000011112222333,\"rent, \"\"March\"\"\nsecond line\"\r\n", i, i)
			accepted++
			line += 2
		default:
			fmt.Fprintf(&b, "x%d,2026-11-20T10:%02d:00+08:00,bank,1%d.00,6222000011112222,6217000011112222333,ok\n", i, i, i)
			accepted++
			line++
		}
	}
	for _, chunk := range []int{1, 17, 100, 1 << 20} {
		t.Run(strconv.Itoa(chunk), func(t *testing.T) {
			ld := &ledgerLoad{l: money.NewLedger(), chunk: chunk}
			sum, err := ld.load(context.Background(), strings.NewReader(b.String()), records.CSV, indicator.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, e := range sum.Errors {
				lines = append(lines, e.Line)
			}
			if sum.Accepted != accepted || !slices.Equal(lines, badLines) {
				t.Errorf("accepted %d, rejected at lines %v; want %d and %v", sum.Accepted, lines, accepted, badLines)
			}
			if st := ld.l.Stats(); st.Transfers != accepted {
				t.Errorf("ledger holds %d transfers, want %d", st.Transfers, accepted)
			}
			tr, ok := ld.l.Transfer("x3")
			if !ok || tr.Memo != "rent, \"March\"\nsecond line" {
				t.Errorf("x3: %v %q", ok, tr.Memo)
			}
		})
	}
}

func TestRecordCutter(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  bool
		in   string
	}{
		{"csv", true, "a,b\n1,2\n3,4\n"},
		{"quoted newlines", true, "a,b\n\"x\ny\",2\n\"\"\"q\"\"\",\"\n\n\"\n5,6"},
		{"crlf", true, "a,b\r\n1,2\r\n\"3\r\n\",4\r\n"},
		{"ndjson", false, "{\"a\":\"x\\ny\"}\n{\"a\":\"\\\"\"}\n\n{}"},
		{"empty", true, ""},
	} {
		for _, size := range []int{1, 2, 5, 64} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, size), func(t *testing.T) {
				c := newRecordCutter(strings.NewReader(tc.in), tc.csv)
				var got []string
				for {
					piece, err := c.next(size)
					if len(piece) > 0 {
						got = append(got, string(piece))
					}
					if err != nil {
						break
					}
				}
				if strings.Join(got, "") != tc.in {
					t.Fatalf("pieces %q do not make the input", got)
				}
				for i, p := range got {
					last := i == len(got)-1
					if !last && !strings.HasSuffix(p, "\n") || tc.csv && strings.Count(p, `"`)%2 != 0 {
						t.Errorf("piece %q does not end at a record boundary", p)
					}
					if tc.csv && (!last || strings.HasSuffix(p, "\n")) {
						if _, err := csv.NewReader(strings.NewReader(p)).ReadAll(); err != nil {
							t.Errorf("piece %q is not whole CSV records: %v", p, err)
						}
					}
				}
			})
		}
	}
}

// TestDetectMulesVictimList takes victims as a plain list of accounts.
func TestDetectMulesVictimList(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "t.csv")
	var b strings.Builder
	b.WriteString("id,time,rail,amount,from,to\n")
	// Two victims pay one account, which passes the money on at once.
	b.WriteString("p1,2026-11-20T10:00:00+08:00,bank,20000.00,6222000011110001,6217000099990001\n")
	b.WriteString("p2,2026-11-20T10:20:00+08:00,bank,30000.00,6222000011110002,6217000099990001\n")
	b.WriteString("p3,2026-11-20T10:40:00+08:00,bank,49990.00,6217000099990001,6217000099990002\n")
	os.WriteFile(in, []byte(b.String()), 0o644)
	victims := filepath.Join(dir, "victims.txt")
	os.WriteFile(victims, []byte("# case 42\n6222 0000 1111 0001\n6222000011110002\n"), 0o644)
	out := filepath.Join(dir, "mules.csv")
	summary, err := detectCLI(t, "mules", "--in", in, "--victims", victims, "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, summary)
	}
	if !strings.Contains(summary, "victim evidence: 2 lines accepted, 0 rejected; 2 victim accounts and 0 reported payees, of which 2 and 0 are in the ledger") {
		t.Errorf("summary:\n%s", summary)
	}
	rows := readCSV(t, out)
	if len(rows) != 2 || rows[1][1] != "6217000099990001" || !strings.Contains(rows[1][3], "victim_funds") ||
		!strings.Contains(rows[1][4], "received 50,000.00 CNY from 2 reported victims") {
		t.Errorf("suspects %q", rows)
	}
}
