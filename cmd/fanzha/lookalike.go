package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha/content"
	"github.com/fanzha/fanzha/records"
)

// lookalikeColumns is the shape of the scored output.
var lookalikeColumns = []string{"domain", "suspicious", "score", "brand", "reasons"}

// lookalikeInputColumns are the header names taken as the column of
// domains in a CSV input, the first found winning.
var lookalikeInputColumns = []string{"domain", "host", "hostname", "url", "urls", "name", "website", "site"}

// runLookalike scores domains against the protected brands:
// fanzha lookalike --in domains.txt [--brands brands.csv] --out scored.csv.
func runLookalike(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("lookalike", flag.ContinueOnError)
	in := fs.String("in", "", "domains or URLs, one a line, or a CSV whose header names a domain or url column; - reads stdin")
	brandsPath := fs.String("brands", "", "protected brands CSV (brand,domain,tokens[,category]); default: the built-in list")
	outPath := fs.String("out", "", "scored CSV to write (domain,suspicious,score,brand,reasons), one row per distinct domain; - for stdout")
	only := fs.Bool("suspicious-only", false, "write only the suspicious domains")
	list := fs.Bool("list-brands", false, "write the brands in use as a brands CSV (to --out, or stdout) and stop: a start for your own --brands file")
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("lookalike takes no arguments, only flags (got %q)", pos[0])
	case *in == "" && !*list:
		return usagef("lookalike needs --in FILE (- for stdin): lookalike --in domains.txt [--brands brands.csv] --out scored.csv")
	}

	brands := content.DefaultBrands()
	if *brandsPath != "" {
		f, err := os.Open(*brandsPath)
		if err != nil {
			return err
		}
		brands, err = content.ReadBrands(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *brandsPath, err)
		}
	}
	checker, err := content.NewChecker(brands)
	if err != nil {
		return fmt.Errorf("brands: %w", err)
	}

	if *list {
		name := *outPath
		if name == "" {
			name = "-"
		}
		o, err := createOutput(name, out)
		if err != nil {
			return err
		}
		defer o.abort()
		return o.commit(func(w io.Writer) error { return content.WriteBrands(w, brands) })
	}

	// The output is opened first, so that a bad path fails before a long
	// run, and written whole at the end through a temporary file.
	dst, summary, err := openOutput(*outPath, out)
	if err != nil {
		return err
	}
	defer dst.abort()

	input, err := openInput(*in, "a list of domains")
	if err != nil {
		return err
	}
	defer input.Close()
	src, name := input.r, input.name

	job := lookalikeJob{checker: checker, seen: map[string]int{}}
	start := time.Now()
	if err := job.read(ctx, src); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	elapsed := time.Since(start)
	if job.sum.Accepted == 0 && job.sum.Rejected > 0 {
		job.print(summary, name, "", elapsed)
		return fmt.Errorf("%s: no domains: all %d lines were rejected (first: %v)", name, job.sum.Rejected, job.sum.Errors[0])
	}
	if err := dst.write(lookalikeColumns, job.rows(*only)); err != nil {
		return err
	}
	job.print(summary, name, dst.name, elapsed)
	return nil
}

// lookalikeJob scores one input, keeping each distinct domain once in the
// order it first appeared.
type lookalikeJob struct {
	checker *content.Checker
	results []content.Lookalike
	seen    map[string]int // domain → index in results
	lines   int            // lines with a value (not blank, not a comment)
	sum     records.Summary
	column  string // the CSV column read, "" for a plain list
}

