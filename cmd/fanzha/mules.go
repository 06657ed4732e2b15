package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
)

// runDetectMules scores the accounts of a file of transfers as money
// mules: fanzha detect mules --in transfers.csv [--attributions a.csv]
// [--victims reports.ndjson] --out mules.csv.
func runDetectMules(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("detect mules", flag.ContinueOnError)
	in := fs.String("in", "", "transfers in the FORMATS.md transfer shape or a block-explorer export (CSV, NDJSON or JSON, plain or gzip); - reads stdin")
	format := fs.String("format", "", "csv, ndjson or json (default: from the --in file name; csv for stdin)")
	attrPath := fs.String("attributions", "", "who controls which accounts (FORMATS.md attribution shape): merchants, payment firms, exchanges and banks are never suspects; known mules seed the links")
	victimPath := fs.String("victims", "", "victim reports (.ndjson/.json: payments' from are victims, to are first-layer mules), or a list of victim payer accounts (text, one a line, or CSV with a from/account column)")
	susPath := fs.String("out", "", "suspects CSV to write (kind,value,score,detector,reasons,first_seen,last_seen); - for stdout")
	region := regionFlag(fs)
	window := fs.Duration("window", 24*time.Hour, "money that leaves within this time of arriving has passed through")
	minScore := fs.Int("min-score", 50, "report accounts scoring at least this (1-100)")
	asOfText := fs.String("as-of", "", "score the transfers up to this RFC 3339 time (default: all)")
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("detect mules takes no arguments, only flags (got %q)", pos[0])
	case *in == "":
		return usagef("detect mules needs --in FILE (- for stdin)")
	case *window < time.Minute:
		return usagef("--window %s is shorter than a minute", *window)
	case *minScore < 1 || *minScore > 100:
		return usagef("--min-score %d: want 1 to 100", *minScore)
	}
	opts := money.MuleOptions{Window: *window, MinScore: *minScore}
	if *asOfText != "" {
		if opts.AsOf, err = time.Parse(time.RFC3339, *asOfText); err != nil {
			return usagef("--as-of %q is not an RFC 3339 time like 2026-11-20T00:00:00+08:00", *asOfText)
		}
	}
	f, err := inputFormat(*in, *format)
	if err != nil {
		return err
	}
	iopts := indicator.Options{DefaultRegion: strings.ToUpper(*region)}

	sus, summary, err := openOutput(*susPath, out)
	if err != nil {
		return err
	}
	defer sus.abort()

	start := time.Now()
	input, err := openInput(*in, "a file of transfers")
	if err != nil {
		return err
	}
	defer input.Close()
	src, name, size := input.r, input.name, input.size
	ld := &ledgerLoad{l: money.NewLedger(), progress: progressOutput(), size: size, chunk: chunkSize}
	if !strings.HasSuffix(strings.ToLower(name), ".gz") {
		// Room for the transfers a file of this size holds, so the
		// ledger's arrays are not copied over and over as they grow.
		ld.l.Reserve(int(size / bytesPerTransfer))
	}
	sum, err := ld.load(ctx, src, f, iopts)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	loaded := time.Since(start)
	if sum.Accepted == 0 {
		printMuleRead(summary, name, sum, loaded)
		if sum.Rejected > 0 {
			return fmt.Errorf("%s: no usable transfers: all %d were rejected (first: %v)", name, sum.Rejected, sum.Errors[0])
		}
		return fmt.Errorf("%s: no transfers", name)
	}

	var attrSum records.Summary
	if *attrPath != "" {
		err := readFile(*attrPath, func(r io.Reader, f records.Format) error {
			var err error
			attrSum, err = money.ReadAttributions(r, f, iopts, func(a money.Attribution) error {
				ld.l.Attribute(a)
				return nil
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	var vict money.VictimEvidence
	var victSum records.Summary
	if *victimPath != "" {
		err := readFile(*victimPath, func(r io.Reader, f records.Format) error {
			var err error
			vict, victSum, err = money.ReadVictims(r, f, iopts)
			return err
		})
		if err != nil {
			return err
		}
		opts.Victims, opts.Payees = vict.Victims, vict.Payees
	}

	suspects, stats := ld.l.Mules(opts)
	elapsed := time.Since(start)
	if err := sus.write(suspectColumns, muleRows(suspects)); err != nil {
		return err
	}

	printMuleRead(summary, name, sum, elapsed)
	ls := ld.l.Stats()
	fmt.Fprintf(summary, "ledger %s transfers between %s accounts, %s to %s; loaded in %s\n", thousands(ls.Transfers), thousands(ls.Accounts),
		ls.First.Format(time.DateOnly), ls.Last.Format(time.DateOnly), loaded.Round(time.Millisecond))
	if *attrPath != "" {
		fmt.Fprintf(summary, "attributions %s accepted, %s rejected", thousands(attrSum.Accepted), thousands(attrSum.Rejected))
		printFirstErrors(summary, attrSum.Errors)
	}
	if *victimPath != "" {
		fmt.Fprintf(summary, "victim evidence: %s lines accepted, %s rejected; %s victim accounts and %s reported payees, of which %s and %s are in the ledger",
			thousands(victSum.Accepted), thousands(victSum.Rejected), thousands(len(vict.Victims)), thousands(len(vict.Payees)), thousands(stats.Victims), thousands(stats.Payees))
		printFirstErrors(summary, victSum.Errors)
	}
	fmt.Fprintf(summary, "scored %s accounts that received money (%s excluded as institutions, merchants or infrastructure) in %s: %s transfers/s; %d link rounds\n",
		thousands(stats.Scored), thousands(stats.Excluded), stats.Elapsed.Round(time.Millisecond), thousands(int(stats.PerSecond)), stats.Rounds)
	fmt.Fprintf(summary, "suspects %s:", thousands(stats.Suspects))
	for _, sig := range money.MuleSignals {
		fmt.Fprintf(summary, " %s %s", sig, thousands(stats.BySignal[sig]))
	}
	fmt.Fprintln(summary)
	if *susPath != "" && *susPath != "-" {
		fmt.Fprintf(summary, "wrote %s\n", *susPath)
	}
	return nil
}

func printMuleRead(w io.Writer, name string, sum money.ReadSummary, elapsed time.Duration) {
	read := sum.Accepted + sum.Rejected + sum.SkippedTotal()
	fmt.Fprintf(w, "read %s transfers from %s (%s) in %s: %s records/s, peak memory %s\n",
		thousands(read), name, sum.Dialect, elapsed.Round(time.Millisecond), thousands(int(perSecond(read, elapsed))), megabytes(peakMemory()))
	fmt.Fprintf(w, "accepted %s, rejected %s, skipped %s", thousands(sum.Accepted), thousands(sum.Rejected), thousands(sum.SkippedTotal()))
	if sum.SkippedTotal() > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(sum.SkipReasons(), ", "))
	}
	printFirstErrors(w, sum.Errors)
}

func muleRows(ss []money.MuleSuspect) [][]string {
	rows := make([][]string, len(ss))
	for i, s := range ss {
		rows[i] = []string{s.Indicator.Kind().String(), s.Indicator.Value(), strconv.Itoa(s.Score), s.Detector(),
			strings.Join(s.Reasons, "; "), s.FirstSeen.Format(time.RFC3339), s.LastSeen.Format(time.RFC3339)}
	}
	return rows
}

// ledgerLoad reads a transfer file into a Ledger. Parsing is most of the
// cost of a large file, so a CSV or NDJSON file is cut into chunks at
// record boundaries and the chunks are parsed on every CPU; the ledger
// takes them in file order, so the first of two transfers with one id
// still wins and rejected lines keep their line numbers.
type ledgerLoad struct {
	l        *money.Ledger
	progress io.Writer // stderr on a terminal, else nil
	size     int64
	chunk    int // bytes a parse job takes
	read     countingReader
}

// chunkSize is how much of the file one parse job takes: large enough that
// the per-chunk work (a header, a reader) is nothing, small enough that
// all CPUs stay busy to the end.
const chunkSize = 4 << 20

// bytesPerTransfer is about the length of a transfer row in the canonical
// shape (a bank transfer with two 19-digit accounts and institutions is
// 110–130 bytes); a file's size over it is the ledger's room to reserve.
const bytesPerTransfer = 110

// chunk is one piece of the input and, once parsed, its transfers.
type chunk struct {
	data      []byte
	firstLine int // of data in the file, 1-based
	transfers []money.Transfer
	sum       money.ReadSummary
	err       error
	done      chan struct{}
}

func (ld *ledgerLoad) load(ctx context.Context, r io.Reader, f records.Format, opts indicator.Options) (money.ReadSummary, error) {
	ld.read.r = r
	br := bufio.NewReaderSize(&ld.read, 1<<16)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return money.ReadSummary{}, fmt.Errorf("gzip: %w", err)
		}
		src = zr
	}
	if f == records.JSON {
		return ld.loadSequential(ctx, src, f, opts)
	}
	return ld.loadChunks(ctx, src, f, opts)
}

