package auth

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// AuditorOptions tune an Auditor. Zero values take the defaults.
type AuditorOptions struct {
	// MaxBatch is the most entries one sink call gets (default 1024): big
	// enough to amortise a transaction, small enough to keep it short.
	MaxBatch int
	// QueueSize is how many entries may wait before Record blocks (default
	// 65536, a few seconds of peak lookups).
	QueueSize int
	// Logger receives sink failures and, should an entry ever be given up,
	// the entry itself (default slog.Default()).
	Logger *slog.Logger
}

// Retry delays after a failed sink call: doubling from the first to the cap.
const (
	auditRetryMin = 10 * time.Millisecond
	auditRetryMax = 5 * time.Second
)

// lateRecordTimeout bounds how long Record keeps retrying an entry recorded
// after Close, when the caller has no context and the store may be gone.
const lateRecordTimeout = 5 * time.Second

// Auditor writes audit entries in the background, in groups. Every agency
// read is audited and lookups run at tens of thousands a second; writing
// each entry in its own transaction would make the database, not the
// lookup, the limit. So Record only queues the entry, and one writer
// goroutine hands whatever has queued up to a single sink call (group
// commit): the busier the system, the bigger and cheaper the batches.
//
// Entries are never dropped. When the sink fails the writer keeps the batch
// and retries with capped backoff; meanwhile the queue fills and Record
// blocks, slowing callers down rather than losing their audit trail. Only
// Close with an expiring context gives up entries, and it logs each one.
//
// Entries reach the sink in the order Record or RecordSync accepted them.
// An Auditor is safe for concurrent use.
type Auditor struct {
	sink       func(ctx context.Context, entries []AuditEntry) error
	log        *slog.Logger
	maxBatch   int
	queueSize  int
	retryMin   time.Duration
	retryMax   time.Duration
	ctx        context.Context // the sink's; cancelled when Close gives up
	giveUp     context.CancelCauseFunc
	wake       chan struct{} // one token: the queue became non-empty, or Close began
	writerDone chan struct{} // closed when the writer goroutine has returned

	mu      sync.Mutex
	ring    []AuditEntry // waiting entries: n of them from ring[start], wrapping around
	start   int
	n       int
	queued  uint64        // entries ever accepted into the queue; an entry's ticket is the value after it
	durable uint64        // entries the sink has stored; FIFO, so every ticket <= durable is stored
	changed chan struct{} // closed (and replaced) when durable grows, room frees up or the writer ends
	closing bool          // Close was called: the writer ends once the queue is empty
	stopped bool          // the writer has ended: entries are written by their callers
	lost    error         // why the writer gave up; entries past durable were not stored
}

// NewAuditor starts an Auditor that writes through sink, typically the
// store's AppendAudit. The sink gets entries in order; it must store all of
// them or none, must return when its context is cancelled, and must not
// keep the slice after it returns. It must be safe for concurrent use: the
// writer calls it one batch at a time, but entries recorded after Close are
// written by their callers directly. Call Close to stop the Auditor.
func NewAuditor(sink func(ctx context.Context, entries []AuditEntry) error, opt AuditorOptions) *Auditor {
	return newAuditor(sink, opt, auditRetryMin, auditRetryMax)
}

// newAuditor is NewAuditor with the retry delays chosen, so tests need not
// wait seconds for a retry.
func newAuditor(sink func(context.Context, []AuditEntry) error, opt AuditorOptions, retryMin, retryMax time.Duration) *Auditor {
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 1024
	}
	if opt.QueueSize <= 0 {
		opt.QueueSize = 65536
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	a := &Auditor{
		sink:       sink,
		log:        opt.Logger,
		maxBatch:   opt.MaxBatch,
		queueSize:  opt.QueueSize,
		retryMin:   retryMin,
		retryMax:   retryMax,
		ctx:        ctx,
		giveUp:     cancel,
		wake:       make(chan struct{}, 1),
		writerDone: make(chan struct{}),
		ring:       make([]AuditEntry, min(opt.MaxBatch, opt.QueueSize)),
		changed:    make(chan struct{}),
	}
	go a.run()
	return a
}

