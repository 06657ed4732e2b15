package indicator

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Phone numbers are read with libphonenumber's rules. The canonical form is
// E.164 ("+8613800138000"). Short codes and service numbers ("95588",
// "12345", "110") have no E.164 form: they are kept as the digits, without
// "+", and Describe reports them as ShortCode.
//
// A number only needs to be possible (the right length for its country), not
// valid (in an allocated range): fraud calls come from spoofed and
// unallocated numbers, and those are exactly the ones to keep.

const (
	maxPhoneDigits = 20 // IDD (up to 4) + 15 digits of E.164, and some slack
	maxShortCode   = 6
	minShortCode   = 3
)

// phoneDigits holds the digits of a written phone number, without separators.
type phoneDigits struct {
	buf  [maxPhoneDigits]byte
	n    int
	plus bool // written with a leading "+"
}

func (d *phoneDigits) digits() []byte { return d.buf[:d.n] }

func (o Options) parsePhone(k Kind, raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(k, raw, "empty", "no phone number given")
	}
	link := false
	if k == WhatsApp {
		var ok bool
		if s, ok = whatsAppLink(s); ok {
			link = true
			if s == "" {
				return fail(k, raw, "empty", "the WhatsApp link has no phone number")
			}
		}
	}
	s = stripTelScheme(s)
	var d phoneDigits
	if rule, msg := scanPhone(s, &d); rule != "" {
		return fail(k, raw, rule, msg)
	}
	if link {
		// wa.me numbers are always international, written without "+".
		d.plus = true
	}
	region, err := o.region()
	if err != nil && !d.plus {
		return fail(k, raw, "region", err.Error())
	}
	v, short, rule, msg := phoneCanonical(&d, region, s)
	if rule != "" {
		return fail(k, raw, rule, msg)
	}
	if short && k == WhatsApp {
		return fail(k, raw, "short_code", fmt.Sprintf("%s is a short code; a WhatsApp account needs a full phone number", v))
	}
	return Indicator{k, v}, nil
}

// region returns the upper-case default region of o.
func (o Options) region() (string, error) {
	r := o.DefaultRegion
	if r == "" {
		return defaultRegion, nil
	}
	if len(r) != 2 || !isUpper(r[0]) || !isUpper(r[1]) {
		r = strings.ToUpper(strings.TrimSpace(r))
	}
	if _, ok := regionMinLength()[r]; !ok {
		return defaultRegion, fmt.Errorf("default region %q is not an ISO 3166 region with a numbering plan", o.DefaultRegion)
	}
	return r, nil
}

// regionMinLength maps each region to the shortest length a full national
// number can have there. A national number shorter than that can only be a
// short code, so most short codes never reach libphonenumber.
var regionMinLength = sync.OnceValue(func() map[string]int {
	m := make(map[string]int)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	for _, md := range coll.GetMetadata() {
		min := 0
		for _, l := range md.GetGeneralDesc().GetPossibleLength() {
			if l > 0 && (min == 0 || int(l) < min) {
				min = int(l)
			}
		}
		if id := md.GetId(); len(id) == 2 && min > 0 {
			m[id] = min
		}
	}
	return m
})

// stripTelScheme drops a "tel:", "sms:" or "callto:" prefix and any
// ";parameters" after the number.
func stripTelScheme(s string) string {
	for _, p := range [...]string{"tel:", "sms:", "callto:"} {
		if hasPrefixFold(s, p) {
			s = strings.TrimLeft(s[len(p):], "/")
			if i := strings.IndexByte(s, ';'); i >= 0 {
				s = s[:i]
			}
			return trimBlank(s)
		}
	}
	return s
}

