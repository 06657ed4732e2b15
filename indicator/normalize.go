package indicator

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// prepare is the first step of every parser: it trims white space and
// invisible characters from both ends, drops one pair of matching quotes or
// angle brackets around the whole input, and folds full-width forms
// ("１３８", "ｅｘａｍｐｌｅ．ｃｏｍ", "＠") and ideographic full stops ("。")
// to ASCII. ASCII input is returned as a substring, without allocating.
func prepare(s string) string {
	s = trimBlank(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = foldWide(s)
			break
		}
	}
	if len(s) >= 2 {
		switch {
		case s[0] == '<' && s[len(s)-1] == '>',
			s[0] == '"' && s[len(s)-1] == '"' && strings.Count(s, `"`) == 2,
			s[0] == '\'' && s[len(s)-1] == '\'' && strings.Count(s, `'`) == 2:
			s = trimBlank(s[1 : len(s)-1])
		}
	}
	return s
}

// foldWide maps full-width and half-width forms to their canonical width
// (ASCII for the ASCII range), then the dots and at-signs that width folding
// leaves alone: writers of Chinese type "。" between labels, and phishing
// lists use the small forms to dodge filters.
func foldWide(s string) string {
	s = width.Fold.String(s)
	if strings.ContainsAny(s, "\u3002\ufe52\ufe6b\u2024") {
		s = strings.NewReplacer("\u3002", ".", "\ufe52", ".", "\u2024", ".", "\ufe6b", "@").Replace(s)
	}
	return trimBlank(s)
}

// isBlank reports white space and the invisible format characters that
// copy-and-paste brings along (zero-width space, joiners, BOM, direction
// marks).
func isBlank(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// trimBlank trims isBlank runes from both ends; ASCII fast path first.
func trimBlank(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if c == ' ' || c-'\t' <= '\r'-'\t' {
				s = s[1:]
				continue
			}
			break
		}
		r, n := utf8.DecodeRuneInString(s)
		if !isBlank(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if c == ' ' || c-'\t' <= '\r'-'\t' {
				s = s[:len(s)-1]
				continue
			}
			break
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !isBlank(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// refang undoes the "defanging" that threat reports apply so that nobody
// clicks by mistake: "example[.]com", "example(dot)com", "example{.}com",
// "http[:]//", "[://]", "hxxp://", "fxp://", and with at set also
// "user[@]example.com" and "user(at)example.com". Spaces around a bracketed
// token go with it ("example [.] com"). Input without any of these is
// returned unchanged, without allocating.
func refang(s string, at bool) string {
	scheme := defangedScheme(s)
	if scheme == "" && strings.IndexAny(s, "[({") < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	i := 0
	if scheme != "" {
		b = append(b, scheme...)
		i = strings.IndexAny(s, ":[")
	}
	changed := scheme != ""
	for i < len(s) {
		c := s[i]
		if c == '[' || c == '(' || c == '{' {
			if rep, n := fangToken(s[i:], at); n > 0 {
				for len(b) > 0 && b[len(b)-1] == ' ' {
					b = b[:len(b)-1]
				}
				b = append(b, rep...)
				i += n
				for i < len(s) && s[i] == ' ' {
					i++
				}
				changed = true
				continue
			}
		}
		b = append(b, c)
		i++
	}
	if !changed {
		return s
	}
	// Undoing one token can make another ("[[.]]"); repeat until nothing
	// changes, so that refang(refang(s)) == refang(s). Each pass shrinks
	// the text, so this ends.
	return refang(string(b), at)
}

// fangToken matches a bracketed defang token at the start of s and returns
// its replacement and length.
func fangToken(s string, at bool) (string, int) {
	var closer byte
	switch s[0] {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	case '{':
		closer = '}'
	}
	end := strings.IndexByte(s[1:min(len(s), 7)], closer)
	if end < 0 {
		return "", 0
	}
	inner := strings.TrimSpace(s[1 : 1+end])
	n := end + 2
	switch {
	case inner == "." || strings.EqualFold(inner, "dot"):
		return ".", n
	case inner == ":" || inner == "://" || inner == "/":
		return inner, n
	case at && (inner == "@" || strings.EqualFold(inner, "at")):
		return "@", n
	}
	return "", 0
}

// defangedScheme recognises "hxxp", "hxxps", "hXXp", "fxp" and "fxps" at the
// start of s (followed by ':' or '[') and returns the real scheme.
func defangedScheme(s string) string {
	n := 0
	switch {
	case len(s) >= 5 && (s[0]|0x20) == 'h' && (s[1]|0x20) == 'x' && (s[2]|0x20) == 'x' && (s[3]|0x20) == 'p':
		n = 4
	case len(s) >= 4 && (s[0]|0x20) == 'f' && (s[1]|0x20) == 'x' && (s[2]|0x20) == 'p':
		n = 3
	default:
		return ""
	}
	secure := false
	if n < len(s) && (s[n]|0x20) == 's' {
		secure = true
		n++
	}
	if n >= len(s) || (s[n] != ':' && s[n] != '[') {
		return ""
	}
	switch {
	case s[0]|0x20 == 'h' && secure:
		return "https"
	case s[0]|0x20 == 'h':
		return "http"
	case secure:
		return "ftps"
	}
	return "ftp"
}

// isASCII reports whether s has no byte above 0x7f.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isAlpha(c byte) bool { return isLower(c) || isUpper(c) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// lowerASCII lower-cases ASCII letters, allocating only when s has one.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if isUpper(s[i]) {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if isUpper(b[j]) {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// charAt describes the rune at byte offset i of s for an error message:
// `'x' at position 3` (1-based, counted in characters).
func charAt(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return fmt.Sprintf("%s at position %d", quoteRune(r), utf8.RuneCountInString(s[:i])+1)
}

func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "invalid UTF-8"
	}
	return fmt.Sprintf("%q", r)
}

// digitValue returns the value of a decimal digit in any script (Arabic-Indic
// "٣", Devanagari "३", …): Unicode keeps each script's digits 0–9 in a
// contiguous run, so the value is the distance from the run's start.
func digitValue(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		if '0' <= r && r <= '9' {
			return byte(r - '0'), true
		}
		return 0, false
	}
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return byte((r - start) % 10), true
}
