// Package registry is the shared picture: signals about indicators from every
// organisation, the risk derived from them with its reasons, the links
// between indicators seen together, victims' reports, and the in-memory index
// that answers lookups.
package registry

import (
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// Signal is one observation about an indicator by one organisation (through
// an analyst, a detector or a victim's report). Signals are appended, never
// updated; the indicator's risk is derived from all of them.
type Signal struct {
	ID         string // idempotency key: re-sending the same ID changes nothing
	Indicator  indicator.Indicator
	OrgID      int64
	Sector     auth.Sector
	Source     string  // detector or analyst name, or "report:<id>"
	Typology   string  // FORMATS.md typology
	Confidence float64 // 0..1
	Confirmed  bool    // confirmed by a court or an investigation
	TLP        auth.TLP
	Evidence   string // reference to the evidence (case, file, URL)
	FirstSeen  time.Time
	LastSeen   time.Time
	Expires    time.Time // zero: never
	Received   time.Time // when fanzha stored it
	ReportID   string    // set when the signal came from a victim's report
}

// Link records that two indicators appeared together in one report or one
// submission. A and B are ordered (A.String() < B.String()) so a pair is
// stored once per source.
type Link struct {
	A, B     indicator.Indicator
	Source   string // "report:R-…" or "submission:<id>"
	OrgID    int64
	TLP      auth.TLP
	Received time.Time
}

// Typologies are the FORMATS.md scam types.
var Typologies = []string{
	"task_scam", "fake_job", "investment", "loan", "customer_service",
	"impersonation_official", "credit_repair", "romance",
	"impersonation_acquaintance", "game_trade", "phishing", "other",
}
