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
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/screen"
)

// decisionColumns are the columns of screen's output.
var decisionColumns = []string{"id", "decision", "score", "reasons"}

// runScreen decides a file of payments as they would have been decided
// live: fanzha screen --in transfers.csv [--reports reports.ndjson]
// [--rules rules.json] --out decisions.csv. Payments are taken in time
// order and each is judged on what came before it only: the velocity of
// its payer and payee so far, and the victims' reports filed by then.
func runScreen(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("screen", flag.ContinueOnError)
	in := fs.String("in", "", "payments in the FORMATS.md transfer shape (CSV, NDJSON or JSON, plain or gzip); - reads stdin")
	format := fs.String("format", "", "csv, ndjson or json (default: from the --in file name; csv for stdin)")
	reportsPath := fs.String("reports", "", "victim reports (FORMATS.md report, NDJSON): their payees and contacts count as reported from each report's time")
	rulesPath := fs.String("rules", "", "a published rule set (JSON) to decide with instead of the shipped default")
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
	engine, err := screen.NewEngine(rules, nil, src)
	if err != nil {
		return err
	}

	summary := out
	if *outPath == "-" {
		summary = os.Stderr
	}
	dst, err := createOutput(*outPath, out)
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
	for i, t := range payments {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d, err := engine.Decide(screen.Payment{Transfer: t})
		if err != nil {
			return fmt.Errorf("payment %s: %w", t.ID, err)
		}
		byOutcome[d.Decision]++
		rows = append(rows, []string{d.ID, d.Decision, strconv.Itoa(d.Score), d.Reasons()})
	}
	took := time.Since(deciding)
	if err := dst.write(decisionColumns, rows); err != nil {
		return err
	}

	fmt.Fprintf(summary, "read %s: %s payments accepted, %s rejected", input.name, thousands(sum.Accepted), thousands(sum.Rejected))
	printFirstErrors(summary, sum.Errors)
	if reported != nil {
		fmt.Fprintf(summary, "reports %s read from %s (%s indicators left out: not parsable)\n", thousands(nReports), *reportsPath, thousands(nSkipped))
	}
	fmt.Fprintf(summary, "scenario %s version %d: allow %s, review %s, hold %s, block %s\n", rules.Scenario, rules.Version,
		thousands(byOutcome[screen.Allow]), thousands(byOutcome[screen.Review]), thousands(byOutcome[screen.Hold]), thousands(byOutcome[screen.Block]))
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
