package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/content"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// classifyColumns is the shape of the scored output: the classifier's
// verdict at its default threshold (scam 1 or 0), the indicators each
// message holds as kind:value, and the reasons joined with "; ".
var classifyColumns = []string{"id", "scam", "score", "typology", "indicators", "reasons"}

// classifyChunk is how many messages travel together between the reader,
// the workers and the writer: enough that passing them costs nothing next
// to classifying them, few enough that the output keeps flowing.
const classifyChunk = 512

// runClassify scores a file of messages:
// fanzha classify --in messages.csv [--format csv|ndjson] --out scored.csv [--region CN].
func runClassify(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	in := fs.String("in", "", "messages in the FORMATS.md message shape (id,time,sender,recipient,channel,text; id and text required), CSV or NDJSON, plain or gzip; - reads stdin")
	format := fs.String("format", "", "csv or ndjson (default: from the --in file name; csv for stdin)")
	outPath := fs.String("out", "", "scored CSV to write (id,scam,score,typology,indicators,reasons), in input order; - for stdout; none: the summary only")
	region := regionFlag(fs)
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "messages are classified on this many cores")
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("classify takes no arguments, only flags (got %q)", pos[0])
	case *in == "":
		return usagef("classify needs --in FILE (- for stdin): classify --in messages.csv --out scored.csv")
	case *workers < 1:
		return usagef("--workers %d: want at least 1", *workers)
	}
	reg, err := checkRegion(*region)
	if err != nil {
		return err
	}
	f, err := inputFormat(*in, *format)
	if err != nil {
		return err
	}
	// The model and the brands load before the input is opened, so that a
	// broken build fails at once.
	if _, err := content.Embedded(); err != nil {
		return err
	}
	checker, err := content.NewChecker(content.DefaultBrands())
	if err != nil {
		return fmt.Errorf("brands: %w", err)
	}

	// The output is opened first, so that a bad path fails before a long
	// run, and is written through a temporary file renamed at the end.
	dst, summary, err := openOutput(*outPath, out)
	if err != nil {
		return err
	}
	defer dst.abort()

	input, err := openInput(*in, "a file of messages")
	if err != nil {
		return err
	}
	defer input.Close()
	src, name, size := input.r, input.name, input.size

	job := &classifyJob{checker: checker, opts: indicator.Options{DefaultRegion: reg}, workers: *workers,
		progress: progressOutput(), size: size}
	var runErr error
	run := func(w io.Writer) error {
		if runErr = job.run(ctx, src, f, w); runErr != nil {
			return runErr
		}
		if job.sum.Accepted == 0 && job.sum.Rejected > 0 {
			return errAllRejected // nothing worth a file
		}
		return nil
	}
	if *outPath == "" {
		err = run(io.Discard)
	} else {
		err = dst.commit(run)
	}
	switch {
	case errors.Is(err, errAllRejected):
		job.print(summary, name, "")
		return fmt.Errorf("%s: no messages: all %d were rejected (first: %v)", name, job.sum.Rejected, job.sum.Errors[0])
	case runErr != nil:
		return fmt.Errorf("%s: %w", name, runErr)
	case err != nil:
		return err
	}
	job.print(summary, name, dst.name)
	return nil
}

var errAllRejected = errors.New("every message was rejected")

// classifyJob reads messages, classifies them on every worker and writes
// the scored rows in input order. The reader alone touches sum; the writer
// alone touches the counts.
type classifyJob struct {
	checker *content.Checker
	opts    indicator.Options
	workers int

	progress io.Writer // stderr on a terminal, else nil
	size     int64     // of the input, for the progress line; 0 = unknown
	read     countingReader

	sum     records.Summary
	elapsed time.Duration

	scam       int
	byTypology map[string]int
	withFound  int // messages with at least one indicator
	byKind     map[string]int
	lookalikes int // suspicious lookalike domains noted
	withLook   int // messages with one
}

// classifyMsg is one accepted message on its way to a worker.
type classifyMsg struct {
	id, channel, text string
}

// classifyBatch is a chunk of messages and, once scored, their rows.
type classifyBatch struct {
	seq    int
	msgs   []classifyMsg
	scored []scoredMessage
}

// scoredMessage is one message's output row and what the summary counts.
type scoredMessage struct {
	row        []string
	scam       bool
	typology   string
	kinds      []indicator.Kind
	lookalikes int
}

