package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// SignalColumns are the FORMATS.md `indicator` columns; kind and value are
// required. Optional extras: id, tlp, confirmed.
var SignalColumns = []string{"kind", "value", "typology", "confidence", "source", "evidence", "first_seen", "last_seen", "expires", "id", "tlp", "confirmed"}

// Submitter is who sends a batch of signals.
type Submitter struct {
	OrgID      int64
	Sector     auth.Sector
	DefaultTLP auth.TLP // used when a row has none
	Parse      indicator.Options
	Now        time.Time
}

// ParseSignal turns one `indicator` row into a Signal. A missing id is
// derived from the row's content and the submitter, so re-sending the same
// row is harmless.
func (sub Submitter) ParseSignal(row records.Row) (Signal, *records.LineError) {
	kindName := row.Get("kind")
	value := row.Get("value")
	if value == "" {
		return Signal{}, row.Errorf("value", "required")
	}
	var (
		ind indicator.Indicator
		err error
	)
	if kindName == "" {
		ind, err = sub.Parse.Detect(value)
	} else {
		var k indicator.Kind
		if k, err = indicator.ParseKind(kindName); err != nil {
			return Signal{}, row.Errorf("kind", "%v", err)
		}
		ind, err = sub.Parse.Parse(k, value)
	}
	if err != nil {
		return Signal{}, row.Errorf("value", "%v", err)
	}
	s := Signal{
		Indicator: ind,
		OrgID:     sub.OrgID,
		Sector:    sub.Sector,
		Source:    row.Get("source"),
		Evidence:  row.Get("evidence"),
		Received:  sub.Now,
		TLP:       sub.DefaultTLP,
	}
	if t := row.Get("typology"); t != "" {
		if !ValidTypology(t) {
			return Signal{}, row.Errorf("typology", "unknown typology %q (want one of %s)", t, strings.Join(Typologies, ", "))
		}
		s.Typology = t
	}
	conf, confirmed, lerr := parseConfidence(row, row.Get("confidence"))
	if lerr != nil {
		return Signal{}, lerr
	}
	s.Confidence, s.Confirmed = conf, confirmed
	if c := row.Get("confirmed"); c != "" {
		b, err := strconv.ParseBool(c)
		if err != nil {
			return Signal{}, row.Errorf("confirmed", "want true or false, got %q", c)
		}
		s.Confirmed = s.Confirmed || b
	}
	if t := row.Get("tlp"); t != "" {
		tlp, err := auth.ParseTLP(t)
		if err != nil {
			return Signal{}, row.Errorf("tlp", "%v", err)
		}
		s.TLP = tlp
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"first_seen", &s.FirstSeen}, {"last_seen", &s.LastSeen}, {"expires", &s.Expires}} {
		v := row.Get(f.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return Signal{}, row.Errorf(f.name, "want an RFC 3339 time like 2026-11-20T09:15:00+08:00, got %q", v)
		}
		*f.dst = t.UTC()
	}
	if s.FirstSeen.IsZero() {
		s.FirstSeen = s.LastSeen
	}
	if s.LastSeen.IsZero() {
		s.LastSeen = s.FirstSeen
	}
	if !s.FirstSeen.IsZero() && s.LastSeen.Before(s.FirstSeen) {
		return Signal{}, row.Errorf("last_seen", "is before first_seen")
	}
	if s.ID = row.Get("id"); s.ID == "" {
		s.ID = derivedID(sub.OrgID, ind, s)
	} else {
		s.ID = strconv.FormatInt(sub.OrgID, 10) + "/" + s.ID
	}
	return s, nil
}

// parseConfidence accepts a word (confirmed, high, medium, low) or a number
// in [0,1], or a percentage in (1,100].
func parseConfidence(row records.Row, v string) (float64, bool, *records.LineError) {
	switch strings.ToLower(v) {
	case "":
		return defaultConfidence, false, nil
	case "confirmed":
		return 1, true, nil
	case "high":
		return 0.85, false, nil
	case "medium", "suspected":
		return 0.6, false, nil
	case "low":
		return 0.3, false, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 100 || f != f {
		return 0, false, row.Errorf("confidence", "want confirmed|high|medium|low, a number in 0..1, or a percentage up to 100; got %q", v)
	}
	if f > 1 {
		f /= 100
	}
	return f, false, nil
}

// derivedID names a signal that came without an id by what it says, so a
// re-sent row maps to the same ID.
func derivedID(org int64, ind indicator.Indicator, s Signal) string {
	h := sha256.New()
	for _, part := range []string{strconv.FormatInt(org, 10), ind.String(), s.Source, s.Typology, s.Evidence,
		s.FirstSeen.Format(time.RFC3339), s.LastSeen.Format(time.RFC3339), s.Expires.Format(time.RFC3339)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "d/" + hex.EncodeToString(h.Sum(nil)[:16])
}

// MaxGroupLinks bounds how large a group of co-occurring indicators is
// linked pairwise; a bigger group is a list, not a ring.
const MaxGroupLinks = 50

// LinkTogether links every pair of distinct indicators in one group (a
// report, or the rows of a submission that share an evidence reference).
func LinkTogether(inds []indicator.Indicator, source string, org int64, tlp auth.TLP, now time.Time) []Link {
	uniq := make([]indicator.Indicator, 0, len(inds))
	seen := map[indicator.Indicator]bool{}
	for _, i := range inds {
		if !seen[i] {
			seen[i] = true
			uniq = append(uniq, i)
		}
	}
	if len(uniq) < 2 || len(uniq) > MaxGroupLinks {
		return nil
	}
	var links []Link
	for a := 0; a < len(uniq); a++ {
		for b := a + 1; b < len(uniq); b++ {
			x, y := uniq[a], uniq[b]
			if y.String() < x.String() {
				x, y = y, x
			}
			links = append(links, Link{A: x, B: y, Source: source, OrgID: org, TLP: tlp, Received: now})
		}
	}
	return links
}

// LinkByEvidence links the signals of one submission that share an
// evidence reference: the rows an analyst filed from one case or file.
func LinkByEvidence(sigs []Signal, org int64, now time.Time) []Link {
	groups := map[string][]indicator.Indicator{}
	tlps := map[string]auth.TLP{}
	var order []string
	for _, s := range sigs {
		if s.Evidence == "" {
			continue
		}
		if _, ok := groups[s.Evidence]; !ok {
			order = append(order, s.Evidence)
			tlps[s.Evidence] = s.TLP
		}
		groups[s.Evidence] = append(groups[s.Evidence], s.Indicator)
		tlps[s.Evidence] = stricter(tlps[s.Evidence], s.TLP)
	}
	var links []Link
	for _, ev := range order {
		links = append(links, LinkTogether(groups[ev], "evidence:"+ev, org, tlps[ev], now)...)
	}
	return links
}

// stricter returns the more restrictive of two TLP markings: a link shows
// two indicators together, so it may go no further than either of them.
func stricter(a, b auth.TLP) auth.TLP {
	if code(tlpCodes, b) > code(tlpCodes, a) {
		return b
	}
	return a
}
