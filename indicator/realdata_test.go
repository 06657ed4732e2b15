package indicator

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The real-data test parses every domain, URL and address of the public
// threat lists in shared/data and fails when a rejection rate goes above
// what was measured when the parsers were written. Each rejection seen then
// was read and is a genuinely bad input (see the floors below).

const realDataDir = "../../shared/data"

// tally counts the outcome of parsing one source's values of one kind.
type tally struct {
	source   string
	kind     Kind
	total    int
	rejected int
	byRule   map[string]int
	examples map[string][]string
	detected int // Detect gave the same kind
}

type tallies struct {
	order []*tally
	index map[string]*tally
}

func (ts *tallies) add(t *testing.T, source string, k Kind, s string) {
	key := source + "\x00" + k.String()
	ta := ts.index[key]
	if ta == nil {
		ta = &tally{source: source, kind: k, byRule: map[string]int{}, examples: map[string][]string{}}
		ts.index[key] = ta
		ts.order = append(ts.order, ta)
	}
	ta.total++
	i, err := Parse(k, s)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: Parse(%s, %q) error %T is not *Error", source, k, s, err)
		}
		ta.rejected++
		ta.byRule[e.Rule]++
		if len(ta.examples[e.Rule]) < 3 {
			ta.examples[e.Rule] = append(ta.examples[e.Rule], fmt.Sprintf("%q (%s)", s, e.Message))
		}
		return
	}
	if again, err := Parse(k, i.Value()); err != nil || again != i {
		t.Errorf("%s: Parse(%s, %q) = %q, but parsing that again gives %q, %v", source, k, s, i.Value(), again.Value(), err)
	}
	if d, err := Detect(s); err == nil && d.Kind() == k {
		ta.detected++
	}
}

// maxRejectRate is the floor for each source and kind: the rate measured
// when the parsers were written, with a little headroom. Every rejection
// behind these numbers was read; they are bad inputs, not parser bugs:
//
//   - polkadot deny: IP addresses in the domain list, and "org.im",
//     "org.in", which are public suffixes themselves.
//   - polkadot allow: "*.fleek.co", a wildcard pattern.
//   - cryptoscamdb domains: "myetherwallet.<tld>" squats on ~130 brand TLDs
//     that ICANN has since retired (.abarth, .intel, .xperia …), names under
//     wildcard suffixes (myetherwallet.ck), IP addresses, URLs with paths and
//     free text ("Google Doc") in the name column.
//   - cryptoscamdb URLs: the same retired TLDs, and a mailto: link.
//   - cryptoscamdb addresses: ETH with 41 or 38 hex digits, one ETH whose
//     mixed case breaks EIP-55 ("…48BA31…" for "…48Ba31…"), a BTC address
//     in the ETH column, BTC with 'O' or a " (btc)" note, 35 characters
//     that do not decode, a Dogecoin address in the BTC column.
//   - OFAC: a TRON address (T…) in the XBT list.
var maxRejectRate = map[string]float64{
	"polkadot deny/domain":                0.001,
	"polkadot allow/domain":               0.05,
	"polkadot denySub/url":                0,
	"polkadot address sites/domain":       0.01,
	"polkadot address/crypto_other":       0.005,
	"cryptoscamdb domains.csv/domain":     0.025,
	"cryptoscamdb domains.csv/url":        0.02,
	"cryptoscamdb urls.yaml/url":          0.02,
	"cryptoscamdb addresses/eth":          0.01,
	"cryptoscamdb addresses/btc":          0.005,
	"cryptoscamdb addresses/tron":         0,
	"cryptoscamdb addresses/crypto_other": 0.005,
	"ofac sdn/btc":                        0.005,
	"ofac sdn/eth":                        0,
	"ofac sdn/tron":                       0,
	"ofac sdn/crypto_other":               0,
	"etherscan labels/eth":                0,
}

