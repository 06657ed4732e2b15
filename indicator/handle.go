package indicator

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Messaging handles, e-mail, IP addresses and app packages.

const (
	minTelegram = 5
	maxTelegram = 32
	minWeChat   = 6
	maxWeChat   = 20
	maxWxid     = 40
	maxApp      = 255
	maxEmail    = 254
	maxLocal    = 64
)

// parseTelegram accepts "@name", "name", and t.me / telegram.me links
// ("https://t.me/name", "t.me/s/name", "t.me/name/123", "name.t.me",
// "tg://resolve?domain=name"). Usernames are case-insensitive: the canonical
// form is the lower-case name without "@".
func parseTelegram(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(Telegram, raw, "empty", "no Telegram username given")
	}
	name, rule, msg := telegramName(s)
	if rule != "" {
		return fail(Telegram, raw, rule, msg)
	}
	switch {
	case name == "":
		return fail(Telegram, raw, "empty", "no Telegram username given")
	case len(name) < minTelegram:
		return fail(Telegram, raw, "too_short", fmt.Sprintf("%q has %d characters; usernames have %d to %d", name, len(name), minTelegram, maxTelegram))
	case len(name) > maxTelegram:
		return fail(Telegram, raw, "too_long", fmt.Sprintf("%d characters; usernames have %d to %d", len(name), minTelegram, maxTelegram))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) && c != '_' {
			return fail(Telegram, raw, "invalid_character", fmt.Sprintf("%s of the username: usernames have only a-z, 0-9 and '_'", charAt(name, i)))
		}
	}
	if !isAlpha(name[0]) {
		return fail(Telegram, raw, "invalid_character", fmt.Sprintf("username %q must start with a letter", name))
	}
	return Indicator{Telegram, lowerASCII(name)}, nil
}

// telegramName extracts the username from the written forms.
func telegramName(s string) (name, rule, msg string) {
	if strings.HasPrefix(s, "@") {
		return s[1:], "", ""
	}
	if hasPrefixFold(s, "tg://") {
		q := s[len("tg://"):]
		if i := strings.Index(q, "domain="); i >= 0 {
			v := q[i+len("domain="):]
			if j := strings.IndexAny(v, "&#"); j >= 0 {
				v = v[:j]
			}
			return v, "", ""
		}
		return "", "invite_link", "this tg:// link does not name a username"
	}
	rest := stripWebScheme(s)
	for _, host := range [...]string{"t.me/", "telegram.me/", "telegram.dog/"} {
		if !hasPrefixFold(rest, host) {
			continue
		}
		p := rest[len(host):]
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		seg, more, _ := strings.Cut(p, "/")
		if seg == "s" {
			seg, _, _ = strings.Cut(more, "/")
		}
		switch {
		case strings.HasPrefix(seg, "+"), strings.EqualFold(seg, "joinchat"), strings.EqualFold(seg, "addlist"):
			return "", "invite_link", "this is an invitation link to a private group, not a username"
		}
		return strings.TrimPrefix(seg, "@"), "", ""
	}
	// "name.t.me" links.
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if len(host) > len(".t.me") && hasSuffixFold(host, ".t.me") {
		return host[:len(host)-len(".t.me")], "", ""
	}
	return s, "", ""
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// parseWeChat accepts WeChat IDs (6–20 characters, a letter first, then
// letters, digits, '_' and '-') and the internal "wxid_…" IDs, with an
// optional "wechat:", "weixin:", "wx:" or "微信:" label in front. WeChat IDs
// are case-insensitive: the canonical form is lower-case.
func parseWeChat(raw string) (Indicator, error) {
	s := prepare(raw)
	for _, p := range [...]string{"wechat:", "weixin:", "wx:", "微信:", "微信号:"} {
		if hasPrefixFold(s, p) {
			s = trimBlank(s[len(p):])
			break
		}
	}
	if s == "" {
		return fail(WeChat, raw, "empty", "no WeChat ID given")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' && c != '-' {
			return fail(WeChat, raw, "invalid_character", fmt.Sprintf("%s: WeChat IDs have only letters, digits, '_' and '-'", charAt(s, i)))
		}
	}
	if hasPrefixFold(s, "wxid_") {
		switch {
		case len(s) == len("wxid_"):
			return fail(WeChat, raw, "too_short", "\"wxid_\" with nothing after it")
		case len(s) > maxWxid:
			return fail(WeChat, raw, "too_long", fmt.Sprintf("%d characters; wxid_ IDs have at most %d", len(s), maxWxid))
		}
		return Indicator{WeChat, lowerASCII(s)}, nil
	}
	switch {
	case len(s) < minWeChat:
		return fail(WeChat, raw, "too_short", fmt.Sprintf("%d characters; WeChat IDs have %d to %d", len(s), minWeChat, maxWeChat))
	case len(s) > maxWeChat:
		return fail(WeChat, raw, "too_long", fmt.Sprintf("%d characters; WeChat IDs have %d to %d", len(s), minWeChat, maxWeChat))
	case !isAlpha(s[0]):
		return fail(WeChat, raw, "invalid_character", "a WeChat ID must start with a letter")
	}
	return Indicator{WeChat, lowerASCII(s)}, nil
}