// Record queues e to be written and returns at once; it waits only while
// the queue is full (back-pressure: a slow database slows callers down
// instead of losing entries). If ctx ends while it waits, e is not recorded
// and Record says so: a caller serving a read must then refuse it, since an
// agency read that cannot be audited must not happen. A zero Time is set to
// now, in UTC. Use it for reads, where the answer need not wait for the
// audit row to be durable.
//
// After Close, Record writes e through the sink itself, retrying for a few
// seconds, and logs e if that fails, so a late request is still audited.
func (a *Auditor) Record(ctx context.Context, e AuditEntry) error {
	stamp(&e)
	a.mu.Lock()
	for !a.stopped && a.waiting() >= a.queueSize {
		ch := a.changed
		a.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("audit: queue full, entry not recorded: %w", ctx.Err())
		}
		a.mu.Lock()
	}
	if a.stopped {
		a.mu.Unlock()
		wctx, cancel := context.WithTimeout(ctx, lateRecordTimeout)
		defer cancel()
		if err := a.write(wctx, []AuditEntry{e}); err != nil {
			a.logLost("audit entry recorded after Close could not be written", e, err)
			return fmt.Errorf("audit: writing entry after Close: %w", err)
		}
		return nil
	}
	a.push(e)
	a.mu.Unlock()
	return nil
}

// RecordSync queues e and returns once the batch holding it is stored. Use
// it for writes, so that a success response means the audit row is durable.
// It returns an error only when ctx ends first (or Close gave up): if ctx
// ends while the queue is full, e was not recorded; if it ends later, e stays
// queued and will still be written. A zero Time is set to now, in UTC.
// After Close, RecordSync writes e through the sink itself, retrying until
// ctx ends.
func (a *Auditor) RecordSync(ctx context.Context, e AuditEntry) error {
	stamp(&e)
	a.mu.Lock()
	for !a.stopped && a.waiting() >= a.queueSize {
		ch := a.changed
		a.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("audit: queue full, entry not recorded: %w", ctx.Err())
		}
		a.mu.Lock()
	}
	if a.stopped {
		a.mu.Unlock()
		if err := a.write(ctx, []AuditEntry{e}); err != nil {
			return fmt.Errorf("audit: writing entry after Close: %w", err)
		}
		return nil
	}
	return a.waitStored(ctx, a.push(e))
}

// Flush returns once every entry queued before the call is stored, or with
// ctx's error when ctx ends first (the entries stay queued).
func (a *Auditor) Flush(ctx context.Context) error {
	a.mu.Lock()
	return a.waitStored(ctx, a.queued)
}

// Close waits until the queue is empty (entries recorded meanwhile
// included), stops the writer and returns nil. After it returns the Auditor
// makes no more sink calls of its own, so the store may be closed; entries
// recorded later are written by their callers. If ctx ends first, Close
// gives up: it cancels the sink call in progress, logs every entry not
// stored and returns an error saying how many. Calling Close again waits for
// the same end.
func (a *Auditor) Close(ctx context.Context) error {
	a.mu.Lock()
	a.closing = true
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
	select {
	case <-a.writerDone:
	case <-ctx.Done():
		a.giveUp(ctx.Err())
		<-a.writerDone
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lost
}

// stamp sets a missing time, so a caller cannot forget it.
func stamp(e *AuditEntry) {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
}

// waiting is the number of queued entries; a.mu must be held.
func (a *Auditor) waiting() int { return a.n }

// push queues e and returns its ticket; a.mu must be held.
func (a *Auditor) push(e AuditEntry) uint64 {
	if a.waiting() == 0 {
		select {
		case a.wake <- struct{}{}:
		default: // a token is already there
		}
	}
	if a.n == len(a.ring) {
		// Grow up to QueueSize as bursts need; Record blocks beyond it.
		// The memory is kept: at most QueueSize entries, never more.
		bigger := make([]AuditEntry, min(2*len(a.ring), a.queueSize))
		a.copyOut(bigger[:a.n])
		a.ring, a.start = bigger, 0
	}
	a.ring[(a.start+a.n)%len(a.ring)] = e
	a.n++
	a.queued++
	return a.queued
}

// broadcast wakes everyone waiting on a.changed; a.mu must be held.
func (a *Auditor) broadcast() {
	close(a.changed)
	a.changed = make(chan struct{})
}

// waitStored waits until the entry with ticket is stored, ctx ends or the
// writer gave up. a.mu must be held; waitStored releases it.
func (a *Auditor) waitStored(ctx context.Context, ticket uint64) error {
	for {
		switch {
		case a.durable >= ticket:
			a.mu.Unlock()
			return nil
		case a.lost != nil:
			err := a.lost
			a.mu.Unlock()
			return err
		}
		ch := a.changed
		a.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("audit: entry queued but not yet written: %w", ctx.Err())
		}
		a.mu.Lock()
	}
}