// scanPhone collects the digits of s, allowing the separators people write
// ("138 0013 8000", "138-0013-8000", "(010) 1234 5678", "138.0013.8000") and
// a leading "+".
func scanPhone(s string, d *phoneDigits) (rule, msg string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case isDigit(c):
				if d.n == len(d.buf) {
					return "too_long", fmt.Sprintf("more than %d digits; no phone number is that long", maxPhoneDigits)
				}
				d.buf[d.n] = c
				d.n++
			case c == '+':
				if d.n > 0 || d.plus {
					return "invalid_character", fmt.Sprintf("%s: '+' may only start the number", charAt(s, i))
				}
				d.plus = true
			case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t':
			case c == '*' || c == '#':
				return "invalid_character", fmt.Sprintf("%s: masked or dial-code numbers are not phone numbers", charAt(s, i))
			case c == 'x' || c == 'X' || c == 'e' || c == 'E':
				return "invalid_character", fmt.Sprintf("%s: extensions are not part of a phone number; give the number alone", charAt(s, i))
			case isAlpha(c):
				return "invalid_character", fmt.Sprintf("%s: a phone number has only digits, spaces, '-', '.', '(', ')' and a leading '+'", charAt(s, i))
			default:
				return "invalid_character", fmt.Sprintf("%s: a phone number has only digits, spaces, '-', '.', '(', ')' and a leading '+'", charAt(s, i))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r) || r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2212' || r == '\u30fc':
		default:
			v, ok := digitValue(r)
			if !ok {
				return "invalid_character", fmt.Sprintf("%s: a phone number has only digits, spaces, '-', '.', '(', ')' and a leading '+'", charAt(s, i))
			}
			if d.n == len(d.buf) {
				return "too_long", fmt.Sprintf("more than %d digits; no phone number is that long", maxPhoneDigits)
			}
			d.buf[d.n] = '0' + v
			d.n++
		}
		i += size
	}
	switch {
	case d.n == 0:
		return "not_a_number", "no digits in the phone number"
	case d.n < minShortCode:
		return "too_short", fmt.Sprintf("%d digits; even a short code has at least %d", d.n, minShortCode)
	}
	return "", ""
}

// phoneCanonical turns scanned digits into E.164 or a short code. in is the
// prepared input: when the canonical form equals it, in itself is returned,
// so already-canonical values cost no allocation.
func phoneCanonical(d *phoneDigits, region, in string) (value string, short bool, rule, msg string) {
	b := d.digits()
	if m := cnMobileDigits(b, d.plus, region); m != nil {
		var e [14]byte
		copy(e[:], "+86")
		copy(e[3:], m)
		if string(e[:]) == in {
			return in, false, "", ""
		}
		return string(e[:]), false, "", ""
	}
	if !d.plus && len(b) <= maxShortCode && !(b[0] == '0' && b[1] == '0') && len(b) < regionMinLength()[region] {
		return sameOrString(b, in), true, "", ""
	}
	if !d.plus && region == "CN" && isCNSMSService(b) {
		return sameOrString(b, in), true, "", ""
	}

	return slowPhone(b, d.plus, region)
}

// phoneVerdict is libphonenumber's reading of one digit string.
type phoneVerdict struct {
	value     string
	short     bool
	rule, msg string
	recheck   bool // the national number may lose a prefix on re-parse
}

// The general path costs some microseconds (libphonenumber runs regular
// expressions), and call records repeat the same numbers over and over, so
// its verdicts are remembered: a bounded map per shard, emptied when full.
const (
	phoneCacheShards = 16
	phoneCacheMax    = 4096 // entries per shard
)

type phoneShard struct {
	mu sync.RWMutex
	m  map[string]phoneVerdict
}

var phoneCache [phoneCacheShards]phoneShard

func slowPhone(b []byte, plus bool, region string) (value string, short bool, rule, msg string) {
	var kb [2 + 1 + maxPhoneDigits]byte
	key := append(kb[:0], region...)
	if plus {
		key = append(key, '+')
	}
	key = append(key, b...)
	h := uint32(2166136261)
	for _, c := range key {
		h = (h ^ uint32(c)) * 16777619
	}
	sh := &phoneCache[h%phoneCacheShards]
	sh.mu.RLock()
	v, ok := sh.m[string(key)]
	sh.mu.RUnlock()
	if !ok {
		text := key[len(region):]
		v = libPhone(text, region)
		if v.recheck && v.value != string(text) {
			// libphonenumber strips a trunk prefix after the country code
			// ("+86 0…"); when the result would be stripped again, there
			// is no stable reading of the number.
			if w := libPhone([]byte(v.value), region); w.value != v.value {
				v = phoneVerdict{rule: "not_possible", msg: fmt.Sprintf("reads as %s, which reads again as another number: the digits after the country code start with a trunk prefix", v.value)}
			}
		}
		sh.mu.Lock()
		if sh.m == nil || len(sh.m) >= phoneCacheMax {
			sh.m = make(map[string]phoneVerdict, 64)
		}
		sh.m[string(key)] = v
		sh.mu.Unlock()
	}
	return v.value, v.short, v.rule, v.msg
}

