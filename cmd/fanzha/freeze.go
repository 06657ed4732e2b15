package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/web"
)

const freezeUsage = "freeze draft --report R --org ORG | freeze list [--report R] [--status S] [--institution I] | " +
	"freeze show ID | freeze update ID --action A --org ORG [--amount X] [--note N] | freeze totals [--report R]"

// cliActor is the name the CLI's history rows and audit entries carry: the
// operator at the console, recording a step for an organisation (a bank
// that answered by fax, a bureau without the API).
const cliActor = "operator (cli)"

// runFreeze drives the stop-payment and freeze workflow over the --db
// store, under the same rules as the API (package money). Steps are taken
// on behalf of an organisation (--org), whose sector decides what it may
// do; every read and write is audited with the CLI operator as the actor.
func runFreeze(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef("%s", freezeUsage)
	}
	fs := flag.NewFlagSet("freeze "+args[0], flag.ContinueOnError)
	db := dbFlag(fs)
	region := regionFlag(fs)
	report := fs.String("report", "", "victim report id")
	orgName := fs.String("org", "", "the organisation the step is recorded for: a police organisation drafts, sends, renews and orders returns; the answering bank acknowledges, stops, freezes, refuses, reports funds gone and returns")
	policyName := fs.String("policy", "", "draft: how mixed money leaves an account: fifo, lifo or proportional (default: the tracer's)")
	caseRef := fs.String("case", "", "draft: case reference (default: the report id)")
	everyLayer := fs.Bool("every-layer", false, "draft: also draft for accounts no institution is known to hold")
	status := fs.String("status", "", "list: only requests with this status ("+strings.Join(freezeStatusNames(), ", ")+")")
	institution := fs.String("institution", "", "list: only requests to this institution")
	action := fs.String("action", "", "update: "+freezeActionList())
	amount := fs.String("amount", "", "update: amount in the request's asset")
	note := fs.String("note", "", "update: note for the history (the reason, for refuse)")
	pos, err := parseFlags(fs, args[1:], out)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rules := money.DefaultFreezeRules()
	now := time.Now().UTC()
	audit := func(action, target, detail string) error {
		_, err := st.AppendAudit(ctx, []auth.AuditEntry{{Time: now, OrgName: cliActor, Action: action, Target: target, Detail: detail}})
		if err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
		return nil
	}
	switch args[0] {
	case "draft":
		if *report == "" || *orgName == "" || len(pos) > 0 {
			return usagef("freeze draft --report R --org ORG [--policy P] [--case REF] [--every-layer]")
		}
		policy, err := money.ParsePolicy(*policyName)
		if err != nil {
			return usagef("--policy: %v", err)
		}
		a, err := freezeActor(ctx, st, *orgName)
		if err != nil {
			return err
		}
		rep, err := st.Report(ctx, *report)
		if err != nil {
			return fmt.Errorf("report %q: %w", *report, err)
		}
		l, err := store.LoadLedger(ctx, st)
		if err != nil {
			return err
		}
		rules.HoldEveryLayer = *everyLayer
		fd, err := web.DraftFreeze(ctx, st, l, rules, indicator.Options{DefaultRegion: strings.ToUpper(*region)}, rep,
			money.TraceOptions{Policy: policy}, money.Draft{CaseRef: *caseRef, Actor: a, At: now})
		if err != nil {
			return err
		}
		created := 0
		for _, c := range fd.Created {
			if c {
				created++
			}
		}
		if err := audit("freeze.draft.cli", "report:"+rep.ID, fmt.Sprintf("for %s: %d new, %d already drafted", a.OrgName, created, len(fd.Requests)-created)); err != nil {
			return err
		}
		fmt.Fprintf(out, "report %s: %d requests drafted, %d already drafted before\n", rep.ID, created, len(fd.Requests)-created)
		for _, m := range fd.Missing {
			fmt.Fprintf(out, "payment %d (%s to %s) not traced: %s\n", m.Index, m.Amount, m.To, m.Why)
		}
		return printFreezeRequests(out, rules, fd.Requests, now)
	case "list":
		if len(pos) > 0 {
			return usagef("freeze list takes only flags (got %q)", pos[0])
		}
		q := store.FreezeQuery{ReportID: *report, Institution: *institution, Now: now, Limit: 1000}
		if *status != "" {
			if q.Status, err = money.ParseFreezeStatus(*status); err != nil {
				return usagef("--status: %v", err)
			}
		}
		rs, err := st.SearchFreezeRequests(ctx, q)
		if err != nil {
			return err
		}
		if err := audit("freeze.list.cli", freezeTarget(*report), fmt.Sprintf("%d requests", len(rs))); err != nil {
			return err
		}
		return printFreezeRequests(out, rules, rs, now)
	case "show":
		if len(pos) != 1 {
			return usagef("freeze show ID")
		}
		f, err := st.FreezeRequest(ctx, pos[0])
		if err != nil {
			return err
		}
		if err := audit("freeze.read.cli", "freeze:"+f.ID, ""); err != nil {
			return err
		}
		return writeFreezeJSON(out, rules.View(f, now))
	case "update":
		if len(pos) != 1 || *action == "" || *orgName == "" {
			return usagef("freeze update ID --action A --org ORG [--amount X] [--note N]")
		}
		a, err := freezeActor(ctx, st, *orgName)
		if err != nil {
			return err
		}
		step := money.Step{Action: money.FreezeAction(*action), Amount: strings.TrimSpace(*amount), Note: *note, Actor: a, At: now}
		f, err := st.UpdateFreezeRequest(ctx, pos[0], func(f *money.FreezeRequest) error { return rules.Apply(f, step) })
		if err != nil {
			var se *money.StepError
			if errors.As(err, &se) {
				return fmt.Errorf("freeze request %s: %s refused: %w", pos[0], *action, se)
			}
			return err
		}
		detail := fmt.Sprintf("for %s: now %s", a.OrgName, f.Status)
		if step.Amount != "" {
			detail += ", " + step.Amount + " " + f.Asset
		}
		if err := audit("freeze."+*action+".cli", "freeze:"+f.ID, detail); err != nil {
			return err
		}
		return writeFreezeJSON(out, rules.View(f, now))
	case "totals":
		if len(pos) > 0 {
			return usagef("freeze totals takes only flags (got %q)", pos[0])
		}
		tally := money.NewTally(now)
		if *report != "" {
			rep, err := st.Report(ctx, *report)
			if err != nil {
				return fmt.Errorf("report %q: %w", *report, err)
			}
			if rep.Loss != nil {
				tally.AddReport(rep.ID, rep.Loss.Amount, rep.Loss.Currency)
			} else {
				tally.AddReport(rep.ID, "", "")
			}
		}
		if err := st.EachFreezeRequest(ctx, store.FreezeQuery{ReportID: *report, Now: now}, func(f money.FreezeRequest) error {
			tally.Add(f)
			return nil
		}); err != nil {
			return err
		}
		tot := tally.Totals()
		if err := audit("money.totals.cli", freezeTarget(*report), fmt.Sprintf("%d reports, %d requests", tot.Reports, tot.Requests)); err != nil {
			return err
		}
		return writeFreezeJSON(out, tot)
	}
	return usagef("unknown freeze command %q (draft, list, show, update, totals)", args[0])
}

