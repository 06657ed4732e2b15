package store

import (
	"context"
	"fmt"
	"math"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
)

// prepareSignals checks and normalises a batch before it is written: every
// signal needs an ID (its idempotency key) and an indicator; times become
// UTC microseconds, as they will read back; a zero Received becomes now.
// Links get the same treatment, with A and B put in their stored order so a
// pair sent either way round is one link. The caller's slices are not
// modified.
func prepareSignals(sigs []registry.Signal, links []registry.Link) ([]registry.Signal, []registry.Link, error) {
	t := now()
	var outS []registry.Signal
	if len(sigs) > 0 {
		outS = make([]registry.Signal, len(sigs))
	}
	for i, g := range sigs {
		if g.ID == "" {
			return nil, nil, fmt.Errorf("signal %d: empty ID: %w", i, errInvalid)
		}
		if g.Indicator.IsZero() {
			return nil, nil, fmt.Errorf("signal %q: no indicator: %w", g.ID, errInvalid)
		}
		if math.IsNaN(g.Confidence) {
			// SQLite would store NULL and PostgreSQL NaN: refuse, so both agree.
			return nil, nil, fmt.Errorf("signal %q: confidence is NaN: %w", g.ID, errInvalid)
		}
		if g.Received.IsZero() {
			g.Received = t
		}
		g.FirstSeen, g.LastSeen, g.Expires, g.Received = micro(g.FirstSeen), micro(g.LastSeen), micro(g.Expires), micro(g.Received)
		outS[i] = g
	}
	var outL []registry.Link
	if len(links) > 0 {
		outL = make([]registry.Link, len(links))
	}
	for i, l := range links {
		if l.A.IsZero() || l.B.IsZero() {
			return nil, nil, fmt.Errorf("link %d (%s): missing indicator: %w", i, l.Source, errInvalid)
		}
		if l.B.String() < l.A.String() {
			l.A, l.B = l.B, l.A
		}
		if l.Received.IsZero() {
			l.Received = t
		}
		l.Received = micro(l.Received)
		outL[i] = l
	}
	return outS, outL, nil
}

func (d *db) AddSignals(ctx context.Context, sigs []registry.Signal, links []registry.Link) (int, error) {
	sigs, links, err := prepareSignals(sigs, links)
	if err != nil {
		return 0, fmt.Errorf("store: add signals: %w", err)
	}
	if len(sigs) == 0 && len(links) == 0 {
		return 0, nil
	}
	var added int
	err = d.b.inTx(ctx, func(tx writeTx) error {
		var err error
		if added, err = tx.insertSignals(ctx, sigs); err != nil {
			return err
		}
		return tx.insertLinks(ctx, links)
	})
	if err != nil {
		return 0, fmt.Errorf("store: add %d signals and %d links: %w", len(sigs), len(links), err)
	}
	return added, nil
}

const selectSignals = `SELECT ` + signalCols + ` FROM signals`

// signalScanner scans signal rows into reused destinations, so a scan of
// millions (EachSignal) does not allocate the destination list each row.
type signalScanner struct {
	g                  registry.Signal
	kind               int64
	value, sector, tlp string
	dest               []any
}

func newSignalScanner() *signalScanner {
	s := &signalScanner{}
	g := &s.g
	s.dest = []any{&g.ID, &s.kind, &s.value, &g.OrgID, &s.sector, &g.Source, &g.Typology,
		&g.Confidence, &g.Confirmed, &s.tlp, &g.Evidence, tscan{&g.FirstSeen}, tscan{&g.LastSeen},
		tscan{&g.Expires}, tscan{&g.Received}, &g.ReportID}
	return s
}

func (s *signalScanner) scan(r row) (registry.Signal, error) {
	if err := r.Scan(s.dest...); err != nil {
		return registry.Signal{}, err
	}
	g := s.g
	// Stored, not Parse: the value was canonical when it went in, and a
	// parser changed since must not drop or alter what the store holds.
	g.Indicator = indicator.Stored(indicator.Kind(s.kind), s.value)
	g.Sector, g.TLP = auth.Sector(s.sector), auth.TLP(s.tlp)
	return g, nil
}

func (d *db) SignalsFor(ctx context.Context, ind indicator.Indicator) ([]registry.Signal, error) {
	var out []registry.Signal
	err := d.eachSignal(ctx, func(g registry.Signal) error {
		out = append(out, g)
		return nil
	}, ` WHERE kind = $1 AND value = $2 ORDER BY seq`, int64(ind.Kind()), ind.Value())
	if err != nil {
		return nil, fmt.Errorf("store: signals for %s: %w", ind, err)
	}
	return out, nil
}

// EachSignal streams rows as the database returns them; memory stays flat
// however many signals there are. fn runs while the read is open, so it
// should be quick; it may call the store.
func (d *db) EachSignal(ctx context.Context, fn func(registry.Signal) error) error {
	if err := d.eachSignal(ctx, fn, ` ORDER BY seq`); err != nil {
		return fmt.Errorf("store: each signal: %w", err)
	}
	return nil
}

func (d *db) eachSignal(ctx context.Context, fn func(registry.Signal) error, where string, args ...any) error {
	rs, err := d.b.reader().query(ctx, selectSignals+where, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	s := newSignalScanner()
	for rs.Next() {
		g, err := s.scan(rs)
		if err != nil {
			return err
		}
		if err := fn(g); err != nil {
			return err
		}
	}
	return rs.Err()
}

func (d *db) CountSignals(ctx context.Context) (int64, error) {
	var n int64
	if err := d.b.reader().queryRow(ctx, `SELECT COUNT(*) FROM signals`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count signals: %w", err)
	}
	return n, nil
}

const selectLinks = `SELECT ` + linkCols + ` FROM links`

func (d *db) LinksFor(ctx context.Context, ind indicator.Indicator) ([]registry.Link, error) {
	var out []registry.Link
	err := d.eachLink(ctx, func(l registry.Link) error {
		out = append(out, l)
		return nil
	}, ` WHERE (a_kind = $1 AND a_value = $2) OR (b_kind = $1 AND b_value = $2) ORDER BY seq`,
		int64(ind.Kind()), ind.Value())
	if err != nil {
		return nil, fmt.Errorf("store: links for %s: %w", ind, err)
	}
	return out, nil
}

// EachLink streams every link in insertion order.
func (d *db) EachLink(ctx context.Context, fn func(registry.Link) error) error {
	if err := d.eachLink(ctx, fn, ` ORDER BY seq`); err != nil {
		return fmt.Errorf("store: each link: %w", err)
	}
	return nil
}

func (d *db) eachLink(ctx context.Context, fn func(registry.Link) error, where string, args ...any) error {
	rs, err := d.b.reader().query(ctx, selectLinks+where, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	var (
		l                   registry.Link
		aKind, bKind        int64
		aValue, bValue, tlp string
	)
	dest := []any{&aKind, &aValue, &bKind, &bValue, &l.Source, &l.OrgID, &tlp, tscan{&l.Received}}
	for rs.Next() {
		if err := rs.Scan(dest...); err != nil {
			return err
		}
		out := l
		out.A = indicator.Stored(indicator.Kind(aKind), aValue)
		out.B = indicator.Stored(indicator.Kind(bKind), bValue)
		out.TLP = auth.TLP(tlp)
		if err := fn(out); err != nil {
			return err
		}
	}
	return rs.Err()
}
