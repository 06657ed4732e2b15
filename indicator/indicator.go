// Package indicator parses, normalises and validates the identifiers that
// fraudsters use — phone numbers, domains, URLs, bank accounts and cards,
// crypto addresses, messaging handles, e-mail, IP addresses and app packages —
// into one comparable value type.
//
// An Indicator can only be made by parsing, so an invalid identifier never
// gets past the edge of the system. Like netip.Addr it is small, comparable
// and usable as a map key.
//
// Parse takes any common written form and returns the canonical one, so that
// two spellings of the same identifier compare equal. Blanks and invisible
// characters around the input, surrounding quotes or angle brackets,
// full-width characters ("１３８", "ｅｘａｍｐｌｅ．ｃｏｍ"), ideographic full
// stops ("。") and defanging ("example[.]com", "hxxp://") are undone first.
// The canonical forms (Value) are:
//
//	phone         E.164, "+8613800138000"; short codes and service numbers
//	              as their digits, "95588"
//	whatsapp      E.164, also read from wa.me and api.whatsapp.com links
//	domain        lower-case IDNA A-label, no trailing dot, with a top-level
//	              domain on ICANN's list, "xn--fsqu00a.xn--fiqs8s"
//	url           "scheme://[userinfo@]host[:port]/path[?query]": scheme and
//	              host as above, default port and fragment dropped, path
//	              percent-encoding and dot segments normalised, query kept
//	bank_account  digits and upper-case letters; IBANs pass mod-97
//	card          12–19 digits passing Luhn
//	btc           base58check as written, or lower-case bech32/bech32m
//	eth           "0x" and EIP-55 mixed case
//	tron          base58check "T…"
//	crypto_other  as written
//	telegram      lower-case username without "@"
//	wechat        lower-case WeChat ID or wxid_
//	email         local part as written, "@", the domain as for kind domain
//	ip            canonical text; IPv4-mapped IPv6 becomes IPv4
//	app           lower-case package name or bundle ID
//	qq            QQ number: 5 to 11 digits, no leading zero
//
// Every error is an *Error whose Rule names the broken rule for machines
// ("luhn", "eip55_checksum", "no_public_suffix" …) and whose Message says
// what is wrong, and where, for people.
package indicator

import (
	"crypto/sha256"
	"fmt"
	"strings"
)

// Kind is the kind of an identifier. The zero Kind is invalid.
type Kind uint8

// The kinds of FORMATS.md, in a fixed order (their numbers are stored).
const (
	KindInvalid Kind = iota
	Phone
	Domain
	URL
	BankAccount
	Card
	BTC
	ETH
	TRON
	CryptoOther
	Telegram
	WeChat
	WhatsApp
	Email
	IP
	App
	QQ // Tencent QQ: groups and chats where task scams and fake investment recruit
	numKinds
)

var kindNames = [...]string{
	KindInvalid: "invalid",
	Phone:       "phone",
	Domain:      "domain",
	URL:         "url",
	BankAccount: "bank_account",
	Card:        "card",
	BTC:         "btc",
	ETH:         "eth",
	TRON:        "tron",
	CryptoOther: "crypto_other",
	Telegram:    "telegram",
	WeChat:      "wechat",
	WhatsApp:    "whatsapp",
	Email:       "email",
	IP:          "ip",
	App:         "app",
	QQ:          "qq",
}

// String returns the FORMATS.md name of the kind ("phone", "bank_account"…).
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { return k > KindInvalid && k < numKinds }

// Kinds lists every valid kind in order.
func Kinds() []Kind {
	ks := make([]Kind, 0, numKinds-1)
	for k := Phone; k < numKinds; k++ {
		ks = append(ks, k)
	}
	return ks
}

// ParseKind maps a FORMATS.md kind name to its Kind.
func ParseKind(s string) (Kind, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for k := Phone; k < numKinds; k++ {
		if kindNames[k] == name {
			return k, nil
		}
	}
	return KindInvalid, &Error{Input: s, Rule: "kind", Message: fmt.Sprintf("unknown kind %q (want one of %s)", s, kindList())}
}

func kindList() string {
	names := make([]string, 0, numKinds-1)
	for _, k := range Kinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Indicator is one normalised identifier. The zero value is "no indicator".
// Two Indicators are equal exactly when they name the same identifier.
type Indicator struct {
	kind  Kind
	value string
}

// Kind returns the indicator's kind.
func (i Indicator) Kind() Kind { return i.kind }

// Value returns the canonical form (E.164 phone, lower-case A-label domain,
// EIP-55 address, …).
func (i Indicator) Value() string { return i.value }

// IsZero reports whether i is the zero Indicator.
func (i Indicator) IsZero() bool { return i.kind == KindInvalid }

// String returns "kind:value", the form used in logs, audit records and the
// privacy-preserving range lookup.
func (i Indicator) String() string {
	if i.IsZero() {
		return ""
	}
	return i.kind.String() + ":" + i.value
}

// Hash returns the SHA-256 of String(). Apps that check indicators without
// revealing them send the first five hex digits of it (see the range API).
func (i Indicator) Hash() [32]byte { return sha256.Sum256([]byte(i.String())) }

// Error explains why an input is not a valid identifier of a kind. Rule is a
// short stable name of the rule that failed ("luhn", "eip55_checksum",
// "too_short"…), for machines; Message is for people.
type Error struct {
	Kind    Kind
	Input   string
	Rule    string
	Message string
}

func (e *Error) Error() string {
	if e.Kind.Valid() {
		return fmt.Sprintf("%s %q: %s (rule %s)", e.Kind, e.Input, e.Message, e.Rule)
	}
	return fmt.Sprintf("%q: %s (rule %s)", e.Input, e.Message, e.Rule)
}

// MustParse is Parse that panics; for tests and fixed values only.
func MustParse(k Kind, s string) Indicator {
	i, err := Parse(k, s)
	if err != nil {
		panic(err)
	}
	return i
}

// Stored rebuilds an Indicator from a kind and canonical value that this
// package produced earlier and the store kept. It skips validation, so it
// must never be given outside input: use Parse for that.
func Stored(k Kind, canonical string) Indicator { return Indicator{k, canonical} }
