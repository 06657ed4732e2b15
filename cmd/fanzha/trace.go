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
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
)

// runTrace follows victims' payments through a file of transfers:
// fanzha trace --in transfers.csv --attributions attributions.csv
// --payments ids.txt --out traces.ndjson.
func runTrace(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	in := fs.String("in", "", "transfers in the FORMATS.md transfer shape, or a block-explorer export (CSV, NDJSON or JSON, plain or gzip)")
	attrs := fs.String("attributions", "", "who controls which accounts (FORMATS.md attribution shape), so traces cross rails at OTC desks and stop at exchanges")
	payments := fs.String("payments", "", "payment ids to trace, one per line; or victim reports (.ndjson) whose payments are traced")
	outPath := fs.String("out", "-", "where to write one JSON trace per payment (NDJSON); - for stdout")
	policyName := fs.String("policy", "proportional", "how mixed money leaves an account: proportional (each payment out carries the victim's share), fifo or lifo")
	asOf := fs.String("as-of", "", "report what each holder has at this RFC 3339 time (default: the last transfer)")
	hops := fs.Int("max-hops", 10, "hops to follow from each payment")
	svgDir := fs.String("svg", "", "also draw each trace as a money-flow diagram, DIR/<payment>.svg")
	region := regionFlag(fs)
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("trace takes only flags (got %q)", pos[0])
	case *in == "":
		return usagef("trace needs --in transfers.csv")
	case *payments == "":
		return usagef("trace needs --payments ids.txt (or reports.ndjson)")
	}
	policy, err := money.ParsePolicy(*policyName)
	if err != nil {
		return usagef("--policy: %v", err)
	}
	opts := money.TraceOptions{Policy: policy, MaxHops: *hops}
	if *asOf != "" {
		if opts.AsOf, err = time.Parse(time.RFC3339, *asOf); err != nil {
			return usagef("--as-of %q is not an RFC 3339 time", *asOf)
		}
	}
	dst, summary, err := openOutput(*outPath, out)
	if err != nil {
		return err
	}
	defer dst.abort()
	iopts := indicator.Options{DefaultRegion: strings.ToUpper(*region)}

	start := time.Now()
	l, sum, err := loadLedger(ctx, *in, *attrs, iopts, summary)
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	ids, err := readPaymentIDs(*payments, l, iopts)
	if err != nil {
		return err
	}
	if *svgDir != "" {
		if err := os.MkdirAll(*svgDir, 0o755); err != nil {
			return err
		}
	}
	var lines []string
	var lat []time.Duration
	missing := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		t0 := time.Now()
		tr, err := l.Trace(id, opts)
		lat = append(lat, time.Since(t0))
		if err != nil {
			if !errors.Is(err, money.ErrNoPayment) {
				return err
			}
			missing++
			b, _ := json.Marshal(map[string]string{"payment": id, "error": err.Error()})
			lines = append(lines, string(b))
			continue
		}
		b, err := json.Marshal(tr)
		if err != nil {
			return err
		}
		lines = append(lines, string(b))
		if *svgDir != "" {
			if err := writeSVG(filepath.Join(*svgDir, safeName(id)+".svg"), tr); err != nil {
				return err
			}
		}
	}
	if err := dst.writeLines(lines); err != nil {
		return err
	}
	st := l.Stats()
	fmt.Fprintf(summary, "ledger: %s transfers, %s accounts, %s attributed, loaded in %s (%s; rejected %s, skipped %s)\n",
		thousands(st.Transfers), thousands(st.Accounts), thousands(st.Attributed), loaded.Round(time.Millisecond),
		sum.Dialect, thousands(sum.Rejected), thousands(sum.SkippedTotal()))
	fmt.Fprintf(summary, "traced %s payments (%s not in the ledger) with policy %s: latency p50 %s, p99 %s\n",
		thousands(len(ids)-missing), thousands(missing), policy, percentile(lat, 50), percentile(lat, 99))
	if dst.name != "-" {
		fmt.Fprintf(summary, "wrote %s\n", dst.name)
	}
	return nil
}