// loadSequential reads a JSON array in one go: it cannot be cut.
func (ld *ledgerLoad) loadSequential(ctx context.Context, r io.Reader, f records.Format, opts indicator.Options) (money.ReadSummary, error) {
	batch := make([]money.Transfer, 0, 4096)
	sum, err := money.ReadTransfers(r, f, opts, func(t money.Transfer) error {
		batch = append(batch, t)
		if len(batch) == cap(batch) {
			ld.l.AddAll(batch)
			batch = batch[:0]
			return ctx.Err()
		}
		return nil
	})
	ld.l.AddAll(batch)
	return sum, err
}

func (ld *ledgerLoad) loadChunks(ctx context.Context, r io.Reader, f records.Format, opts indicator.Options) (money.ReadSummary, error) {
	var header []byte
	cut := newRecordCutter(r, f == records.CSV)
	if f == records.CSV {
		h, err := cut.next(1)
		if err != nil && len(h) == 0 {
			if err == io.EOF {
				return money.ReadSummary{Dialect: "transfer"}, errors.New("empty CSV: the first line must be a header row")
			}
			return money.ReadSummary{}, err
		}
		header = h
	}

	// The cutter feeds jobs to the parsers and, in the same order, to
	// the loop below that adds them to the ledger.
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *chunk, workers)
	ordered := make(chan *chunk, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				c.parse(header, f, opts)
				close(c.done)
			}
		}()
	}
	var cutErr error
	go func() {
		defer close(ordered)
		defer close(jobs)
		line := 1
		if header != nil {
			line = 1 + bytes.Count(header, []byte{'\n'})
		}
		for ctx.Err() == nil {
			data, err := cut.next(ld.chunk)
			if len(data) > 0 {
				c := &chunk{data: data, firstLine: line, done: make(chan struct{})}
				line += bytes.Count(data, []byte{'\n'})
				select {
				case ordered <- c:
				case <-ctx.Done():
					return
				}
				jobs <- c
			}
			if err != nil {
				if err != io.EOF {
					cutErr = err
				}
				return
			}
		}
	}()

	sum := money.ReadSummary{Dialect: "transfer"}
	start, lastShown := time.Now(), time.Now()
	var firstErr error
	for c := range ordered {
		<-c.done
		if firstErr != nil {
			continue // drain, so the goroutines end
		}
		if c.err != nil {
			firstErr = c.err
			cancel()
			continue
		}
		ld.l.AddAll(c.transfers)
		mergeReadSummary(&sum, c.sum)
		c.transfers, c.data = nil, nil
		if err := ctx.Err(); err != nil {
			firstErr = err
			continue
		}
		if ld.progress != nil {
			if now := time.Now(); now.Sub(lastShown) >= 200*time.Millisecond {
				lastShown = now
				ld.showProgress(sum.Accepted+sum.Rejected, now.Sub(start))
			}
		}
	}
	wg.Wait()
	if ld.progress != nil && sum.Accepted > 0 {
		ld.showProgress(sum.Accepted+sum.Rejected, time.Since(start))
		fmt.Fprintln(ld.progress)
	}
	if firstErr == nil {
		firstErr = cutErr
	}
	if firstErr != nil {
		if sum.Accepted+sum.Rejected == 0 {
			return sum, firstErr
		}
		return sum, fmt.Errorf("stopped after %d records: %w", sum.Accepted+sum.Rejected, firstErr)
	}
	return sum, nil
}