// QQ numbers have 5 to 11 digits and never start with 0.
const (
	minQQ = 5
	maxQQ = 11
)

// parseQQ reads a QQ number, with or without a "QQ:", "QQ号:" or "扣扣:"
// label; spaces and dashes between digits are dropped.
func parseQQ(raw string) (Indicator, error) {
	s := prepare(raw)
	for _, p := range [...]string{"qq号:", "qq号", "qq:", "qq", "扣扣:", "扣扣"} {
		if hasPrefixFold(s, p) {
			s = trimBlank(s[len(p):])
			break
		}
	}
	var buf [maxQQ]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if n == maxQQ {
				return fail(QQ, raw, "too_long", fmt.Sprintf("more than %d digits; QQ numbers have %d to %d", maxQQ, minQQ, maxQQ))
			}
			buf[n] = c
			n++
		case c == ' ' || c == '-':
		default:
			return fail(QQ, raw, "invalid_character", fmt.Sprintf("%s: a QQ number has only digits", charAt(s, i)))
		}
	}
	switch {
	case n == 0:
		return fail(QQ, raw, "empty", "no QQ number given")
	case n < minQQ:
		return fail(QQ, raw, "too_short", fmt.Sprintf("%d digits; QQ numbers have %d to %d", n, minQQ, maxQQ))
	case buf[0] == '0':
		return fail(QQ, raw, "leading_zero", "a QQ number does not start with 0")
	}
	return Indicator{QQ, string(buf[:n])}, nil
}

// parseEmail keeps the local part as written and normalises the domain like
// kind domain (lower-case A-label with a public suffix). It undoes
// "mailto:" and defanging ("user[@]example[.]com", "user(at)example(dot)com").
func parseEmail(raw string) (Indicator, error) {
	s := prepare(raw)
	if hasPrefixFold(s, "mailto:") {
		s = s[len("mailto:"):]
		if i := strings.IndexByte(s, '?'); i >= 0 {
			s = s[:i]
		}
	}
	if s == "" {
		return fail(Email, raw, "empty", "no e-mail address given")
	}
	s = refang(s, true)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return fail(Email, raw, "no_at_sign", "an e-mail address needs an '@' between the local part and the domain")
	}
	local, domain := s[:at], s[at+1:]
	if rule, msg := checkLocalPart(local); rule != "" {
		return fail(Email, raw, rule, msg)
	}
	if domain == "" {
		return fail(Email, raw, "empty", "no domain after the '@'")
	}
	if domain[0] == '[' {
		return fail(Email, raw, "domain", "address literals (user@[1.2.3.4]) are not supported; give a domain")
	}
	d, err := normalizeDomain(domain)
	if err != nil {
		return failErr(Email, raw, err, "domain: ")
	}
	if len(local)+1+len(d) > maxEmail {
		return fail(Email, raw, "too_long", fmt.Sprintf("%d characters; an e-mail address has at most %d", len(local)+1+len(d), maxEmail))
	}
	if d == domain {
		return Indicator{Email, s}, nil
	}
	return Indicator{Email, local + "@" + d}, nil
}

