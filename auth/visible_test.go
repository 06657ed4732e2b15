package auth

import (
	"fmt"
	"strings"
	"testing"
)

// relation is how a viewer stands to a record, in the terms of the sharing
// policy. The exhaustive test sorts every combination into one of these and
// checks Visible against the policy table below, which is the package doc's
// list written as a grid.
type relation int

const (
	relPublic      relation = iota // the public portal, or an organisation with no known sector
	relNonReader                   // contributor or unknown role: may not read at all
	relOwnBoss                     // supervisor or admin of the submitting organisation
	relOwnReader                   // analyst or read-only user of the submitting organisation
	relSameSector                  // another organisation of the submitter's sector
	relPolice                      // a police organisation of another sector than the submitter's
	relOtherSector                 // any other organisation
)

var relationNames = [...]string{"public", "non-reader", "own supervisor/admin", "own analyst/readonly", "same sector", "police", "other sector"}

// policy[relation][marking]: CLEAR, GREEN, AMBER, AMBER+STRICT, RED.
var policy = [...][5]bool{
	relPublic:      {true, false, false, false, false},
	relNonReader:   {false, false, false, false, false},
	relOwnBoss:     {true, true, true, true, true},
	relOwnReader:   {true, true, true, true, false},
	relSameSector:  {true, true, true, false, false},
	relPolice:      {true, true, true, false, false},
	relOtherSector: {true, true, false, false, false},
}

func classify(v Principal, ownerOrgID int64, ownerSector Sector) relation {
	known := map[Sector]bool{Police: true, Finance: true, Telecom: true, Internet: true, Judicial: true, Regulator: true}
	switch {
	case v.Org.ID == 0 || v.Org.Sector == Public || !known[v.Org.Sector]:
		return relPublic
	case v.Role != Admin && v.Role != Supervisor && v.Role != Analyst && v.Role != ReadOnly:
		return relNonReader
	case ownerOrgID != 0 && v.Org.ID == ownerOrgID && (v.Role == Admin || v.Role == Supervisor):
		return relOwnBoss
	case ownerOrgID != 0 && v.Org.ID == ownerOrgID:
		return relOwnReader
	case v.Org.Sector == ownerSector:
		return relSameSector
	case v.Org.Sector == Police:
		return relPolice
	}
	return relOtherSector
}

// markingIndex is the column of policy a marking falls under: unknown and
// empty markings count as AMBER.
func markingIndex(m TLP) int {
	switch m {
	case TLPClear:
		return 0
	case TLPGreen:
		return 1
	case TLPAmberStrict:
		return 3
	case TLPRed:
		return 4
	}
	return 2
}

// TestVisibleExhaustive runs every viewer sector × role × organisation ×
// owner sector × marking × same organisation or not, including invalid
// values of each, against the policy table.
func TestVisibleExhaustive(t *testing.T) {
	viewerSectors := append(Sectors(), Public, "", "bank")
	roles := append(Roles(), "", "root")
	ownerSectors := append(Sectors(), Public, "", "bank")
	markings := append(TLPs(), "", "amber", "TLP:RED", "WHITE", "clear")
	const viewerOrg = 7
	seen := make(map[relation]int)
	n := 0
	for _, vid := range []int64{0, viewerOrg} {
		for _, vs := range viewerSectors {
			for _, role := range roles {
				v := Principal{Org: Org{ID: vid, Sector: vs}, Role: role}
				for _, oid := range []int64{0, viewerOrg, 9} {
					for _, os := range ownerSectors {
						rel := classify(v, oid, os)
						seen[rel]++
						for _, m := range markings {
							n++
							ok, why := Visible(v, oid, os, m)
							name := fmt.Sprintf("viewer %d/%q/%q owner %d/%q %q (%s)", vid, vs, role, oid, os, m, relationNames[rel])
							if want := policy[rel][markingIndex(m)]; ok != want {
								t.Errorf("%s: Visible = %v (%s), want %v", name, ok, why, want)
							}
							if CanSee(v, oid, os, m) != ok {
								t.Errorf("%s: CanSee disagrees with Visible", name)
							}
							checkWhy(t, name, m, why)
						}
					}
				}
			}
		}
	}
	for rel := range policy {
		if seen[relation(rel)] == 0 {
			t.Errorf("no combination fell under %s; the test does not cover the policy", relationNames[rel])
		}
	}
	t.Logf("%d combinations", n)
}

// checkWhy checks the form of an explanation: it names the marking that
// applied, says when a marking was replaced, and describes the viewer.
func checkWhy(t *testing.T, name string, m TLP, why string) {
	t.Helper()
	canonical := markingIndex(m) != 2 || m == TLPAmber
	rest := why
	if !canonical {
		prefix := fmt.Sprintf("unknown marking %q, so treated as AMBER (fail closed). ", m)
		if m == "" {
			prefix = "unmarked, so treated as AMBER (fail closed). "
		}
		var ok bool
		if rest, ok = strings.CutPrefix(why, prefix); !ok {
			t.Errorf("%s: why = %q, want it to start %q", name, why, prefix)
			return
		}
		m = TLPAmber
	}
	if !strings.HasPrefix(rest, string(m)+": shared with ") || !strings.Contains(rest, "; viewer") {
		t.Errorf("%s: why = %q, want %q: shared with …; viewer …", name, why, m)
	}
}

// TestVisibleMonotone checks the markings nest: whoever sees a record under
// a stricter marking sees it under every looser one.
func TestVisibleMonotone(t *testing.T) {
	order := TLPs()
	for _, vs := range append(Sectors(), Public) {
		for _, role := range Roles() {
			for _, oid := range []int64{1, 2} {
				for _, os := range Sectors() {
					v := Principal{Org: Org{ID: 1, Sector: vs}, Role: role}
					for i := 1; i < len(order); i++ {
						stricter, _ := Visible(v, oid, os, order[i])
						looser, _ := Visible(v, oid, os, order[i-1])
						if stricter && !looser {
							t.Errorf("%s %s, owner %d %s: sees %s but not %s", vs, role, oid, os, order[i], order[i-1])
						}
					}
				}
			}
		}
	}
}

