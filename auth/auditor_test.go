package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSink is an in-memory audit store. It can hold calls until released
// and fail a number of calls before succeeding.
type fakeSink struct {
	mu      sync.Mutex
	batches [][]AuditEntry
	calls   int
	fail    func(call int) bool // nil: never fail
	hold    chan struct{}       // non-nil: each call waits until it is closed
	entered chan int            // receives each call's number, if non-nil
}

var errDBDown = errors.New("database down")

func (s *fakeSink) write(ctx context.Context, es []AuditEntry) error {
	s.mu.Lock()
	s.calls++
	call, fail, hold := s.calls, s.fail, s.hold
	s.mu.Unlock()
	if s.entered != nil {
		s.entered <- call
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil && fail(call) {
		return errDBDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, slices.Clone(es))
	return nil
}

func (s *fakeSink) stored() (targets []string, sizes []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.batches {
		sizes = append(sizes, len(b))
		for _, e := range b {
			targets = append(targets, e.Target)
		}
	}
	return targets, sizes
}

func (s *fakeSink) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// logBuffer collects log output safely from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testAuditor(t *testing.T, s *fakeSink, opt AuditorOptions) (*Auditor, *logBuffer) {
	t.Helper()
	logs := new(logBuffer)
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	a := newAuditor(s.write, opt, time.Millisecond, 4*time.Millisecond)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Close(ctx)
	})
	return a, logs
}

func entry(i int) AuditEntry {
	return AuditEntry{OrgID: 1, Role: Analyst, Action: "lookup", Target: fmt.Sprint(i)}
}

func targets(from, to int) []string {
	var ts []string
	for i := from; i < to; i++ {
		ts = append(ts, fmt.Sprint(i))
	}
	return ts
}