// run is the pipeline: this goroutine reads and validates, the workers
// classify chunks in any order, and the writer puts them back in order.
// A failure anywhere cancels the rest.
func (j *classifyJob) run(ctx context.Context, r io.Reader, f records.Format, w io.Writer) error {
	start := time.Now()
	j.read.r = r
	rd, err := records.NewReader(&j.read, f, "id", "text")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	todo := make(chan *classifyBatch, 2*j.workers)
	done := make(chan *classifyBatch, 2*j.workers)
	var wg sync.WaitGroup
	for range j.workers {
		wg.Go(func() {
			for b := range todo {
				if ctx.Err() == nil {
					if err := j.score(b); err != nil {
						cancel(err)
					}
				}
				done <- b
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	written := make(chan error, 1)
	go func() { written <- j.write(w, done, cancel, start) }()

	readErr := j.readAll(ctx, rd, todo)
	close(todo)
	writeErr := <-written
	j.elapsed = time.Since(start)
	if j.progress != nil && j.sum.Accepted >= 4*classifyChunk {
		fmt.Fprintln(j.progress)
	}
	switch {
	case writeErr != nil:
		return writeErr
	case context.Cause(ctx) != nil && !errors.Is(context.Cause(ctx), context.Canceled):
		return context.Cause(ctx) // a worker failed
	case readErr != nil:
		if j.sum.Accepted+j.sum.Rejected == 0 {
			return readErr // not the format at all
		}
		return fmt.Errorf("stopped after %d messages: %w", j.sum.Accepted+j.sum.Rejected, readErr)
	}
	return ctx.Err() // interrupted
}

// readAll reads and checks the messages, handing them on in chunks. A row
// that cannot be used is counted with its line number and reason.
func (j *classifyJob) readAll(ctx context.Context, rd *records.Reader, todo chan<- *classifyBatch) error {
	b := &classifyBatch{}
	send := func() bool {
		select {
		case todo <- b:
			b = &classifyBatch{seq: b.seq + 1, msgs: make([]classifyMsg, 0, classifyChunk)}
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		var le *records.LineError
		if errors.As(err, &le) {
			j.sum.Reject(le)
			continue
		}
		if err != nil {
			if len(b.msgs) > 0 {
				send()
			}
			return err
		}
		m, le := checkClassifyRow(row)
		if le != nil {
			j.sum.Reject(le)
			continue
		}
		j.sum.Accepted++
		b.msgs = append(b.msgs, m)
		if len(b.msgs) == classifyChunk && !send() {
			return nil // the writer or a worker failed; run reports it
		}
	}
	if len(b.msgs) > 0 {
		send()
	}
	return nil
}

// checkClassifyRow takes the fields of one message, or says what is wrong.
func checkClassifyRow(row records.Row) (classifyMsg, *records.LineError) {
	m := classifyMsg{id: row.Get("id"), channel: strings.ToLower(row.Get("channel")), text: row.Get("text")}
	switch {
	case m.id == "":
		return m, row.Errorf("id", "required")
	case m.text == "":
		return m, row.Errorf("text", "required")
	case m.channel != "" && !slices.Contains(content.Channels, m.channel):
		return m, row.Errorf("channel", "unknown channel %q (want one of %s, or empty)", row.Get("channel"), strings.Join(content.Channels, ", "))
	}
	return m, nil
}

// score classifies one chunk.
func (j *classifyJob) score(b *classifyBatch) error {
	scored := make([]scoredMessage, len(b.msgs))
	for i, m := range b.msgs {
		s, err := scoreMessage(j.checker, m.id, m.text, m.channel, j.opts)
		if err != nil {
			return fmt.Errorf("message %q: %w", m.id, err)
		}
		scored[i] = s
	}
	b.scored = scored // only a whole chunk is written
	return nil
}

// write puts the chunks back in input order as they arrive and writes
// their rows. It drains every chunk even after a failure, so no worker is
// left blocked.
func (j *classifyJob) write(w io.Writer, done <-chan *classifyBatch, cancel context.CancelCauseFunc, start time.Time) error {
	j.byTypology, j.byKind = map[string]int{}, map[string]int{}
	cw := csv.NewWriter(w)
	err := cw.Write(classifyColumns)
	pending := map[int]*classifyBatch{}
	next, n := 0, 0
	lastShown := start
	for b := range done {
		pending[b.seq] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err != nil || b.scored == nil {
				continue // failed: drain only
			}
			for _, s := range b.scored {
				j.count(s)
				if err = cw.Write(s.row); err != nil {
					cancel(err)
					break
				}
			}
			n += len(b.scored)
		}
		if j.progress != nil {
			if now := time.Now(); now.Sub(lastShown) >= 200*time.Millisecond {
				lastShown = now
				j.showProgress(n, now.Sub(start))
			}
		}
	}
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

func (j *classifyJob) count(s scoredMessage) {
	if s.scam {
		j.scam++
		j.byTypology[s.typology]++
	}
	if len(s.kinds) > 0 {
		j.withFound++
	}
	for _, k := range s.kinds {
		j.byKind[k.String()]++
	}
	if s.lookalikes > 0 {
		j.withLook++
		j.lookalikes += s.lookalikes
	}
}

func (j *classifyJob) showProgress(n int, d time.Duration) {
	line := fmt.Sprintf("\r%s messages, %s messages/s", thousands(n), thousands(int(perSecond(n, d))))
	if j.size > 0 {
		line += fmt.Sprintf(", %d%% of the input", min(100, j.read.n*100/j.size))
	}
	fmt.Fprint(j.progress, line+"   ")
}

// scoreMessage reads one message three ways — the classifier's verdict,
// the indicators written in it, and a lookalike check of every domain,
// link and e-mail domain among them — and makes its output row. Suspicious
// lookalikes are added to the reasons: a bank's name in a link on a cheap
// domain is a strong sign the classifier does not see.
func scoreMessage(checker *content.Checker, id, text, channel string, opts indicator.Options) (scoredMessage, error) {
	v, err := content.Classify(text, channel)
	if err != nil {
		return scoredMessage{}, err
	}
	found := content.Extract(text, opts)
	s := scoredMessage{scam: v.Scam, typology: v.Typology, kinds: make([]indicator.Kind, len(found))}
	var inds strings.Builder
	reasons := v.Reasons
	var checked []string
	for i, f := range found {
		ind := f.Indicator
		s.kinds[i] = ind.Kind()
		if i > 0 {
			inds.WriteByte(' ')
		}
		inds.WriteString(ind.Kind().String())
		inds.WriteByte(':')
		inds.WriteString(ind.Value())

		target := ""
		switch ind.Kind() {
		case indicator.Domain, indicator.URL:
			target = ind.Value()
		case indicator.Email:
			_, target, _ = strings.Cut(ind.Value(), "@")
		}
		if target == "" {
			continue
		}
		l := checker.Check(target)
		if !l.Suspicious || slices.Contains(checked, l.Domain) {
			continue
		}
		checked = append(checked, l.Domain)
		s.lookalikes++
		if len(reasons) == len(v.Reasons) {
			reasons = slices.Clip(reasons) // append copies: v.Reasons stays as it was
		}
		reasons = append(reasons, lookalikeNote(l))
	}
	scam := "0"
	if v.Scam {
		scam = "1"
	}
	s.row = []string{id, scam, strconv.FormatFloat(v.Score, 'f', 3, 64), v.Typology, inds.String(), strings.Join(reasons, "; ")}
	return s, nil
}

// lookalikeNote is a suspicious domain as one reason.
func lookalikeNote(l content.Lookalike) string {
	note := "lookalike domain " + l.Domain
	if l.Brand != "" {
		note += " imitates " + l.Brand
	}
	note += " (" + strconv.FormatFloat(l.Score, 'f', 2, 64) + ")"
	if len(l.Reasons) > 0 {
		note += ": " + strings.Join(l.Reasons, ", ")
	}
	return note
}

// print writes the summary: what was read and refused, what was found,
// and how fast.
func (j *classifyJob) print(w io.Writer, in, outName string) {
	read := j.sum.Accepted + j.sum.Rejected
	rate := perSecond(read, j.elapsed)
	fmt.Fprintf(w, "read %s messages from %s in %s: %s messages/s with %d workers, peak memory %s\n",
		thousands(read), in, j.elapsed.Round(time.Millisecond), thousands(int(rate)), j.workers, megabytes(peakMemory()))
	fmt.Fprintf(w, "accepted %s, rejected %s", thousands(j.sum.Accepted), thousands(j.sum.Rejected))
	printFirstErrors(w, j.sum.Errors)
	share := 0.0
	if j.sum.Accepted > 0 {
		share = 100 * float64(j.scam) / float64(j.sum.Accepted)
	}
	fmt.Fprintf(w, "scam %s of %s (%.1f%%)%s\n", thousands(j.scam), thousands(j.sum.Accepted), share, countList(j.byTypology))
	total := 0
	for _, n := range j.byKind {
		total += n
	}
	fmt.Fprintf(w, "indicators %s in %s messages%s; lookalike domains %s in %s messages\n", thousands(total),
		thousands(j.withFound), countList(j.byKind), thousands(j.lookalikes), thousands(j.withLook))
	if outName != "" && outName != "-" {
		fmt.Fprintf(w, "wrote %s\n", outName)
	}
}

// countList writes counts largest first: ": task_scam 12, phishing 3".
func countList(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(a, b int) bool {
		if m[names[a]] != m[names[b]] {
			return m[names[a]] > m[names[b]]
		}
		return names[a] < names[b]
	})
	var b strings.Builder
	for i, k := range names {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(k + " " + thousands(m[k]))
	}
	return b.String()
}
