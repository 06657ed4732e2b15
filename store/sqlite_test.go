package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func freshSQLite(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "fanzha.db")
}

func TestSQLite(t *testing.T) { runSuite(t, freshSQLite) }

// TestSQLiteSettings checks the settings that make an acknowledged write
// survive a crash (WAL with a full fsync at every commit), the read-only
// read pool, and the private file mode.
func TestSQLiteSettings(t *testing.T) {
	dsn := freshSQLite(t)
	s := openT(t, dsn).(*db).b.(*sqliteDB)
	fi, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode %v, want 0600", fi.Mode().Perm())
	}
	var mode string
	var sync, fk int
	if err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 || fk != 1 {
		t.Fatalf("writer: journal_mode=%s synchronous=%d foreign_keys=%d, want wal, 2 (FULL), 1", mode, sync, fk)
	}
	if _, err := s.r.ExecContext(ctx, `CREATE TABLE nope (x)`); err == nil {
		t.Fatal("the read pool can write")
	}
}
