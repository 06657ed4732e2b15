package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/telecom"
)

// SuspectColumns and WarningColumns are the FORMATS.md "Detector outputs"
// shapes; warnings carry their grade as one more column, since that is
// what a police station sorts its calls by.
var (
	suspectColumns = []string{"kind", "value", "score", "detector", "reasons", "first_seen", "last_seen"}
	warningColumns = []string{"subscriber", "suspect", "first_contact", "score", "reason", "grade"}
)

// summaryErrors is how many rejected lines the summary quotes.
const summaryErrors = 5

// runDetect runs the streaming detectors over a file of call records in
// one batch: fanzha detect telecom --in cdr.csv --out suspects.csv
// --warnings warnings.csv.
func runDetect(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "mules" {
		return runDetectMules(ctx, args[1:], out)
	}
	if len(args) == 0 || args[0] != "telecom" {
		return usagef("detect telecom --in cdr.csv [--out suspects.csv] [--warnings warnings.csv] [--region CN]\n   or: detect mules --in transfers.csv [--attributions attributions.csv] [--victims reports.ndjson] [--out mules.csv]")
	}
	fs := flag.NewFlagSet("detect telecom", flag.ContinueOnError)
	in := fs.String("in", "", "call records in the FORMATS.md cdr shape (CSV, NDJSON or JSON, plain or gzip), in rough time order; - reads stdin")
	format := fs.String("format", "", "csv, ndjson or json (default: from the --in file name; csv for stdin)")
	susPath := fs.String("out", "", "suspects CSV to write (kind,value,score,detector,reasons,first_seen,last_seen); - for stdout")
	warnPath := fs.String("warnings", "", "early warnings CSV to write (subscriber,suspect,first_contact,score,reason,grade); - for stdout")
	region := regionFlag(fs)
	window := fs.Duration("window", 24*time.Hour, "sliding window of traffic the detectors score")
	pos, err := parseFlags(fs, args[1:], out)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("detect telecom takes no arguments, only flags (got %q)", pos[0])
	case *in == "":
		return usagef("detect telecom needs --in FILE (- for stdin)")
	case *susPath == "-" && *warnPath == "-":
		return usagef("only one of --out and --warnings can be stdout")
	case *window < time.Hour:
		return usagef("--window %s is shorter than an hour", *window)
	}
	reg, err := checkRegion(*region)
	if err != nil {
		return err
	}
	f, err := inputFormat(*in, *format)
	if err != nil {
		return err
	}

	// Outputs are opened first, so a bad path fails before a long run; they
	// are written to temporary files renamed at the end, so a failed run
	// leaves no half-written file behind.
	summary := out
	sus, err := createOutput(*susPath, out)
	if err != nil {
		return err
	}
	defer sus.abort()
	warn, err := createOutput(*warnPath, out)
	if err != nil {
		return err
	}
	defer warn.abort()
	if *susPath == "-" || *warnPath == "-" {
		summary = os.Stderr
	}

	input, err := openInput(*in, "a file of call records")
	if err != nil {
		return err
	}
	defer input.Close()
	src, name, size := input.r, input.name, input.size
	job := &detectJob{
		engine:   telecom.NewEngine(telecom.Config{DefaultRegion: reg, Window: *window}),
		suspects: map[suspectKey]telecom.Suspect{},
		warnings: map[warningKey]telecom.Warning{},
		size:     size,
	}
	job.progress = progressOutput()
	defer batchGC()()
	res, err := job.run(ctx, src, f, indicator.Options{DefaultRegion: reg})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if res.sum.Accepted == 0 && res.sum.Rejected > 0 {
		res.print(summary, name, "", "")
		return fmt.Errorf("%s: no usable call records: all %d were rejected (first: %v)", name, res.sum.Rejected, res.sum.Errors[0])
	}
	if err := sus.write(suspectColumns, res.suspectRows()); err != nil {
		return err
	}
	if err := warn.write(warningColumns, res.warningRows()); err != nil {
		return err
	}
	res.print(summary, name, sus.name, warn.name)
	return nil
}

type suspectKey struct {
	ind      indicator.Indicator
	detector string
}

type warningKey struct{ sub, suspect indicator.Indicator }

// detectJob feeds one Engine and keeps every suspect and warning it raised:
// the Engine itself forgets suspects a week after their last traffic, which
// a batch over a month of records must not.
type detectJob struct {
	engine   *telecom.Engine
	suspects map[suspectKey]telecom.Suspect
	warnings map[warningKey]telecom.Warning

	progress io.Writer // stderr on a terminal, else nil
	size     int64     // of the input, for the progress line; 0 = unknown
	read     countingReader
}

