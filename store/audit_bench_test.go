package store

import (
	"fmt"
	"testing"

	"github.com/fanzha/fanzha/auth"
)

// BenchmarkAppendAuditSQLite is how fast the audit chain grows in SQLite: every
// agency read adds an entry, so this bounds audited lookups per second.
func BenchmarkAppendAuditSQLite(b *testing.B) {
	s := openT(b, freshSQLite(b))
	for _, size := range []int{8, 64, 512} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			batch := make([]auth.AuditEntry, size)
			for i := range batch {
				batch[i] = auth.AuditEntry{OrgID: 1, OrgName: "Bench Bank", Role: auth.Analyst, TokenID: 1, Addr: "127.0.0.1", Action: "lookup", Target: fmt.Sprintf("phone:+86138%08d", i), Detail: "score 70 reported_scam"}
			}
			for b.Loop() {
				if _, err := s.AppendAudit(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