func TestRealData(t *testing.T) {
	if _, err := os.Stat(realDataDir); err != nil {
		t.Skipf("real data not found at %s (%v); it lives in the shared folder beside the repository", realDataDir, err)
	}
	ts := &tallies{index: map[string]*tally{}}

	// polkadot-js/phishing: deny and allow lists of domains, denySub of
	// URL-ish entries, and scam addresses (SS58, so crypto_other).
	var all struct {
		Allow   []string `json:"allow"`
		Deny    []string `json:"deny"`
		DenySub []string `json:"denySub"`
	}
	readJSON(t, "polkadot_phishing/all.json", &all)
	for _, d := range all.Deny {
		ts.add(t, "polkadot deny", Domain, d)
	}
	for _, d := range all.Allow {
		ts.add(t, "polkadot allow", Domain, d)
	}
	for _, u := range all.DenySub {
		ts.add(t, "polkadot denySub", URL, u)
	}
	var addrs map[string][]string
	readJSON(t, "polkadot_phishing/address.json", &addrs)
	for site, list := range addrs {
		if !strings.Contains(site, " ") && strings.Contains(site, ".") {
			ts.add(t, "polkadot address sites", Domain, site)
		}
		for _, a := range list {
			ts.add(t, "polkadot address", CryptoOther, a)
		}
	}

	// CryptoScamDB: domains.csv (name, url), urls.yaml (url:), and the
	// addresses found in urls.yaml.
	for _, rec := range readCSV(t, "cryptoscamdb/domains.csv", "name", "url") {
		ts.add(t, "cryptoscamdb domains.csv", Domain, rec[0])
		ts.add(t, "cryptoscamdb domains.csv", URL, rec[1])
	}
	for _, u := range yamlValues(t, "cryptoscamdb/urls.yaml", "url") {
		ts.add(t, "cryptoscamdb urls.yaml", URL, u)
	}
	for _, rec := range readCSV(t, "cryptoscamdb/addresses_from_urls_yaml.csv", "chain", "address") {
		ts.add(t, "cryptoscamdb addresses", chainKind(rec[0], rec[1]), rec[1])
	}

	// OFAC SDN digital currency addresses, one file per asset.
	files, _ := filepath.Glob(filepath.Join(realDataDir, "ofac_sdn_crypto_addresses", "sanctioned_addresses_*.txt"))
	for _, f := range files {
		asset := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "sanctioned_addresses_"), ".txt")
		for _, a := range readLines(t, f) {
			ts.add(t, "ofac sdn", chainKind(asset, a), a)
		}
	}

	// Etherscan labels: every key is an Ethereum account.
	var labels map[string]json.RawMessage
	readJSON(t, "etherscan_labels/combinedAccountLabels.json", &labels)
	for a := range labels {
		ts.add(t, "etherscan labels", ETH, a)
	}

	for _, ta := range ts.order {
		rate := float64(ta.rejected) / float64(ta.total)
		t.Logf("%-26s %-12s %6d parsed, %5d rejected (%.2f%%), Detect agrees on %d", ta.source, ta.kind, ta.total-ta.rejected, ta.rejected, 100*rate, ta.detected)
		rules := make([]string, 0, len(ta.byRule))
		for r := range ta.byRule {
			rules = append(rules, r)
		}
		sort.Slice(rules, func(i, j int) bool { return ta.byRule[rules[i]] > ta.byRule[rules[j]] })
		for _, r := range rules {
			t.Logf("    %-18s %5d  e.g. %s", r, ta.byRule[r], strings.Join(ta.examples[r], "; "))
		}
		max, ok := maxRejectRate[ta.source+"/"+ta.kind.String()]
		if !ok {
			max = 0
		}
		if rate > max {
			t.Errorf("%s %s: rejection rate %.3f%% is above the floor %.3f%%", ta.source, ta.kind, 100*rate, 100*max)
		}
	}
}

// chainKind maps a list's chain or asset name to a kind: USDT lives on
// both Ethereum and TRON, so its kind comes from the address's form.
func chainKind(chain, addr string) Kind {
	switch strings.ToUpper(chain) {
	case "ETH":
		return ETH
	case "BTC", "XBT":
		return BTC
	case "TRX":
		return TRON
	case "USDT":
		// USDT is an ERC-20 (0x…), a TRC-20 (T…) and an Omni token on
		// Bitcoin (1…, 3…).
		switch {
		case strings.HasPrefix(addr, "0x"):
			return ETH
		case strings.HasPrefix(addr, "T"):
			return TRON
		}
		return BTC
	}
	return CryptoOther
}

func openData(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(realDataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	if err := json.NewDecoder(openData(t, name)).Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// readCSV returns the named columns of every record.
func readCSV(t *testing.T, name string, cols ...string) [][]string {
	t.Helper()
	r := csv.NewReader(openData(t, name))
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range header {
			if h == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			t.Fatalf("%s: no column %q in %v", name, c, header)
		}
	}
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			row[i] = rec[j]
		}
		out = append(out, row)
	}
}

// yamlValues returns the scalar values of "  key: value" lines of a YAML
// list of maps (no YAML library needed for this flat file).
func yamlValues(t *testing.T, name, key string) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(openData(t, name))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	prefixes := []string{"- " + key + ":", "  " + key + ":"}
	for sc.Scan() {
		line := sc.Text()
		for _, p := range prefixes {
			if v, ok := strings.CutPrefix(line, p); ok {
				v = strings.TrimSpace(v)
				if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
					v = v[1 : len(v)-1]
				}
				out = append(out, v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