// detectResult is what a run found, for the outputs and the summary.
type detectResult struct {
	sum      records.Summary
	stats    telecom.Stats
	suspects []telecom.Suspect
	warnings []telecom.Warning
	elapsed  time.Duration
	peak     uint64 // bytes
}

// How often the loop drains the Engine and looks at the clock: draining
// keeps the Engine's queue short; snapshots keep the figures of suspects
// that later expire from the Engine close to their last state.
const (
	parseBatch    = 1024
	drainEvery    = 1 << 14
	snapshotEvery = 1 << 20
)

func (j *detectJob) run(ctx context.Context, r io.Reader, f records.Format, opts indicator.Options) (*detectResult, error) {
	start := time.Now()
	j.read.r = r
	var n int
	lastShown := start
	// Parsing runs here and the detectors on their own goroutine, a few
	// batches behind, so the two cores share the work. Everything that
	// touches the engine happens on that goroutine until it is done.
	batches := make(chan []telecom.CDR, 8)
	// Batches the engine has finished with come back to be filled again:
	// the engine copies what it keeps out of each record, and a fresh
	// batch per 1,024 records was a fifth of everything a run allocated.
	free := make(chan []telecom.CDR, 10)
	engineDone := make(chan struct{})
	go func() {
		defer close(engineDone)
		added := 0
		for b := range batches {
			for _, c := range b {
				j.engine.Add(c)
				added++
				if added%drainEvery == 0 {
					j.drain()
					if added%snapshotEvery == 0 {
						j.snapshot()
					}
				}
			}
			clear(b) // drop the records' strings before the batch waits
			select {
			case free <- b[:0]:
			default:
			}
		}
	}()
	batch := make([]telecom.CDR, 0, parseBatch)
	sum, err := telecom.ReadCDRs(&j.read, f, opts, func(c telecom.CDR) error {
		batch = append(batch, c)
		n++
		if len(batch) < parseBatch {
			return nil
		}
		batches <- batch
		select {
		case batch = <-free:
		default:
			batch = make([]telecom.CDR, 0, parseBatch)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if j.progress != nil {
			if now := time.Now(); now.Sub(lastShown) >= 200*time.Millisecond {
				lastShown = now
				j.showProgress(n, now.Sub(start))
			}
		}
		return nil
	})
	batches <- batch
	close(batches)
	<-engineDone
	if j.progress != nil && n >= drainEvery {
		j.showProgress(n, time.Since(start))
		fmt.Fprintln(j.progress)
	}
	if err != nil {
		if sum.Accepted+sum.Rejected == 0 {
			return nil, err // the header, or not the format at all
		}
		return nil, fmt.Errorf("stopped after %d records: %w", sum.Accepted+sum.Rejected, err)
	}
	j.engine.Flush()
	j.drain()
	j.snapshot()
	res := &detectResult{sum: sum, stats: j.engine.Stats(), elapsed: time.Since(start), peak: peakMemory()}
	for _, s := range j.suspects {
		res.suspects = append(res.suspects, s)
	}
	telecom.SortSuspects(res.suspects)
	for _, w := range j.warnings {
		res.warnings = append(res.warnings, w)
	}
	telecom.SortWarnings(res.warnings)
	return res, nil
}

// drain takes what the Engine raised since the last drain; a warning comes
// again when its grade rises, so the later one wins.
func (j *detectJob) drain() {
	ss, ws := j.engine.Drain()
	for _, s := range ss {
		j.suspects[suspectKey{s.Indicator, s.Detector}] = s
	}
	for _, w := range ws {
		j.warnings[warningKey{w.Subscriber, w.Suspect}] = w
	}
}

// snapshot takes the current figures of the suspects and warnings the
// Engine holds: scores and reasons grow after a line is first flagged.
func (j *detectJob) snapshot() {
	for _, s := range j.engine.Suspects() {
		j.suspects[suspectKey{s.Indicator, s.Detector}] = s
	}
	for _, w := range j.engine.Warnings() {
		j.warnings[warningKey{w.Subscriber, w.Suspect}] = w
	}
}

func (j *detectJob) showProgress(n int, d time.Duration) {
	line := fmt.Sprintf("\r%s records, %s records/s", thousands(n), thousands(int(perSecond(n, d))))
	if j.size > 0 {
		line += fmt.Sprintf(", %d%% of the input", min(100, j.read.n*100/j.size))
	}
	fmt.Fprint(j.progress, line+"   ")
}

func (r *detectResult) suspectRows() [][]string {
	rows := make([][]string, len(r.suspects))
	for i, s := range r.suspects {
		rows[i] = []string{s.Indicator.Kind().String(), s.Indicator.Value(), strconv.Itoa(s.Score), s.Detector,
			strings.Join(s.Reasons, "; "), s.FirstSeen.Format(time.RFC3339), s.LastSeen.Format(time.RFC3339)}
	}
	return rows
}

func (r *detectResult) warningRows() [][]string {
	rows := make([][]string, len(r.warnings))
	for i, w := range r.warnings {
		rows[i] = []string{w.Subscriber.Value(), w.Suspect.Value(), w.FirstContact.Format(time.RFC3339),
			strconv.Itoa(w.Score), w.Reason, w.Grade}
	}
	return rows
}

// print writes the summary: what was read, what was refused and why, what
// was found, and how fast.
func (r *detectResult) print(w io.Writer, in, susName, warnName string) {
	read := r.sum.Accepted + r.sum.Rejected
	fmt.Fprintf(w, "read %s records from %s in %s: %s records/s, peak memory %s\n",
		thousands(read), in, r.elapsed.Round(time.Millisecond), thousands(int(perSecond(read, r.elapsed))), megabytes(r.peak))
	fmt.Fprintf(w, "accepted %s, rejected %s", thousands(r.sum.Accepted), thousands(r.sum.Rejected))
	printFirstErrors(w, r.sum.Errors)
	fmt.Fprintf(w, "duplicates %s, late %s, ignored %s (no caller or callee, or calling itself)\n",
		thousands(r.stats.Duplicates), thousands(r.stats.Late), thousands(r.stats.Ignored))
	if r.stats.Late > 0 && r.stats.Late*100 > r.sum.Accepted {
		fmt.Fprintf(w, "note: %s records arrived more than a window after later ones and were not scored; sort the file by start time\n", thousands(r.stats.Late))
	}
	byDet := map[string]int{}
	lines := map[indicator.Indicator]bool{}
	for _, s := range r.suspects {
		byDet[s.Detector]++
		lines[s.Indicator] = true
	}
	fmt.Fprintf(w, "suspects %s on %s lines:", thousands(len(r.suspects)), thousands(len(lines)))
	for _, d := range []string{telecom.MassOutreach, telecom.SpoofedCLI, telecom.SIMBox, telecom.Wangiri, telecom.SuspectContact} {
		fmt.Fprintf(w, " %s %d", d, byDet[d])
	}
	fmt.Fprintln(w)
	byGrade := map[string]int{}
	for _, x := range r.warnings {
		byGrade[x.Grade]++
	}
	fmt.Fprintf(w, "warnings %s: high %d, medium %d, low %d\n", thousands(len(r.warnings)),
		byGrade[telecom.GradeHigh], byGrade[telecom.GradeMedium], byGrade[telecom.GradeLow])
	var wrote []string
	for _, n := range []string{susName, warnName} {
		if n != "" && n != "-" {
			wrote = append(wrote, n)
		}
	}
	if len(wrote) > 0 {
		fmt.Fprintf(w, "wrote %s\n", strings.Join(wrote, " and "))
	}
}

// output is a CSV file written in full or not at all.
type output struct {
	name   string
	tmp    *os.File  // nil for stdout or no output
	stdout io.Writer // for "-"
	done   bool
}

// openOutput opens a command's single output and says where its summary
// goes: to out, unless the output itself is stdout, then to stderr.
func openOutput(name string, out io.Writer) (dst *output, summary io.Writer, err error) {
	dst, err = createOutput(name, out)
	if err != nil {
		return nil, nil, err
	}
	summary = out
	if name == "-" {
		summary = os.Stderr
	}
	return dst, summary, nil
}

func createOutput(name string, stdout io.Writer) (*output, error) {
	o := &output{name: name}
	switch name {
	case "":
		return o, nil
	case "-":
		o.stdout = stdout
		return o, nil
	}
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", name, err)
	}
	o.tmp = tmp
	return o, nil
}

