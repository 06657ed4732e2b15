package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// dsnForms names the data source names Open accepts, for error messages.
const dsnForms = `"sqlite:PATH" (embedded SQLite file) or "postgres://…" / "postgresql://…" (PostgreSQL URL)`

// Open connects to the database named by dsn, brings its schema up to date
// and returns the store. dsn is "sqlite:PATH" for the embedded default, a
// file created (mode 0600) if missing, or a "postgres://" or
// "postgresql://" URL, which may carry pgx pool settings such as
// pool_max_conns. Opening the same database from several processes at once
// is safe: migrations and audit appends take turns.
func Open(ctx context.Context, dsn string) (Store, error) {
	var (
		b   backend
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		b, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		b, err = openPostgres(ctx, dsn)
	default:
		return nil, fmt.Errorf("store: unsupported database %q: want %s", redact(dsn), dsnForms)
	}
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, b); err != nil {
		b.close()
		return nil, err
	}
	return &db{b: b}, nil
}

// redact hides a password in a DSN before it goes into an error message.
func redact(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		if len(dsn) > 40 {
			return dsn[:40] + "…"
		}
		return dsn
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return dsn
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return dsn
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// db is the Store over either backend; its methods live in orgs.go,
// signals.go, reports.go, warnings.go and audit.go.
type db struct{ b backend }

func (d *db) Close() error {
	if err := d.b.close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// errInvalid marks a caller's mistake (a missing ID, a zero indicator).
var errInvalid = errors.New("invalid")
