package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/fanzha/fanzha/registry"
	"github.com/jackc/pgx/v5"
)

// The methods of Store are written once, in SQL both dialects accept ($n
// placeholders, ON CONFLICT, RETURNING), against the small interfaces below.
// A backend supplies only what truly differs: how to reach the database,
// how a time is encoded, how a write transaction starts and locks, and how
// bulk signals are loaded fast (multi-row INSERT in SQLite, COPY in
// PostgreSQL).

// querier runs SQL on a pool or inside a transaction, of either driver.
type querier interface {
	exec(ctx context.Context, q string, args ...any) (rowsAffected int64, err error)
	query(ctx context.Context, q string, args ...any) (rows, error)
	queryRow(ctx context.Context, q string, args ...any) row
}

// rows is the part of *sql.Rows and pgx.Rows the store uses.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// row is the part of *sql.Row and pgx.Row the store uses.
type row interface {
	Scan(dest ...any) error
}

// writeTx is one write transaction.
type writeTx interface {
	querier
	// insertSignals adds sigs in order, skipping IDs already stored, and
	// returns how many were new. It is called at most once per transaction.
	insertSignals(ctx context.Context, sigs []registry.Signal) (int, error)
	// insertLinks adds links, skipping those already stored for the same
	// pair and source. It is called at most once per transaction.
	insertLinks(ctx context.Context, links []registry.Link) error
	// lock serialises transactions that take the same key until commit,
	// across processes. SQLite needs nothing: every write transaction
	// already holds the database's one write lock (BEGIN IMMEDIATE).
	lock(ctx context.Context, key int64) error
}

// backend is one database engine.
type backend interface {
	dialect() string
	// reader returns the pool for reads; in SQLite it never writes.
	reader() querier
	// inTx runs fn in one write transaction, committed when fn returns nil.
	inTx(ctx context.Context, fn func(writeTx) error) error
	// ts encodes a time as this engine stores it; the zero time is NULL.
	ts(t time.Time) any
	// isUnique reports whether err is a unique-constraint violation.
	isUnique(err error) bool
	close() error
}

// Lock keys for writeTx.lock. Arbitrary constants, chosen to be unlikely to
// clash with advisory locks of other programs sharing a PostgreSQL database.
const (
	lockMigrate int64 = 0x66616e7a_00000001 // "fanz" + 1
	lockAudit   int64 = 0x66616e7a_00000002
)

// micro returns t as both stores give it back: UTC, whole microseconds. The
// zero time stays zero (stored as NULL).
func micro(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// now is the store's clock for Received and audit times.
func now() time.Time { return micro(time.Now()) }

// tscan scans a stored time of either engine: SQLite's microseconds or
// PostgreSQL's timestamptz, NULL being the zero time.
type tscan struct{ t *time.Time }

func (s tscan) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case int64:
		*s.t = time.UnixMicro(v).UTC()
	case time.Time:
		*s.t = micro(v)
	default:
		return fmt.Errorf("store: cannot scan %T as a time", src)
	}
	return nil
}

// hscan scans a stored 32-byte hash.
type hscan struct{ h *[32]byte }

func (s hscan) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok || len(b) != len(s.h) {
		return fmt.Errorf("store: stored hash is %T of length %d, want 32 bytes", src, len(b))
	}
	copy(s.h[:], b)
	return nil
}

// noRows reports whether err means a single-row query found nothing.
func noRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}

// clamp applies a default and a ceiling to a caller's page size.
func clamp(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// sqlDB adapts database/sql (the SQLite driver) to querier.
type sqlDB struct {
	db interface {
		ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	}
}

func (d sqlDB) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := d.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (d sqlDB) query(ctx context.Context, q string, args ...any) (rows, error) {
	r, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

func (d sqlDB) queryRow(ctx context.Context, q string, args ...any) row {
	return d.db.QueryRowContext(ctx, q, args...)
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }
