package auth

import (
	"fmt"
	"math/bits"
	"strings"
)

// Action is a set of things a caller may ask the agency API to do. Each
// constant is one action; they combine with | so that one table can say what
// a role may do, and Allow can check a request that needs several at once.
type Action uint16

// The actions of the agency API. The names String gives match the Action
// field of audit entries.
const (
	SubmitSignals     Action = 1 << iota // signals.submit: send signals and links
	SubmitReport                         // report.submit: file a victim's or witness's report
	Lookup                               // lookup: read indicators, risk, profiles, batch lookups
	ReadReports                          // report.read: read and search reports
	ExplainVisibility                    // visibility.explain: see why a record is shown or hidden, and to whom
	ReadAudit                            // audit.read: read and verify the audit log
	ManageOrgs                           // orgs.manage: create organisations and tokens, revoke tokens
)

// Groups of actions, for the role table.
const (
	submit     = SubmitSignals | SubmitReport
	read       = Lookup | ReadReports
	allActions = submit | read | ExplainVisibility | ReadAudit | ManageOrgs
)

var actionNames = [...]string{
	"signals.submit", "report.submit", "lookup", "report.read",
	"visibility.explain", "audit.read", "orgs.manage",
}

// String names the action as the audit log does ("lookup"); a set of
// several reads "lookup|report.read".
func (a Action) String() string {
	if a == 0 {
		return "none"
	}
	var parts []string
	for a != 0 {
		i := bits.TrailingZeros16(uint16(a))
		a &^= 1 << i
		if i < len(actionNames) {
			parts = append(parts, actionNames[i])
		} else {
			parts = append(parts, fmt.Sprintf("action(%d)", 1<<i))
		}
	}
	return strings.Join(parts, "|")
}

// rolePolicy is the whole permission rule: what each role may do, and how to
// say so when it asks for more. Roles are not ordered by inclusion (readonly
// may read, contributor may not), so a table is clearer than a rank.
var rolePolicy = map[Role]struct {
	may     Action
	summary string
}{
	Contributor: {submit, "may submit but not read"},
	ReadOnly:    {read, "may read but not submit"},
	Analyst:     {submit | read, "may submit and read but not administer"},
	Supervisor:  {submit | read, "may submit and read but not administer"},
	Admin:       {allActions, "may do everything"},
}

// Denied is the error Allow returns: the action refused and a plain reason
// the API can show the caller as it is.
type Denied struct {
	Action Action
	Reason string // "role contributor may submit but not read"
}

// Error reads "lookup denied: role contributor may submit but not read".
func (d *Denied) Error() string {
	return d.Action.String() + " denied: " + d.Reason
}

// IsPublic reports whether p is the anonymous public: the public sector, or
// no organisation at all. Either alone is enough, so that a half-filled
// Principal fails closed.
func (p Principal) IsPublic() bool {
	return p.Org.Sector == Public || p.Org.ID == 0
}

// Allow reports whether p may perform a (every action in it, if it is a set).
// It returns nil or a *Denied. Allow does not decide which records p sees;
// that is Visible's job, record by record.
func Allow(p Principal, a Action) error {
	deny := func(format string, args ...any) error {
		return &Denied{Action: a, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case a == 0 || a&^allActions != 0:
		return deny("unknown action")
	case p.IsPublic():
		return deny("the public may not use the agency API")
	case !p.Org.Sector.valid():
		return deny("organisation %d has no known sector (%q)", p.Org.ID, p.Org.Sector)
	}
	pol, ok := rolePolicy[p.Role]
	if !ok {
		return deny("unknown role %q", p.Role)
	}
	if a&^pol.may != 0 {
		return deny("role %s %s", p.Role, pol.summary)
	}
	return nil
}
