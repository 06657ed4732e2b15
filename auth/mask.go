package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SeesPersonalData reports whether p may see victims' and witnesses'
// personal data (phone numbers, accounts, e-mail addresses, names) in the
// clear. Only police and judicial analysts, supervisors and admins do: they
// investigate and prosecute, and the law that lets them collect the data
// binds them. Everyone else, read-only tokens of those sectors included, gets
// masked values: enough to tell records apart, not to contact a person.
func SeesPersonalData(p Principal) bool {
	if p.IsPublic() {
		return false
	}
	switch p.Org.Sector {
	case Police, Judicial:
	default:
		return false
	}
	switch p.Role {
	case Analyst, Supervisor, Admin:
		return true
	}
	return false
}

// stars is what every mask puts in place of the hidden part. Phone numbers
// and accounts always get exactly four, so the mask does not tell how long
// the hidden part was.
const stars = "****"

// MaskPhone hides the middle of a phone number: "+8613800138000" becomes
// "+86138****8000". It keeps the country code (after a leading "+"), and of
// the national number the first 3 and last 4 digits when it has at least 10,
// the last 4 when it has 8 or 9, the last 2 when it has 5 to 7, nothing when
// shorter, so that at least 3 digits always stay hidden. Spaces, dashes,
// brackets and anything else that is not a digit are dropped; full-width
// digits count as digits. The result is "" only for "".
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	var buf [32]byte
	d := buf[:0]
	plus := false
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			d = append(d, byte(r))
		case '０' <= r && r <= '９':
			d = append(d, byte('0'+r-'０'))
		case (r == '+' || r == '＋') && len(d) == 0:
			plus = true
		}
	}
	cc := 0
	if plus {
		cc = callingCodeLen(d)
	}
	nat := d[cc:]
	head, tail := 0, 0
	switch n := len(nat); {
	case n >= 10:
		head, tail = 3, 4
	case n >= 8:
		tail = 4
	case n >= 5:
		tail = 2
	}
	var b strings.Builder
	b.Grow(1 + cc + head + len(stars) + tail)
	if plus {
		b.WriteByte('+')
		b.Write(d[:cc])
	}
	b.Write(nat[:head])
	b.WriteString(stars)
	b.Write(nat[len(nat)-tail:])
	return b.String()
}

// callingCodeLen is the length of the ITU country calling code that starts
// d. Codes are prefix-free: 1 and 7 are the only one-digit codes, the list
// below the only two-digit ones, and every other code has three digits.
func callingCodeLen(d []byte) int {
	switch {
	case len(d) == 0:
		return 0
	case d[0] == '1' || d[0] == '7':
		return 1
	case len(d) == 1:
		return 1
	}
	switch string(d[:2]) {
	case "20", "27", "30", "31", "32", "33", "34", "36", "39",
		"40", "41", "43", "44", "45", "46", "47", "48", "49",
		"51", "52", "53", "54", "55", "56", "57", "58",
		"60", "61", "62", "63", "64", "65", "66",
		"81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98":
		return 2
	}
	return min(3, len(d))
}

// MaskAccount hides a bank account, card or wallet number but its last 4
// characters ("6222 0212 3456 7890" becomes "****7890"), the part people and
// bank statements use to tell accounts apart. Separators are dropped; an
// account of 5 to 7 characters keeps its last 2 and a shorter one nothing, so
// that at least 3 characters always stay hidden.
func MaskAccount(s string) string {
	if s == "" {
		return ""
	}
	var buf [64]rune
	rs := buf[:0]
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	keep := 0
	switch n := len(rs); {
	case n >= 8:
		keep = 4
	case n >= 5:
		keep = 2
	}
	return stars + string(rs[len(rs)-keep:])
}

// MaskEmail hides an e-mail address's local part but its first character:
// "zhang.san@example.com" becomes "z***@example.com". The domain stays: it
// names a provider, not a person, and analysts group scam mail by it. A local
// part of one character is hidden whole. Without an "@" the whole input is
// taken as a local part.
func MaskEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	local, domain := s, ""
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		local, domain = s[:at], s[at:]
	}
	first := ""
	if utf8.RuneCountInString(local) >= 2 {
		r, _ := utf8.DecodeRuneInString(local)
		first = string(r)
	}
	return first + "***" + domain
}

// MaskName hides a person's name but the first character of each word:
// "张三" becomes "张*", "John Doe" becomes "J*** D***". Chinese, Japanese and
// Korean names (written without spaces) get one star per hidden character,
// as people there are used to; other words get three, whatever their length.
// A one-character word is hidden whole. Words are rejoined with single
// spaces.
func MaskName(s string) string {
	words := strings.Fields(s)
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		n := utf8.RuneCountInString(w)
		if n == 1 {
			b.WriteByte('*')
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(r)
		if hasCJK(w) {
			b.WriteString(strings.Repeat("*", n-1))
		} else {
			b.WriteString("***")
		}
	}
	return b.String()
}

// hasCJK reports whether w contains Han, kana or Hangul, scripts whose names
// are written without spaces between given name and surname.
func hasCJK(w string) bool {
	for _, r := range w {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}