// checkLocalPart applies RFC 5322 (dot-atom or quoted string), allowing
// UTF-8 as RFC 6532 does.
func checkLocalPart(l string) (rule, msg string) {
	switch {
	case l == "":
		return "empty", "nothing before the '@'"
	case len(l) > maxLocal:
		return "too_long", fmt.Sprintf("the local part has %d characters; at most %d are allowed", len(l), maxLocal)
	case !utf8.ValidString(l):
		return "invalid_character", "the local part is not valid UTF-8"
	}
	if l[0] == '"' {
		if len(l) < 2 || l[len(l)-1] != '"' {
			return "local_part", "a quoted local part must end with '\"'"
		}
		q := l[1 : len(l)-1]
		for i := 0; i < len(q); i++ {
			c := q[i]
			switch {
			case c == '\\':
				if i+1 == len(q) {
					return "local_part", "a quoted local part ends in a lone backslash"
				}
				i++
			case c == '"':
				return "local_part", "an unescaped '\"' inside a quoted local part"
			case c < ' ' && c != '\t' || c == 0x7f:
				return "invalid_character", "a control character in the local part"
			}
		}
		return "", ""
	}
	if l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return "local_part", "the local part may not start or end with '.' or have two in a row"
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c >= utf8.RuneSelf || isAlnum(c) || c == '.' || strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0 {
			continue
		}
		return "invalid_character", fmt.Sprintf("%s in the local part (quote it if it is really meant)", charAt(l, i))
	}
	return "", ""
}

// parseIP accepts IPv4 and IPv6 (with or without brackets, defanged dots
// undone) and returns the canonical text; IPv4-mapped IPv6 (::ffff:1.2.3.4)
// becomes plain IPv4. Zones, prefixes and ports are rejected: they do not
// name one host on the Internet.
func parseIP(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(IP, raw, "empty", "no IP address given")
	}
	s = refang(s, false)
	t := s
	if len(t) >= 2 && t[0] == '[' && t[len(t)-1] == ']' {
		t = t[1 : len(t)-1]
	}
	switch {
	case strings.IndexByte(t, '/') >= 0:
		return fail(IP, raw, "cidr", "a network prefix (CIDR) is not one address; give a single address")
	case strings.IndexByte(t, '%') >= 0:
		return fail(IP, raw, "zone", "an address with a zone (%eth0) is link-local to one machine")
	}
	a, err := netip.ParseAddr(t)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			return fail(IP, raw, "port", fmt.Sprintf("give the address %s without the port %d", ap.Addr(), ap.Port()))
		}
		return fail(IP, raw, "ip", "not an IP address: "+strings.TrimPrefix(err.Error(), "ParseAddr("+fmt.Sprintf("%q", t)+"): "))
	}
	a = a.Unmap()
	var buf [64]byte
	return Indicator{IP, sameOrString(a.AppendTo(buf[:0]), s)}, nil
}

// parseApp accepts Android package names and iOS bundle IDs
// ("com.example.app"), also inside a Google Play link
// (…/store/apps/details?id=com.example.app) or a market:// link. The
// canonical form is lower-case.
func parseApp(raw string) (Indicator, error) {
	s := prepare(raw)
	if id, ok := playStoreID(s); ok {
		s = id
	}
	if s == "" {
		return fail(App, raw, "empty", "no app package name given")
	}
	if len(s) > maxApp {
		return fail(App, raw, "too_long", fmt.Sprintf("%d characters; package names have at most %d", len(s), maxApp))
	}
	labels := 0
	for rest := s; ; {
		l, more, found := strings.Cut(rest, ".")
		if l == "" {
			return fail(App, raw, "empty_label", "empty part (two dots in a row, or a dot at either end)")
		}
		if !isAlpha(l[0]) {
			return fail(App, raw, "invalid_character", fmt.Sprintf("part %q must start with a letter", l))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !isAlnum(c) && c != '_' && c != '-' {
				return fail(App, raw, "invalid_character", fmt.Sprintf("%s in part %q: package names have only letters, digits, '_' and '-'", charAt(l, i), l))
			}
		}
		labels++
		if !found {
			break
		}
		rest = more
	}
	if labels < 2 {
		return fail(App, raw, "too_short", "a package name has at least two dot-separated parts (com.example)")
	}
	return Indicator{App, lowerASCII(s)}, nil
}

// playStoreID extracts id= from Google Play and market:// links.
func playStoreID(s string) (string, bool) {
	rest := stripWebScheme(s)
	if !hasPrefixFold(rest, "play.google.com/store/apps/details") && !hasPrefixFold(s, "market://details") {
		return "", false
	}
	i := strings.IndexByte(s, '?')
	if i < 0 {
		return "", true
	}
	for _, kv := range strings.Split(s[i+1:], "&") {
		if v, ok := strings.CutPrefix(kv, "id="); ok {
			if j := strings.IndexByte(v, '#'); j >= 0 {
				v = v[:j]
			}
			return v, true
		}
	}
	return "", true
}

// parseAddrNoZone is netip.ParseAddr without zones.
func parseAddrNoZone(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err == nil && a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("zone")
	}
	return a, err
}
