package telecom

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Outcomes an officer records for a warning, after contacting the person.
const (
	OutcomeContacted     = "contacted"      // reached, outcome not yet known
	OutcomeDissuaded     = "dissuaded"      // persuaded not to pay
	OutcomeLossPrevented = "loss_prevented" // a payment was stopped
	OutcomeAlreadyPaid   = "already_paid"   // too late: the money had gone
	OutcomeFalseAlarm    = "false_alarm"    // not a scam after all
	OutcomeUnreachable   = "unreachable"    // could not be reached
)

// Outcomes lists the outcomes in the order the console shows them.
var Outcomes = []string{OutcomeContacted, OutcomeDissuaded, OutcomeLossPrevented, OutcomeAlreadyPaid, OutcomeFalseAlarm, OutcomeUnreachable}

// Issued is an early warning as it is stored and worked on: routed to the
// organisation responsible for the subscriber's region, signed for by an
// officer, and closed with an outcome. Its timestamps are what "how fast
// were people warned, and how many were saved" is computed from.
type Issued struct {
	ID string // IssuedID(subscriber, suspect): one warning per pair, escalated in place
	Warning
	Region    string    // ISO 3166-2 of the subscriber ("CN-JS") when known
	OrgID     int64     // organisation it is routed to; 0: not routed yet
	Raised    time.Time // when fanzha first raised it
	Escalated time.Time // when its grade last rose (zero: never)
	SignedBy  string    // officer who took it on
	SignedAt  time.Time
	Outcome   string // one of Outcomes; empty while open
	OutcomeAt time.Time
	OutcomeBy string
	Note      string // the officer's words
}

// IssuedID names the warning for a subscriber and a suspect line.
func IssuedID(w Warning) string {
	h := sha256.Sum256([]byte(w.Subscriber.String() + "|" + w.Suspect.String()))
	return "W-" + hex.EncodeToString(h[:10])
}

// ValidOutcome reports whether o is one of Outcomes.
func ValidOutcome(o string) bool {
	for _, v := range Outcomes {
		if v == o {
			return true
		}
	}
	return false
}
