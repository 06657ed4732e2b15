package money

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// ReadSummary is what a read did with its rows: records.Summary's accepted
// and rejected rows, and the rows skipped on purpose because they moved no
// value (a failed or zero-value transaction), by reason.
type ReadSummary struct {
	records.Summary
	Dialect string         `json:"dialect"` // "transfer", "etherscan", "tronscan", "explorer"
	Skipped map[string]int `json:"skipped,omitempty"`
}

func (s *ReadSummary) skip(reason string) {
	if s.Skipped == nil {
		s.Skipped = map[string]int{}
	}
	s.Skipped[reason]++
}

// SkippedTotal is the number of rows skipped for any reason.
func (s ReadSummary) SkippedTotal() int {
	n := 0
	for _, v := range s.Skipped {
		n += v
	}
	return n
}

// SkipReasons lists the skip reasons with their counts, most first.
func (s ReadSummary) SkipReasons() []string {
	reasons := make([]string, 0, len(s.Skipped))
	for r := range s.Skipped {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		a, b := reasons[i], reasons[j]
		return s.Skipped[a] > s.Skipped[b] || s.Skipped[a] == s.Skipped[b] && a < b
	})
	for i, r := range reasons {
		reasons[i] = fmt.Sprintf("%d %s", s.Skipped[r], r)
	}
	return reasons
}

// ReadTransfers reads transfers of format f from r (plain or gzip) and calls
// fn for every good one, in file order. A CSV is read as the FORMATS.md
// transfer shape when its header has that shape's required columns, and
// otherwise as a block-explorer export (Etherscan, TronScan, Dune and the
// like), recognised by its column names. Bad rows are counted with their
// line numbers and do not stop the rest; the error is for input that cannot
// be read any further, a header that is neither shape, or fn's error.
func ReadTransfers(r io.Reader, f records.Format, opts indicator.Options, fn func(Transfer) error) (ReadSummary, error) {
	sum := ReadSummary{Dialect: "transfer"}
	rd, err := records.NewReader(r, f)
	if err != nil {
		return sum, err
	}
	rd.ReuseRows() // each row becomes a Transfer at once
	parse := func(row records.Row) (Transfer, *records.LineError, string) {
		t, le := ParseTransfer(row, opts)
		return t, le, ""
	}
	if h := rd.Header(); h != nil && !hasAll(h, RequiredTransferColumns) {
		ex, err := explorerDialect(h, opts)
		if err != nil {
			return sum, err
		}
		sum.Dialect = ex.name
		parse = ex.parse
	}
	err = records.Each(rd, &sum.Summary, func(row records.Row) error {
		t, le, skip := parse(row)
		switch {
		case skip != "":
			sum.skip(skip)
			return nil
		case le != nil:
			return le
		}
		if err := fn(t); err != nil {
			return err
		}
		sum.Accepted++
		return nil
	})
	return sum, err
}

func hasAll(header, names []string) bool {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[h] = true
	}
	for _, n := range names {
		if !have[n] {
			return false
		}
	}
	return true
}

// explorer maps the columns of a block-explorer export onto the transfer
// shape. Explorers name the same things differently (Etherscan's API has
// hash, timeStamp, value in wei and tokenDecimal; its web export Txhash,
// UnixTimestamp and Value_IN(ETH); TronScan transaction_id, block_ts in
// milliseconds and quant; Dune block_time and "\x" addresses), so every
// field is found by the first of its known names present in the header.
type explorer struct {
	name                    string
	id, index               string
	time                    string
	from, to                string
	raw, decimals, wei      string   // an integer amount and its decimals
	amounts                 []string // decimal amounts, summed (Value_IN + Value_OUT)
	asset, contract         string
	isError, status, txrcpt string
	opts                    indicator.Options
}

func firstOf(have map[string]bool, names ...string) string {
	for _, n := range names {
		if have[n] {
			return n
		}
	}
	return ""
}

