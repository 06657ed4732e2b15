package indicator

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Domains are kept lower-case, as IDNA A-labels ("xn--…"), without the
// trailing dot, and must end in a top-level domain that ICANN knows (.com,
// .top, .xyz, .vip, 中国 …): "example.zzzz" is rejected, a typo or an
// internal name is not an indicator anyone can block.
//
// Private suffixes (github.io, pages.dev, vercel.app …) count as public
// suffixes, as browsers count them: every "x.pages.dev" has its own owner,
// so Registrable gives "x.pages.dev". A private suffix itself ("pages.dev")
// is still a domain that someone owns and is accepted; an ICANN suffix
// itself ("com", "co.uk") is not.

const (
	maxDomain = 253
	maxLabel  = 63
)

// idnaProfile is x/net's lookup profile (UTS #46 non-transitional mapping,
// joiner checks, the bidi rule) with the two relaxations browsers make:
// '_' is allowed (STD3 rules off) and "--" in the third and fourth places is
// allowed (CheckHyphens off). Real phishing hosts such as
// "ether_promo.kissr.com" and "r3---sn-x.example.com" resolve in a browser,
// so an indicator list must be able to hold them. Leading and trailing
// hyphens are still refused, by checkLabels.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.StrictDomainName(false), idna.CheckHyphens(false))

func parseDomain(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(Domain, raw, "empty", "no domain name given")
	}
	s = refang(s, false)
	if strings.HasPrefix(s, "*.") {
		return fail(Domain, raw, "wildcard", "a wildcard pattern is not a domain name; give the domain without \"*.\"")
	}
	s = strings.TrimSuffix(s, "/") // "example.com/" is still just a domain
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?#") {
		return fail(Domain, raw, "url", "this is a URL (it has a scheme or a path); give the host name alone, or parse it as kind url")
	}
	d, err := normalizeDomain(s)
	if err != nil {
		return failErr(Domain, raw, err, "")
	}
	return Indicator{Domain, d}, nil
}

// normalizeDomain checks and normalises a host name. The *Error it returns
// carries only Rule and Message; the caller adds Kind and Input.
func normalizeDomain(s string) (string, *Error) {
	if strings.HasSuffix(s, ".") {
		s = s[:len(s)-1]
	}
	if s == "" {
		return "", &Error{Rule: "empty", Message: "no domain name given"}
	}
	if len(s) > 4*maxDomain {
		return "", &Error{Rule: "too_long", Message: fmt.Sprintf("%d bytes; a domain name has at most %d", len(s), maxDomain)}
	}
	fast := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLower(c) || isDigit(c) || c == '-' || c == '.' || c == '_':
		case isUpper(c):
		case c >= 0x80:
			fast = false
		default:
			return "", &Error{Rule: "invalid_character", Message: fmt.Sprintf("%s in %s: a domain name has only letters, digits, '-', '_' and '.'", charAt(s, i), labelAround(s, i))}
		}
	}
	if fast && hasACELabel(s) {
		fast = false // punycode must be decoded to be checked
	}
	d := s
	if fast {
		d = lowerASCII(s)
	} else {
		a, err := idnaProfile.ToASCII(s)
		if err != nil {
			return "", &Error{Rule: "idna", Message: "not a valid internationalised domain name (" + strings.TrimPrefix(err.Error(), "idna: ") + ")"}
		}
		d = strings.TrimSuffix(a, ".")
	}
	if err := checkLabels(d); err != nil {
		return "", err
	}
	if err := checkSuffix(d); err != nil {
		return "", err
	}
	return d, nil
}

// checkLabels applies the DNS length limits and the hyphen rules to an
// ASCII (A-label) domain name.
func checkLabels(d string) *Error {
	if len(d) > maxDomain {
		return &Error{Rule: "too_long", Message: fmt.Sprintf("%d characters; a domain name has at most %d", len(d), maxDomain)}
	}
	for rest := d; ; {
		l, more, found := strings.Cut(rest, ".")
		switch {
		case l == "":
			return &Error{Rule: "empty_label", Message: "empty label (two dots in a row, or a leading dot)"}
		case len(l) > maxLabel:
			return &Error{Rule: "too_long", Message: fmt.Sprintf("label %q has %d characters; at most %d are allowed", l, len(l), maxLabel)}
		case l[0] == '-' || l[len(l)-1] == '-':
			return &Error{Rule: "hyphen", Message: fmt.Sprintf("label %q starts or ends with '-'", l)}
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isLower(c) && !isDigit(c) && c != '-' && c != '_' {
				return &Error{Rule: "invalid_character", Message: fmt.Sprintf("%s in label %q: a domain name has only letters, digits, '-', '_' and '.'", charAt(l, i), l)}
			}
		}
		if !found {
			return nil
		}
		rest = more
	}
}