// notDone fails the test if ch is closed within a short while: the call it
// stands for should still be blocked.
func notDone(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("%s returned; want it to wait", what)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestAuditorBatches(t *testing.T) {
	s := &fakeSink{hold: make(chan struct{}), entered: make(chan int, 100)}
	a, _ := testAuditor(t, s, AuditorOptions{MaxBatch: 10})
	a.Record(context.Background(), entry(0))
	<-s.entered // the writer holds [0] in the sink; the rest queues up
	for i := 1; i < 26; i++ {
		a.Record(context.Background(), entry(i))
	}
	close(s.hold)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, sizes := s.stored()
	if !slices.Equal(sizes, []int{1, 10, 10, 5}) {
		t.Errorf("batch sizes = %v, want [1 10 10 5]", sizes)
	}
	if !slices.Equal(got, targets(0, 26)) {
		t.Errorf("stored %v, want 0..25 in order", got)
	}
}

func TestAuditorOrderAndMaxBatch(t *testing.T) {
	s := &fakeSink{}
	a, _ := testAuditor(t, s, AuditorOptions{MaxBatch: 64})
	for i := range 10000 {
		a.Record(context.Background(), entry(i))
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, sizes := s.stored()
	if !slices.Equal(got, targets(0, 10000)) {
		t.Fatalf("stored %d entries out of order or incomplete", len(got))
	}
	if m := slices.Max(sizes); m > 64 {
		t.Errorf("a batch of %d entries, want at most 64", m)
	}
}

func TestAuditorRecordSyncWaits(t *testing.T) {
	s := &fakeSink{hold: make(chan struct{}), entered: make(chan int, 10)}
	a, _ := testAuditor(t, s, AuditorOptions{})
	done := make(chan struct{})
	var err error
	go func() {
		err = a.RecordSync(context.Background(), entry(1))
		close(done)
	}()
	<-s.entered
	notDone(t, done, "RecordSync")
	close(s.hold)
	<-done
	if err != nil {
		t.Fatalf("RecordSync = %v", err)
	}
	if got, _ := s.stored(); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("stored %v after RecordSync returned, want [1]", got)
	}
}

func TestAuditorRecordSyncContextEnds(t *testing.T) {
	s := &fakeSink{hold: make(chan struct{}), entered: make(chan int, 10)}
	a, _ := testAuditor(t, s, AuditorOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := a.RecordSync(ctx, entry(1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RecordSync = %v, want the context's error", err)
	}
	// The entry was queued, so it is still written.
	close(s.hold)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.stored(); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("stored %v, want [1]: an entry whose caller gave up must still be written", got)
	}
}

func TestAuditorRetries(t *testing.T) {
	s := &fakeSink{fail: func(call int) bool { return call <= 3 }}
	a, logs := testAuditor(t, s, AuditorOptions{})
	a.Record(context.Background(), entry(0))
	a.Record(context.Background(), entry(1))
	if err := a.RecordSync(context.Background(), entry(2)); err != nil {
		t.Fatalf("RecordSync = %v, want nil once the sink recovers", err)
	}
	if got, _ := s.stored(); !slices.Equal(got, targets(0, 3)) {
		t.Fatalf("stored %v, want [0 1 2] once each", got)
	}
	if n := strings.Count(logs.String(), "will retry"); n != 3 {
		t.Errorf("%d retry warnings, want 3:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "database down") {
		t.Errorf("the sink's error is not logged:\n%s", logs)
	}
}

func TestAuditorBackPressure(t *testing.T) {
	s := &fakeSink{hold: make(chan struct{}), entered: make(chan int, 100)}
	a, _ := testAuditor(t, s, AuditorOptions{MaxBatch: 2, QueueSize: 4})
	a.Record(context.Background(), entry(0))
	<-s.entered // the writer holds [0]
	for i := 1; i <= 4; i++ {
		a.Record(context.Background(), entry(i)) // fills the queue
	}

	// A RecordSync that cannot even queue gives up with its context, and
	// its entry is not recorded.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := a.RecordSync(ctx, entry(99)); err == nil || !strings.Contains(err.Error(), "not recorded") {
		t.Fatalf("RecordSync on a full queue = %v, want a not-recorded error", err)
	}
	// So does Record: a read that cannot be audited must be refused.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if err := a.Record(ctx2, entry(98)); err == nil || !strings.Contains(err.Error(), "not recorded") {
		t.Fatalf("Record on a full queue = %v, want a not-recorded error", err)
	}

	done := make(chan struct{})
	go func() {
		a.Record(context.Background(), entry(5))
		close(done)
	}()
	notDone(t, done, "Record on a full queue")
	close(s.hold)
	<-done
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.stored(); !slices.Equal(got, targets(0, 6)) {
		t.Fatalf("stored %v, want 0..5", got)
	}
}

func TestAuditorCloseDrains(t *testing.T) {
	s := &fakeSink{fail: func(call int) bool { return call%3 == 0 }} // flaky, to drain through retries
	a, _ := testAuditor(t, s, AuditorOptions{MaxBatch: 7})
	for i := range 1000 {
		a.Record(context.Background(), entry(i))
	}
	if err := a.Close(context.Background()); err != nil {
		t.Fatalf("Close = %v", err)
	}
	got, _ := s.stored()
	if !slices.Equal(got, targets(0, 1000)) {
		t.Fatalf("stored %d entries after Close, want all 1000 in order", len(got))
	}
	calls := s.callCount()
	if err := a.Close(context.Background()); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatalf("Flush after Close = %v", err)
	}
	if s.callCount() != calls {
		t.Fatal("the writer called the sink after Close returned")
	}

	// Late entries are still written, by their callers.
	a.Record(context.Background(), entry(1000))
	if err := a.RecordSync(context.Background(), entry(1001)); err != nil {
		t.Fatalf("RecordSync after Close = %v", err)
	}
	if got, _ := s.stored(); !slices.Equal(got, targets(0, 1002)) {
		t.Fatalf("entries recorded after Close were not written")
	}
}