func explorerDialect(header []string, opts indicator.Options) (*explorer, error) {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[h] = true
	}
	ex := &explorer{
		opts:     opts,
		id:       firstOf(have, "hash", "txhash", "transaction hash", "transaction_hash", "transaction_id", "txn hash", "tx_hash", "txid"),
		index:    firstOf(have, "logindex", "log_index", "event_index"),
		time:     firstOf(have, "timestamp", "unixtimestamp", "block_ts", "block_timestamp", "datetime (utc)", "date time (utc)", "time(utc)", "time (utc)", "block_time", "time"),
		from:     firstOf(have, "from", "from_address", "from address"),
		to:       firstOf(have, "to", "to_address", "to address"),
		decimals: firstOf(have, "tokendecimal", "token_decimal", "decimals", "tokendecimals"),
		wei:      firstOf(have, "value_wei"),
		asset:    firstOf(have, "tokensymbol", "token symbol", "token_symbol", "symbol", "token_abbr", "token"),
		contract: firstOf(have, "contractaddress", "contract_address", "token_address"),
		isError:  firstOf(have, "iserror"),
		status:   firstOf(have, "status", "contractret", "contract_ret", "result"),
		txrcpt:   firstOf(have, "txreceipt_status"),
	}
	if ex.decimals != "" {
		ex.raw = firstOf(have, "value_raw", "quant", "raw_amount", "value")
	}
	if ex.raw == "" && ex.wei == "" {
		switch {
		case have["value_in(eth)"] || have["value_out(eth)"]:
			for _, c := range []string{"value_in(eth)", "value_out(eth)"} {
				if have[c] {
					ex.amounts = append(ex.amounts, c)
				}
			}
		default:
			if c := firstOf(have, "tokenvalue", "token value", "amount", "quantity", "eth_value", "total_eth", "value(eth)", "amount_str"); c != "" {
				ex.amounts = []string{c}
			} else if have["value"] && (ex.time == "timestamp" || ex.time == "unixtimestamp") {
				ex.wei = "value" // Etherscan's API: value in wei beside a Unix time
			}
		}
	}
	var missing []string
	for _, f := range []struct{ col, what string }{{ex.time, "time"}, {ex.from, "from"}, {ex.to, "to"}} {
		if f.col == "" {
			missing = append(missing, f.what)
		}
	}
	if ex.raw == "" && ex.wei == "" && len(ex.amounts) == 0 {
		missing = append(missing, "amount")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the header is neither the transfer shape (%s) nor a block-explorer export this reader knows: no column for %s (has %s)",
			strings.Join(RequiredTransferColumns, ","), strings.Join(missing, ", "), strings.Join(header, ","))
	}
	switch {
	case ex.time == "block_ts" || ex.raw == "quant" || ex.id == "transaction_id":
		ex.name = "tronscan"
	case ex.time == "timestamp" || ex.time == "unixtimestamp" || ex.id == "txhash":
		ex.name = "etherscan"
	default:
		ex.name = "explorer"
	}
	return ex, nil
}

// parse maps one export row; skip names why a row that moved nothing is
// left out.
func (ex *explorer) parse(row records.Row) (t Transfer, le *records.LineError, skip string) {
	if ex.isError != "" && row.Get(ex.isError) == "1" || ex.txrcpt != "" && row.Get(ex.txrcpt) == "0" {
		return t, nil, "failed transactions"
	}
	if ex.status != "" {
		if s := strings.ToLower(row.Get(ex.status)); s != "" && s != "success" && s != "1" && s != "confirmed" && s != "true" {
			return t, nil, "failed transactions"
		}
	}
	fromRaw, toRaw := chainAddr(row.Get(ex.from)), chainAddr(row.Get(ex.to))
	if fromRaw == "" || toRaw == "" {
		if toRaw == "" && fromRaw != "" {
			return t, nil, "contract creations (no receiver)"
		}
		return t, row.Errorf(ex.from, "missing from or to address"), ""
	}
	var err error
	if t.Time, err = explorerTime(row.Get(ex.time)); err != nil {
		return t, row.Errorf(ex.time, "%v", err), ""
	}
	from, err := ex.opts.Detect(fromRaw)
	if err != nil {
		return t, row.Errorf(ex.from, "%v", err), ""
	}
	switch from.Kind() {
	case indicator.ETH:
		t.Rail = ETHChain
	case indicator.TRON:
		t.Rail = TRONChain
	case indicator.BTC:
		t.Rail = BTCChain
	default:
		return t, row.Errorf(ex.from, "%q is not a blockchain address", clip(fromRaw)), ""
	}
	t.From = from
	if t.To, err = ParseAccount(t.Rail, toRaw, ex.opts); err != nil {
		return t, row.Errorf(ex.to, "%v", err), ""
	}
	if t.From == t.To {
		return t, nil, "transfers to the sender itself"
	}
	amount, zero, err := ex.amount(row)
	switch {
	case err != nil:
		return t, row.Errorf("amount", "%v", err), ""
	case zero:
		return t, nil, "zero-value transactions (contract calls)"
	}
	t.Amount = amount
	token := ex.asset != "" && row.Get(ex.asset) != "" || ex.contract != "" && row.Get(ex.contract) != "" && ex.raw != ""
	t.Asset = t.Rail.nativeAsset()
	if token {
		if t.Asset, err = tokenAsset(row.Get(ex.asset), chainAddr(row.Get(ex.contract)), t.Rail, ex.opts); err != nil {
			return t, row.Errorf(ex.asset, "%v", err), ""
		}
	}
	t.ID = ex.transferID(row, t, token)
	if len(t.ID) > maxIDLen {
		return t, row.Errorf(ex.id, "longer than %d bytes", maxIDLen), ""
	}
	return t, nil, ""
}

