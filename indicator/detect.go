package indicator

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/btcsuite/btcd/btcutil/bech32"
	"github.com/mr-tron/base58"
)

// Detect guesses the kind of a bare string, then parses it as that kind, so
// a string that has the shape of a kind but breaks its rules gets that
// kind's precise error ("0x…" with a bad EIP-55 checksum is an eth error,
// not "undetected"). The guesses, first match wins:
//
//  1. an explicit scheme: tel:, sms: → phone; mailto: → email;
//     bitcoin: → btc; ethereum: → eth; tg:// → telegram;
//     whatsapp:// → whatsapp; market:// → app.
//  2. a link: a scheme ("https://", defanged "hxxp"), or a host followed by
//     a path or a port ("example.com/login", "example.com:8080"); an IP
//     address with "/digits" is a network prefix, sent to kind ip to be
//     refused. t.me and telegram.me usernames →
//     telegram; wa.me and api.whatsapp.com numbers → whatsapp; Google Play
//     app pages → app; anything else (Telegram invite links too) → url.
//  3. an '@' inside, with a dot after it → email ("[@]" and "(at)" count).
//  4. "0x" + 40 hex → eth; "41" + 40 hex (with or without 0x) → tron.
//  5. "T" + 33 base58 → tron.
//  6. "1" or "3" + 24–34 base58 with a letter, or "bc1…" → btc.
//  7. an IPv4 or IPv6 address → ip.
//  8. "@name" → telegram; "wxid_…" or "微信:…" → wechat.
//  9. digits with phone punctuation: "+" or "00" first → phone; 13–19
//     digits passing Luhn that are not a possible phone number in the
//     default region → card; a possible phone number, or a 3–6 digit short
//     code → phone; 12–34 digits (Luhn failed, not a phone) → bank_account.
//  10. an IBAN with a valid mod-97 check → bank_account.
//  11. a dot and a top-level domain on ICANN's list → domain.
//  12. two or more dot-separated names each starting with a letter → app
//     ("com.example.myapp"; note "com.tencent.mm" ends in Myanmar's TLD and
//     so is a domain by step 11).
//  13. a bech32 string with a valid checksum, a base58check string, or a
//     long random-looking base58 string → crypto_other.
//
// Anything else is an *Error with Rule "undetected".
func (o Options) Detect(raw string) (Indicator, error) {
	if len(raw) > maxInput {
		return fail(KindInvalid, raw, "too_long", fmt.Sprintf("input is %d bytes long; no identifier is longer than %d", len(raw), maxInput))
	}
	if !utf8.ValidString(raw) {
		return fail(KindInvalid, raw, "invalid_character", "the input is not valid UTF-8 text")
	}
	s := prepare(raw)
	if s == "" {
		return fail(KindInvalid, raw, "empty", "nothing to detect")
	}
	k := o.detectKind(s)
	if k == KindInvalid {
		return fail(KindInvalid, raw, "undetected", "cannot tell what kind of identifier this is; give its kind explicitly")
	}
	return o.Parse(k, raw)
}

func (o Options) detectKind(s string) Kind {
	switch {
	case hasPrefixFold(s, "tel:"), hasPrefixFold(s, "sms:"), hasPrefixFold(s, "callto:"):
		return Phone
	case hasPrefixFold(s, "mailto:"):
		return Email
	case hasPrefixFold(s, "bitcoin:"):
		return BTC
	case hasPrefixFold(s, "ethereum:"):
		return ETH
	case hasPrefixFold(s, "tg://"):
		return Telegram
	case hasPrefixFold(s, "whatsapp://"):
		return WhatsApp
	case hasPrefixFold(s, "qq:"), hasPrefixFold(s, "qq号"), hasPrefixFold(s, "扣扣"):
		return QQ
	case hasPrefixFold(s, "market://"):
		return App
	}
	ref := refang(s, false)
	if k, ok := detectLink(s, ref); ok {
		return k
	}
	if looksLikeEmail(refang(s, true)) {
		return Email
	}
	if isHexAddress(s, "0x", 40) {
		return ETH
	}
	if isHexAddress(s, "41", 40) || isHexAddress(s, "0x41", 40) {
		return TRON
	}
	if len(s) == 34 && s[0] == 'T' && firstNonBase58(s) < 0 {
		return TRON
	}
	if looksLikeBTC(s) {
		return BTC
	}
	if looksLikeIP(ref) {
		return IP
	}
	if len(s) > 1 && s[0] == '@' && isHandle(s[1:]) {
		return Telegram
	}
	if hasPrefixFold(s, "wxid_") || hasPrefixFold(s, "wechat:") || hasPrefixFold(s, "weixin:") || strings.HasPrefix(s, "微信") {
		return WeChat
	}
	if k, ok := o.detectNumber(s); ok {
		return k
	}
	if looksLikeIBANText(s) {
		return BankAccount
	}
	if looksLikeDomain(ref) {
		return Domain
	}
	if looksLikeApp(s) {
		return App
	}
	if looksLikeOtherAddress(s) {
		return CryptoOther
	}
	return KindInvalid
}

