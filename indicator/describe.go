package indicator

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/mr-tron/base58"
	"github.com/nyaruka/phonenumbers"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Detail holds facts about an indicator for display and triage, worked out
// from its canonical value. Only the section for the indicator's kind is set.
type Detail struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`

	Phone   *PhoneDetail   `json:"phone,omitempty"`   // phone, whatsapp
	Domain  *DomainDetail  `json:"domain,omitempty"`  // domain; the host of a url; the domain of an email
	URL     *URLDetail     `json:"url,omitempty"`     // url
	Card    *CardDetail    `json:"card,omitempty"`    // card
	Account *AccountDetail `json:"account,omitempty"` // bank_account
	Crypto  *CryptoDetail  `json:"crypto,omitempty"`  // btc, eth, tron, crypto_other
	IP      *IPDetail      `json:"ip,omitempty"`      // ip; the host of a url when it is an address
}

// PhoneDetail tells what libphonenumber knows about a number. Possible
// means the length fits the country; Valid means the number is in an
// allocated range of a known type. Fraud numbers are often possible but
// not valid (spoofed, unallocated).
type PhoneDetail struct {
	ShortCode     bool   `json:"short_code"`              // a short code or service number (95588, 110), no E.164 form
	Possible      bool   `json:"possible"`                // right length for its country (for a short code: for the region)
	Valid         bool   `json:"valid"`                   // in an allocated range (for a short code: a known short code of the region)
	Emergency     bool   `json:"emergency,omitempty"`     // an emergency number of the region (110, 120, 911 …)
	CountryCode   int    `json:"country_code,omitempty"`  // 86
	Region        string `json:"region,omitempty"`        // "CN"; for short codes the default region they were read in
	Type          string `json:"type,omitempty"`          // mobile, fixed_line, fixed_line_or_mobile, toll_free, premium_rate, shared_cost, voip, personal_number, pager, uan, voicemail, unknown
	National      string `json:"national,omitempty"`      // "138 0013 8000"
	International string `json:"international,omitempty"` // "+86 138 0013 8000"
}

// DomainDetail describes a domain name.
type DomainDetail struct {
	Registrable  string `json:"registrable,omitempty"` // eTLD+1: who owns it
	PublicSuffix string `json:"public_suffix"`         // "com", "co.uk", "github.io"
	ICANN        bool   `json:"icann"`                 // the suffix is ICANN's; false for private suffixes (github.io, pages.dev)
	IDN          bool   `json:"idn"`                   // has internationalised (xn--) labels: look-alikes live here
	Unicode      string `json:"unicode,omitempty"`     // the U-label form, when IDN
}

// URLDetail splits a URL into its parts.
type URLDetail struct {
	Scheme   string `json:"scheme"`
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"`
	Path     string `json:"path"`
	Query    string `json:"query,omitempty"`
	UserInfo bool   `json:"user_info,omitempty"` // "https://bank.com@evil.top/": text before '@' that looks like a host
	HostIP   bool   `json:"host_ip,omitempty"`   // the host is an IP address, not a name
}

// CardDetail is a guess at the card's scheme from its issuer prefix.
type CardDetail struct {
	Brand  string `json:"brand"` // unionpay, visa, mastercard, amex, jcb, discover, diners, maestro, mir, unknown
	IIN    string `json:"iin"`   // the first six digits (issuer identification number)
	Last4  string `json:"last4"`
	Length int    `json:"length"`
}

// AccountDetail describes a bank account number.
type AccountDetail struct {
	IBAN    bool   `json:"iban"`
	Country string `json:"country,omitempty"` // of an IBAN
}

// CryptoDetail describes a chain address.
type CryptoDetail struct {
	Network        string `json:"network"`                   // bitcoin, ethereum, tron, other
	Format         string `json:"format"`                    // p2pkh, p2sh, bech32, bech32m, eip55, base58check, as_given
	Type           string `json:"type,omitempty"`            // bitcoin script: p2wpkh, p2wsh, p2tr, witness_vN
	WitnessVersion *int   `json:"witness_version,omitempty"` // segwit version
	Hex            string `json:"hex,omitempty"`             // TRON's hex form ("41…")
}

