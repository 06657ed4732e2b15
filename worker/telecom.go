// Package worker runs the detectors on the record streams and lands what
// they find where every sector sees it: suspects become signals in the
// registry, early warnings are stored and routed to the police of the
// subscriber's region.
//
// Records come in over HTTP or files, are published to NATS JetStream
// (acknowledged to the sender only once JetStream holds them), and are
// consumed by the detectors. One detector engine runs per operator, so
// each operator's signals speak for its own network.
package worker

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/stream"
	"github.com/fanzha/fanzha/telecom"
)

// The call-record stream.
const (
	CDRStream  = "CDR"
	CDRSubject = "fanzha.cdr" // + "." + operator organisation ID
	cdrBatch   = 500          // records per stream message
)

// Telecom ingests call records and runs the telecom detectors on them.
type Telecom struct {
	bus      *stream.Bus
	registry *registry.Registry
	store    store.Store
	region   string
	log      *slog.Logger

	mu      sync.Mutex
	engines map[int64]*telecom.Engine
	orgs    map[int64]auth.Org
	// lastRecords is the record count at the previous landing, flushedAt
	// at the last flush: equal counts mean the stream is quiet.
	lastRecords, flushedAt int
	pending                []findings // landings that failed, to try again
}

// NewTelecom prepares the stream and the detectors. region is the default
// region of phone numbers.
func NewTelecom(ctx context.Context, bus *stream.Bus, reg *registry.Registry, st store.Store, region string, log *slog.Logger) (*Telecom, error) {
	if err := bus.Ensure(ctx, CDRStream, []string{CDRSubject + ".>"}, 7*24*time.Hour, 10*time.Minute); err != nil {
		return nil, err
	}
	return &Telecom{bus: bus, registry: reg, store: st, region: region, log: log,
		engines: map[int64]*telecom.Engine{}, orgs: map[int64]auth.Org{}}, nil
}

