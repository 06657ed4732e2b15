package money

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// Attribution says who controls an account or address: the FORMATS.md
// `attribution` shape.
type Attribution struct {
	Indicator  indicator.Indicator
	Entity     string // "Binance", "Golden Dragon OTC"
	EntityType string // one of EntityTypes
	Source     string // who says so
}

// The entity types a trace acts on. An exchange, payment firm or bank
// can freeze what it holds: a trace stops there and names it. An OTC desk
// controls accounts on several rails: a trace crosses from its fiat
// inflow to its crypto outflow. Money paid to a merchant bought something;
// money in a mixer, a DEX or a bridge leaves the ledger's view.
const (
	Exchange    = "exchange"
	OTC         = "otc"
	PaymentFirm = "payment_firm"
	BankEntity  = "bank"
	Merchant    = "merchant"
	Mule        = "mule"
	Scam        = "scam"
	Mixer       = "mixer"
	DEX         = "dex"
	Bridge      = "bridge"
	Sanctioned  = "sanctioned"
	OtherEntity = "other"
)

// EntityTypes lists the accepted entity types.
var EntityTypes = []string{Exchange, OTC, PaymentFirm, BankEntity, Merchant, Mule, Scam, Mixer, DEX, Bridge, Sanctioned, OtherEntity}

// CanFreeze reports whether an entity of this type is an institution that
// can freeze or return what it holds on request.
func CanFreeze(entityType string) bool {
	return entityType == Exchange || entityType == PaymentFirm || entityType == BankEntity
}

// AttributionColumns are the columns of the FORMATS.md `attribution` shape.
var AttributionColumns = []string{"kind", "value", "entity", "entity_type", "source"}

// ParseAttribution turns one row into an Attribution.
func ParseAttribution(row records.Row, opts indicator.Options) (Attribution, *records.LineError) {
	for _, name := range []string{"kind", "value", "entity", "entity_type"} {
		if row.Get(name) == "" {
			return Attribution{}, row.Errorf(name, "missing value (required)")
		}
	}
	k, err := indicator.ParseKind(row.Get("kind"))
	if err != nil {
		return Attribution{}, row.Errorf("kind", "%v", err)
	}
	var a Attribution
	if a.Indicator, err = opts.Parse(k, row.Get("value")); err != nil {
		return Attribution{}, row.Errorf("value", "%v", err)
	}
	a.Entity, a.Source = row.Get("entity"), row.Get("source")
	if len(a.Entity) > maxInstitutionLen || len(a.Source) > maxInstitutionLen {
		return Attribution{}, row.Errorf("entity", "entity and source have at most %d bytes", maxInstitutionLen)
	}
	a.EntityType = strings.ToLower(row.Get("entity_type"))
	if !validEntityType(a.EntityType) {
		return Attribution{}, row.Errorf("entity_type", "%q: want one of %s", clip(a.EntityType), strings.Join(EntityTypes, ", "))
	}
	return a, nil
}

func validEntityType(t string) bool {
	for _, e := range EntityTypes {
		if e == t {
			return true
		}
	}
	return false
}

// ReadAttributions reads attributions of format f from r and calls fn for
// every good one; bad rows are counted with line numbers and reasons.
func ReadAttributions(r io.Reader, f records.Format, opts indicator.Options, fn func(Attribution) error) (records.Summary, error) {
	var sum records.Summary
	rd, err := records.NewReader(r, f, "kind", "value", "entity", "entity_type")
	if err != nil {
		return sum, err
	}
	err = records.Each(rd, &sum, func(row records.Row) error {
		a, le := ParseAttribution(row, opts)
		if le != nil {
			return le
		}
		if err := fn(a); err != nil {
			return err
		}
		sum.Accepted++
		return nil
	})
	return sum, err
}

// etherscanTypes maps Etherscan's label slugs to entity types; the first
// label of an account found here decides.
var etherscanTypes = map[string]string{
	"exchange": Exchange, "binance": Exchange, "binance-deposit": Exchange, "bitfinex": Exchange, "bithumb": Exchange,
	"bittrex": Exchange, "coinbase": Exchange, "gemini": Exchange, "kraken": Exchange, "upbit": Exchange,
	"crypto-com": Exchange, "gate-io": Exchange, "huobi": Exchange, "okx": Exchange, "ftx": Exchange,
	"kucoin": Exchange, "poloniex": Exchange,
	"otc": OTC, "fiat-gateway": PaymentFirm, "payments": PaymentFirm,
	"tornado-cash": Mixer, "ethereum-mixer": Mixer,
	"ofac-sanctions-lists": Sanctioned, "blocked": Sanctioned,
	"dex": DEX, "sushiswap": DEX, "balancer": DEX, "bancor": DEX, "curve-fi": DEX, "1inch": DEX, "kyberswap": DEX,
	"0x-protocol": DEX, "0x-protocol-ecosystem": DEX, "uniswap": DEX,
	"bridge": Bridge, "layer-2": Bridge, "multichain": Bridge, "hop-protocol": Bridge,
}

// ReadEtherscanLabels reads Etherscan's label scrape — a JSON object of
// address → {"name", "labels"} — as attributions. An entity is the label's
// name without a trailing wallet number ("Binance 14" → "Binance"); labels
// that say nothing about control ("take-action", "old-contract") give
// entity type other. Addresses that do not parse are counted, not fatal.
func ReadEtherscanLabels(r io.Reader, source string) ([]Attribution, records.Summary, error) {
	var sum records.Summary
	var raw map[string]struct {
		Name   string   `json:"name"`
		Labels []string `json:"labels"`
	}
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, sum, fmt.Errorf("etherscan labels: %w", err)
	}
	addrs := make([]string, 0, len(raw))
	for a := range raw {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs) // a stable order for stable outputs
	out := make([]Attribution, 0, len(raw))
	for i, addr := range addrs {
		v := raw[addr]
		ind, err := indicator.Parse(indicator.ETH, addr)
		if err != nil {
			sum.Reject(&records.LineError{Line: i + 1, Field: "address", Reason: err.Error()})
			continue
		}
		typ := OtherEntity
		for _, l := range v.Labels {
			if t, ok := etherscanTypes[l]; ok {
				typ = t
				break
			}
		}
		name := entityName(v.Name)
		if name == "" && len(v.Labels) > 0 {
			name = v.Labels[0]
		}
		out = append(out, Attribution{Indicator: ind, Entity: name, EntityType: typ, Source: source})
		sum.Accepted++
	}
	return out, sum, nil
}

// entityName strips a wallet number or role from a label name: "Binance
// 14" and "Binance: Hot Wallet" are both Binance.
func entityName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, ':'); i > 0 {
		name = strings.TrimSpace(name[:i])
	}
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		tail := name[i+1:]
		if tail != "" && strings.Trim(tail, "0123456789") == "" {
			name = name[:i]
		}
	}
	return name
}