// IPDetail classifies an IP address.
type IPDetail struct {
	Version     int  `json:"version"`
	Global      bool `json:"global"` // routable on the Internet: not private, loopback, link-local, multicast or unspecified
	Private     bool `json:"private,omitempty"`
	Loopback    bool `json:"loopback,omitempty"`
	LinkLocal   bool `json:"link_local,omitempty"`
	Multicast   bool `json:"multicast,omitempty"`
	Unspecified bool `json:"unspecified,omitempty"`
}

// Describe works out extra facts about i for display, with the default
// Options (short codes are described as Chinese).
func Describe(i Indicator) Detail { return Options{}.Describe(i) }

// Describe works out extra facts about i; o's region is the one short codes
// are described in. It never fails: facts that cannot be found are left
// empty.
func (o Options) Describe(i Indicator) Detail {
	d := Detail{Kind: i.kind, Value: i.value}
	switch i.kind {
	case Phone, WhatsApp:
		d.Phone = o.describePhone(i.value)
	case Domain:
		d.Domain = describeDomain(i.value)
	case URL:
		d.URL, d.Domain, d.IP = describeURL(i.value)
	case Email:
		if at := strings.LastIndexByte(i.value, '@'); at >= 0 {
			d.Domain = describeDomain(i.value[at+1:])
		}
	case Card:
		d.Card = describeCard(i.value)
	case BankAccount:
		a := &AccountDetail{}
		if looksLikeIBAN([]byte(i.value)) {
			a.IBAN, a.Country = true, i.value[:2]
		}
		d.Account = a
	case BTC, ETH, TRON, CryptoOther:
		d.Crypto = describeCrypto(i.kind, i.value)
	case IP:
		if a, err := netip.ParseAddr(i.value); err == nil {
			d.IP = describeIP(a)
		}
	}
	return d
}

var phoneTypes = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
	phonenumbers.UNKNOWN:              "unknown",
}

func (o Options) describePhone(v string) *PhoneDetail {
	p := &PhoneDetail{}
	if !strings.HasPrefix(v, "+") {
		region, _ := o.region()
		p.ShortCode, p.Region, p.Type = true, region, "short_code"
		if region == "CN" && isCNSMSService([]byte(v)) {
			p.Type, p.Possible = "sms_service", true
			return p
		}
		num, err := phonenumbers.Parse(v, region)
		if err != nil {
			return p
		}
		p.Possible = phonenumbers.IsPossibleShortNumberForRegion(num, region)
		p.Valid = phonenumbers.IsValidShortNumberForRegion(num, region)
		p.Emergency = phonenumbers.IsEmergencyNumber(v, region)
		if p.Emergency {
			p.Type = "emergency"
		}
		return p
	}
	num, err := phonenumbers.Parse(v, "ZZ")
	if err != nil {
		return p
	}
	p.CountryCode = int(num.GetCountryCode())
	p.Possible = phonenumbers.IsPossibleNumber(num)
	p.Valid = phonenumbers.IsValidNumber(num)
	p.Region = phonenumbers.GetRegionCodeForNumber(num)
	if p.Region == "" {
		p.Region = phonenumbers.GetRegionCodeForCountryCode(p.CountryCode)
	}
	p.Type = phoneTypes[phonenumbers.GetNumberType(num)]
	p.National = phonenumbers.Format(num, phonenumbers.NATIONAL)
	p.International = phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	return p
}

func describeDomain(d string) *DomainDetail {
	ps, icann := publicsuffix.PublicSuffix(d)
	dd := &DomainDetail{Registrable: registrable(d), PublicSuffix: ps, ICANN: icann}
	if strings.HasPrefix(d, "xn--") || strings.Contains(d, ".xn--") {
		dd.IDN = true
		if u, err := idna.Display.ToUnicode(d); err == nil {
			dd.Unicode = u
		}
	}
	return dd
}

