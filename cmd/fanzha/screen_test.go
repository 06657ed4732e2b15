package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/screen"
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

// TestScreenJoint runs simulate joint and screens its output with the
// calls, the phones and the attributions, checking that the calls are fed
// and the victims' payments are stopped more often than on reports alone.
func TestScreenJoint(t *testing.T) {
	dir := t.TempDir()
	var sim bytes.Buffer
	if err := runSimulate(context.Background(), []string{"joint", "--accounts", "2000", "--victims", "50", "--days", "7", "--seed", "2", "--out", dir}, &sim); err != nil {
		t.Fatal(err)
	}
	t.Log(sim.String())
	tb, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Joint simulate.JointTruth `json:"joint"`
	}
	if err := json.Unmarshal(tb, &truth); err != nil {
		t.Fatal(err)
	}
	stoppedShare := func(args ...string) (float64, string) {
		t.Helper()
		outPath := filepath.Join(dir, "decisions.csv")
		var out bytes.Buffer
		base := []string{"--in", filepath.Join(dir, "transfers.csv"), "--reports", filepath.Join(dir, "reports.ndjson"), "--out", outPath}
		if err := runScreen(context.Background(), append(base, args...), &out); err != nil {
			t.Fatal(err)
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
		stopped := map[string]bool{}
		for _, r := range rows[1:] {
			stopped[r[0]] = r[1] == "hold" || r[1] == "block"
		}
		n := 0
		for _, p := range truth.Joint.VictimPayments {
			if stopped[p.ID] {
				n++
			}
		}
		return float64(n) / float64(len(truth.Joint.VictimPayments)), out.String()
	}
	alone, _ := stoppedShare()
	withCalls, summary := stoppedShare("--cdr", filepath.Join(dir, "cdr.csv"), "--phones", filepath.Join(dir, "phones.csv"), "--attributions", filepath.Join(dir, "attributions.csv"))
	t.Logf("%s\nvictims' payments stopped: %.1f%% on reports and velocity, %.1f%% with calls", summary, 100*alone, 100*withCalls)
	for _, want := range []string{"call records ", "phones of ", "attributions "} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if withCalls <= alone {
		t.Errorf("calls did not help: %.1f%% with, %.1f%% without", 100*withCalls, 100*alone)
	}

	// A backtest: a draft that holds from 50 instead of 60 turns some
	// reviews into holds and nothing else.
	rs, err := screen.DefaultRuleSet()
	if err != nil {
		t.Fatal(err)
	}
	rs.Status, rs.Version, rs.Thresholds.Hold = screen.Draft, rs.Version+1, 50
	draft, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	draftPath := filepath.Join(dir, "draft.json")
	if err := os.WriteFile(draftPath, draft, 0o644); err != nil {
		t.Fatal(err)
	}
	_, summary = stoppedShare("--draft", draftPath)
	i := strings.Index(summary, "backtest: draft version 2 changes ")
	if i < 0 {
		t.Fatalf("no backtest in the summary:\n%s", summary)
	}
	for _, line := range strings.Split(summary[i:], "\n")[2:6] {
		f := strings.Fields(line)
		if len(f) != 5 {
			t.Fatalf("backtest table row %q", line)
		}
		for j, to := range []string{"allow", "review", "hold", "block"} {
			moved := f[j+1] != "0"
			want := f[0] == to || f[0] == "review" && to == "hold"
			if moved && !want {
				t.Errorf("the draft moved %s → %s: %q", f[0], to, line)
			}
		}
	}
	if !strings.Contains(summary, "review (5") || !strings.Contains(summary, "→ hold (5") {
		t.Errorf("no example of a review turned into a hold:\n%s", summary[i:])
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
		{[]string{"--in", good, "--out", out, "--cdr", good}, true, "needs --phones"},
		{[]string{"--in", good, "--out", out, "--phones", bad}, false, "bad.ndjson"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := runScreen(context.Background(), tc.args, &bytes.Buffer{})
			if err == nil || errors.Is(err, errUsage) != tc.usage || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want usage=%v containing %q", err, tc.usage, tc.want)
			}
		})
	}
}