// libPhone asks libphonenumber about text ("+8610…" or national digits).
func libPhone(text []byte, region string) phoneVerdict {
	plus := text[0] == '+'
	b := text
	if plus {
		b = text[1:]
	}
	var num phonenumbers.PhoneNumber
	if err := phonenumbers.ParseToNumber(string(text), region, &num); err != nil {
		switch {
		case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
			return phoneVerdict{rule: "country_code", msg: "the number does not start with a known country calling code"}
		case errors.Is(err, phonenumbers.ErrTooShortAfterIDD), errors.Is(err, phonenumbers.ErrTooShortNSN):
			return phoneVerdict{rule: "too_short", msg: "too few digits for a phone number"}
		case errors.Is(err, phonenumbers.ErrNumTooLong):
			return phoneVerdict{rule: "too_long", msg: "too many digits for a phone number"}
		}
		return phoneVerdict{rule: "not_a_number", msg: "not a phone number: " + err.Error()}
	}
	nsn := phonenumbers.GetNationalSignificantNumber(&num)
	cc := int(num.GetCountryCode())
	switch phonenumbers.IsPossibleNumberWithReason(&num) {
	case phonenumbers.IS_POSSIBLE:
		return phoneVerdict{value: e164(cc, nsn), recheck: mayStripAgain(cc, nsn)}
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY, phonenumbers.TOO_SHORT:
		if len(nsn) >= minShortCode && len(nsn) <= maxShortCode {
			if !plus {
				return phoneVerdict{value: string(b), short: true}
			}
			// "+86 95588" is how spoofed caller IDs often show a bank's
			// service line: keep it as the short code when it is a real
			// short code of the default region (short codes carry no
			// country, so only the default region's can be kept).
			if phonenumbers.GetRegionCodeForCountryCode(cc) == region && phonenumbers.IsValidShortNumberForRegion(&num, region) {
				return phoneVerdict{value: nsn, short: true}
			}
		}
		// libphonenumber calls local-only lengths (a subscriber number
		// without its area code) possible, but they have no E.164 form.
		return phoneVerdict{rule: "not_possible", msg: fmt.Sprintf("%d national digits are too few for a full number in country +%d (a local number needs its area code)", len(nsn), cc)}
	case phonenumbers.INVALID_COUNTRY_CODE:
		return phoneVerdict{rule: "country_code", msg: fmt.Sprintf("+%d is not a country calling code", cc)}
	case phonenumbers.TOO_LONG:
		return phoneVerdict{rule: "not_possible", msg: fmt.Sprintf("%d national digits are too many for a number in country +%d", len(nsn), cc)}
	}
	return phoneVerdict{rule: "not_possible", msg: fmt.Sprintf("%d national digits is not a length numbers have in country +%d", len(nsn), cc)}
}

// nationalPrefixRules holds each region's national-prefix-for-parsing
// pattern, anchored; nil when the region has none.
var nationalPrefixRules = sync.OnceValue(func() map[string]*regexp.Regexp {
	m := make(map[string]*regexp.Regexp)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	for _, md := range coll.GetMetadata() {
		id, p := md.GetId(), md.GetNationalPrefixForParsing()
		if len(id) != 2 {
			continue
		}
		if p == "" {
			m[id] = nil
			continue
		}
		if re, err := regexp.Compile("^(?:" + p + ")"); err == nil {
			m[id] = re
		}
	}
	return m
})