// Ingest reads call records in the FORMATS.md `cdr` shape from r and
// publishes them for the detectors, in batches. Bad rows are counted with
// their line numbers; good rows flow on. It returns once JetStream holds
// every accepted record, so a summary the caller sees is never lost.
func (t *Telecom) Ingest(ctx context.Context, org auth.Org, r io.Reader, f records.Format) (records.Summary, error) {
	subject := CDRSubject + "." + strconv.FormatInt(org.ID, 10)
	var (
		batch []telecom.CDR
		ids   []string
		data  [][]byte
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids = append(ids, fmt.Sprintf("%d/%s/%s/%d", org.ID, batch[0].ID, batch[len(batch)-1].ID, len(batch)))
		data = append(data, encodeCDRs(batch))
		batch = batch[:0]
		if len(data) < 20 {
			return nil
		}
		err := t.bus.PublishAsync(ctx, subject, ids, data)
		ids, data = ids[:0], data[:0]
		return err
	}
	var pubErr error
	sum, err := telecom.ReadCDRs(r, f, indicator.Options{DefaultRegion: t.region}, func(c telecom.CDR) error {
		batch = append(batch, c)
		if len(batch) == cdrBatch {
			pubErr = flush()
			return pubErr
		}
		return nil
	})
	if err != nil {
		if pubErr == nil {
			err = &InputError{err}
		}
		return sum, err
	}
	if err := flush(); err != nil {
		return sum, err
	}
	if len(data) > 0 {
		if err := t.bus.PublishAsync(ctx, subject, ids, data); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// InputError is an Ingest failure caused by the input itself (a missing
// column, a broken file), not by the stream: the sender must fix it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// The wire form of call records on the stream: normalised records (numbers
// already E.164, so the consumer need not parse them again), each field
// length-prefixed. It is several times cheaper than JSON both ways, which
// matters at a hundred thousand records a second on two cores.
const wireVersion = 1

func encodeCDRs(cs []telecom.CDR) []byte {
	buf := make([]byte, 0, 160*len(cs)+1)
	buf = append(buf, wireVersion)
	str := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	for _, c := range cs {
		_, off := c.Start.Zone()
		str(c.ID)
		buf = binary.AppendVarint(buf, c.Start.Unix())
		buf = binary.AppendVarint(buf, int64(off))
		buf = append(buf, byte(c.Caller.Kind()), byte(c.Callee.Kind()))
		str(c.Caller.Value())
		str(c.Callee.Value())
		buf = binary.AppendUvarint(buf, uint64(c.Duration/time.Second))
		sms := byte(0)
		if c.SMS {
			sms = 1
		}
		buf = append(buf, sms)
		str(c.CallerIMEI)
		str(c.CallerIMSI)
		str(c.Cell)
		str(c.Trunk)
		str(c.OriginCountry)
	}
	return buf
}

var errWire = errors.New("worker: undecodable call records on the stream")

func decodeCDRs(data []byte, fn func(telecom.CDR)) error {
	if len(data) == 0 || data[0] != wireVersion {
		return errWire
	}
	p := data[1:]
	bad := false
	str := func() string {
		n, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < n {
			bad = true
			return ""
		}
		s := string(p[k : k+int(n)])
		p = p[k+int(n):]
		return s
	}
	varint := func() int64 {
		v, k := binary.Varint(p)
		if k <= 0 {
			bad = true
			return 0
		}
		p = p[k:]
		return v
	}
	zones := map[int64]*time.Location{}
	for len(p) > 0 && !bad {
		var c telecom.CDR
		c.ID = str()
		start, off := varint(), varint()
		if len(p) < 2 {
			return errWire
		}
		ck, ek := indicator.Kind(p[0]), indicator.Kind(p[1])
		p = p[2:]
		// Stored, not Parse: these values were normalised at ingest.
		c.Caller = indicator.Stored(ck, str())
		c.Callee = indicator.Stored(ek, str())
		d, k := binary.Uvarint(p)
		if k <= 0 || len(p) < k+1 {
			return errWire
		}
		c.Duration = time.Duration(d) * time.Second
		c.SMS = p[k] == 1
		p = p[k+1:]
		c.CallerIMEI, c.CallerIMSI, c.Cell, c.Trunk, c.OriginCountry = str(), str(), str(), str(), str()
		if bad {
			break
		}
		loc := zones[off]
		if loc == nil {
			loc = time.FixedZone("", int(off))
			zones[off] = loc
		}
		c.Start = time.Unix(start, 0).In(loc)
		fn(c)
	}
	if bad {
		return errWire
	}
	return nil
}

// Run consumes the stream into the detectors and lands their findings
// every interval, until ctx ends.
func (t *Telecom) Run(ctx context.Context, interval time.Duration) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				t.land(context.Background(), true) // everything found before the end
				return
			case <-tick.C:
				t.land(ctx, false)
			}
		}
	}()
	err := t.bus.Consume(ctx, CDRStream, "telecom-detectors", func(subject string, data []byte) error {
		orgID, err := strconv.ParseInt(strings.TrimPrefix(subject, CDRSubject+"."), 10, 64)
		if err != nil {
			t.log.Error("call records on an unexpected subject; dropped", "subject", subject)
			return nil
		}
		eng, err := t.engine(ctx, orgID)
		if err != nil {
			return err
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		if len(data) > 0 && data[0] == wireVersion {
			if err := decodeCDRs(data, eng.Add); err != nil {
				// Delivering it again cannot help: say so and move on.
				t.log.Error("undecodable call records dropped from the stream", "subject", subject, "bytes", len(data))
			}
			return nil
		}
		// Published straight to JetStream by an operator's own system:
		// NDJSON `cdr` records, parsed like any other input.
		sum, err := telecom.ReadCDRs(bytes.NewReader(data), records.NDJSON, indicator.Options{DefaultRegion: t.region}, func(c telecom.CDR) error {
			eng.Add(c)
			return nil
		})
		if err != nil || sum.Rejected > 0 {
			t.log.Warn("call records rejected from the stream", "subject", subject, "accepted", sum.Accepted, "rejected", sum.Rejected, "first", firstErr(sum), "err", err)
		}
		return nil
	})
	<-done
	return err
}

// engine returns the detector engine of an operator, made on first use.
func (t *Telecom) engine(ctx context.Context, orgID int64) (*telecom.Engine, error) {
	t.mu.Lock()
	eng := t.engines[orgID]
	t.mu.Unlock()
	if eng != nil {
		return eng, nil
	}
	org, err := t.store.OrgByID(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("worker: operator %d: %w", orgID, err)
	}
	viewer := auth.Principal{Org: org, Role: auth.Analyst}
	eng = telecom.NewEngine(telecom.Config{DefaultRegion: t.region, Known: known{t.registry, viewer}})
	t.mu.Lock()
	defer t.mu.Unlock()
	if have := t.engines[orgID]; have != nil {
		return have, nil
	}
	t.engines[orgID], t.orgs[orgID] = eng, org
	return eng, nil
}

// known lets the detectors ask the registry, as the operator sees it.
type known struct {
	reg    *registry.Registry
	viewer auth.Principal
}

func (k known) Risk(ind indicator.Indicator) (int, bool) {
	s, ok := k.reg.Lookup(ind, k.viewer)
	return s.Score, ok && s.Signals > 0
}

