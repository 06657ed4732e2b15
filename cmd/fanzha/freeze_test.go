package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
)

// freezeDB is a database with a bureau, a bank, the victim's money in the
// ledger (20,000 to a mule at the bank an hour ago, 12,000 of it on to
// ABC) and the victim's report.
func freezeDB(t *testing.T) string {
	t.Helper()
	db := "sqlite:" + filepath.Join(t.TempDir(), "freeze.db")
	for _, org := range [][]string{{"Jiangsu PSB", "police"}, {"CCB", "finance"}, {"Netlink", "internet"}} {
		if out, err := runCLI(t, "org", "add", org[0], "--sector", org[1], "--db", db); err != nil {
			t.Fatalf("org add: %s %v", out, err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	paid := time.Now().Add(-time.Hour).UTC()
	csv := "id,time,rail,amount,from,to,to_institution\n" +
		"P1," + paid.Format(time.RFC3339) + ",bank,20000.00,6222000011112222,6217000012345678,CCB\n" +
		"L1," + paid.Add(10*time.Minute).Format(time.RFC3339) + ",bank,12000.00,6217000012345678,6217000099998888,ABC\n"
	var ts []money.Transfer
	if _, err := money.ReadTransfers(strings.NewReader(csv), records.CSV, indicator.Options{DefaultRegion: "CN"}, func(x money.Transfer) error {
		ts = append(ts, x)
		return nil
	}); err != nil || len(ts) != 2 {
		t.Fatalf("transfers: %d, %v", len(ts), err)
	}
	if _, err := st.AddTransfers(ctx, 1, ts); err != nil {
		t.Fatal(err)
	}
	rep := registry.Report{ID: "R-1", Time: paid, Loss: &registry.Money{Amount: "20000.00", Currency: "CNY"}, Received: time.Now(),
		Payments: []registry.Payment{{Time: paid, Amount: "20000.00", Rail: "bank", From: "6222000011112222", To: "6217000012345678"}}}
	if _, _, err := st.AddReport(ctx, rep, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestFreezeCLI(t *testing.T) {
	db := freezeDB(t)
	out, err := runCLI(t, "freeze", "draft", "--report", "R-1", "--org", "Jiangsu PSB", "--case", "JS-42", "--db", db)
	if err != nil || !strings.Contains(out, "2 requests drafted") || !strings.Contains(out, "stop_payment") || !strings.Contains(out, "8000.00 CNY") {
		t.Fatalf("draft: %s %v", out, err)
	}
	if out, _ := runCLI(t, "freeze", "draft", "--report", "R-1", "--org", "Jiangsu PSB", "--db", db); !strings.Contains(out, "0 requests drafted, 2 already") {
		t.Errorf("drafting again: %s", out)
	}
	id := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " CCB ") {
			id = strings.Fields(line)[0]
		}
	}
	if !strings.HasPrefix(id, "FR-") {
		t.Fatalf("no CCB request in\n%s", out)
	}
	update := func(org, action string, extra ...string) (map[string]any, error) {
		t.Helper()
		out, err := runCLI(t, append([]string{"freeze", "update", id, "--action", action, "--org", org, "--db", db}, extra...)...)
		if err != nil {
			return nil, err
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("update output: %s", out)
		}
		return v, nil
	}
	for _, st := range []struct {
		org, action string
		extra       []string
		want        string // status, or part of the error
	}{
		{"CCB", "acknowledge", nil, "is draft"},
		{"CCB", "send", nil, "police step"},
		{"Netlink", "send", nil, "police step"},
		{"Nobody", "send", nil, "not found"},
		{"Jiangsu PSB", "send", []string{"--note", "by fax"}, "sent"},
		{"CCB", "stop", []string{"--amount", "lots"}, "not a decimal"},
		{"CCB", "stop", []string{"--amount", "7999.99"}, "stopped"},
		{"Jiangsu PSB", "renew", nil, "stopped"},
		{"Jiangsu PSB", "renew", nil, "renewed once"},
		{"CCB", "refuse", nil, "is stopped"},
		{"CCB", "return", []string{"--amount", "7999.99", "--note", "to the victim"}, "returned"},
	} {
		v, err := update(st.org, st.action, st.extra...)
		switch {
		case err != nil && !strings.Contains(err.Error(), st.want):
			t.Fatalf("%s by %s: %v, want %q", st.action, st.org, err, st.want)
		case err == nil && v["status"] != st.want:
			t.Fatalf("%s by %s: status %v, want %s", st.action, st.org, v["status"], st.want)
		}
	}
	if _, err := runCLI(t, "freeze", "update", id, "--action", "send", "--db", db); err == nil || !strings.Contains(err.Error(), "--org") {
		t.Errorf("update without --org: %v", err)
	}
	if _, err := runCLI(t, "freeze", "update", "FR-NOPE", "--action", "send", "--org", "Jiangsu PSB", "--db", db); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("update of a missing request: %v", err)
	}
	if _, err := runCLI(t, "freeze", "draft", "--report", "R-1", "--org", "CCB", "--db", db); err == nil || !strings.Contains(err.Error(), "police") {
		t.Errorf("a bank drafted: %v", err)
	}
	if _, err := runCLI(t, "freeze", "draft", "--report", "R-NOPE", "--org", "Jiangsu PSB", "--db", db); err == nil {
		t.Error("draft for a missing report")
	}
	if _, err := runCLI(t, "freeze", "list", "--status", "pending", "--db", db); err == nil || !strings.Contains(err.Error(), "return_ordered") {
		t.Errorf("list by a bad status: %v", err)
	}
	if _, err := runCLI(t, "freeze", "cancel", "--db", db); err == nil {
		t.Error("an unknown freeze command")
	}

	out, err = runCLI(t, "freeze", "list", "--report", "R-1", "--db", db)
	if err != nil || !strings.Contains(out, "returned") || !strings.Contains(out, "draft") || strings.Count(out, "\n") != 3 {
		t.Errorf("list: %s %v", out, err)
	}
	if out, _ := runCLI(t, "freeze", "list", "--status", "returned", "--db", db); strings.Count(out, "\n") != 2 {
		t.Errorf("list of returned:\n%s", out)
	}
	out, err = runCLI(t, "freeze", "show", id, "--db", db)
	if err != nil || strings.Count(out, `"action":`) != 5 || !strings.Contains(out, `"by": "operator (cli)"`) || !strings.Contains(out, `"organisation": "CCB"`) {
		t.Errorf("show: %s %v", out, err)
	}
	out, err = runCLI(t, "freeze", "totals", "--db", db)
	var tot money.FreezeTotals
	if err != nil || json.Unmarshal([]byte(out), &tot) != nil || tot.Returned["CNY"] != "7999.99" || tot.ReportedLoss["CNY"] != "20000.00" || tot.Requests != 2 {
		t.Errorf("totals: %s %v", out, err)
	}
	// Every read and write is audited, with the CLI as the actor.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.AuditQuery(context.Background(), store.AuditQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		if e.OrgName == cliActor {
			have[e.Action] = true
		}
	}
	for _, want := range []string{"freeze.draft.cli", "freeze.send.cli", "freeze.stop.cli", "freeze.return.cli", "freeze.list.cli", "freeze.read.cli", "money.totals.cli"} {
		if !have[want] {
			t.Errorf("audit lacks %s: %v", want, have)
		}
	}
	if out, err := runCLI(t, "audit", "verify", "--db", db); err != nil || !strings.Contains(out, "intact") {
		t.Errorf("audit verify: %s %v", out, err)
	}
}
