package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/screen"
	"github.com/fanzha/fanzha/telecom"
)

// decisionColumns are the columns of screen's output.
var decisionColumns = []string{"id", "decision", "score", "reasons"}

// runScreen decides a file of payments as they would have been decided
// live: fanzha screen --in transfers.csv [--reports reports.ndjson]
// [--rules rules.json] [--cdr cdr.csv --phones phones.csv]
// [--attributions attributions.csv] --out decisions.csv. Payments are
// taken in time order and each is judged on what came before it only: the
// velocity of its payer and payee so far, the victims' reports filed by
// then, and the calls of the payer's phone that had ended by then with
// lines the telecom detectors had flagged by then.
func runScreen(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("screen", flag.ContinueOnError)
	in := fs.String("in", "", "payments in the FORMATS.md transfer shape (CSV, NDJSON or JSON, plain or gzip); - reads stdin")
	format := fs.String("format", "", "csv, ndjson or json (default: from the --in file name; csv for stdin)")
	reportsPath := fs.String("reports", "", "victim reports (FORMATS.md report, NDJSON): their payees and contacts count as reported from each report's time")
	rulesPath := fs.String("rules", "", "a published rule set (JSON) to decide with instead of the shipped default")
	draftPath := fs.String("draft", "", "a draft rule set (JSON) to backtest: it runs in shadow beside the published one, and the summary says how its outcomes differ")
	cdrPath := fs.String("cdr", "", "call records (FORMATS.md cdr shape): fed to the telecom detectors in time order with the payments, so each payment sees its payer's calls with suspect lines as known then; needs --phones")
	phonesPath := fs.String("phones", "", "CSV account,phone: the phone of each paying account's holder (fanzha simulate joint writes one)")
	attrPath := fs.String("attributions", "", "attributions (FORMATS.md attribution shape): payees attributed to a mule, scam or sanctioned entity count as high risk")
	outPath := fs.String("out", "", "decisions CSV to write (id,decision,score,reasons); - for stdout")
	region := regionFlag(fs)
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("screen takes no arguments, only flags (got %q)", pos[0])
	case *in == "":
		return usagef("screen needs --in FILE (- for stdin)")
	case *outPath == "":
		return usagef("screen needs --out FILE (- for stdout)")
	case *cdrPath != "" && *phonesPath == "":
		return usagef("screen --cdr needs --phones FILE: without the payers' phones the calls cannot be matched to payments")
	}
	reg, err := checkRegion(*region)
	if err != nil {
		return err
	}
	iopts := indicator.Options{DefaultRegion: reg}
	f, err := inputFormat(*in, *format)
	if err != nil {
		return err
	}
	rules, err := loadRules(*rulesPath)
	if err != nil {
		return err
	}
	src := screen.Sources{}
	var reported *screen.Reported
	var nReports, nSkipped int
	if *reportsPath != "" {
		reported = screen.NewReported()
		if nReports, nSkipped, err = readScreenReports(*reportsPath, reported, iopts); err != nil {
			return err
		}
		src.Risk = reported
	}
	var attrs *attributedRisk
	if *attrPath != "" {
		if attrs, err = readScreenAttributions(*attrPath, iopts); err != nil {
			return err
		}
		attrs.reported = reported
		src.Risk = attrs
		src.Entities = attrs.entities
	}
	var phones map[indicator.Indicator]indicator.Indicator
	if *phonesPath != "" {
		if phones, err = readPhones(*phonesPath, iopts); err != nil {
			return err
		}
	}
	var cdrs []telecom.CDR
	var tel *telecom.Engine
	if *cdrPath != "" {
		if cdrs, err = readScreenCDRs(ctx, *cdrPath, iopts); err != nil {
			return err
		}
		tel = telecom.NewEngine(telecom.Config{DefaultRegion: reg})
		src.Exposure = tel
	}
	var draft *screen.RuleSet
	if *draftPath != "" {
		if draft, err = loadRules(*draftPath); err != nil {
			return err
		}
	}
	engine, err := screen.NewEngine(rules, draft, src)
	if err != nil {
		return err
	}
	var backtest screen.Backtest

	dst, summary, err := openOutput(*outPath, out)
	if err != nil {
		return err
	}
	defer dst.abort()

	start := time.Now()
	input, err := openInput(*in, "a file of payments")
	if err != nil {
		return err
	}
	defer input.Close()
	var payments []money.Transfer
	sum, err := money.ReadTransfers(input.r, f, iopts, func(t money.Transfer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		payments = append(payments, t)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", input.name, err)
	}
	// Decide in the order the payments happened, so each sees only the past.
	slices.SortStableFunc(payments, func(a, b money.Transfer) int { return a.Time.Compare(b.Time) })

	deciding := time.Now()
	rows := make([][]string, 0, len(payments))
	byOutcome := map[string]int{}
	next, withPhone := 0, 0
	for i, t := range payments {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// A call's record exists once the call has ended: feed the
		// detectors every call over by the time of the payment.
		for next < len(cdrs) && !callEnd(cdrs[next]).After(t.Time) {
			tel.Add(cdrs[next])
			next++
		}
		p := screen.Payment{Transfer: t, PayerPhone: phones[t.From]}
		if !p.PayerPhone.IsZero() {
			withPhone++
		}
		d, err := engine.Decide(p)
		if err != nil {
			return fmt.Errorf("payment %s: %w", t.ID, err)
		}
		byOutcome[d.Decision]++
		backtest.Add(d)
		rows = append(rows, []string{d.ID, d.Decision, strconv.Itoa(d.Score), d.Reasons()})
	}
	took := time.Since(deciding)
	if err := dst.write(decisionColumns, rows); err != nil {
		return err
	}

	fmt.Fprintf(summary, "read %s: %s payments accepted, %s rejected", input.name, thousands(sum.Accepted), thousands(sum.Rejected))
	printFirstErrors(summary, sum.Errors)
	if attrs != nil {
		fmt.Fprintf(summary, "attributions %s read from %s, %s of them high risk\n", thousands(attrs.read), *attrPath, thousands(len(attrs.risky)))
	}
	if phones != nil {
		fmt.Fprintf(summary, "phones of %s accounts read from %s; %s payments from an account with a phone\n", thousands(len(phones)), *phonesPath, thousands(withPhone))
	}
	if tel != nil {
		st := tel.Stats()
		fmt.Fprintf(summary, "call records %s read from %s, %s fed before the last payment; %s suspect lines now\n", thousands(len(cdrs)), *cdrPath, thousands(next), thousands(st.Suspects))
	}
	if reported != nil {
		fmt.Fprintf(summary, "reports %s read from %s (%s indicators left out: not parsable)\n", thousands(nReports), *reportsPath, thousands(nSkipped))
	}
	fmt.Fprintf(summary, "scenario %s version %d: allow %s, review %s, hold %s, block %s\n", rules.Scenario, rules.Version,
		thousands(byOutcome[screen.Allow]), thousands(byOutcome[screen.Review]), thousands(byOutcome[screen.Hold]), thousands(byOutcome[screen.Block]))
	if draft != nil {
		printBacktest(summary, backtest)
	}
	perSec := 0.0
	if s := took.Seconds(); s > 0 {
		perSec = float64(len(payments)) / s
	}
	fmt.Fprintf(summary, "decided %s payments in %s (%s a second); %s in all\n", thousands(len(payments)), took.Round(time.Millisecond),
		thousands(int(perSec)), time.Since(start).Round(time.Millisecond))
	if *outPath != "-" {
		fmt.Fprintf(summary, "wrote %s\n", *outPath)
	}
	return nil
}