func (ld *ledgerLoad) showProgress(n int, d time.Duration) {
	line := fmt.Sprintf("\r%s transfers, %s records/s", thousands(n), thousands(int(perSecond(n, d))))
	if ld.size > 0 {
		line += fmt.Sprintf(", %d%% of the input", min(100, ld.read.n*100/ld.size))
	}
	fmt.Fprint(ld.progress, line+"   ")
}

// parse reads one chunk (after the file's header, for CSV) and moves its
// line numbers to where the lines are in the file.
func (c *chunk) parse(header []byte, f records.Format, opts indicator.Options) {
	src := io.Reader(bytes.NewReader(c.data))
	shift := c.firstLine - 1 // NDJSON: the chunk's line 1 is file line firstLine
	if header != nil {
		src = io.MultiReader(bytes.NewReader(header), src)
		shift = c.firstLine - 2 // CSV: the chunk's header is line 1
	}
	c.transfers = make([]money.Transfer, 0, len(c.data)/100)
	c.sum, c.err = money.ReadTransfers(src, f, opts, func(t money.Transfer) error {
		c.transfers = append(c.transfers, t)
		return nil
	})
	for _, e := range c.sum.Errors {
		e.Line += shift
	}
	if c.err != nil && c.firstLine > 2 {
		// A broken quote: the csv package counts lines from the chunk.
		c.err = fmt.Errorf("in the part of the file from line %d: %w", c.firstLine, c.err)
	}
}

