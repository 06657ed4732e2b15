// Package telecom reads call detail records (the FORMATS.md `cdr` shape) and
// runs the streaming call-pattern detectors over them: mass outreach,
// spoofed caller ID, SIM boxes, Wangiri and contact with known suspects. It
// also turns contact with a flagged line into graded early warnings for the
// people being scammed now (预警劝阻), and answers a bank's question "is my
// customer in contact with a suspect line".
//
// The detectors keep only a sliding window of traffic (24 h by default), so
// memory is bounded by the traffic of one window, not by the whole stream.
package telecom

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// CDR is one call or SMS, parsed and normalised.
type CDR struct {
	ID            string
	Start         time.Time
	Caller        indicator.Indicator // as presented (CLI); may be spoofed
	Callee        indicator.Indicator
	Duration      time.Duration // of conversation; 0 = not answered
	SMS           bool
	CallerIMEI    string
	CallerIMSI    string
	Cell          string
	Trunk         string
	OriginCountry string // ISO 3166-1 alpha-2, upper case; "" when not given

	// The numbers' engine keys, worked out by ParseCDR on the parsing
	// goroutine so the engine's goroutine — the bottleneck — need not
	// hash them; zero in records made otherwise, which the engine keys itself.
	callerKey, calleeKey lineKey
}

// Answered reports whether a voice call was answered (had conversation).
func (c CDR) Answered() bool { return !c.SMS && c.Duration > 0 }

// CDRColumns are the columns of the FORMATS.md `cdr` shape, in order.
var CDRColumns = []string{"id", "start", "caller", "callee", "duration", "type", "caller_imei", "caller_imsi", "cell", "trunk", "origin_country"}

// RequiredCDRColumns are the columns a CDR file must have.
var RequiredCDRColumns = []string{"id", "start", "caller", "callee", "duration"}

// Bounds on free-text fields, so a hostile row cannot grow detector state.
const (
	maxIDLen    = 256
	maxTagLen   = 64         // imei, imsi, cell, trunk
	maxDuration = 31 * 86400 // seconds; longer is a broken record
)

// ParseCDR turns one row into a CDR. Numbers are normalised through opts
// (national numbers are read in opts.DefaultRegion; short codes such as
// 95588 stay short codes). The error names the field and says what is wrong.
func ParseCDR(row records.Row, opts indicator.Options) (CDR, *records.LineError) {
	var c CDR
	for _, name := range RequiredCDRColumns {
		if row.Get(name) == "" {
			return CDR{}, row.Errorf(name, "missing value (required)")
		}
	}
	c.ID = row.Get("id")
	if len(c.ID) > maxIDLen {
		return CDR{}, row.Errorf("id", "longer than %d bytes", maxIDLen)
	}
	start, err := parseTime(row.Get("start"))
	if err != nil {
		return CDR{}, row.Errorf("start", "not an RFC 3339 time like 2026-11-20T09:15:00+08:00: %q", clip(row.Get("start")))
	}
	c.Start = start
	if c.Caller, err = opts.Parse(indicator.Phone, row.Get("caller")); err != nil {
		return CDR{}, row.Errorf("caller", "%s", phoneReason(err))
	}
	if c.Callee, err = opts.Parse(indicator.Phone, row.Get("callee")); err != nil {
		return CDR{}, row.Errorf("callee", "%s", phoneReason(err))
	}
	c.callerKey, c.calleeKey = keyOf(c.Caller), keyOf(c.Callee)
	d, err := strconv.Atoi(row.Get("duration"))
	switch {
	case err != nil:
		return CDR{}, row.Errorf("duration", "not a whole number of seconds: %q", clip(row.Get("duration")))
	case d < 0:
		return CDR{}, row.Errorf("duration", "negative (%d s)", d)
	case d > maxDuration:
		return CDR{}, row.Errorf("duration", "%d s is longer than 31 days", d)
	}
	c.Duration = time.Duration(d) * time.Second
	switch t := row.Get("type"); {
	case t == "" || strings.EqualFold(t, "voice"):
	case strings.EqualFold(t, "sms"):
		c.SMS = true
	default:
		return CDR{}, row.Errorf("type", "want voice or sms, not %q", clip(t))
	}
	for _, f := range [...]struct {
		name string
		dst  *string
	}{{"caller_imei", &c.CallerIMEI}, {"caller_imsi", &c.CallerIMSI}, {"cell", &c.Cell}, {"trunk", &c.Trunk}} {
		v := row.Get(f.name)
		if len(v) > maxTagLen {
			return CDR{}, row.Errorf(f.name, "longer than %d bytes", maxTagLen)
		}
		*f.dst = v
	}
	if oc := row.Get("origin_country"); oc != "" {
		if len(oc) != 2 || !isLetter(oc[0]) || !isLetter(oc[1]) {
			return CDR{}, row.Errorf("origin_country", "want an ISO 3166-1 alpha-2 code like CN, not %q", clip(oc))
		}
		c.OriginCountry = strings.ToUpper(oc)
	}
	return c, nil
}

// parseTime reads an RFC 3339 time. The form every switch writes —
// 2026-11-20T09:15:00+08:00, or with Z — is read directly, with one
// Location per offset kept: time.Parse makes a new zone for every record
// with an offset, and at millions of records a second that garbage is
// felt. Anything else goes to time.Parse.
func parseTime(s string) (time.Time, error) {
	if len(s) == 25 || len(s) == 20 && s[19] == 'Z' {
		if t, ok := fastTime(s); ok {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, s)
}

func fastTime(s string) (time.Time, bool) {
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	loc := time.UTC
	if len(s) == 25 {
		oh, om := num(20, 2), num(23, 2)
		if s[19] != '+' && s[19] != '-' || s[22] != ':' || oh < 0 || oh > 23 || om < 0 || om > 59 {
			return time.Time{}, false
		}
		off := oh*3600 + om*60
		if s[19] == '-' {
			off = -off
		}
		loc = zoneAt(off)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	if t.Day() != d { // 31 April and the like: let time.Parse say what is wrong
		return time.Time{}, false
	}
	return t, true
}

// zones holds one fixed Location per UTC offset seen.
var zones sync.Map // int → *time.Location

func zoneAt(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if l, ok := zones.Load(off); ok {
		return l.(*time.Location)
	}
	l, _ := zones.LoadOrStore(off, time.FixedZone("", off))
	return l.(*time.Location)
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// phoneReason is the people's part of an indicator error.
func phoneReason(err error) string {
	var ie *indicator.Error
	if errors.As(err, &ie) {
		return fmt.Sprintf("%q: %s", clip(ie.Input), ie.Message)
	}
	return err.Error()
}

// clip shortens a quoted input in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ReadCDRs reads CDRs of format f from r (plain or gzip) and calls fn for
// every good one, in file order. Bad rows are counted in the summary with
// their line numbers and do not stop the rest; the error is for input that
// cannot be read any further, a missing required column, or fn's error.
func ReadCDRs(r io.Reader, f records.Format, opts indicator.Options, fn func(CDR) error) (records.Summary, error) {
	var sum records.Summary
	rd, err := records.NewReader(r, f, RequiredCDRColumns...)
	if err != nil {
		return sum, err
	}
	rd.ReuseRows() // each row becomes a CDR at once
	err = records.Each(rd, &sum, func(row records.Row) error {
		c, le := ParseCDR(row, opts)
		if le != nil {
			return le
		}
		if err := fn(c); err != nil {
			return err
		}
		sum.Accepted++
		return nil
	})
	return sum, err
}
