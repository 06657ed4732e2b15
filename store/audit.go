package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fanzha/fanzha/auth"
)

// AppendAudit reads the chain's head and writes the new entries in one
// transaction that excludes every other appender, in this process or any
// other (SQLite's write lock; a PostgreSQL advisory lock), so two writers
// can never both extend the same head. The seq primary key is the backstop.
// A zero Time becomes now; times are kept in UTC microseconds, the
// precision auth.ChainHash hashes, so the returned hashes verify on reading.
func (d *db) AppendAudit(ctx context.Context, entries []auth.AuditEntry) ([]auth.AuditEntry, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	out := make([]auth.AuditEntry, len(entries))
	t := now()
	err := d.b.inTx(ctx, func(tx writeTx) error {
		if err := tx.lock(ctx, lockAudit); err != nil {
			return err
		}
		var (
			seq  int64
			prev [32]byte
		)
		err := tx.queryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, hscan{&prev})
		if err != nil && !noRows(err) {
			return err
		}
		for i, e := range entries {
			seq++
			e.Seq = seq
			if e.Time.IsZero() {
				e.Time = t
			}
			e.Time = micro(e.Time)
			e.PrevHash = prev
			e.Hash = auth.ChainHash(prev, e)
			out[i] = e
			prev = e.Hash
		}
		// Multi-row INSERTs: under load the audit writer hands over
		// hundreds of entries at once, and one statement per row would
		// cost a parse each.
		positional := d.b.dialect() == "sqlite"
		for lo := 0; lo < len(out); lo += auditRowsPerInsert {
			chunk := out[lo:min(lo+auditRowsPerInsert, len(out))]
			var sb strings.Builder
			sb.WriteString(`INSERT INTO audit (seq, at, org_id, org_name, role, token_id, addr, action, target, detail, prev_hash, hash, target_key) VALUES `)
			args := make([]any, 0, auditCols*len(chunk))
			for j, e := range chunk {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteByte('(')
				for k := 1; k <= auditCols; k++ {
					if k > 1 {
						sb.WriteByte(',')
					}
					// SQLite binds "?" by position; "$n" it looks up by
					// name, which costs more than the insert at 64 rows.
					if positional {
						sb.WriteByte('?')
					} else {
						sb.WriteString("$" + strconv.Itoa(auditCols*j+k))
					}
				}
				sb.WriteByte(')')
				args = append(args, e.Seq, d.b.ts(e.Time), e.OrgID, e.OrgName, string(e.Role), e.TokenID, e.Addr,
					e.Action, e.Target, e.Detail, e.PrevHash[:], e.Hash[:], targetKey(e.Target))
			}
			if _, err := tx.exec(ctx, sb.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: append %d audit entries: %w", len(entries), err)
	}
	return out, nil
}

// auditRowsPerInsert keeps one INSERT's parameters (auditCols a row) well
// under both databases' limits.
const (
	auditRowsPerInsert = 32
	auditCols          = 13
)

// targetKey is the 64-bit FNV-1a hash of an audit target, which the
// "who touched this record" index holds instead of the text: every agency
// read adds an index entry at a random place, and an 8-byte key makes the
// index several times smaller, so each commit rewrites fewer pages.
// Queries compare the text too, so a collision only costs a row read.
func targetKey(target string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(target); i++ {
		h ^= uint64(target[i])
		h *= 1099511628211
	}
	return int64(h)
}

const selectAudit = `SELECT seq, at, org_id, org_name, role, token_id, addr, action, target, detail, prev_hash, hash FROM audit`

func scanAudit(r row) (auth.AuditEntry, error) {
	var (
		e    auth.AuditEntry
		role string
	)
	err := r.Scan(&e.Seq, tscan{&e.Time}, &e.OrgID, &e.OrgName, &role, &e.TokenID, &e.Addr,
		&e.Action, &e.Target, &e.Detail, hscan{&e.PrevHash}, hscan{&e.Hash})
	e.Role = auth.Role(role)
	return e, err
}

// Page sizes of AuditRange (a verifier walking the chain) and AuditQuery
// (a person reading it).
const (
	defaultRangeLimit = 1000
	maxRangeLimit     = 10000
	defaultQueryLimit = 100
	maxQueryLimit     = 1000
)

// AuditRange pages through the chain in order, for verifying and
// exporting it; limit defaults to 1000 and is capped at 10000.
func (d *db) AuditRange(ctx context.Context, after int64, limit int) ([]auth.AuditEntry, error) {
	out, err := d.audit(ctx, selectAudit+` WHERE seq > $1 ORDER BY seq LIMIT $2`,
		after, clamp(limit, defaultRangeLimit, maxRangeLimit))
	if err != nil {
		return nil, fmt.Errorf("store: audit after %d: %w", after, err)
	}
	return out, nil
}

// AuditQuery: From is inclusive, To exclusive; Limit defaults to 100 and is
// capped at 1000.
func (d *db) AuditQuery(ctx context.Context, q AuditQuery) ([]auth.AuditEntry, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.OrgID != 0 {
		where = append(where, `org_id = `+arg(q.OrgID))
	}
	if q.Action != "" {
		where = append(where, `action = `+arg(q.Action))
	}
	if q.Target != "" {
		where = append(where, `target_key = `+arg(targetKey(q.Target)), `target = `+arg(q.Target))
	}
	if !q.From.IsZero() {
		where = append(where, `at >= `+arg(d.b.ts(micro(q.From))))
	}
	if !q.To.IsZero() {
		where = append(where, `at < `+arg(d.b.ts(micro(q.To))))
	}
	sqlText := selectAudit
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY seq DESC LIMIT ` + arg(clamp(q.Limit, defaultQueryLimit, maxQueryLimit))
	out, err := d.audit(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit query: %w", err)
	}
	return out, nil
}

func (d *db) audit(ctx context.Context, q string, args ...any) ([]auth.AuditEntry, error) {
	rs, err := d.b.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []auth.AuditEntry
	for rs.Next() {
		e, err := scanAudit(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rs.Err()
}
