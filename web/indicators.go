package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
)

// pathIndicator parses the {kind}/{value} of a path.
func (s *Server) pathIndicator(r *http.Request) (indicator.Indicator, error) {
	k, err := indicator.ParseKind(r.PathValue("kind"))
	if err != nil {
		return indicator.Indicator{}, errorf(CodeInvalid, "kind", err.Error())
	}
	ind, err := s.opts.Parse.Parse(k, r.PathValue("value"))
	if err != nil {
		return indicator.Indicator{}, withField(err, "value")
	}
	return ind, nil
}

type signalView struct {
	ID           string    `json:"id"`
	Organisation string    `json:"organisation"`
	Sector       string    `json:"sector"`
	Source       string    `json:"source,omitempty"`
	Typology     string    `json:"typology,omitempty"`
	Confidence   float64   `json:"confidence"`
	Confirmed    bool      `json:"confirmed"`
	TLP          string    `json:"tlp"`
	Evidence     string    `json:"evidence,omitempty"`
	FirstSeen    time.Time `json:"first_seen,omitzero"`
	LastSeen     time.Time `json:"last_seen,omitzero"`
	Expires      time.Time `json:"expires,omitzero"`
	Received     time.Time `json:"received"`
	ReportID     string    `json:"report_id,omitempty"`
}

type linkView struct {
	Kind    string   `json:"kind"`
	Value   string   `json:"value"`
	Score   int      `json:"score"`
	Verdict string   `json:"verdict"`
	Sources []string `json:"sources"`
}

// profile answers GET /api/v1/indicators/{kind}/{value}: risk with
// reasons, the signals the caller may see, and the linked indicators.
func (s *Server) profile(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	ind, err := s.pathIndicator(r)
	if err != nil {
		return err
	}
	prof, err := s.registry.Profile(r.Context(), ind, p)
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "indicator.read", ind.String(), strconv.Itoa(len(prof.Signals))+" signals shown")); err != nil {
		return err
	}
	names := s.orgNames(r.Context())
	sigs := make([]signalView, len(prof.Signals))
	for i, sg := range prof.Signals {
		sigs[i] = s.viewSignal(sg, names)
	}
	links := make([]linkView, len(prof.Links))
	for i, l := range prof.Links {
		links[i] = linkView{Kind: l.Indicator.Kind().String(), Value: l.Indicator.Value(), Score: l.Risk.Score, Verdict: l.Risk.Verdict(), Sources: l.Sources}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"kind": ind.Kind().String(), "value": ind.Value(), "details": indicator.Describe(ind),
		"risk": prof.Risk, "signals": sigs, "links": links,
	})
	return nil
}

func (s *Server) viewSignal(sg registry.Signal, names map[int64]string) signalView {
	org := names[sg.OrgID]
	if sg.OrgID == 0 {
		org = "public report"
	}
	return signalView{
		ID: sg.ID, Organisation: org, Sector: string(sg.Sector), Source: sg.Source, Typology: sg.Typology,
		Confidence: sg.Confidence, Confirmed: sg.Confirmed, TLP: string(sg.TLP), Evidence: sg.Evidence,
		FirstSeen: sg.FirstSeen, LastSeen: sg.LastSeen, Expires: sg.Expires, Received: sg.Received, ReportID: sg.ReportID,
	}
}

// orgNames maps organisation IDs to names for display. Organisations are
// few; reading them per request is cheaper than keeping a cache coherent.
func (s *Server) orgNames(ctx context.Context) map[int64]string {
	orgs, err := s.store.ListOrgs(ctx)
	names := make(map[int64]string, len(orgs))
	if err != nil {
		s.log.Warn("list organisations", "err", err)
		return names
	}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names
}

type visibilityRow struct {
	Signal       string `json:"signal"`
	Owner        string `json:"owner"`
	OwnerSector  string `json:"owner_sector"`
	TLP          string `json:"tlp"`
	Viewer       string `json:"viewer"`
	ViewerSector string `json:"viewer_sector"`
	ViewerRole   string `json:"viewer_role"`
	Visible      bool   `json:"visible"`
	Why          string `json:"why"`
}

// visibility answers GET /api/v1/indicators/{kind}/{value}/visibility for
// admins: for each signal, whether an organisation (?org=NAME, default
// every organisation) with a role (?role=, default analyst) may see it,
// and why — the TLP rule of auth.Visible in words.
func (s *Server) visibility(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	ind, err := s.pathIndicator(r)
	if err != nil {
		return err
	}
	role := auth.Analyst
	if v := r.URL.Query().Get("role"); v != "" {
		if role, err = auth.ParseRole(v); err != nil {
			return errorf(CodeInvalid, "role", err.Error())
		}
	}
	var viewers []auth.Org
	if name := r.URL.Query().Get("org"); name != "" {
		org, err := s.store.OrgByName(r.Context(), name)
		if err != nil {
			if isNotFound(err) {
				return errorf(CodeNotFound, "org", "no organisation named "+strconv.Quote(name))
			}
			return err
		}
		viewers = []auth.Org{org}
	} else if viewers, err = s.store.ListOrgs(r.Context()); err != nil {
		return err
	}
	sigs, err := s.registry.Signals(r.Context(), ind)
	if err != nil {
		return err
	}
	names := s.orgNames(r.Context())
	names[0] = "public report"
	var rows []visibilityRow
	for _, sg := range sigs {
		for _, v := range viewers {
			ok, why := auth.Visible(auth.Principal{Org: v, Role: role}, sg.OrgID, sg.Sector, sg.TLP)
			rows = append(rows, visibilityRow{
				Signal: sg.ID, Owner: names[sg.OrgID], OwnerSector: string(sg.Sector), TLP: string(sg.TLP),
				Viewer: v.Name, ViewerSector: string(v.Sector), ViewerRole: string(role), Visible: ok, Why: why,
			})
		}
	}
	if err := s.record(r, s.entry(p, "visibility.explain", ind.String(), strconv.Itoa(len(sigs))+" signals × "+strconv.Itoa(len(viewers))+" organisations")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": ind.Kind().String(), "value": ind.Value(), "rows": rows})
	return nil
}
