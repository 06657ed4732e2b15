package auth

import "fmt"

// Visible is the sharing policy (see the package doc): it decides whether
// viewer sees a record marked tlp that organisation ownerOrgID, of sector
// ownerSector, submitted. why is one plain sentence for the admin's
// visibility explanation, e.g. "AMBER: shared with the submitter's sector
// (telecom) and police; viewer is finance". Records from the public (victims'
// reports) have ownerOrgID 0, which no viewer's organisation matches.
//
// Stored markings are expected canonical (ParseTLP at the edge); anything
// else, including "", is treated as AMBER so that a missing marking never
// shares more than the submitter meant.
func Visible(viewer Principal, ownerOrgID int64, ownerSector Sector, tlp TLP) (ok bool, why string) {
	return decide(viewer, ownerOrgID, ownerSector, tlp, true)
}

// CanSee is Visible without the explanation, for the lookup path, which
// filters every signal of every answer and must not build sentences nobody
// reads. It is the same rule: both call one function.
func CanSee(viewer Principal, ownerOrgID int64, ownerSector Sector, tlp TLP) bool {
	ok, _ := decide(viewer, ownerOrgID, ownerSector, tlp, false)
	return ok
}

// decide is the one rule behind Visible and CanSee.
func decide(v Principal, ownerOrgID int64, ownerSector Sector, tlp TLP, explain bool) (bool, string) {
	mark := tlp
	switch tlp {
	case TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed:
	default:
		mark = TLPAmber // fail closed
	}
	sameOrg := ownerOrgID != 0 && v.Org.ID == ownerOrgID
	// A viewer whose organisation has no known sector counts as the public;
	// one whose role is unknown may not read.
	public := v.IsPublic() || !v.Org.Sector.valid()
	reader := rolePolicy[v.Role].may&read != 0

	var ok bool
	switch {
	case public:
		ok = mark == TLPClear
	case !reader:
		ok = false
	case mark == TLPClear, mark == TLPGreen:
		ok = true
	case mark == TLPAmber:
		ok = sameOrg || v.Org.Sector == ownerSector || v.Org.Sector == Police
	case mark == TLPAmberStrict:
		ok = sameOrg
	case mark == TLPRed:
		ok = sameOrg && (v.Role == Supervisor || v.Role == Admin)
	}
	if !explain {
		return ok, ""
	}

	var note string
	switch {
	case tlp == "":
		note = "unmarked, so treated as AMBER (fail closed). "
	case tlp != mark:
		note = fmt.Sprintf("unknown marking %q, so treated as AMBER (fail closed). ", tlp)
	}
	return ok, note + string(mark) + ": " + sharedWith(mark, ownerSector) + "; " + viewerIs(v, mark, public, reader, sameOrg)
}

// sharedWith states a marking's audience.
func sharedWith(mark TLP, ownerSector Sector) string {
	switch mark {
	case TLPClear:
		return "shared with everyone, including the public"
	case TLPGreen:
		return "shared with every organisation in fanzha, never the public"
	case TLPAmber:
		switch ownerSector {
		case Police:
			return "shared with the submitter's sector (police)"
		case Public:
			return "shared with police (submitted by the public)"
		case "":
			return "shared with the submitting organisation and police (submitter's sector unknown)"
		}
		return "shared with the submitter's sector (" + string(ownerSector) + ") and police"
	case TLPAmberStrict:
		return "shared with the submitting organisation only"
	default:
		return "shared with the submitting organisation's supervisors and admins only"
	}
}

// viewerIs describes the viewer in the terms of the rule that applied.
func viewerIs(v Principal, mark TLP, public, reader, sameOrg bool) string {
	switch {
	case v.IsPublic():
		return "viewer is the public"
	case public:
		return fmt.Sprintf("viewer's organisation has no known sector (%q), so counts as the public", v.Org.Sector)
	case v.Role == Contributor:
		return "viewer is a contributor, who may submit but not read"
	case !reader:
		return fmt.Sprintf("viewer's role %q is unknown, so may not read", v.Role)
	case sameOrg && mark == TLPRed:
		return "viewer is " + roleNoun(v.Role) + " of the submitting organisation"
	case sameOrg:
		return "viewer is the submitting organisation"
	case mark == TLPAmberStrict || mark == TLPRed:
		return "viewer is another organisation (" + string(v.Org.Sector) + ")"
	}
	return "viewer is " + string(v.Org.Sector)
}

// roleNoun names a holder of role r with its article.
func roleNoun(r Role) string {
	switch r {
	case Admin:
		return "an admin"
	case Analyst:
		return "an analyst"
	case ReadOnly:
		return "a read-only user"
	}
	return "a " + string(r)
}