// freezeTarget names what a listing read, for the audit log.
func freezeTarget(report string) string {
	if report == "" {
		return "freeze-requests"
	}
	return "report:" + report
}

// freezeActor is the organisation a CLI step is recorded for, as the actor.
func freezeActor(ctx context.Context, st store.Store, name string) (money.Actor, error) {
	org, err := st.OrgByName(ctx, name)
	if err != nil {
		return money.Actor{}, fmt.Errorf("organisation %q: %w (see fanzha org list)", name, err)
	}
	return money.Actor{OrgID: org.ID, OrgName: org.Name, Sector: org.Sector, Name: cliActor}, nil
}

// printFreezeRequests writes requests as a table, one a line.
func printFreezeRequests(out io.Writer, rules money.FreezeRules, rs []money.FreezeRequest, now time.Time) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREPORT\tINSTITUTION\tKIND\tSTATUS\tAMOUNT\tHELD\tRETURNED\tEXPIRES")
	for _, f := range rs {
		v := rules.View(f, now)
		exp := "-"
		if !v.Expires.IsZero() {
			exp = v.Expires.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s %s\t%s\t%s\t%s\n", v.ID, v.Report, v.Institution, v.Kind, v.Status,
			v.Amount, v.Asset, orDash(v.Held), orDash(v.Returned), exp)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeFreezeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func freezeStatusNames() []string {
	out := make([]string, len(money.FreezeStatuses))
	for i, s := range money.FreezeStatuses {
		out[i] = string(s)
	}
	return out
}

func freezeActionList() string {
	var out []string
	for _, a := range money.FreezeActions() {
		out = append(out, string(a))
	}
	return strings.Join(out, ", ")
}