// land drains every engine and writes its suspects to the registry and its
// warnings to the store; final (or a quiet stream) flushes the engines
// first. Findings that cannot be written now are kept and tried again at
// the next landing: once drained, they exist nowhere else.
func (t *Telecom) land(ctx context.Context, final bool) {
	// A landing runs to its end even when the worker is being stopped.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	t.mu.Lock()
	// Engines re-score a busy line only as its traffic grows by an eighth.
	// When the stream goes quiet, a flush re-scores the rest, so a line
	// whose last records crossed a threshold is found at once rather than
	// when more traffic comes; while records flow, the growth rule does it.
	records := t.records()
	flush := final || (records == t.lastRecords && records != t.flushedAt)
	t.lastRecords = records
	if flush {
		t.flushedAt = records
	}
	all := t.pending
	t.pending = nil
	for id, eng := range t.engines {
		if flush {
			eng.Flush()
		}
		s, w := eng.Drain()
		if len(s)+len(w) > 0 {
			all = append(all, findings{t.orgs[id], s, w})
		}
	}
	t.mu.Unlock()
	var failed []findings
	for _, f := range all {
		if err := t.landSuspects(ctx, f.org, f.suspects); err != nil {
			t.log.Error("suspects not landed; will retry", "org", f.org.Name, "count", len(f.suspects), "err", err)
		} else {
			f.suspects = nil
		}
		if err := t.landWarnings(ctx, f.warnings); err != nil {
			t.log.Error("warnings not landed; will retry", "org", f.org.Name, "count", len(f.warnings), "err", err)
		} else {
			f.warnings = nil
		}
		if len(f.suspects)+len(f.warnings) > 0 {
			failed = append(failed, f)
		}
	}
	if len(failed) > 0 {
		t.mu.Lock()
		t.pending = append(failed, t.pending...)
		t.mu.Unlock()
	}
}

// findings are what one operator's engine found since the last landing.
type findings struct {
	org      auth.Org
	suspects []telecom.Suspect
	warnings []telecom.Warning
}

// SuspectSignal turns a detector's suspect into a telecom-sector signal of
// the operator that saw it. A rising score makes a new signal (one per
// tenth of the scale); re-draining the same finding is harmless.
func SuspectSignal(org auth.Org, s telecom.Suspect, now time.Time) registry.Signal {
	return registry.Signal{
		ID:         fmt.Sprintf("telecom/%d/%s/%s/%d", org.ID, s.Detector, s.Indicator.Value(), s.Score/10),
		Indicator:  s.Indicator,
		OrgID:      org.ID,
		Sector:     org.Sector,
		Source:     "detector:" + s.Detector,
		Confidence: float64(s.Score) / 100,
		TLP:        auth.TLPGreen,
		Evidence:   strings.Join(s.Reasons, "; "),
		FirstSeen:  s.FirstSeen.UTC(),
		LastSeen:   s.LastSeen.UTC(),
		Expires:    s.LastSeen.UTC().Add(30 * 24 * time.Hour),
		Received:   now.UTC(),
	}
}

func (t *Telecom) landSuspects(ctx context.Context, org auth.Org, ss []telecom.Suspect) error {
	if len(ss) == 0 {
		return nil
	}
	now := time.Now()
	sigs := make([]registry.Signal, len(ss))
	for i, s := range ss {
		sigs[i] = SuspectSignal(org, s, now)
	}
	_, err := t.registry.Submit(ctx, sigs, nil)
	return err
}

func (t *Telecom) landWarnings(ctx context.Context, ws []telecom.Warning) error {
	if len(ws) == 0 {
		return nil
	}
	orgs, err := t.store.ListOrgs(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	issued := make([]telecom.Issued, len(ws))
	for i, w := range ws {
		region := indicator.Area(w.Subscriber)
		issued[i] = telecom.Issued{ID: telecom.IssuedID(w), Warning: w, Region: region, OrgID: RouteTo(orgs, region), Raised: now}
	}
	_, err = t.store.AddWarnings(ctx, issued)
	return err
}

// Exposure lists a subscriber's recent contacts with suspect lines, across
// every operator's detectors: what a bank asks before releasing a large
// transfer.
func (t *Telecom) Exposure(subscriber indicator.Indicator, since time.Time) []telecom.Contact {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []telecom.Contact
	for _, eng := range t.engines {
		out = append(out, eng.Exposure(subscriber, since)...)
	}
	return out
}

// RouteTo picks the police organisation that answers for region: the one
// whose own region covers it most narrowly ("CN-JS" before "CN"), a
// nationwide police organisation otherwise, 0 when there is none.
func RouteTo(orgs []auth.Org, region string) int64 {
	best, bestLen := int64(0), -1
	for _, o := range orgs {
		if o.Sector != auth.Police {
			continue
		}
		covers := o.Region == "" || o.Region == region || strings.HasPrefix(region, o.Region+"-")
		if covers && len(o.Region) > bestLen {
			best, bestLen = o.ID, len(o.Region)
		}
	}
	return best
}

func firstErr(s records.Summary) string {
	if len(s.Errors) == 0 {
		return ""
	}
	return s.Errors[0].Error()
}

// Records returns how many call records the detectors have taken in.
func (t *Telecom) Records() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.records()
}

// records counts what the engines took in; t.mu must be held.
func (t *Telecom) records() int {
	n := 0
	for _, eng := range t.engines {
		st := eng.Stats()
		n += st.Records + st.Duplicates + st.Late + st.Ignored
	}
	return n
}
