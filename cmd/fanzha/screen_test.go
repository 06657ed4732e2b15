package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/simulate"
)

// TestScreenOnSimulatedScenario screens a simulated month end to end and
// checks the output's shape and that reported payees stop victims' money.
func TestScreenOnSimulatedScenario(t *testing.T) {
	dir := t.TempDir()
	truth, err := simulate.WriteMoney(simulate.MoneyConfig{Accounts: 3000, Victims: 40, Days: 20, Seed: 3}, dir)
	if err != nil {
		t.Fatal(err)
	}
	outPath := filepath.Join(dir, "decisions.csv")
	var out bytes.Buffer
	err = runScreen(context.Background(), []string{"--in", filepath.Join(dir, "transfers.csv"), "--reports", filepath.Join(dir, "reports.ndjson"), "--out", outPath}, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	for _, want := range []string{"payments accepted", "reports ", "allow ", "a second"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	f, err := os.Open(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,decision,score,reasons" {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows)-1 != truth.Counts.Transfers {
		t.Errorf("%d decisions for %d transfers", len(rows)-1, truth.Counts.Transfers)
	}
	stopped := map[string]bool{}
	for _, r := range rows[1:] {
		if r[1] == "hold" || r[1] == "block" {
			stopped[r[0]] = true
			if r[3] == "" {
				t.Errorf("%s: %s without reasons", r[0], r[1])
			}
		}
	}
	n := 0
	for _, p := range truth.VictimPayments {
		if stopped[p.ID] {
			n++
		}
	}
	t.Logf("victims' payments held or blocked: %d/%d", n, len(truth.VictimPayments))
	if n*3 < len(truth.VictimPayments) {
		t.Errorf("only %d of %d victims' payments held or blocked", n, len(truth.VictimPayments))
	}
}

func TestScreenUsage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "t.csv")
	os.WriteFile(good, []byte("id,time,rail,amount,from,to\n"), 0o644)
	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(bad, []byte("{\"id\":\"R1\"\n"), 0o644)
	rules := filepath.Join(dir, "rules.json")
	os.WriteFile(rules, []byte(`{"scenario":"x","version":1,"status":"draft","thresholds":{"review":1,"hold":2,"block":3},"rules":[]}`), 0o644)
	out := filepath.Join(dir, "d.csv")
	for _, tc := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--out", out}, true, "needs --in"},
		{[]string{"--in", good}, true, "needs --out"},
		{[]string{"--in", good, "--out", out, "extra"}, true, "no arguments"},
		{[]string{"--in", filepath.Join(dir, "t.txt"), "--out", out}, true, "cannot tell the format"},
		{[]string{"--in", good, "--out", out, "--reports", bad}, false, "line 1: not a report"},
		{[]string{"--in", good, "--out", out, "--rules", rules}, false, "only a published rule set"},
		{[]string{"--in", filepath.Join(dir, "missing.csv"), "--out", out}, false, "no such file"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := runScreen(context.Background(), tc.args, &bytes.Buffer{})
			if err == nil || errors.Is(err, errUsage) != tc.usage || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want usage=%v containing %q", err, tc.usage, tc.want)
			}
		})
	}
}