// amount reads the row's amount: an integer in base units scaled by its
// decimals where the export gives one (exact), else a decimal column.
func (ex *explorer) amount(row records.Row) (d udecimal.Decimal, zero bool, err error) {
	switch {
	case ex.raw != "" || ex.wei != "":
		col, dec := ex.wei, 18
		if ex.raw != "" {
			col = ex.raw
			if dec, err = strconv.Atoi(row.Get(ex.decimals)); err != nil || dec < 0 || dec > 36 {
				return d, false, fmt.Errorf("token decimals %q is not a whole number from 0 to 36", clip(row.Get(ex.decimals)))
			}
		}
		return scaled(row.Get(col), dec)
	}
	total := udecimal.Zero
	for _, c := range ex.amounts {
		v := strings.TrimSpace(row.Get(c))
		if v == "" || v == "0" {
			continue
		}
		a, err := exportDecimal(v)
		if err != nil {
			return d, false, fmt.Errorf("%s %q is not a decimal amount", c, clip(v))
		}
		if a.IsNeg() {
			return d, false, fmt.Errorf("%s %q is negative", c, clip(v))
		}
		total = total.Add(a)
	}
	if total.IsZero() {
		return d, true, nil
	}
	return total, false, nil
}

// scaled turns an integer count of base units (wei, sun) into a decimal of
// whole units. Precision past 19 fraction digits — dust below 10^-19 of a
// token with more decimals — is dropped.
func scaled(raw string, decimals int) (udecimal.Decimal, bool, error) {
	n, ok := new(big.Int).SetString(strings.TrimSpace(raw), 10)
	if !ok || n.Sign() < 0 {
		return udecimal.Decimal{}, false, fmt.Errorf("%q is not a whole number of base units", clip(raw))
	}
	if n.Sign() == 0 {
		return udecimal.Decimal{}, true, nil
	}
	if decimals > 19 {
		n.Quo(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals-19)), nil))
		decimals = 19
		if n.Sign() == 0 {
			return udecimal.Decimal{}, true, nil
		}
	}
	s := n.String()
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	d, err := ParseAmount(s)
	if err != nil {
		return udecimal.Decimal{}, false, err
	}
	return d, false, nil
}

// exportDecimal reads a decimal amount as explorers and query tools write
// it, exponents included ("7.77e-05" from Dune is exactly 0.0000777).
func exportDecimal(v string) (udecimal.Decimal, error) {
	v = strings.ReplaceAll(v, ",", "")
	if !strings.ContainsAny(v, "eE") {
		return udecimal.Parse(v)
	}
	r, ok := new(big.Rat).SetString(v)
	if !ok {
		return udecimal.Decimal{}, fmt.Errorf("%q is not a number", clip(v))
	}
	return udecimal.Parse(strings.TrimRight(strings.TrimRight(r.FloatString(19), "0"), "."))
}

// Tokens are known by their contract, not their symbol: anyone can deploy
// a token called "USDT", and fake stablecoins are a scam of their own. A
// stablecoin symbol counts only on its issuer's contract; another contract
// using it, or a symbol that is not a clean code (spam tokens carry
// adverts in theirs), is named by its contract address.
var stablecoins = map[Rail]map[string]string{
	ETHChain: {
		"USDT": "0xdac17f958d2ee523a2206206994597c13d831ec7",
		"USDC": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
	},
	TRONChain: {
		"USDT": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
		"USDC": "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8",
	},
}

func tokenAsset(symbol, contract string, r Rail, opts indicator.Options) (string, error) {
	sym, err := parseAsset(symbol, r)
	if symbol == "" {
		sym, err = "", nil
	}
	byContract := func() (string, error) {
		if contract == "" {
			if err != nil {
				return "", err
			}
			return sym, nil
		}
		c, cerr := ParseAccount(r, contract, opts)
		if cerr != nil {
			return "", fmt.Errorf("token contract: %v", cerr)
		}
		return c.Value(), nil
	}
	if err != nil || sym == "" {
		return byContract()
	}
	if want, ok := stablecoins[r][sym]; ok && contract != "" && !strings.EqualFold(want, contract) {
		return byContract()
	}
	return sym, nil
}

// transferID is the explorer's transaction hash, with the log index where
// the export gives one. A token transfer without one is told apart from
// the others in its transaction by its content, so the same transfer
// exported from both of its accounts gets the same id. Exports without
// hashes (Dune aggregates) get an id from time, parties and amount.
func (ex *explorer) transferID(row records.Row, t Transfer, token bool) string {
	hash := strings.ToLower(chainAddr(row.Get(ex.id)))
	content := func() string {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s|%s|%s|%s|%d", t.Asset, t.From.Value(), t.To.Value(), t.Amount, t.Time.Unix())
		return strconv.FormatUint(h.Sum64(), 16)
	}
	switch {
	case hash == "":
		return "content:" + content()
	case ex.index != "" && row.Get(ex.index) != "":
		return hash + ":" + row.Get(ex.index)
	case token:
		return hash + ":" + content()
	}
	return hash
}

// chainAddr undoes Dune's "\x" prefix for hex.
func chainAddr(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `\x`) {
		return "0x" + s[2:]
	}
	return s
}

// explorerTime reads Unix seconds or milliseconds, RFC 3339, or the
// explorers' "2006-01-02 15:04:05" in UTC.
func explorerTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n > 1e14:
			return time.Time{}, fmt.Errorf("%q is not a Unix time in seconds or milliseconds", clip(s))
		case n > 1e11:
			return time.UnixMilli(n).UTC(), nil
		case n > 0:
			return time.Unix(n, 0).UTC(), nil
		}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05.000 MST", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither a Unix time nor a date and time", clip(s))
}