func describeURL(v string) (*URLDetail, *DomainDetail, *IPDetail) {
	i := strings.Index(v, "://")
	if i < 0 {
		return nil, nil, nil
	}
	u := &URLDetail{Scheme: v[:i]}
	host, port, pq := splitURLValue(v)
	u.Host = host
	if port != "" {
		u.Port, _ = strconv.Atoi(port)
	}
	u.Path, u.Query, _ = strings.Cut(pq, "?")
	auth := v[i+3:]
	if end := strings.IndexAny(auth, "/?"); end >= 0 {
		auth = auth[:end]
	}
	u.UserInfo = strings.IndexByte(auth, '@') >= 0
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(h); err == nil {
		u.HostIP = true
		return u, nil, describeIP(a)
	}
	return u, describeDomain(host), nil
}

func describeIP(a netip.Addr) *IPDetail {
	d := &IPDetail{
		Version:     4,
		Private:     a.IsPrivate(),
		Loopback:    a.IsLoopback(),
		LinkLocal:   a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast(),
		Multicast:   a.IsMulticast(),
		Unspecified: a.IsUnspecified(),
	}
	if a.Is6() {
		d.Version = 6
	}
	d.Global = a.IsGlobalUnicast() && !d.Private
	return d
}

// describeCard guesses the brand from the IIN ranges the schemes publish.
// Overlaps are resolved the usual way: the longest matching prefix wins.
func describeCard(v string) *CardDetail {
	c := &CardDetail{Brand: cardBrand(v), Length: len(v)}
	if len(v) >= 6 {
		c.IIN = v[:6]
	}
	if len(v) >= 4 {
		c.Last4 = v[len(v)-4:]
	}
	return c
}

func cardBrand(v string) string {
	prefix := func(n int) int {
		if len(v) < n {
			return -1
		}
		x, _ := strconv.Atoi(v[:n])
		return x
	}
	p2, p3, p4 := prefix(2), prefix(3), prefix(4)
	switch {
	case p2 == 34 || p2 == 37:
		return "amex"
	case p4 >= 2200 && p4 <= 2204:
		return "mir"
	case p4 >= 3528 && p4 <= 3589:
		return "jcb"
	case p3 >= 300 && p3 <= 305, p2 == 36, p2 == 38, p2 == 39:
		return "diners"
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65:
		return "discover"
	case p2 == 62 || p2 == 81:
		return "unionpay"
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		return "mastercard"
	case v != "" && v[0] == '4':
		return "visa"
	case p2 == 50, p2 >= 56 && p2 <= 69:
		return "maestro"
	}
	return "unknown"
}

func describeCrypto(k Kind, v string) *CryptoDetail {
	c := &CryptoDetail{}
	switch k {
	case BTC:
		c.Network = "bitcoin"
		if hasPrefixFold(v, "bc1") {
			info, rule, _ := decodeSegwit(v)
			if rule != "" {
				return c
			}
			wv := info.witnessVersion
			c.WitnessVersion = &wv
			c.Format = "bech32"
			if info.bech32m {
				c.Format = "bech32m"
			}
			switch {
			case wv == 0 && info.program == 20:
				c.Type = "p2wpkh"
			case wv == 0 && info.program == 32:
				c.Type = "p2wsh"
			case wv == 1 && info.program == 32:
				c.Type = "p2tr"
			default:
				c.Type = "witness_v" + strconv.Itoa(wv)
			}
			return c
		}
		if b, ok := base58Decode25(v); ok {
			switch b[0] {
			case 0x00:
				c.Format, c.Type = "p2pkh", "p2pkh"
			case 0x05:
				c.Format, c.Type = "p2sh", "p2sh"
			}
		}
	case ETH:
		c.Network, c.Format = "ethereum", "eip55"
	case TRON:
		c.Network, c.Format = "tron", "base58check"
		if b, err := base58.Decode(v); err == nil && len(b) == 25 {
			const digits = "0123456789abcdef"
			h := make([]byte, 42)
			for i, x := range b[:21] {
				h[2*i], h[2*i+1] = digits[x>>4], digits[x&15]
			}
			c.Hex = string(h)
		}
	case CryptoOther:
		c.Network, c.Format = "other", "as_given"
	}
	return c
}