// detectLink recognises URLs and the links of specific kinds.
func detectLink(s, ref string) (Kind, bool) {
	if strings.ContainsAny(ref, " \t") {
		return KindInvalid, false
	}
	rest := ref
	switch i := strings.Index(ref, "://"); {
	case i > 0 && validSchemeSyntax(ref[:i]):
		rest = ref[i+3:]
	case defangedScheme(s) != "":
	default:
		slash := strings.IndexAny(ref, "/\\")
		host := ref
		if slash >= 0 {
			host = ref[:slash]
		}
		if host == "" || strings.IndexByte(host, '.') < 0 || strings.ContainsAny(host, "@?#") {
			return KindInvalid, false
		}
		h, port, err := splitHostPort(host)
		if err != nil || !looksLikeDomain(h) && !looksLikeIP(h) {
			return KindInvalid, false
		}
		switch {
		case slash < 0 && port == "":
			return KindInvalid, false // a bare host: domain or ip
		case slash >= 0 && port == "" && looksLikeIP(h) && isDigitString(ref[slash+1:]):
			return IP, true // "10.0.0.0/8": a prefix, which kind ip explains
		}
	}
	end := strings.IndexAny(rest, "/\\?#")
	if end < 0 {
		end = len(rest)
	}
	host := strings.ToLower(rest[:end])
	host = strings.TrimPrefix(host, "www.")
	switch {
	case host == "t.me" || host == "telegram.me" || host == "telegram.dog" || strings.HasSuffix(host, ".t.me"):
		if _, rule, _ := telegramName(ref); rule == "" {
			return Telegram, true
		}
	case host == "wa.me":
		return WhatsApp, true
	case host == "api.whatsapp.com" || host == "web.whatsapp.com":
		if strings.Contains(rest, "phone=") {
			return WhatsApp, true
		}
	case host == "play.google.com":
		if strings.HasPrefix(rest[end:], "/store/apps/details") && strings.Contains(rest, "id=") {
			return App, true
		}
	}
	return URL, true
}

func looksLikeEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.IndexByte(s[at+1:], '.') > 0 && !strings.ContainsAny(s, " /")
}

// isHexAddress reports prefix followed by exactly n hex digits.
func isHexAddress(s, prefix string, n int) bool {
	if len(s) != len(prefix)+n || !hasPrefixFold(s, prefix) {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func looksLikeBTC(s string) bool {
	if hasPrefixFold(s, "bc1") || hasPrefixFold(s, "tb1") || hasPrefixFold(s, "bcrt1") {
		if len(s) < 14 || len(s) > 90 {
			return false
		}
		for i := 0; i < len(s); i++ {
			if !isAlnum(s[i]) {
				return false
			}
		}
		return true
	}
	if len(s) < 25 || len(s) > 35 || (s[0] != '1' && s[0] != '3') || firstNonBase58(s) >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isAlpha(s[i]) {
			return true
		}
	}
	return false
}

func looksLikeIP(s string) bool {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		s = s[1 : len(s)-1]
	}
	if !strings.ContainsAny(s, ".:") {
		return false
	}
	_, err := parseAddrNoZone(s)
	return err == nil
}

