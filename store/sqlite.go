package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/fanzha/fanzha/registry"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteDB is the embedded store: one SQLite file in WAL mode, so readers
// never wait for the writer.
//
// Writes go through one connection, so inside this process they queue in
// Go instead of spinning on SQLITE_BUSY; every write transaction begins
// IMMEDIATE, taking the file's write lock up front, so writers in other
// processes are serialised too and a transaction never fails half way on a
// lock upgrade. synchronous=FULL makes each commit fsync the WAL: a write
// acknowledged to a caller survives a power cut (NORMAL could lose the last
// commits). Reads use a separate pool opened query_only.
type sqliteDB struct {
	w *sql.DB // the one writer connection
	r *sql.DB // readers
}

// sqliteParams are set on every connection. busy_timeout makes a writer in
// another process wait for the lock instead of failing at once.
// temp_store=MEMORY keeps statement journals in memory: every multi-row
// INSERT inside a transaction keeps one (to undo just that statement), and
// in a file it costs a write system call per page — more than the insert
// itself. They never need to outlive the transaction, so nothing durable
// moves to memory.
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)"

func openSQLite(ctx context.Context, path string) (*sqliteDB, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("store: sqlite: want a file path in \"sqlite:PATH\" (no '?' or '#', not :memory: or a file: URI), got %q", path)
	}
	// The file holds personal data (reporters, payers' accounts): create it
	// readable by its owner only. SQLite gives the -wal and -shm files the
	// same mode.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	// A plain name, not a "file:" URI: the driver strips its own parameters
	// and SQLite takes the rest literally.
	w, err := sql.Open("sqlite", path+"?_txlock=immediate&"+sqliteParams)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Open the writer first: it switches a new file to WAL before readers come.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+sqliteParams+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &sqliteDB{w: w, r: r}, nil
}

func (s *sqliteDB) dialect() string { return "sqlite" }
func (s *sqliteDB) reader() querier { return sqlDB{s.r} }
func (s *sqliteDB) close() error    { return errors.Join(s.r.Close(), s.w.Close()) }
func (s *sqliteDB) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func (s *sqliteDB) isUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func (s *sqliteDB) inTx(ctx context.Context, fn func(writeTx) error) error {
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE, from _txlock
	if err != nil {
		return err
	}
	if err := fn(&sqliteTx{sqlDB: sqlDB{tx}, tx: tx, s: s}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

type sqliteTx struct {
	sqlDB
	tx *sql.Tx
	s  *sqliteDB
}

func (t *sqliteTx) lock(context.Context, int64) error { return nil }

// signalCols are the signals columns in the order bulk inserts fill them.
const signalCols = "id, kind, value, org_id, sector, source, typology, confidence, confirmed, tlp, evidence, first_seen, last_seen, expires, received, report_id"

const nSignalCols = 16

// rowsPerInsert is how many rows one multi-row INSERT carries: fewer
// statements to step through, within SQLite's 32766 bound parameters.
const rowsPerInsert = 500

func (t *sqliteTx) insertSignals(ctx context.Context, sigs []registry.Signal) (int, error) {
	args := make([]any, 0, min(len(sigs), rowsPerInsert)*nSignalCols)
	var full *sql.Stmt
	added := 0
	for start := 0; start < len(sigs); start += rowsPerInsert {
		chunk := sigs[start:min(start+rowsPerInsert, len(sigs))]
		args = args[:0]
		for i := range chunk {
			g := &chunk[i]
			args = append(args, g.ID, int64(g.Indicator.Kind()), g.Indicator.Value(), g.OrgID,
				string(g.Sector), g.Source, g.Typology, g.Confidence, g.Confirmed, string(g.TLP),
				g.Evidence, t.s.ts(g.FirstSeen), t.s.ts(g.LastSeen), t.s.ts(g.Expires),
				t.s.ts(g.Received), g.ReportID)
		}
		var (
			res sql.Result
			err error
		)
		if len(chunk) == rowsPerInsert {
			if full == nil {
				if full, err = t.tx.PrepareContext(ctx, multiInsert("signals", signalCols, nSignalCols, rowsPerInsert, "ON CONFLICT (id) DO NOTHING")); err != nil {
					return 0, err
				}
				defer full.Close()
			}
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = t.tx.ExecContext(ctx, multiInsert("signals", signalCols, nSignalCols, len(chunk), "ON CONFLICT (id) DO NOTHING"), args...)
		}
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		added += int(n)
	}
	return added, nil
}

// linkCols are the links columns in the order bulk inserts fill them.
const linkCols = "a_kind, a_value, b_kind, b_value, source, org_id, tlp, received"

const nLinkCols = 8

func (t *sqliteTx) insertLinks(ctx context.Context, links []registry.Link) error {
	args := make([]any, 0, min(len(links), rowsPerInsert)*nLinkCols)
	for start := 0; start < len(links); start += rowsPerInsert {
		chunk := links[start:min(start+rowsPerInsert, len(links))]
		args = args[:0]
		for i := range chunk {
			l := &chunk[i]
			args = append(args, int64(l.A.Kind()), l.A.Value(), int64(l.B.Kind()), l.B.Value(),
				l.Source, l.OrgID, string(l.TLP), t.s.ts(l.Received))
		}
		q := multiInsert("links", linkCols, nLinkCols, len(chunk), "ON CONFLICT (a_kind, a_value, b_kind, b_value, source) DO NOTHING")
		if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// multiInsert builds INSERT INTO table (cols) VALUES (?,…),(?,…)… tail.
func multiInsert(table, cols string, ncols, nrows int, tail string) string {
	var b strings.Builder
	b.Grow(len(table) + len(cols) + len(tail) + 40 + nrows*(ncols*2+3))
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(cols)
	b.WriteString(") VALUES ")
	for r := range nrows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range ncols {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	b.WriteByte(' ')
	b.WriteString(tail)
	return b.String()
}
