package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The schema is a numbered series of .sql files per dialect, embedded so the
// one binary can create and upgrade its own database. A file once released
// is never edited: changes come as the next number.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists a dialect's migrations in order, checking that the
// numbers start at 1 and have no gap or repeat.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations for %s: %w", dialect, err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s/%s: name must be NNNN_name.sql", dir, e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: migration %s/%s: %w", dir, e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations for %s: %s should be number %d", dialect, m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with its row in schema_migrations, so a crash leaves
// the schema at a whole version. Two processes opening one database at once
// take turns (write lock / advisory lock) and the second finds nothing to do.
func migrate(ctx context.Context, b backend) error {
	ms, err := migrations(b.dialect())
	if err != nil {
		return err
	}
	for _, m := range ms {
		err := b.inTx(ctx, func(tx writeTx) error {
			if err := tx.lock(ctx, lockMigrate); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version INTEGER PRIMARY KEY,
				name    TEXT NOT NULL,
				applied TEXT NOT NULL)`); err != nil {
				return err
			}
			var newest int
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
				return err
			}
			if newest > len(ms) {
				return fmt.Errorf("database schema is version %d, newer than this fanzha knows (%d): upgrade fanzha", newest, len(ms))
			}
			if newest >= m.version {
				return nil
			}
			if _, err := tx.exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)`,
				m.version, m.name, now().Format("2006-01-02T15:04:05.000000Z"))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migrate %s to %s: %w", b.dialect(), m.name, err)
		}
	}
	return nil
}