// TestAuditorCloseWaitsForBlocked checks that Close also drains entries
// whose Record was waiting for room, through the writer and in order.
func TestAuditorCloseWaitsForBlocked(t *testing.T) {
	s := &fakeSink{hold: make(chan struct{}), entered: make(chan int, 100)}
	a, _ := testAuditor(t, s, AuditorOptions{MaxBatch: 1, QueueSize: 2})
	a.Record(context.Background(), entry(0))
	<-s.entered
	a.Record(context.Background(), entry(1))
	a.Record(context.Background(), entry(2))
	recorded := make(chan struct{})
	go func() {
		a.Record(context.Background(), entry(3))
		close(recorded)
	}()
	notDone(t, recorded, "Record on a full queue")
	closed := make(chan error)
	go func() { closed <- a.Close(context.Background()) }()
	notDone(t, recorded, "Record on a full queue during Close")
	close(s.hold)
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	<-recorded
	got, sizes := s.stored()
	if !slices.Equal(got, targets(0, 4)) || len(sizes) != 4 {
		t.Fatalf("stored %v in batches %v, want 0..3 one by one", got, sizes)
	}
}

func TestAuditorFlushContextEnds(t *testing.T) {
	s := &fakeSink{hold: make(chan struct{}), entered: make(chan int, 10)}
	a, _ := testAuditor(t, s, AuditorOptions{})
	a.Record(context.Background(), entry(0))
	<-s.entered
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := a.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush = %v, want the context's error", err)
	}
	close(s.hold)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestAuditorCloseGivesUp(t *testing.T) {
	s := &fakeSink{fail: func(int) bool { return true }}
	a, logs := testAuditor(t, s, AuditorOptions{})
	for i := range 5 {
		a.Record(context.Background(), entry(i))
	}
	syncErr := make(chan error)
	go func() { syncErr <- a.RecordSync(context.Background(), entry(5)) }()
	for queued := uint64(0); queued < 6; time.Sleep(time.Millisecond) {
		a.mu.Lock()
		queued = a.queued
		a.mu.Unlock()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := a.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "6 entries not written") {
		t.Fatalf("Close = %v, want a deadline error counting 6 entries", err)
	}
	if err := <-syncErr; err == nil {
		t.Fatal("RecordSync = nil for an entry that was never written")
	}
	if err := a.Flush(context.Background()); err == nil {
		t.Fatal("Flush = nil after entries were given up")
	}
	// Every entry given up is in the log, with its fields.
	out := logs.String()
	for i := range 6 {
		if !strings.Contains(out, fmt.Sprintf("target=%d ", i)) {
			t.Errorf("entry %d given up without being logged:\n%s", i, out)
		}
	}
	if got, _ := s.stored(); len(got) != 0 {
		t.Fatalf("stored %v from a failing sink", got)
	}
}

func TestAuditorConcurrent(t *testing.T) {
	const writers, each = 64, 500
	s := &fakeSink{}
	a, _ := testAuditor(t, s, AuditorOptions{MaxBatch: 100, QueueSize: 256})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				e := AuditEntry{OrgID: int64(w), Target: fmt.Sprint(i)}
				if i%50 == 0 {
					if err := a.RecordSync(context.Background(), e); err != nil {
						t.Error(err)
					}
					continue
				}
				a.Record(context.Background(), e)
			}
		})
	}
	wg.Wait()
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	n := 0
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.batches {
		if len(b) > 100 {
			t.Errorf("batch of %d, want at most 100", len(b))
		}
		for _, e := range b {
			if want := fmt.Sprint(next[e.OrgID]); e.Target != want {
				t.Fatalf("writer %d: got entry %s, want %s (lost, repeated or reordered)", e.OrgID, e.Target, want)
			}
			next[e.OrgID]++
			n++
		}
	}
	if n != writers*each {
		t.Fatalf("stored %d entries, want %d", n, writers*each)
	}
	t.Logf("%d entries in %d batches", n, len(s.batches))
}

