// Package money holds the transfer ledger of every rail — bank, card,
// e-wallet and the blockchains — in one shape, so that a victim's money can
// be followed from the first payment across banks and chains to whoever
// holds it now; it finds mule accounts by how money passes through them,
// and drafts the stop-payment and freeze requests that get it back.
//
// Amounts are exact decimals (github.com/quagmt/udecimal, 19 fraction
// digits: enough for ETH's 18); no amount is ever a float.
package money

import (
	"fmt"
	"strings"
	"time"

	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// Rail is the payment system a transfer moved on.
type Rail uint8

// The rails of FORMATS.md, in a fixed order (their numbers are stored).
const (
	RailInvalid Rail = iota
	Bank
	CardRail
	EWallet
	BTCChain
	ETHChain
	TRONChain
	BSCChain
	Other
)

var railNames = [...]string{"", "bank", "card", "ewallet", "btc", "eth", "tron", "bsc", "other"}

func (r Rail) String() string {
	if int(r) < len(railNames) && r != RailInvalid {
		return railNames[r]
	}
	return "invalid"
}

// ParseRail maps a FORMATS.md rail name to its Rail.
func ParseRail(s string) (Rail, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range railNames {
		if i > 0 && n == s {
			return Rail(i), nil
		}
	}
	return RailInvalid, fmt.Errorf("unknown rail %q: want one of %s", s, strings.Join(railNames[1:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (r Rail) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Chain reports whether the rail is a blockchain, where anyone can see
// every transfer and accounts are addresses.
func (r Rail) Chain() bool { return r >= BTCChain && r <= BSCChain }

// nativeAsset is what a transfer on a rail moves when it names no asset.
func (r Rail) nativeAsset() string {
	switch r {
	case BTCChain:
		return "BTC"
	case ETHChain:
		return "ETH"
	case TRONChain:
		return "TRX"
	case BSCChain:
		return "BNB"
	}
	return "CNY"
}

// Transfer is one movement of value on any rail, parsed and normalised.
type Transfer struct {
	ID              string
	Time            time.Time
	Rail            Rail
	Asset           string // upper case: CNY, USDT, ETH…
	Amount          udecimal.Decimal
	From, To        indicator.Indicator
	FromInstitution string
	ToInstitution   string
	Memo            string
}

// TransferColumns are the columns of the FORMATS.md `transfer` shape.
var TransferColumns = []string{"id", "time", "rail", "asset", "amount", "from", "to", "from_institution", "to_institution", "memo"}

// RequiredTransferColumns are the columns a canonical transfer file must have.
var RequiredTransferColumns = []string{"id", "time", "rail", "amount", "from", "to"}

// Bounds on free-text fields, so a hostile row cannot grow the ledger.
const (
	maxIDLen          = 256
	maxInstitutionLen = 128
	maxMemoLen        = 1024
	maxAssetLen       = 16 // a code; tokens without a clean one are named by their contract
)

// ParseTransfer turns one canonical row into a Transfer. Accounts are
// normalised through opts by rail: addresses on the chains, card or
// account numbers on bank and card, phones, e-mails or account ids on
// e-wallets. The error names the field and says what is wrong.
func ParseTransfer(row records.Row, opts indicator.Options) (Transfer, *records.LineError) {
	for _, name := range RequiredTransferColumns {
		if row.Get(name) == "" {
			return Transfer{}, row.Errorf(name, "missing value (required)")
		}
	}
	var t Transfer
	t.ID = row.Get("id")
	if len(t.ID) > maxIDLen {
		return Transfer{}, row.Errorf("id", "longer than %d bytes", maxIDLen)
	}
	var err error
	if t.Time, err = time.Parse(time.RFC3339, row.Get("time")); err != nil {
		return Transfer{}, row.Errorf("time", "not an RFC 3339 time like 2026-11-20T09:15:00+08:00: %q", clip(row.Get("time")))
	}
	if t.Rail, err = ParseRail(row.Get("rail")); err != nil {
		return Transfer{}, row.Errorf("rail", "%v", err)
	}
	if t.Asset, err = parseAsset(row.Get("asset"), t.Rail); err != nil {
		return Transfer{}, row.Errorf("asset", "%v", err)
	}
	if t.Amount, err = ParseAmount(row.Get("amount")); err != nil {
		return Transfer{}, row.Errorf("amount", "%v", err)
	}
	if t.From, err = ParseAccount(t.Rail, row.Get("from"), opts); err != nil {
		return Transfer{}, row.Errorf("from", "%v", err)
	}
	if t.To, err = ParseAccount(t.Rail, row.Get("to"), opts); err != nil {
		return Transfer{}, row.Errorf("to", "%v", err)
	}
	if t.From == t.To {
		return Transfer{}, row.Errorf("to", "the same account as from (%s)", t.From.Value())
	}
	for _, f := range [...]struct {
		name string
		max  int
		dst  *string
	}{{"from_institution", maxInstitutionLen, &t.FromInstitution}, {"to_institution", maxInstitutionLen, &t.ToInstitution}, {"memo", maxMemoLen, &t.Memo}} {
		v := row.Get(f.name)
		if len(v) > f.max {
			return Transfer{}, row.Errorf(f.name, "longer than %d bytes", f.max)
		}
		*f.dst = v
	}
	return t, nil
}

// ParseAmount reads a positive exact decimal. Thousands separators are
// allowed where they are unambiguous ("1,250.00"); exponents and floats'
// artefacts are not.
func ParseAmount(s string) (udecimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		plain, ok := dropThousands(s)
		if !ok {
			return udecimal.Decimal{}, fmt.Errorf("%q: commas only as thousands separators, like 1,250.00", clip(s))
		}
		s = plain
	}
	d, err := udecimal.Parse(s)
	if err != nil {
		if strings.ContainsAny(s, "eE") {
			return udecimal.Decimal{}, fmt.Errorf("%q: write the amount in full, without an exponent", clip(s))
		}
		if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 19 {
			return udecimal.Decimal{}, fmt.Errorf("%q: more than 19 digits after the point", clip(s))
		}
		return udecimal.Decimal{}, fmt.Errorf("%q is not a decimal amount like 1250.00", clip(s))
	}
	if !d.IsPos() {
		return udecimal.Decimal{}, fmt.Errorf("%q: an amount must be more than zero", clip(s))
	}
	if _, _, _, _, ok := d.ToHiLo(); !ok {
		return udecimal.Decimal{}, fmt.Errorf("%q: too large an amount", clip(s))
	}
	return d, nil
}

// dropThousands removes commas that separate groups of three digits in the
// whole part of a number.
func dropThousands(s string) (string, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if strings.Contains(frac, ",") {
		return "", false
	}
	groups := strings.Split(whole, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	out := strings.Join(groups, "")
	if hasFrac {
		out += "." + frac
	}
	return out, true
}

// parseAsset upper-cases an asset code; "" is the rail's own.
func parseAsset(s string, r Rail) (string, error) {
	if s == "" {
		return r.nativeAsset(), nil
	}
	if len(s) > maxAssetLen {
		return "", fmt.Errorf("%q is longer than %d characters", clip(s), maxAssetLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return "", fmt.Errorf("%q: an asset code has only letters, digits, '.', '-' and '_'", clip(s))
		}
	}
	return strings.ToUpper(s), nil
}

// ParseAccount normalises an account, card, wallet or address as the rail
// writes it: on a chain it must be that chain's address (BSC shares ETH's
// form); on bank and card rails a number passing the card check is a card,
// else an account number; on e-wallets and other rails it is whatever
// identifier it looks like (a phone, an e-mail…), else an account id.
func ParseAccount(r Rail, s string, opts indicator.Options) (indicator.Indicator, error) {
	switch r {
	case BTCChain:
		return opts.Parse(indicator.BTC, s)
	case ETHChain, BSCChain:
		return opts.Parse(indicator.ETH, s)
	case TRONChain:
		return opts.Parse(indicator.TRON, s)
	case Bank, CardRail:
		return opts.ParseBankOrCard(s)
	}
	if ind, err := opts.Detect(s); err == nil {
		return ind, nil
	}
	return opts.Parse(indicator.BankAccount, s)
}

// clip shortens a quoted input in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