// loadRules reads --rules, or the shipped default when it is empty.
// printBacktest says how the draft's outcomes differ from the published
// rule set's on the same payments.
func printBacktest(w io.Writer, b screen.Backtest) {
	fmt.Fprintf(w, "backtest: draft version %d changes %s of %s outcomes of version %d\n", b.Draft, thousands(b.Changed), thousands(b.Payments), b.Published)
	outcomes := []string{screen.Allow, screen.Review, screen.Hold, screen.Block}
	fmt.Fprintf(w, "  %-10s", "published")
	for _, o := range outcomes {
		fmt.Fprintf(w, " %10s", "→ "+o)
	}
	fmt.Fprintln(w)
	for _, from := range outcomes {
		fmt.Fprintf(w, "  %-10s", from)
		for _, to := range outcomes {
			fmt.Fprintf(w, " %10s", thousands(b.Moves[from][to]))
		}
		fmt.Fprintln(w)
	}
	for _, e := range b.Examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

func loadRules(path string) (*screen.RuleSet, error) {
	if path == "" {
		return screen.DefaultRuleSet()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rs, err := screen.ReadRuleSet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

// readScreenReports files every report of an NDJSON file; a line that is
// not a report is an error naming its line, since a silently lost report
// would let its payee through.
func readScreenReports(path string, into *screen.Reported, opts indicator.Options) (reports, skipped int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var rep registry.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return reports, skipped, fmt.Errorf("%s line %d: not a report: %w", path, line, err)
		}
		if rep.Time.IsZero() {
			return reports, skipped, fmt.Errorf("%s line %d: report %q has no time", path, line, rep.ID)
		}
		skipped += into.Add(rep, opts)
		reports++
	}
	if err := sc.Err(); err != nil {
		return reports, skipped, fmt.Errorf("%s: %w", path, err)
	}
	if reports == 0 {
		return 0, 0, errors.New(path + ": no reports")
	}
	return reports, skipped, nil
}

// callEnd is when a call's record can be known: when the call is over.
func callEnd(c telecom.CDR) time.Time { return c.Start.Add(c.Duration) }

// readScreenCDRs reads every call record of a file and orders them by when
// they ended. A bad row is an error naming its line: a lost call from a
// suspect would let a victim's payment through unnoticed.
func readScreenCDRs(ctx context.Context, path string, opts indicator.Options) ([]telecom.CDR, error) {
	f, err := inputFormat(path, "")
	if err != nil {
		return nil, err
	}
	in, err := openInput(path, "a file of call records")
	if err != nil {
		return nil, err
	}
	defer in.Close()
	var cdrs []telecom.CDR
	sum, err := telecom.ReadCDRs(in.r, f, opts, func(c telecom.CDR) error {
		if len(cdrs)%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		cdrs = append(cdrs, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	if sum.Rejected > 0 {
		return nil, fmt.Errorf("%s: %d call records rejected, the first: %v", in.name, sum.Rejected, sum.Errors[0])
	}
	slices.SortStableFunc(cdrs, func(a, b telecom.CDR) int { return callEnd(a).Compare(callEnd(b)) })
	return cdrs, nil
}

// readPhones reads account,phone rows. The account is read as a card or
// bank account and as whatever else it looks like (an e-wallet id, an
// address), so that it matches the payer of a transfer on any rail.
func readPhones(path string, opts indicator.Options) (map[indicator.Indicator]indicator.Indicator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := records.NewReader(f, records.CSV, "account", "phone")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[indicator.Indicator]indicator.Indicator{}
	var sum records.Summary
	err = records.Each(rd, &sum, func(row records.Row) error {
		ph, err := opts.Parse(indicator.Phone, row.Get("phone"))
		if err != nil {
			return row.Errorf("phone", "%v", err)
		}
		n := 0
		for _, rail := range []money.Rail{money.Bank, money.EWallet} {
			if acct, err := money.ParseAccount(rail, row.Get("account"), opts); err == nil {
				out[acct] = ph
				n++
			}
		}
		if n == 0 {
			return row.Errorf("account", "not an account")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sum.Rejected > 0 {
		return nil, fmt.Errorf("%s: %d rows rejected, the first: %v", path, sum.Rejected, sum.Errors[0])
	}
	return out, nil
}

// attributedRisk is the reports' risk raised by attributions: an account an
// investigator attributes to a mule, a scam or a sanctioned entity is high
// risk from the start (attributions carry no time). Every attribution also
// names the payee's kind of entity, so banks', payment firms' and
// merchants' accounts are known as the institutions they are.
type attributedRisk struct {
	reported *screen.Reported // may be nil
	risky    map[indicator.Indicator]string
	entities screen.Entities
	read     int
}

func (a *attributedRisk) Risk(ind indicator.Indicator, at time.Time) (screen.IndicatorRisk, bool) {
	var r screen.IndicatorRisk
	ok := false
	if a.reported != nil {
		r, ok = a.reported.Risk(ind, at)
	}
	if typ, hit := a.risky[ind]; hit {
		r.Score = max(r.Score, 90)
		if r.Typology == "" {
			r.Typology = typ
		}
		ok = true
	}
	return r, ok
}

func readScreenAttributions(path string, opts indicator.Options) (*attributedRisk, error) {
	f, err := inputFormat(path, "")
	if err != nil {
		return nil, err
	}
	in, err := openInput(path, "a file of attributions")
	if err != nil {
		return nil, err
	}
	defer in.Close()
	a := &attributedRisk{risky: map[indicator.Indicator]string{}, entities: screen.Entities{}}
	sum, err := money.ReadAttributions(in.r, f, opts, func(at money.Attribution) error {
		a.read++
		a.entities[at.Indicator] = at.EntityType
		switch at.EntityType {
		case money.Mule, money.Scam, money.Sanctioned:
			a.risky[at.Indicator] = at.EntityType
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	if sum.Rejected > 0 {
		return nil, fmt.Errorf("%s: %d attributions rejected, the first: %v", in.name, sum.Rejected, sum.Errors[0])
	}
	return a, nil
}