func isHandle(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// detectNumber handles strings of digits and phone punctuation.
func (o Options) detectNumber(s string) (Kind, bool) {
	var buf [40]byte
	n := 0
	plus, onlySpaceDash := false, true
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		switch {
		case isDigit(c):
			if n == len(buf) {
				return KindInvalid, false
			}
			buf[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == ' ' || c == '-':
		case c == '.' || c == '(' || c == ')' || c == '/':
			onlySpaceDash = false
		case c >= utf8.RuneSelf:
			r, sz := utf8.DecodeRuneInString(s[i:])
			size = sz
			if !unicode.IsSpace(r) {
				v, ok := digitValue(r)
				if !ok || n == len(buf) {
					return KindInvalid, false
				}
				buf[n] = '0' + v
				n++
			}
		default:
			return KindInvalid, false
		}
		i += size
	}
	d := buf[:n]
	switch {
	case n == 0:
		return KindInvalid, false
	case plus || (n > 2 && d[0] == '0' && d[1] == '0'):
		return Phone, true
	case n >= 13 && n <= 19 && luhnValid(d) && !o.possiblePhone(d):
		return Card, true
	case n <= maxPhoneDigits && o.possiblePhone(d):
		return Phone, true
	case n >= minShortCode && n <= maxShortCode:
		return Phone, true
	case n >= 12 && n <= maxAccount && onlySpaceDash:
		return BankAccount, true
	}
	return KindInvalid, false
}

// possiblePhone reports whether national digits make a full (not short)
// possible phone number in the default region.
func (o Options) possiblePhone(d []byte) bool {
	region, err := o.region()
	if err != nil || len(d) < minShortCode || len(d) > maxPhoneDigits {
		return false
	}
	if d[0] != '0' && len(d) > 15 {
		// No international or trunk prefix, and longer than any E.164
		// number: an account id (Alipay's 2088… ids are 16 digits), not a
		// phone. Asking the numbering plan would cost microseconds.
		return false
	}
	var pd phoneDigits
	pd.n = copy(pd.buf[:], d)
	_, short, rule, _ := phoneCanonical(&pd, region, "")
	return rule == "" && !short
}

func looksLikeIBANText(s string) bool {
	var buf [maxAccount]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
		case isAlnum(c) && n < len(buf):
			if isLower(c) {
				c -= 'a' - 'A'
			}
			buf[n] = c
			n++
		default:
			return false
		}
	}
	return looksLikeIBAN(buf[:n]) && ibanValid(buf[:n])
}

// looksLikeDomain: a host name with a dot whose top-level domain is on
// ICANN's list.
func looksLikeDomain(s string) bool {
	s = strings.TrimSuffix(s, ".")
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 || strings.ContainsAny(s, " /@:?#\\") {
		return false
	}
	tld := s[dot+1:]
	if !isASCII(tld) {
		a, err := idnaProfile.ToASCII(tld)
		if err != nil {
			return false
		}
		tld = a
	}
	tld = strings.ToLower(tld)
	if tld == "" || isDigitString(tld) {
		return false
	}
	return icannTLD(tld)
}

func looksLikeApp(s string) bool {
	if strings.IndexByte(s, '.') < 0 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || !isAlpha(l[0]) {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '_' && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

// looksLikeOtherAddress accepts other chains' addresses only on strong
// evidence: a valid bech32/bech32m checksum (ltc1…, cosmos1…, bnb1…), a
// valid base58check checksum (LTC, DOGE, DASH, ZEC …), or a long base58
// string mixing upper case, lower case and digits (SS58, XMR, SOL …).
func looksLikeOtherAddress(s string) bool {
	if len(s) < minCryptoOther || len(s) > maxCryptoOther {
		return false
	}
	if _, _, _, err := bech32.DecodeGeneric(s); err == nil {
		return true
	}
	if firstNonBase58(s) >= 0 {
		return false
	}
	if b, err := base58.Decode(s); err == nil && len(b) > 4 {
		if checksum4(b[:len(b)-4]) == [4]byte(b[len(b)-4:]) {
			return true
		}
	}
	var lower, upper, digit bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isLower(c):
			lower = true
		case isUpper(c):
			upper = true
		case isDigit(c):
			digit = true
		}
	}
	return len(s) >= 30 && lower && upper && digit
}
