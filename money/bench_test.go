package money

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
)

// simulatedCSV writes a simulated scenario's transfers once per process.
func simulatedCSV(b *testing.B, accounts int) []byte {
	b.Helper()
	dir := b.TempDir()
	if _, err := simulate.WriteMoney(simulate.MoneyConfig{Accounts: accounts, Victims: accounts / 100, Days: 30, Seed: 1}, dir); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "transfers.csv"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkLedgerLoad reads simulated transfers from CSV into a ledger:
// parsing, normalising every account and indexing.
func BenchmarkLedgerLoad(b *testing.B) {
	data := simulatedCSV(b, 20000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	n := 0
	for range b.N {
		l := NewLedger()
		sum, err := ReadTransfers(bytes.NewReader(data), records.CSV, indicator.Options{}, func(t Transfer) error {
			l.Add(t)
			return nil
		})
		if err != nil || sum.Rejected > 0 {
			b.Fatal(err, sum.Errors)
		}
		n += sum.Accepted
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "transfers/s")
}
