package indicator

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Cards: 12–19 digits (spaces and dashes are dropped) passing the Luhn
// check. Bank accounts: 6–34 digits or letters, kept as written apart from
// spaces and dashes, letters upper-cased; one that looks like an IBAN
// (country code, two check digits) must pass the ISO 13616 mod-97 check.

const (
	minCard    = 12
	maxCard    = 19
	minAccount = 6
	maxAccount = 34
)

func parseCard(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(Card, raw, "empty", "no card number given")
	}
	var buf [maxCard]byte
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		switch {
		case isDigit(c):
			if n == maxCard {
				return fail(Card, raw, "too_long", fmt.Sprintf("more than %d digits; card numbers have %d to %d", maxCard, minCard, maxCard))
			}
			buf[n] = c
			n++
		case c == ' ' || c == '-' || c == '\t':
		case c == '*' || c == 'x' || c == 'X' || c == '#':
			return fail(Card, raw, "invalid_character", fmt.Sprintf("%s: a masked card number cannot be matched; give all the digits", charAt(s, i)))
		case c >= utf8.RuneSelf:
			r, sz := utf8.DecodeRuneInString(s[i:])
			size = sz
			if !unicode.IsSpace(r) && r != '\u2010' && r != '\u2011' && r != '\u2013' && r != '\u2014' && r != '\u2212' {
				return fail(Card, raw, "invalid_character", fmt.Sprintf("%s: a card number has only digits, spaces and '-'", charAt(s, i)))
			}
		case isAlpha(c):
			return fail(Card, raw, "not_a_number", fmt.Sprintf("%s: a card number has only digits", charAt(s, i)))
		default:
			return fail(Card, raw, "invalid_character", fmt.Sprintf("%s: a card number has only digits, spaces and '-'", charAt(s, i)))
		}
		i += size
	}
	if n == 0 {
		return fail(Card, raw, "not_a_number", "no digits in the card number")
	}
	if n < minCard {
		return fail(Card, raw, "too_short", fmt.Sprintf("%d digits; card numbers have %d to %d", n, minCard, maxCard))
	}
	d := buf[:n]
	if want := luhnCheckDigit(d[:n-1]); want != d[n-1] {
		return fail(Card, raw, "luhn", fmt.Sprintf("check digit (the last) is %c but the Luhn check needs %c; a digit is probably mistyped", d[n-1], want))
	}
	return Indicator{Card, sameOrString(d, s)}, nil
}

// luhnCheckDigit returns the digit that completes payload under Luhn.
func luhnCheckDigit(payload []byte) byte {
	sum := 0
	double := true // the digit left of the check digit is doubled
	for i := len(payload) - 1; i >= 0; i-- {
		v := int(payload[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// luhnValid reports whether the digits pass the Luhn check.
func luhnValid(d []byte) bool {
	return len(d) >= 2 && luhnCheckDigit(d[:len(d)-1]) == d[len(d)-1]
}

func parseBankAccount(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(BankAccount, raw, "empty", "no account number given")
	}
	var buf [maxAccount]byte
	n, digits := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		switch {
		case isAlnum(c):
			if n == maxAccount {
				return fail(BankAccount, raw, "too_long", fmt.Sprintf("more than %d characters; account numbers (IBAN included) have at most %d", maxAccount, maxAccount))
			}
			if isLower(c) {
				c -= 'a' - 'A'
			}
			if isDigit(c) {
				digits++
			}
			buf[n] = c
			n++
		case c == ' ' || c == '-' || c == '\t':
		case c == '*' || c == '#':
			return fail(BankAccount, raw, "invalid_character", fmt.Sprintf("%s: a masked account number cannot be matched; give it in full", charAt(s, i)))
		case c >= utf8.RuneSelf:
			r, sz := utf8.DecodeRuneInString(s[i:])
			size = sz
			if !unicode.IsSpace(r) && r != '\u2010' && r != '\u2011' && r != '\u2013' && r != '\u2014' && r != '\u2212' {
				return fail(BankAccount, raw, "invalid_character", fmt.Sprintf("%s: an account number has only digits, letters, spaces and '-'", charAt(s, i)))
			}
		default:
			return fail(BankAccount, raw, "invalid_character", fmt.Sprintf("%s: an account number has only digits, letters, spaces and '-'", charAt(s, i)))
		}
		i += size
	}
	if n < minAccount {
		return fail(BankAccount, raw, "too_short", fmt.Sprintf("%d characters; account numbers have at least %d", n, minAccount))
	}
	if digits == 0 {
		return fail(BankAccount, raw, "not_a_number", "an account number needs digits")
	}
	a := buf[:n]
	if looksLikeIBAN(a) && !ibanValid(a) {
		return fail(BankAccount, raw, "checksum", fmt.Sprintf("looks like an IBAN of %s but its check digits %s do not pass the mod-97 check", string(a[:2]), string(a[2:4])))
	}
	return Indicator{BankAccount, sameOrString(a, s)}, nil
}

// ibanCountries are the country codes of the IBAN registry. An account that
// starts with one of them and two digits is read as an IBAN.
var ibanCountries = map[string]bool{}

func init() {
	for _, cc := range []string{
		"AD", "AE", "AL", "AT", "AZ", "BA", "BE", "BG", "BH", "BI", "BR", "BY",
		"CH", "CR", "CY", "CZ", "DE", "DJ", "DK", "DO", "EE", "EG", "ES", "FI",
		"FK", "FO", "FR", "GB", "GE", "GI", "GL", "GR", "GT", "HN", "HR", "HU",
		"IE", "IL", "IQ", "IS", "IT", "JO", "KW", "KZ", "LB", "LC", "LI", "LT",
		"LU", "LV", "LY", "MC", "MD", "ME", "MK", "MN", "MR", "MT", "MU", "NI",
		"NL", "NO", "OM", "PK", "PL", "PS", "PT", "QA", "RO", "RS", "RU", "SA",
		"SC", "SD", "SE", "SI", "SK", "SM", "SO", "ST", "SV", "TL", "TN", "TR",
		"UA", "VA", "VG", "XK", "YE",
	} {
		ibanCountries[cc] = true
	}
}

// looksLikeIBAN: an IBAN country code, two check digits, 15–34 characters.
func looksLikeIBAN(a []byte) bool {
	return len(a) >= 15 && isUpper(a[0]) && isUpper(a[1]) && isDigit(a[2]) && isDigit(a[3]) && ibanCountries[string(a[:2])]
}

// ibanValid is the ISO 7064 mod 97-10 check: move the first four characters
// to the end, read letters as 10–35, and the number must be 1 mod 97.
func ibanValid(a []byte) bool {
	rem := 0
	add := func(c byte) {
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		}
	}
	for _, c := range a[4:] {
		add(c)
	}
	for _, c := range a[:4] {
		add(c)
	}
	return rem == 1
}

// ParseBankOrCard reads the number a bank payment names: a number passing
// the card check (Luhn, 12–19 digits) is a card, anything else an account
// number. Every part of fanzha that meets a bank payment's payee — victims'
// reports, the transfer ledger, screening — reads it with this one rule, so
// that the same account is the same indicator everywhere.
func (o Options) ParseBankOrCard(s string) (Indicator, error) {
	if c, err := o.Parse(Card, s); err == nil {
		return c, nil
	}
	return o.Parse(BankAccount, s)
}