// TestVisibleWhy pins the sentences an admin reads.
func TestVisibleWhy(t *testing.T) {
	bank := Principal{Org: Org{ID: 2, Sector: Finance}, Role: Analyst}
	operator := Principal{Org: Org{ID: 3, Sector: Telecom}, Role: Analyst}
	operatorBoss := Principal{Org: Org{ID: 3, Sector: Telecom}, Role: Supervisor}
	otherOperator := Principal{Org: Org{ID: 4, Sector: Telecom}, Role: Admin}
	bureau := Principal{Org: Org{ID: 5, Sector: Police}, Role: ReadOnly}
	public := Principal{Org: Org{Sector: Public}}
	tests := []struct {
		name    string
		v       Principal
		owner   int64
		sector  Sector
		tlp     TLP
		ok      bool
		wantWhy string
	}{
		{"clear to public", public, 3, Telecom, TLPClear, true,
			"CLEAR: shared with everyone, including the public; viewer is the public"},
		{"green to public", public, 3, Telecom, TLPGreen, false,
			"GREEN: shared with every organisation in fanzha, never the public; viewer is the public"},
		{"green to bank", bank, 3, Telecom, TLPGreen, true,
			"GREEN: shared with every organisation in fanzha, never the public; viewer is finance"},
		{"amber to bank", bank, 3, Telecom, TLPAmber, false,
			"AMBER: shared with the submitter's sector (telecom) and police; viewer is finance"},
		{"amber to other operator", otherOperator, 3, Telecom, TLPAmber, true,
			"AMBER: shared with the submitter's sector (telecom) and police; viewer is telecom"},
		{"amber to police", bureau, 3, Telecom, TLPAmber, true,
			"AMBER: shared with the submitter's sector (telecom) and police; viewer is police"},
		{"amber to submitter", operator, 3, Telecom, TLPAmber, true,
			"AMBER: shared with the submitter's sector (telecom) and police; viewer is the submitting organisation"},
		{"amber from police", bank, 5, Police, TLPAmber, false,
			"AMBER: shared with the submitter's sector (police); viewer is finance"},
		{"amber, owner sector unknown", bank, 9, "", TLPAmber, false,
			"AMBER: shared with the submitting organisation and police (submitter's sector unknown); viewer is finance"},
		{"strict to same sector", otherOperator, 3, Telecom, TLPAmberStrict, false,
			"AMBER+STRICT: shared with the submitting organisation only; viewer is another organisation (telecom)"},
		{"strict to submitter", operator, 3, Telecom, TLPAmberStrict, true,
			"AMBER+STRICT: shared with the submitting organisation only; viewer is the submitting organisation"},
		{"red to own analyst", operator, 3, Telecom, TLPRed, false,
			"RED: shared with the submitting organisation's supervisors and admins only; viewer is an analyst of the submitting organisation"},
		{"red to own supervisor", operatorBoss, 3, Telecom, TLPRed, true,
			"RED: shared with the submitting organisation's supervisors and admins only; viewer is a supervisor of the submitting organisation"},
		{"red to police", bureau, 3, Telecom, TLPRed, false,
			"RED: shared with the submitting organisation's supervisors and admins only; viewer is another organisation (police)"},
		{"unmarked", bank, 3, Telecom, "", false,
			"unmarked, so treated as AMBER (fail closed). AMBER: shared with the submitter's sector (telecom) and police; viewer is finance"},
		{"TLP 1.0 white stored raw", bank, 3, Telecom, "WHITE", false,
			`unknown marking "WHITE", so treated as AMBER (fail closed). AMBER: shared with the submitter's sector (telecom) and police; viewer is finance`},
		{"contributor", Principal{Org: Org{ID: 3, Sector: Telecom}, Role: Contributor}, 3, Telecom, TLPClear, false,
			"CLEAR: shared with everyone, including the public; viewer is a contributor, who may submit but not read"},
		{"unknown role", Principal{Org: Org{ID: 3, Sector: Telecom}, Role: "root"}, 3, Telecom, TLPGreen, false,
			`GREEN: shared with every organisation in fanzha, never the public; viewer's role "root" is unknown, so may not read`},
		{"unknown viewer sector", Principal{Org: Org{ID: 8, Sector: "bank"}, Role: Admin}, 3, Telecom, TLPGreen, false,
			`GREEN: shared with every organisation in fanzha, never the public; viewer's organisation has no known sector ("bank"), so counts as the public`},
		{"public report, public viewer", public, 0, Public, TLPAmber, false,
			"AMBER: shared with police (submitted by the public); viewer is the public"},
		{"public report, police", bureau, 0, Public, TLPAmber, true,
			"AMBER: shared with police (submitted by the public); viewer is police"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := Visible(tt.v, tt.owner, tt.sector, tt.tlp)
			if ok != tt.ok || why != tt.wantWhy {
				t.Errorf("Visible = %v, %q\nwant        %v, %q", ok, why, tt.ok, tt.wantWhy)
			}
		})
	}
}

func BenchmarkCanSee(b *testing.B) {
	v := Principal{Org: Org{ID: 2, Sector: Finance}, Role: Analyst}
	b.ReportAllocs()
	for b.Loop() {
		CanSee(v, 3, Telecom, TLPAmber)
	}
}

func BenchmarkVisible(b *testing.B) {
	v := Principal{Org: Org{ID: 2, Sector: Finance}, Role: Analyst}
	b.ReportAllocs()
	for b.Loop() {
		Visible(v, 3, Telecom, TLPAmber)
	}
}
