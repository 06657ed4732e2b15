package money

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// dataDir is where the shared real datasets live, beside the checkout.
func dataDir(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real data %s not here: %v", name, err)
	}
	return dir
}

// TestRealExplorerExports reads the real Etherscan dumps and Dune exports
// and holds what is accepted, skipped and rejected to what those files
// are: every row moved value or says why it did not.
func TestRealExplorerExports(t *testing.T) {
	eth := dataDir(t, "eth_account_transactions")
	laz := dataDir(t, "eth_flagged_and_lazarus_txs")
	for _, tc := range []struct {
		path        string
		dialect     string
		minAccepted int
		maxRejected int
		wantSkipped []string
	}{
		{filepath.Join(eth, "normal_txns.csv.gz"), "etherscan", 500000, 0, []string{"failed transactions", "zero-value transactions (contract calls)"}},
		{filepath.Join(eth, "erc20_txns.csv.gz"), "etherscan", 150000, 50, nil}, // spam tokens with amounts of 2^256-1
		{filepath.Join(laz, "LazarusTabularTxs1322519.csv"), "explorer", 300, 0, nil},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			f, err := os.Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			ids := map[string]int{}
			assets := map[string]int{}
			sum, err := ReadTransfers(f, records.CSV, indicator.Options{}, func(tr Transfer) error {
				ids[tr.ID]++
				assets[tr.Asset]++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: dialect %s, accepted %d, rejected %d, skipped %v, distinct ids %d, assets %d", filepath.Base(tc.path), sum.Dialect, sum.Accepted, sum.Rejected, sum.SkipReasons(), len(ids), len(assets))
			for i, e := range sum.Errors {
				if i < 5 {
					t.Logf("rejected: %v", e)
				}
			}
			if sum.Dialect != tc.dialect {
				t.Errorf("dialect %q, want %q", sum.Dialect, tc.dialect)
			}
			if sum.Accepted < tc.minAccepted || sum.Rejected > tc.maxRejected {
				t.Errorf("accepted %d (want ≥ %d), rejected %d (want ≤ %d)", sum.Accepted, tc.minAccepted, sum.Rejected, tc.maxRejected)
			}
			for _, e := range sum.Errors {
				if !strings.Contains(e.Reason, "too large an amount") {
					t.Errorf("rejected for another reason than a spam token's amount: %v", e)
				}
			}
			for _, s := range tc.wantSkipped {
				if sum.Skipped[s] == 0 {
					t.Errorf("no rows skipped as %q", s)
				}
			}
		})
	}
}
