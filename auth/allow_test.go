package auth

import (
	"errors"
	"testing"
)

// TestAllowMatrix spells out, role by role, every action of the agency API,
// so that a change to the permission table shows up here as a diff.
func TestAllowMatrix(t *testing.T) {
	const y, n = true, false
	actions := []Action{SubmitSignals, SubmitReport, Lookup, ReadReports, ExplainVisibility, ReadAudit, ManageOrgs}
	matrix := map[Role][7]bool{
		//            submit sig, submit rep, lookup, read rep, explain, audit, orgs
		Contributor: {y, y, n, n, n, n, n},
		ReadOnly:    {n, n, y, y, n, n, n},
		Analyst:     {y, y, y, y, n, n, n},
		Supervisor:  {y, y, y, y, n, n, n},
		Admin:       {y, y, y, y, y, y, y},
	}
	for _, sector := range Sectors() {
		for _, role := range Roles() {
			p := Principal{Org: Org{ID: 3, Sector: sector}, Role: role}
			for i, a := range actions {
				err := Allow(p, a)
				if got := err == nil; got != matrix[role][i] {
					t.Errorf("Allow(%s %s, %s) = %v, want allowed=%v", sector, role, a, err, matrix[role][i])
				}
				var d *Denied
				if err != nil && (!errors.As(err, &d) || d.Action != a || d.Reason == "") {
					t.Errorf("Allow(%s %s, %s) = %#v, want a *Denied naming the action with a reason", sector, role, a, err)
				}
			}
		}
	}
}

func TestAllowReasons(t *testing.T) {
	org := Org{ID: 3, Name: "ICBC", Sector: Finance}
	tests := []struct {
		name string
		p    Principal
		a    Action
		want string // "" means allowed
	}{
		{"contributor reads", Principal{Org: org, Role: Contributor}, Lookup, "lookup denied: role contributor may submit but not read"},
		{"contributor reads audit", Principal{Org: org, Role: Contributor}, ReadAudit, "audit.read denied: role contributor may submit but not read"},
		{"readonly submits", Principal{Org: org, Role: ReadOnly}, SubmitSignals, "signals.submit denied: role readonly may read but not submit"},
		{"analyst manages", Principal{Org: org, Role: Analyst}, ManageOrgs, "orgs.manage denied: role analyst may submit and read but not administer"},
		{"supervisor explains", Principal{Org: org, Role: Supervisor}, ExplainVisibility, "visibility.explain denied: role supervisor may submit and read but not administer"},
		{"admin explains", Principal{Org: org, Role: Admin}, ExplainVisibility, ""},
		{"analyst submits and reads at once", Principal{Org: org, Role: Analyst}, SubmitSignals | Lookup, ""},
		{"contributor submits and reads at once", Principal{Org: org, Role: Contributor}, SubmitSignals | Lookup, "signals.submit|lookup denied: role contributor may submit but not read"},
		{"public", Principal{Org: Org{Sector: Public}}, Lookup, "lookup denied: the public may not use the agency API"},
		{"public even as admin", Principal{Org: Org{Sector: Public}, Role: Admin}, SubmitReport, "report.submit denied: the public may not use the agency API"},
		{"public sector with an ID", Principal{Org: Org{ID: 5, Sector: Public}, Role: Admin}, Lookup, "lookup denied: the public may not use the agency API"},
		{"no organisation", Principal{Org: Org{Sector: Police}, Role: Admin}, Lookup, "lookup denied: the public may not use the agency API"},
		{"zero principal", Principal{}, Lookup, "lookup denied: the public may not use the agency API"},
		{"unknown sector", Principal{Org: Org{ID: 5, Sector: "bank"}, Role: Admin}, Lookup, `lookup denied: organisation 5 has no known sector ("bank")`},
		{"unknown role", Principal{Org: org, Role: "root"}, Lookup, `lookup denied: unknown role "root"`},
		{"empty role", Principal{Org: org}, Lookup, `lookup denied: unknown role ""`},
		{"no action", Principal{Org: org, Role: Admin}, 0, "none denied: unknown action"},
		{"undefined action", Principal{Org: org, Role: Admin}, 1 << 12, "action(4096) denied: unknown action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Allow(tt.p, tt.a)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Allow = %v, want allowed", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Allow = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestActionString(t *testing.T) {
	tests := []struct {
		a    Action
		want string
	}{
		{SubmitSignals, "signals.submit"},
		{SubmitReport, "report.submit"},
		{Lookup, "lookup"},
		{ReadReports, "report.read"},
		{ExplainVisibility, "visibility.explain"},
		{ReadAudit, "audit.read"},
		{ManageOrgs, "orgs.manage"},
		{Lookup | ReadReports, "lookup|report.read"},
		{0, "none"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("Action(%d).String() = %q, want %q", uint16(tt.a), got, tt.want)
		}
	}
}