// loadLedger reads transfers and, when named, attributions into a Ledger,
// printing what was refused.
func loadLedger(ctx context.Context, in, attrs string, opts indicator.Options, summary io.Writer) (*money.Ledger, money.ReadSummary, error) {
	f, ok := records.FormatOf("", in)
	if !ok {
		return nil, money.ReadSummary{}, fmt.Errorf("cannot tell the format of %s from its name: name it .csv, .ndjson or .json (optionally .gz)", in)
	}
	input, err := openInput(in, "a file of transfers")
	if err != nil {
		return nil, money.ReadSummary{}, err
	}
	defer input.Close()
	// The same loader as detect mules: parsed in chunks on every CPU.
	ld := &ledgerLoad{l: money.NewLedger(), progress: progressOutput(), size: input.size, chunk: chunkSize}
	if !strings.HasSuffix(strings.ToLower(in), ".gz") {
		ld.l.Reserve(int(input.size / bytesPerTransfer))
	}
	l := ld.l
	sum, err := ld.load(ctx, input.r, f, opts)
	if err != nil {
		err = fmt.Errorf("%s: %w", in, err)
	}
	if err != nil {
		return nil, sum, err
	}
	if sum.Accepted == 0 {
		if sum.Rejected > 0 {
			return nil, sum, fmt.Errorf("%s: no usable transfers: all %d were rejected (first: %v)", in, sum.Rejected, sum.Errors[0])
		}
		return nil, sum, fmt.Errorf("%s: no transfers", in)
	}
	printRejects(summary, in, sum.Summary)
	if attrs == "" {
		return l, sum, nil
	}
	err = readFile(attrs, func(r io.Reader, f records.Format) error {
		asum, err := money.ReadAttributions(r, f, opts, func(a money.Attribution) error {
			l.Attribute(a)
			return nil
		})
		printRejects(summary, attrs, asum)
		return err
	})
	return l, sum, err
}

// readFile opens a side input (plain or gzip) in the format its name says;
// a name without one is read as CSV (or a plain list, which reads alike).
// Errors name the file.
func readFile(path string, fn func(io.Reader, records.Format) error) error {
	f, ok := records.FormatOf("", path)
	if !ok {
		f = records.CSV
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	if err := fn(bufio.NewReaderSize(file, 1<<20), f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func printRejects(w io.Writer, name string, s records.Summary) {
	if s.Rejected == 0 {
		return
	}
	fmt.Fprintf(w, "%s: rejected %s rows", name, thousands(s.Rejected))
	printFirstErrors(w, s.Errors)
}

// readPaymentIDs reads the payments to trace: ids one per line, or victim
// reports (NDJSON or JSON) whose payments are found in the ledger by
// their "payment_ids" or by payer, payee, amount and time.
func readPaymentIDs(path string, l *money.Ledger, opts indicator.Options) ([]string, error) {
	f, ok := records.FormatOf("", path)
	if ok && f != records.CSV {
		var ids []string
		err := readFile(path, func(r io.Reader, f records.Format) error {
			return money.ReadReportPayments(r, f, l, opts, func(id string) { ids = append(ids, id) })
		})
		return ids, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || line == "id" || line == "payment" {
			continue
		}
		ids = append(ids, strings.TrimSpace(strings.Split(line, ",")[0]))
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no payment ids", path)
	}
	return ids, nil
}

func writeSVG(path string, tr *money.Trace) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tr.SVG(f, money.DiagramOptions{}); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// safeName turns a payment id into a file name: no separators, no
// leading dot.
func safeName(id string) string {
	s := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, id)
	return strings.TrimLeft(s, ".")
}

// percentile of durations, rounded for people.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[min(i, len(s)-1)].Round(time.Microsecond)
}