func (o *output) write(header []string, rows [][]string) error {
	return o.commit(func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(header)
		cw.WriteAll(rows) // flushes
		return cw.Error()
	})
}

// writeLines writes one line per element: NDJSON outputs.
func (o *output) writeLines(lines []string) error {
	return o.commit(func(w io.Writer) error {
		for _, l := range lines {
			if _, err := io.WriteString(w, l+"\n"); err != nil {
				return err
			}
		}
		return nil
	})
}

// commit writes the output in full through fn and puts it in place.
func (o *output) commit(fn func(io.Writer) error) error {
	var dst io.Writer
	switch {
	case o.tmp != nil:
		dst = o.tmp
	case o.stdout != nil:
		dst = o.stdout
	default:
		return nil
	}
	bw := bufio.NewWriterSize(dst, 1<<16)
	if err := fn(bw); err != nil {
		return fmt.Errorf("writing %s: %w", o.name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", o.name, err)
	}
	if o.tmp == nil {
		return nil
	}
	if err := o.tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := o.tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", o.name, err)
	}
	if err := os.Rename(o.tmp.Name(), o.name); err != nil {
		return err
	}
	o.done = true
	return nil
}

// abort removes the temporary file of an output not written in full.
func (o *output) abort() {
	if o.tmp != nil && !o.done {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
	}
}

