package web

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/store"
)

// oversight sectors read every organisation's audit entries; other admins
// read their own organisation's.
var oversight = map[auth.Sector]bool{auth.Police: true, auth.Regulator: true}

type auditView struct {
	Seq          int64     `json:"seq"`
	Time         time.Time `json:"time"`
	Organisation string    `json:"organisation"`
	Role         string    `json:"role"`
	TokenID      int64     `json:"token_id"`
	Addr         string    `json:"addr"`
	Action       string    `json:"action"`
	Target       string    `json:"target"`
	Detail       string    `json:"detail,omitempty"`
	Hash         string    `json:"hash"`
}

// auditLog answers GET /api/v1/audit?org=&action=&target=&from=&to=&limit=.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q := r.URL.Query()
	aq := store.AuditQuery{Action: q.Get("action"), Target: q.Get("target"), Limit: 100}
	if name := q.Get("org"); name != "" {
		org, err := s.store.OrgByName(r.Context(), name)
		if err != nil {
			if isNotFound(err) {
				return errorf(CodeNotFound, "org", "no organisation named "+strconv.Quote(name))
			}
			return err
		}
		aq.OrgID = org.ID
	}
	if !oversight[p.Org.Sector] {
		if aq.OrgID != 0 && aq.OrgID != p.Org.ID {
			return errorf(CodeForbidden, "org", "admins outside police and regulators read their own organisation's audit entries only")
		}
		aq.OrgID = p.Org.ID
	}
	var err error
	if aq.From, aq.To, aq.Limit, err = rangeParams(q, aq.Limit); err != nil {
		return err
	}
	entries, err := s.store.AuditQuery(r.Context(), aq)
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "audit.read", r.URL.RawQuery, strconv.Itoa(len(entries))+" entries")); err != nil {
		return err
	}
	out := make([]auditView, len(entries))
	for i, e := range entries {
		out[i] = auditView{e.Seq, e.Time, e.OrgName, string(e.Role), e.TokenID, e.Addr, e.Action, e.Target, e.Detail, hex.EncodeToString(e.Hash[:])}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
	return nil
}