// run is the writer: it takes up to maxBatch waiting entries, stores them
// with one sink call (retrying until it succeeds) and repeats until Close.
func (a *Auditor) run() {
	defer close(a.writerDone)
	batch := make([]AuditEntry, 0, a.maxBatch)
	for {
		a.mu.Lock()
		for a.waiting() == 0 {
			if a.closing {
				a.stopped = true
				a.broadcast()
				a.mu.Unlock()
				return
			}
			a.mu.Unlock()
			<-a.wake
			a.mu.Lock()
		}
		batch = a.take(batch)
		a.broadcast() // room in the queue
		a.mu.Unlock()

		if err := a.write(a.ctx, batch); err != nil {
			a.abandon(batch, err)
			return
		}
		a.mu.Lock()
		a.durable += uint64(len(batch))
		a.broadcast()
		a.mu.Unlock()
		clear(batch) // let the strings go
	}
}

// take moves up to maxBatch entries from the head of the queue into
// batch[:0]; a.mu must be held.
func (a *Auditor) take(batch []AuditEntry) []AuditEntry {
	k := min(a.n, a.maxBatch)
	batch = batch[:k]
	a.copyOut(batch)
	for i := range k {
		a.ring[(a.start+i)%len(a.ring)] = AuditEntry{} // let the strings go
	}
	a.start = (a.start + k) % len(a.ring)
	a.n -= k
	return batch
}

// copyOut copies the first len(dst) waiting entries into dst, minding the
// wrap-around; a.mu must be held.
func (a *Auditor) copyOut(dst []AuditEntry) {
	m := copy(dst, a.ring[a.start:min(a.start+len(dst), len(a.ring))])
	copy(dst[m:], a.ring[:len(dst)-m])
}

// write stores batch, retrying with doubling delays up to retryMax. It
// returns an error only when ctx ends: for the writer, when Close gave up.
func (a *Auditor) write(ctx context.Context, batch []AuditEntry) error {
	delay := a.retryMin
	for attempt := 1; ; attempt++ {
		err := a.sink(ctx, batch)
		if err == nil {
			if attempt > 1 {
				a.log.Info("audit: writing entries succeeded after retries", "entries", len(batch), "attempts", attempt)
			}
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		a.log.Warn("audit: writing entries failed; will retry", "entries", len(batch), "attempt", attempt, "retry_in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
		delay = min(2*delay, a.retryMax)
	}
}

// abandon is the end when Close gave up: the batch in hand and everything
// still queued are logged, entry by entry, since the log is now the only
// place they survive, and waiters are told.
func (a *Auditor) abandon(batch []AuditEntry, err error) {
	cause := context.Cause(a.ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	rest := make([]AuditEntry, a.n)
	a.copyOut(rest)
	n := len(batch) + len(rest)
	for _, e := range batch {
		a.logLost("audit entry not written: Close gave up", e, err)
	}
	for _, e := range rest {
		a.logLost("audit entry not written: Close gave up", e, err)
	}
	a.ring, a.start, a.n = nil, 0, 0
	a.stopped = true
	a.lost = fmt.Errorf("audit: Close gave up with %d entries not written (last sink error: %v): %w", n, err, cause)
	a.broadcast()
}

// logLost logs an entry that could not be stored, with every field, so it
// can be entered by hand.
func (a *Auditor) logLost(msg string, e AuditEntry, err error) {
	a.log.Error(msg, "err", err, "time", e.Time, "org_id", e.OrgID, "org", e.OrgName,
		"role", e.Role, "token_id", e.TokenID, "addr", e.Addr, "action", e.Action,
		"target", e.Target, "detail", e.Detail)
}