func TestAuditorTime(t *testing.T) {
	s := &fakeSink{}
	a, _ := testAuditor(t, s, AuditorOptions{})
	before := time.Now()
	given := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("CST", 8*3600))
	if err := a.RecordSync(context.Background(), AuditEntry{Target: "zero"}); err != nil {
		t.Fatal(err)
	}
	if err := a.RecordSync(context.Background(), AuditEntry{Target: "given", Time: given}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	got := s.batches[0][0].Time
	if got.Location() != time.UTC || got.Before(before.Add(-time.Millisecond)) || got.After(after) {
		t.Errorf("zero Time became %v, want now in UTC", got)
	}
	if got := s.batches[1][0].Time; !got.Equal(given) {
		t.Errorf("given Time became %v, want %v", got, given)
	}
}

func TestAuditorFlushEmpty(t *testing.T) {
	a, _ := testAuditor(t, &fakeSink{}, AuditorOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := a.Flush(ctx); err != nil {
		t.Fatalf("Flush of an empty Auditor = %v", err)
	}
}

func TestAuditorDefaults(t *testing.T) {
	a := NewAuditor(func(context.Context, []AuditEntry) error { return nil }, AuditorOptions{})
	defer a.Close(context.Background())
	if a.maxBatch != 1024 || a.queueSize != 65536 || a.log == nil || a.retryMin != auditRetryMin || a.retryMax != auditRetryMax {
		t.Fatalf("defaults: batch %d, queue %d, logger %v, retry %v..%v", a.maxBatch, a.queueSize, a.log, a.retryMin, a.retryMax)
	}
}

// BenchmarkAuditorRecord measures what a lookup pays to be audited, with a
// sink that costs nothing, from one goroutine and from many.
func BenchmarkAuditorRecord(b *testing.B) {
	run := func(b *testing.B, parallel bool) {
		var mu sync.Mutex
		var calls, entries int
		a := NewAuditor(func(_ context.Context, es []AuditEntry) error {
			mu.Lock()
			calls++
			entries += len(es)
			mu.Unlock()
			return nil
		}, AuditorOptions{Logger: slog.New(slog.DiscardHandler)})
		e := AuditEntry{OrgID: 1, OrgName: "bank", Role: Analyst, Action: "lookup", Target: "phone:+8613800138000", Time: time.Now()}
		b.ReportAllocs()
		b.ResetTimer()
		if parallel {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a.Record(context.Background(), e)
				}
			})
		} else {
			for b.Loop() {
				a.Record(context.Background(), e)
			}
		}
		if err := a.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if calls > 0 {
			b.ReportMetric(float64(entries)/float64(calls), "entries/batch")
		}
	}
	b.Run("serial", func(b *testing.B) { run(b, false) })
	b.Run("parallel", func(b *testing.B) { run(b, true) })
}

// TestAuditorRing drives the queue's ring buffer directly through growth
// and wrap-around against a plain slice.
func TestAuditorRing(t *testing.T) {
	a := &Auditor{maxBatch: 3, queueSize: 7, ring: make([]AuditEntry, 3)}
	var model []string
	next := 0
	batch := make([]AuditEntry, 0, 3)
	for step := range 200 {
		if step%5 < 3 && a.waiting() < a.queueSize {
			a.push(entry(next))
			model = append(model, fmt.Sprint(next))
			next++
			continue
		}
		batch = a.take(batch)
		for _, e := range batch {
			if len(model) == 0 || e.Target != model[0] {
				t.Fatalf("step %d: took %q, want %v", step, e.Target, model)
			}
			model = model[1:]
		}
		if a.waiting() != len(model) {
			t.Fatalf("step %d: %d waiting, want %d", step, a.waiting(), len(model))
		}
	}
	if len(a.ring) > a.queueSize {
		t.Fatalf("ring grew to %d, past QueueSize %d", len(a.ring), a.queueSize)
	}
}
