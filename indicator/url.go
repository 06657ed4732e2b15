package indicator

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// URLs are normalised the way a browser would read them, so that the many
// spellings of one page compare equal:
//
//   - scheme lower-case; http when missing; defanged "hxxp", "fxp", "[:]",
//     "[.]", "(dot)" undone;
//   - host as a domain (lower-case A-label with a public suffix) or an IP
//     address; IPv4 in the forms browsers accept ("0x7f.1", "2130706433")
//     rewritten as dotted decimal; the port dropped when it is the
//     scheme's default;
//   - path with percent-encoding normalised (unreserved characters decoded,
//     hex upper-case, anything unsafe encoded), "." and ".." segments
//     resolved, "/" when empty;
//   - query kept as written (only characters that cannot appear in a URL
//     are encoded); fragment dropped; user info kept, since
//     "https://bank.com@evil.top/" is a phishing trick worth seeing.

var defaultPort = map[string]int{"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}

func parseURL(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(URL, raw, "empty", "no URL given")
	}
	for range 4 {
		v, err := normalizeURL(s)
		if err != nil {
			return failErr(URL, raw, err, "")
		}
		// Decoding "(%64ot)" in a path makes "(dot)", which a second
		// reading would undo: go on until the value reads as itself.
		if v == s || strings.IndexAny(v, "[({") < 0 || refang(v, false) == v {
			return Indicator{URL, v}, nil
		}
		s = v
	}
	return fail(URL, raw, "unstable", "the URL does not settle on one normal form")
}

// normalizeURL returns the canonical form of a prepared URL.
func normalizeURL(s string) (string, *Error) {
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
	}
	s = refang(s, false)

	scheme, rest, err := splitScheme(s)
	if err != nil {
		return "", err
	}
	end := strings.IndexAny(rest, "/\\?#")
	if end < 0 {
		end = len(rest)
	}
	auth, tail := rest[:end], rest[end:]
	var userinfo string
	hasUser := false
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		userinfo, auth, hasUser = auth[:at], auth[at+1:], true
	}
	hostText, portText, err := splitHostPort(auth)
	if err != nil {
		return "", err
	}
	host, err := normalizeURLHost(hostText)
	if err != nil {
		err.Message = "host: " + err.Message
		return "", err
	}
	port := -1
	if portText != "" {
		p, perr := strconv.Atoi(portText)
		if perr != nil || len(portText) > 5 || p > 65535 || !isDigitString(portText) {
			return "", &Error{Rule: "port", Message: fmt.Sprintf("port %q is not a number from 0 to 65535", portText)}
		}
		if p != defaultPort[scheme] {
			port = p
		}
	}

	path, query := tail, ""
	hasQuery := false
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query, hasQuery = path[:i], path[i+1:], true
	}

	var stack [256]byte
	b := append(stack[:0], scheme...)
	b = append(b, "://"...)
	if hasUser && userinfo != "" {
		b = appendEscaped(b, userinfo, userinfoKeep)
		b = append(b, '@')
	}
	b = append(b, host...)
	if port >= 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(port), 10)
	}
	b = appendPath(b, path)
	if hasQuery && query != "" {
		b = append(b, '?')
		b = appendEscaped(b, query, queryKeep)
	}
	return sameOrString(b, s), nil
}

// splitScheme separates the scheme from the rest, after which the slashes
// (any number, either way round, as browsers allow) are gone.
func splitScheme(s string) (scheme, rest string, err *Error) {
	scheme, rest = "http", s
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			cand := s[:i]
			if validSchemeSyntax(cand) && !portFollows(s[i+1:]) {
				scheme, rest = lowerASCII(cand), s[i+1:]
				if _, ok := defaultPort[scheme]; !ok {
					return "", "", &Error{Rule: "scheme", Message: fmt.Sprintf("scheme %q is not a web address (want http, https, ftp, ws or wss)", cand)}
				}
			}
			break
		}
		if c == '/' || c == '\\' || c == '?' || c == '#' || c == '@' || c == '.' {
			break
		}
	}
	rest = strings.TrimLeft(rest, "/\\")
	if rest == "" {
		return "", "", &Error{Rule: "host", Message: "the URL has no host"}
	}
	return scheme, rest, nil
}

// validSchemeSyntax is RFC 3986's ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validSchemeSyntax(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// portFollows reports whether s starts with a port number and then ends or
// goes on with a path, query or fragment ("8080/x"): "localhost:8080" has
// no scheme.
func portFollows(s string) bool {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n > 0 && (n == len(s) || strings.IndexByte("/\\?#", s[n]) >= 0)
}

// splitHostPort splits "host:port" and "[v6]:port".
func splitHostPort(hp string) (host, port string, err *Error) {
	if hp == "" {
		return "", "", &Error{Rule: "host", Message: "the URL has no host"}
	}
	if hp[0] == '[' {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", "", &Error{Rule: "host", Message: "IPv6 host has no closing ']'"}
		}
		host, after := hp[:end+1], hp[end+1:]
		if after == "" {
			return host, "", nil
		}
		if after[0] != ':' {
			return "", "", &Error{Rule: "host", Message: fmt.Sprintf("unexpected %q after the IPv6 host", after)}
		}
		return host, after[1:], nil
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		return hp[:i], hp[i+1:], nil
	}
	return hp, "", nil
}

