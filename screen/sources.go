package screen

import (
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/telecom"
	"github.com/fanzha/fanzha/worker"
)

// RegistryRisk is the registry as one organisation sees it, as a
// RiskSource: a payee scores what GET /api/v1/lookup would answer that
// organisation at the same moment (registry.Lookup: signals it may see
// under their TLP, scored now), so a decision never rests on something
// the bank could not look up itself.
//
// The viewer is set with As before each decision. The Engine calls Risk
// only inside Decide, under its own lock, so a caller that sets the viewer
// and decides under one lock of its own gets a consistent view; RegistryRisk
// itself holds no lock.
type RegistryRisk struct {
	reg    *registry.Registry
	viewer auth.Principal
}

// NewRegistryRisk adapts reg; until As is called it sees as nobody (only
// what is public).
func NewRegistryRisk(reg *registry.Registry) *RegistryRisk {
	return &RegistryRisk{reg: reg, viewer: registry.PublicViewer}
}

// As sets the organisation whose view the next decisions take.
func (r *RegistryRisk) As(viewer auth.Principal) { r.viewer = viewer }

// Risk implements RiskSource. at is not used: the registry scores as of
// now, like a lookup, because live payments are screened as they are made.
func (r *RegistryRisk) Risk(ind indicator.Indicator, _ time.Time) (IndicatorRisk, bool) {
	sum, known := r.reg.Lookup(ind, r.viewer)
	if !known || sum.Signals == 0 {
		return IndicatorRisk{}, false
	}
	risk := IndicatorRisk{Score: sum.Score, Reports: sum.Reports}
	if ts := sum.Typologies(); len(ts) > 0 {
		risk.Typology = ts[0]
	}
	return risk, true
}

// TelecomExposure is the node's telecom detectors as an ExposureSource, or
// nil when telecom does not run on this node: a nil *worker.Telecom inside
// the interface would be a non-nil source that panics when asked.
func TelecomExposure(t *worker.Telecom) ExposureSource {
	if t == nil {
		return nil
	}
	return telecomExposure{t}
}

type telecomExposure struct{ t *worker.Telecom }

func (e telecomExposure) Exposure(subscriber indicator.Indicator, since time.Time) []telecom.Contact {
	return e.t.Exposure(subscriber, since)
}