// checkSuffix requires a public suffix that ICANN knows, and that the name
// is more than an ICANN suffix.
func checkSuffix(d string) *Error {
	tld := d[strings.LastIndexByte(d, '.')+1:]
	allDigits := true
	for i := 0; i < len(tld); i++ {
		if !isDigit(tld[i]) {
			allDigits = false
			break
		}
	}
	if allDigits {
		return &Error{Rule: "no_public_suffix", Message: fmt.Sprintf("top-level domain %q is a number; for an IP address use kind ip", tld)}
	}
	ps, icann := publicsuffix.PublicSuffix(d)
	if icann {
		if ps == d {
			return &Error{Rule: "public_suffix", Message: fmt.Sprintf("%q is itself a public suffix, not a domain someone registers", d)}
		}
		return nil
	}
	// Either a private suffix (x.github.io) or no rule at all: then the
	// top-level domain must still be ICANN's.
	if !icannTLD(tld) {
		if tld == d {
			return &Error{Rule: "no_public_suffix", Message: fmt.Sprintf("%q is a single label with no public suffix", d)}
		}
		return &Error{Rule: "no_public_suffix", Message: fmt.Sprintf("top-level domain %q is not in the public suffix list", tld)}
	}
	return nil
}

// hasACELabel reports whether a label of s starts with "xn--" in any case.
func hasACELabel(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (i == 0 || s[i-1] == '.') && hasPrefixFold(s[i:], "xn--") {
			return true
		}
	}
	return false
}

// icannTLD reports whether ICANN's section of the list has rules under tld.
// It asks about a name below the TLD, since a TLD with only a wildcard rule
// (*.mm, *.ck) is not itself an entry.
func icannTLD(tld string) bool {
	_, icann := publicsuffix.PublicSuffix("x." + tld)
	return icann
}

// labelAround returns the label of s that holds byte i, quoted, for messages.
func labelAround(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '.') + 1
	end := strings.IndexByte(s[i:], '.')
	if end < 0 {
		end = len(s)
	} else {
		end += i
	}
	return fmt.Sprintf("label %q", s[start:end])
}

// Registrable returns the registrable domain (eTLD+1) of a domain or of a
// URL's host: "evil.example.co.uk" and "https://a.evil.example.co.uk/x" give
// "example.co.uk"; "x.github.io" gives "x.github.io" (github.io is a private
// suffix). It returns "" for other kinds and for URLs whose host is an IP
// address.
func (i Indicator) Registrable() string {
	switch i.kind {
	case Domain:
		return registrable(i.value)
	case URL:
		host, _, _ := splitURLValue(i.value)
		if host == "" || host[0] == '[' || isIPv4Text(host) {
			return ""
		}
		return registrable(host)
	}
	return ""
}

// registrable computes eTLD+1 with the whole public suffix list, falling
// back to the ICANN part of it when d is itself a private suffix.
func registrable(d string) string {
	if d == "" {
		return ""
	}
	if r, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return r
	}
	return icannRegistrable(d)
}

// icannRegistrable is eTLD+1 by the ICANN section of the list only.
func icannRegistrable(d string) string {
	ps, icann := publicsuffix.PublicSuffix(d)
	for !icann {
		dot := strings.IndexByte(ps, '.')
		if dot < 0 {
			return ""
		}
		ps, icann = publicsuffix.PublicSuffix(ps[dot+1:])
	}
	if len(ps) >= len(d) {
		return ""
	}
	head := d[:len(d)-len(ps)-1]
	return d[strings.LastIndexByte(head, '.')+1:]
}

// isIPv4Text reports whether s is only digits and dots.
func isIPv4Text(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return false
		}
	}
	return s != ""
}