// read takes a plain list (one domain or URL a line) or, when the first
// line is a header naming a domain or url column, a CSV.
func (j *lookalikeJob) read(ctx context.Context, r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<16)
	line := 0
	var first string
	for {
		s, err := br.ReadString('\n')
		if s == "" && err != nil {
			if err == io.EOF {
				return nil // nothing but blanks and comments
			}
			return err
		}
		line++
		if t := strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")); t != "" && !strings.HasPrefix(t, "#") {
			first = t
			break
		}
		if err != nil {
			return nil
		}
	}
	if col, ok := lookalikeHeader(first); ok {
		return j.readCSV(ctx, br, line, col)
	}
	j.check(first, line)
	for {
		s, err := br.ReadString('\n')
		if s != "" {
			line++
			if t := strings.TrimSpace(s); t != "" && !strings.HasPrefix(t, "#") {
				j.check(t, line)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// lookalikeHeader reports whether a first line is a CSV header with a
// domain column, and that column's position.
func lookalikeHeader(s string) (int, bool) {
	rec, err := csv.NewReader(strings.NewReader(s)).Read()
	if err != nil {
		return 0, false
	}
	for _, want := range lookalikeInputColumns {
		for i, f := range rec {
			if strings.EqualFold(strings.TrimSpace(f), want) {
				return i, true
			}
		}
	}
	return 0, false
}

func (j *lookalikeJob) readCSV(ctx context.Context, r io.Reader, headerLine, col int) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	j.column = strconv.Itoa(col + 1)
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				j.lines++
				j.sum.Reject(&records.LineError{Line: pe.StartLine + headerLine, Reason: pe.Err.Error()})
				continue
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		line += headerLine
		if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
			if strings.TrimSpace(strings.Join(rec, "")) != "" {
				j.lines++
				j.sum.Reject(&records.LineError{Line: line, Reason: "no domain in column " + j.column})
			}
			continue
		}
		j.check(strings.TrimSpace(rec[col]), line)
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// check scores one value, or rejects it with its line number.
func (j *lookalikeJob) check(v string, line int) {
	j.lines++
	l, err := j.checker.CheckStrict(v)
	if err != nil {
		j.sum.Reject(&records.LineError{Line: line, Reason: lookalikeReason(err)})
		return
	}
	j.sum.Accepted++
	if _, dup := j.seen[l.Domain]; dup {
		return
	}
	j.seen[l.Domain] = len(j.results)
	j.results = append(j.results, l)
}

// lookalikeReason is an error without the input repeated: the line number
// already says where.
func lookalikeReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && i < len(msg)-2 {
		return msg[i+2:]
	}
	return msg
}

func (j *lookalikeJob) rows(suspiciousOnly bool) [][]string {
	rows := make([][]string, 0, len(j.results))
	for _, l := range j.results {
		if suspiciousOnly && !l.Suspicious {
			continue
		}
		rows = append(rows, []string{l.Domain, strconv.FormatBool(l.Suspicious),
			strconv.FormatFloat(l.Score, 'f', 2, 64), l.Brand, strings.Join(l.Reasons, "; ")})
	}
	return rows
}

// print writes the summary: what was read and refused, what was found.
func (j *lookalikeJob) print(w io.Writer, in, outName string, elapsed time.Duration) {
	fmt.Fprintf(w, "read %s lines from %s in %s: %s lines/s\n", thousands(j.lines), in,
		elapsed.Round(time.Millisecond), thousands(int(perSecond(j.lines, elapsed))))
	fmt.Fprintf(w, "accepted %s (%s distinct domains), rejected %s", thousands(j.sum.Accepted),
		thousands(len(j.results)), thousands(j.sum.Rejected))
	printFirstErrors(w, j.sum.Errors)
	byBrand := map[string]int{}
	suspicious := 0
	for _, l := range j.results {
		if l.Suspicious {
			suspicious++
			b := l.Brand
			if b == "" {
				b = "(no brand)"
			}
			byBrand[b]++
		}
	}
	share := 0.0
	if len(j.results) > 0 {
		share = 100 * float64(suspicious) / float64(len(j.results))
	}
	fmt.Fprintf(w, "suspicious %s of %s domains (%.1f%%)", thousands(suspicious), thousands(len(j.results)), share)
	brands := make([]string, 0, len(byBrand))
	for b := range byBrand {
		brands = append(brands, b)
	}
	sort.Slice(brands, func(a, b int) bool {
		if byBrand[brands[a]] != byBrand[brands[b]] {
			return byBrand[brands[a]] > byBrand[brands[b]]
		}
		return brands[a] < brands[b]
	})
	for i, b := range brands {
		if i == 10 {
			fmt.Fprintf(w, ", %d more brands", len(brands)-10)
			break
		}
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(w, "%s%s %d", sep, b, byBrand[b])
	}
	fmt.Fprintln(w)
	if outName != "" && outName != "-" {
		fmt.Fprintf(w, "wrote %s\n", outName)
	}
}