// normalizeURLHost returns the canonical host: "[v6]", dotted IPv4, or a
// domain name.
func normalizeURLHost(h string) (string, *Error) {
	if h == "" {
		return "", &Error{Rule: "host", Message: "the URL has no host"}
	}
	if h[0] == '[' {
		a, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", &Error{Rule: "host", Message: fmt.Sprintf("%s is not an IPv6 address", h)}
		}
		var buf [64]byte
		b := append(buf[:0], '[')
		b = a.AppendTo(b)
		b = append(b, ']')
		return sameOrString(b, h), nil
	}
	if strings.IndexByte(h, '%') >= 0 {
		d, ok := percentDecode(h)
		if !ok || !utf8.ValidString(d) {
			return "", &Error{Rule: "host", Message: fmt.Sprintf("bad percent-encoding in %q", h)}
		}
		h = prepare(d)
	}
	if endsInNumber(h) {
		a, ok := parseWebIPv4(h)
		if !ok {
			return "", &Error{Rule: "host", Message: fmt.Sprintf("%q ends in a number but is not an IPv4 address", h)}
		}
		var buf [16]byte
		return sameOrString(a.AppendTo(buf[:0]), h), nil
	}
	return normalizeDomain(h)
}

// endsInNumber is the WHATWG test for hosts that must be read as IPv4: the
// last label (ignoring one trailing dot) is decimal digits or 0x-hex.
func endsInNumber(h string) bool {
	h = strings.TrimSuffix(h, ".")
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last == "" {
		return false
	}
	if isDigitString(last) {
		return true
	}
	if len(last) >= 2 && last[0] == '0' && (last[1]|0x20) == 'x' {
		for i := 2; i < len(last); i++ {
			if !isHex(last[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// parseWebIPv4 reads IPv4 the way browsers do: one to four parts, each
// decimal, 0x-hex or 0-octal, the last filling the remaining bytes, so
// "0x7f.1" and "2130706433" are 127.0.0.1. Phishing links use these forms.
func parseWebIPv4(h string) (netip.Addr, bool) {
	h = strings.TrimSuffix(h, ".")
	var parts [4]uint64
	n := 0
	for rest := h; ; {
		p, more, found := strings.Cut(rest, ".")
		if n == 4 {
			return netip.Addr{}, false
		}
		v, ok := webIPv4Number(p)
		if !ok {
			return netip.Addr{}, false
		}
		parts[n] = v
		n++
		if !found {
			break
		}
		rest = more
	}
	var ip uint64
	for i := 0; i < n-1; i++ {
		if parts[i] > 255 {
			return netip.Addr{}, false
		}
		ip |= parts[i] << (8 * (3 - i))
	}
	last := parts[n-1]
	if last >= 1<<(8*(5-n)) {
		return netip.Addr{}, false
	}
	ip |= last
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

func webIPv4Number(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := uint64(10)
	switch {
	case len(p) >= 2 && p[0] == '0' && (p[1]|0x20) == 'x':
		base, p = 16, p[2:]
		if p == "" {
			return 0, true
		}
	case len(p) >= 2 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if len(p) > 12 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(p); i++ {
		c := p[i]
		var d uint64
		switch {
		case isDigit(c):
			d = uint64(c - '0')
		case base == 16 && isHex(c):
			d = uint64(unhex(c))
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		v = v*base + d
	}
	return v, true
}

func isDigitString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// percentDecode decodes %XX sequences; ok is false for a malformed one.
func percentDecode(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), true
}

const upperHex = "0123456789ABCDEF"

func isUnreserved(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool {
	switch c {
	case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return true
	}
	return false
}

func pathKeep(c byte) bool {
	return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '/'
}
func userinfoKeep(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '%' }

// queryKeep keeps everything but what cannot appear in a URL at all.
func queryKeep(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '<' && c != '>'
}

// appendEscaped appends s, percent-encoding the bytes that keep rejects.
func appendEscaped(b []byte, s string, keep func(byte) bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}

// appendPath appends the normalised path: "/" when empty, backslashes as
// slashes, percent-escapes of unreserved characters decoded and the others
// upper-cased, a stray '%' written "%25", unsafe bytes encoded, then dot
// segments removed (RFC 3986 §5.2.4).
func appendPath(b []byte, p string) []byte {
	start := len(b)
	b = append(b, '/')
	if p != "" && (p[0] == '/' || p[0] == '\\') {
		p = p[1:]
	}
	dots := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%':
			if i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
				v := unhex(p[i+1])<<4 | unhex(p[i+2])
				if isUnreserved(v) {
					b = append(b, v)
					dots = dots || v == '.'
				} else {
					b = append(b, '%', upperHex[v>>4], upperHex[v&15])
				}
				i += 2
			} else {
				b = append(b, "%25"...)
			}
		case c == '\\':
			b = append(b, '/')
		case pathKeep(c):
			b = append(b, c)
			dots = dots || c == '.'
		default:
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	if dots && bytes.Contains(b[start:], []byte("/.")) {
		b = append(b[:start], removeDotSegments(string(b[start:]))...)
	}
	return b
}

// removeDotSegments resolves "." and ".." in an absolute path.
func removeDotSegments(p string) string {
	if !strings.Contains(p, "/.") {
		return p
	}
	segs := strings.Split(p[1:], "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

// splitURLValue splits a canonical URL value into its host, port and the
// path with query.
func splitURLValue(v string) (host, port, pathQuery string) {
	i := strings.Index(v, "://")
	if i < 0 {
		return "", "", ""
	}
	rest := v[i+3:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	pathQuery = rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	h, p, err := splitHostPort(auth)
	if err != nil {
		return "", "", pathQuery
	}
	return h, p, pathQuery
}
