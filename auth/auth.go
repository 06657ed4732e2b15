package auth

import "time"

// Sector is the kind of organisation; it decides which feeds and actions an
// organisation may use.
type Sector string

// The sectors of the counter-fraud effort. Public is the sector of
// anonymous reporters and the public portal, never of a token.
const (
	Police    Sector = "police"
	Finance   Sector = "finance"
	Telecom   Sector = "telecom"
	Internet  Sector = "internet"
	Judicial  Sector = "judicial"
	Regulator Sector = "regulator"
	Public    Sector = "public"
)

// Role is what a token's holder may do inside its organisation.
type Role string

// Roles, from most to least powerful. Contributor may submit but never read.
const (
	Admin       Role = "admin"
	Supervisor  Role = "supervisor"
	Analyst     Role = "analyst"
	Contributor Role = "contributor"
	ReadOnly    Role = "readonly"
)

// Org is an organisation taking part: a police bureau, a bank, an operator…
type Org struct {
	ID      int64
	Name    string
	Sector  Sector
	Region  string // ISO 3166-2 area it answers for ("CN-JS"); "" nationwide
	Created time.Time
}

// Token is an API credential. Only the SHA-256 of the secret is kept; the
// secret is shown once when the token is made.
type Token struct {
	ID      int64
	OrgID   int64
	Role    Role
	Hash    [32]byte
	Label   string
	Created time.Time
	Expires time.Time // zero: never
	Revoked bool
}

// Principal is the caller of a request: the organisation and role behind a
// token, or the anonymous public.
type Principal struct {
	Org     Org
	Role    Role
	TokenID int64
	Addr    string // remote address, for the audit log
}

// TLP is a Traffic Light Protocol 2.0 sharing marking on a signal.
type TLP string

// The TLP 2.0 markings.
const (
	TLPClear       TLP = "CLEAR"
	TLPGreen       TLP = "GREEN"
	TLPAmber       TLP = "AMBER"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPRed         TLP = "RED"
)

// AuditEntry is one line of the audit log. Entries form a hash chain: Hash is
// the SHA-256 over PrevHash and the entry's fields (see ChainHash), so a
// changed or removed row breaks every hash after it.
type AuditEntry struct {
	Seq      int64 // position in the chain, from 1
	Time     time.Time
	OrgID    int64
	OrgName  string
	Role     Role
	TokenID  int64
	Addr     string
	Action   string // "lookup", "signals.submit", "report.read", …
	Target   string // the indicator ("phone:+86…"), record id or "batch:N"
	Detail   string // short free text: counts, hits, reason of a denial
	PrevHash [32]byte
	Hash     [32]byte
}
