package auth

import (
	"fmt"
	"strings"
)

// tokenSectors are the sectors an organisation (and so a token) may have, in
// the order help text lists them. Public is deliberately absent.
var tokenSectors = []Sector{Police, Finance, Telecom, Internet, Judicial, Regulator}

// allRoles are the roles, from most to least powerful.
var allRoles = []Role{Admin, Supervisor, Analyst, Contributor, ReadOnly}

// allTLPs are the TLP 2.0 markings, from least to most restrictive.
var allTLPs = []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

// Sectors returns the sectors an organisation may have, for help text and
// form choices. Public is not among them: it belongs to the public portal,
// never to an organisation or token. The slice is the caller's to keep.
func Sectors() []Sector { return append([]Sector(nil), tokenSectors...) }

// Roles returns every role from most to least powerful, for help text and
// form choices. The slice is the caller's to keep.
func Roles() []Role { return append([]Role(nil), allRoles...) }

// TLPs returns the TLP 2.0 markings from least to most restrictive, for help
// text and form choices. The slice is the caller's to keep.
func TLPs() []TLP { return append([]TLP(nil), allTLPs...) }

// ParseSector reads an organisation's sector as an operator or a file spells
// it ("police", " Finance "). It refuses "public" because a token for the
// public would open the agency API to everyone.
func ParseSector(s string) (Sector, error) {
	v := Sector(strings.ToLower(strings.TrimSpace(s)))
	if v.valid() {
		return v, nil
	}
	if v == Public {
		return "", fmt.Errorf("sector %q is the public portal's, not an organisation's (want %s)", s, joinOr(tokenSectors))
	}
	return "", fmt.Errorf("unknown sector %q (want %s)", s, joinOr(tokenSectors))
}

// valid reports whether s is a sector an organisation may have.
func (s Sector) valid() bool {
	switch s {
	case Police, Finance, Telecom, Internet, Judicial, Regulator:
		return true
	}
	return false
}

// ParseRole reads a token's role as an operator spells it ("analyst",
// "ReadOnly", "read-only").
func ParseRole(s string) (Role, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "read-only", "read_only":
		v = string(ReadOnly)
	}
	if r := Role(v); r.valid() {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want %s)", s, joinOr(allRoles))
}

// valid reports whether r is one of the roles.
func (r Role) valid() bool {
	switch r {
	case Admin, Supervisor, Analyst, Contributor, ReadOnly:
		return true
	}
	return false
}

// ParseTLP reads a sharing marking as partners write it: with or without the
// "TLP:" prefix, in any case ("TLP:AMBER", "amber", "AMBER+STRICT"). TLP 1.0
// WHITE means the same as TLP 2.0 CLEAR and is read as CLEAR, so feeds from
// older tools keep working. An empty marking is an error: the caller decides
// the default, and Visible treats an unmarked record as AMBER.
func ParseTLP(s string) (TLP, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(v, "TLP:"); ok {
		v = strings.TrimSpace(rest)
	}
	switch TLP(v) {
	case TLPClear, "WHITE":
		return TLPClear, nil
	case TLPGreen, TLPAmber, TLPAmberStrict, TLPRed:
		return TLP(v), nil
	}
	return "", fmt.Errorf("unknown TLP marking %q (want %s, with or without \"TLP:\")", s, joinOr(allTLPs))
}

// joinOr lists values for an error message: "a, b or c".
func joinOr[T ~string](vs []T) string {
	var b strings.Builder
	for i, v := range vs {
		switch {
		case i == 0:
		case i == len(vs)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(v))
	}
	return b.String()
}