// mayStripAgain reports whether reading "+cc nsn" again could strip a
// national prefix or carrier code from nsn, which is the only way
// libphonenumber's E.164 output fails to read as itself. When unsure it
// says yes, and the number is simply read again.
func mayStripAgain(cc int, nsn string) bool {
	re, ok := nationalPrefixRules()[phonenumbers.GetRegionCodeForCountryCode(cc)]
	if !ok {
		return true
	}
	return re != nil && re.MatchString(nsn)
}

// cnMobileDigits is the fast path for the commonest number the platform
// sees, a Chinese mobile: 1[3-9]x xxxx xxxx, nationally or after +86, 86 or
// 0086. It returns the 11 national digits, or nil to go the general way. It
// gives what libphonenumber gives (a test checks it against the library):
// 179xx is left out because CN's national-prefix rule strips it as a
// carrier code.
func cnMobileDigits(b []byte, plus bool, region string) []byte {
	switch {
	case plus:
		if len(b) != 13 || b[0] != '8' || b[1] != '6' {
			return nil
		}
		b = b[2:]
	case region != "CN":
		return nil
	case len(b) == 13 && b[0] == '8' && b[1] == '6':
		b = b[2:]
	case len(b) == 15 && b[0] == '0' && b[1] == '0' && b[2] == '8' && b[3] == '6':
		b = b[4:]
	}
	if len(b) == 11 && b[0] == '1' && b[1] >= '3' && !(b[1] == '7' && b[2] == '9') {
		return b
	}
	return nil
}

// isCNSMSService recognises Chinese SMS service numbers, "106" and an
// operator's service code (1065 5…, 1069 …, up to 20 digits): the senders of
// most bulk and spam SMS. libphonenumber reads them as too-long landlines.
// Ten digits and fewer are left alone: "10 6512 3456" is Beijing without its
// trunk 0.
func isCNSMSService(b []byte) bool {
	return len(b) >= 11 && b[0] == '1' && b[1] == '0' && b[2] == '6'
}

// e164 formats "+" cc nsn.
func e164(cc int, nsn string) string {
	var buf [24]byte
	b := append(buf[:0], '+')
	b = strconv.AppendInt(b, int64(cc), 10)
	b = append(b, nsn...)
	return string(b)
}

// sameOrString returns in when it equals b, else a new string of b.
func sameOrString(b []byte, in string) string {
	if string(b) == in {
		return in
	}
	return string(b)
}

// whatsAppLink extracts the number from wa.me and api.whatsapp.com links
// ("https://wa.me/8613800138000?text=hi",
// "https://api.whatsapp.com/send?phone=8613800138000",
// "whatsapp://send?phone=…"). ok is false when s is not such a link.
func whatsAppLink(s string) (number string, ok bool) {
	rest := stripWebScheme(s)
	switch {
	case hasPrefixFold(rest, "wa.me/"):
		p := rest[len("wa.me/"):]
		if i := strings.IndexAny(p, "/?#"); i >= 0 {
			p = p[:i]
		}
		return p, true
	case hasPrefixFold(rest, "api.whatsapp.com/"), hasPrefixFold(rest, "web.whatsapp.com/"), hasPrefixFold(s, "whatsapp://"):
		q := rest
		if hasPrefixFold(s, "whatsapp://") {
			q = s[len("whatsapp://"):]
		}
		i := strings.IndexByte(q, '?')
		if i < 0 {
			return "", true
		}
		for _, kv := range strings.Split(q[i+1:], "&") {
			if v, found := strings.CutPrefix(kv, "phone="); found {
				if j := strings.IndexByte(v, '#'); j >= 0 {
					v = v[:j]
				}
				return strings.ReplaceAll(v, "%2B", "+"), true
			}
		}
		return "", true
	}
	return s, false
}

// stripWebScheme drops "http://", "https://" and "www." from the front.
func stripWebScheme(s string) string {
	switch {
	case hasPrefixFold(s, "https://"):
		s = s[len("https://"):]
	case hasPrefixFold(s, "http://"):
		s = s[len("http://"):]
	}
	if hasPrefixFold(s, "www.") {
		s = s[len("www."):]
	}
	return s
}