func mergeReadSummary(dst *money.ReadSummary, s money.ReadSummary) {
	dst.Accepted += s.Accepted
	dst.Rejected += s.Rejected
	if s.Dialect != "" {
		dst.Dialect = s.Dialect
	}
	for _, e := range s.Errors {
		if len(dst.Errors) < records.MaxErrors {
			dst.Errors = append(dst.Errors, e)
		}
	}
	for reason, n := range s.Skipped {
		if dst.Skipped == nil {
			dst.Skipped = map[string]int{}
		}
		dst.Skipped[reason] += n
	}
}

// recordCutter cuts a stream into pieces that end at a record boundary: a
// newline outside quotes for CSV (a quoted field may hold newlines; RFC
// 4180 doubles quotes inside fields, so the count of quotes before a
// newline says whether it is inside one), any newline for NDJSON.
type recordCutter struct {
	r       io.Reader
	csv     bool
	pending []byte // read but not yet handed out
	eof     bool
}

func newRecordCutter(r io.Reader, csv bool) *recordCutter {
	return &recordCutter{r: r, csv: csv}
}

// next returns the input up to the first record boundary at or after size
// bytes, or the rest of it; io.EOF comes with the last piece. Every piece
// is a new slice, so the caller may keep it.
func (c *recordCutter) next(size int) ([]byte, error) {
	for {
		if end := c.boundary(size); end > 0 {
			out := c.pending[:end:end]
			c.pending = c.pending[end:]
			return out, nil
		}
		if c.eof {
			out := c.pending
			c.pending = nil
			return out, io.EOF
		}
		// Read on into a new buffer holding what is pending: the pieces
		// handed out keep theirs.
		buf := make([]byte, len(c.pending), len(c.pending)+size+64<<10)
		copy(buf, c.pending)
		n, err := io.ReadFull(c.r, buf[len(buf):cap(buf)])
		c.pending = buf[:len(buf)+n]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			c.eof = true
		case err != nil:
			return nil, err
		}
	}
}

// boundary is the end of the first record at or after size bytes into the
// pending input, or 0 when none is there yet.
func (c *recordCutter) boundary(size int) int {
	p := c.pending
	if len(p) < size || len(p) == 0 {
		return 0
	}
	i := max(size-1, 0)
	inQuotes := c.csv && bytes.Count(p[:i], []byte{'"'})%2 == 1
	for {
		nl := bytes.IndexByte(p[i:], '\n')
		if nl < 0 {
			return 0
		}
		nl += i
		if c.csv && bytes.Count(p[i:nl], []byte{'"'})%2 == 1 {
			inQuotes = !inQuotes
		}
		if !inQuotes {
			return nl + 1
		}
		i = nl + 1
	}
}