// batchGC caps the heap while a batch runs, unless GOGC or GOMEMLIMIT
// say otherwise: the Engine holds a day of traffic (about 1 GB live for 3.3
// million records a day), and the default doubling would take the peak past
// the 2 GB. A soft limit well above the live heap costs a few more
// collections, not a spiral. It returns the function that restores it.
func batchGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(1800 << 20)
	return func() { debug.SetMemoryLimit(limit) }
}

// printFirstErrors ends a summary line with the first rejected lines.
func printFirstErrors(w io.Writer, errs []*records.LineError) {
	if len(errs) > 0 {
		fmt.Fprint(w, "; the first:")
		for i, e := range errs {
			if i == summaryErrors {
				break
			}
			fmt.Fprintf(w, "\n  %v", e)
		}
	}
	fmt.Fprintln(w)
}

// checkRegion upper-cases --region and checks it has a numbering plan.
func checkRegion(region string) (string, error) {
	reg := strings.ToUpper(region)
	if phonenumbers.GetCountryCodeForRegion(reg) == 0 {
		return "", usagef("--region %q is not a region with a numbering plan (want an ISO 3166-1 alpha-2 code like CN)", region)
	}
	return reg, nil
}

// inputFormat is the format of --in: --format when given, else from the
// file's name; stdin is CSV unless --format says otherwise.
func inputFormat(in, format string) (records.Format, error) {
	switch {
	case format != "":
		f, ok := records.FormatOf("", "x."+strings.ToLower(format))
		if !ok || strings.Contains(format, ".") {
			return 0, usagef("--format %q: want csv, ndjson or json", format)
		}
		return f, nil
	case in != "-":
		f, ok := records.FormatOf("", in)
		if !ok {
			return 0, usagef("cannot tell the format of %s from its name: name it .csv, .ndjson or .json (optionally .gz), or pass --format", in)
		}
		return f, nil
	}
	return records.CSV, nil
}

// input is a command's --in: a file, or stdin for "-".
type input struct {
	r    io.Reader
	name string // for messages: the path, or "stdin"
	size int64  // 0 when unknown
	file *os.File
}

// openInput opens --in; what names what the file should hold, for the
// error when it is a directory. Close it when done.
func openInput(path, what string) (*input, error) {
	if path == "-" {
		return &input{r: os.Stdin, name: "stdin"}, nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if st.IsDir() {
		file.Close()
		return nil, fmt.Errorf("%s is a directory, not %s", path, what)
	}
	return &input{r: file, name: path, size: st.Size(), file: file}, nil
}

func (in *input) Close() error {
	if in.file != nil {
		return in.file.Close()
	}
	return nil
}

// countingReader counts the bytes read, for the progress line.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// progressOutput is where the progress line goes: stderr when it is a
// terminal, nowhere when it is a file or a pipe. Tests replace it.
var progressOutput = func() io.Writer {
	if st, err := os.Stderr.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		return os.Stderr
	}
	return nil
}

// peakMemory is the process's peak resident memory (VmHWM) where Linux
// tells it, else the memory the Go runtime took from the system.
func peakMemory() uint64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func megabytes(b uint64) string { return fmt.Sprintf("%d MB", (b+(1<<19))>>20) }

// thousands writes n with comma separators: 1,234,567.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
