package telecom

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// profile is a line's outgoing and incoming behaviour over the window.
type profile struct {
	calls      int // outgoing voice calls
	answered   int
	zero       int // unanswered (0 s)
	sms        int // outgoing SMS
	distinct   int // distinct callees of voice calls
	repeats    int // callees called more than once, or who called or texted back
	callbacks  int // callees who called or texted back
	inCalls    int // incoming voice calls
	inSMS      int
	medianAns  uint32 // median answered call, seconds
	gapCV      float64
	gaps       int
	burst      int // most voice calls in one hour
	first      uint32
	smsTargets int // numbers that were only texted, never called
	smsReplied int // of those, how many wrote or called back
	smsAgain   int // of those, how many were texted more than once
}

type peerAgg struct {
	out, sms, in int32
}

// evaluate scores a line's window of traffic with the per-line detectors:
// mass outreach, Wangiri and the cell half of the SIM-box detector.
func (e *Engine) evaluate(l *line) {
	l.evalSeq = l.outSeq
	if l.kind&kShort != 0 {
		return // short codes and service numbers: the bank's 95588, 106… senders
	}
	l.expire(e.cutoff())
	p := e.profile(l)
	if p.smsTargets >= e.cfg.MassMinCallees {
		e.smsOutreach(l, &p)
	}
	if p.calls == 0 {
		return
	}
	if p.distinct >= e.cfg.MassMinCallees {
		e.massOutreach(l, &p)
	}
	if l.kind&kDomestic == 0 && p.distinct >= e.cfg.WangiriMinCallees {
		e.wangiri(l, &p)
	}
	e.cellCandidate(l, &p)
}

func (e *Engine) profile(l *line) profile {
	var p profile
	clear(e.peerIdx)
	e.peers = e.peers[:0]
	e.durs = e.durs[:0]
	e.times = e.times[:0]
	if len(l.out) > 0 {
		p.first = l.out[0].t
	}
	if len(l.in) > 0 && (p.first == 0 || l.in[0].t < p.first) {
		p.first = l.in[0].t
	}
	agg := func(peer uint32) *peerAgg {
		i, ok := e.peerIdx[peer]
		if !ok {
			i = int32(len(e.peers))
			e.peers = append(e.peers, peerAgg{})
			e.peerIdx[peer] = i
		}
		return &e.peers[i]
	}
	for _, x := range l.out {
		a := agg(x.peer)
		if x.sms() {
			p.sms++
			a.sms++
			continue
		}
		p.calls++
		a.out++
		e.times = append(e.times, x.t)
		if x.dur() > 0 {
			p.answered++
			e.durs = append(e.durs, x.dur())
		} else {
			p.zero++
		}
	}
	for _, x := range l.in {
		if x.sms() {
			p.inSMS++
		} else {
			p.inCalls++
		}
		if i, ok := e.peerIdx[x.peer]; ok {
			e.peers[i].in++
		}
	}
	for _, a := range e.peers {
		if a.sms > 0 && a.out == 0 {
			p.smsTargets++
			if a.in > 0 {
				p.smsReplied++
			}
			if a.sms > 1 {
				p.smsAgain++
			}
		}
		if a.out == 0 {
			continue
		}
		p.distinct++
		if a.in > 0 {
			p.callbacks++
		}
		if a.out > 1 || a.in > 0 {
			p.repeats++
		}
	}
	if len(e.durs) > 0 {
		slices.Sort(e.durs)
		p.medianAns = e.durs[len(e.durs)/2]
	}
	// Inter-call timing: people call in bursts (CV near or above 1),
	// dialling machines at a steady pace.
	if n := len(e.times); n >= 6 {
		var sum, sq float64
		for i := 1; i < n; i++ {
			g := float64(e.times[i] - e.times[i-1])
			sum += g
			sq += g * g
		}
		k := float64(n - 1)
		mean := sum / k
		if mean > 0 {
			p.gapCV = math.Sqrt(math.Max(sq/k-mean*mean, 0)) / mean
			p.gaps = n - 1
		}
	}
	for i, j := 0, 0; i < len(e.times); i++ {
		for e.times[i]-e.times[j] >= 3600 {
			j++
		}
		if i-j+1 > p.burst {
			p.burst = i - j + 1
		}
	}
	return p
}

// reachPoints scores how many strangers a line reached: the more, the
// more it looks like a campaign; least is the score of a small reach.
func reachPoints(n, least int) int {
	switch {
	case n >= 150:
		return 35
	case n >= 80:
		return 28
	case n >= 40:
		return 20
	}
	return least
}

// incoming is the calls and SMS a line received, and their share of its
// traffic: people are called and texted back, fraud lines are not.
func (p *profile) incoming() (int, float64) {
	in := p.inCalls + p.inSMS
	return in, float64(in) / float64(in+p.calls+p.sms)
}

// incomingPoints scores a line's incoming traffic for the outreach
// detectors: none at all adds most, a real share takes points away.
func incomingPoints(in int, share float64) int {
	switch {
	case in == 0:
		return 20
	case share < 0.05:
		return 15
	case share < 0.15:
		return 6
	case share >= 0.3:
		return -20
	}
	return 0
}

// wilsonLower is the lower end of the 90% Wilson score interval of the
// share k/n.
func wilsonLower(k, n int) float64 {
	if n == 0 {
		return 0
	}
	const z = 1.645
	p, nf := float64(k)/float64(n), float64(n)
	d := 1 + z*z/nf
	c := p + z*z/(2*nf)
	r := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return (c - r) / d
}

func pct(a, b int) int {
	if b == 0 {
		return 0
	}
	return (100*a + b/2) / b
}

func secs(s uint32) string {
	if s >= 120 {
		return fmt.Sprintf("%d min", (s+30)/60)
	}
	return fmt.Sprintf("%d s", s)
}

func clamp(n int) int { return min(max(n, 0), 100) }

// massOutreach scores a line that calls many strangers. Fraud lines call
// hundreds of people who mostly do not answer or hang up within seconds,
// rarely call anyone twice, and are never called back. Couriers, schools
// and company lines call as many, but people answer and talk, call them
// back, and they call the same customers again: the answer rate and the
// length of answered calls gate the score, incoming traffic and repeat
// contacts take it down.
func (e *Engine) massOutreach(l *line, p *profile) {
	e.describe(l)
	if l.kind&kService != 0 {
		return
	}
	// The lower confidence bound, not the share itself: a courier whose
	// first twenty calls happen to go unanswered is not yet a fraud line.
	unans := wilsonLower(p.zero, p.calls)
	shortTalk := p.answered > 0 && p.medianAns <= 20
	if unans < 0.35 || unans < 0.5 && !shortTalk {
		return // people answer and talk: a courier, a school, a shop
	}
	score := reachPoints(p.distinct, 12)
	switch {
	case unans >= 0.6:
		score += 25
	case unans >= 0.45:
		score += 20
	default:
		score += 10
	}
	switch {
	case p.answered == 0:
		score += 10
	case p.medianAns <= 20:
		score += 15
	case p.medianAns <= 40:
		score += 8
	case p.medianAns >= 90:
		score -= 10
	}
	in, inShare := p.incoming()
	score += incomingPoints(in, inShare)
	rep := float64(p.repeats) / float64(p.distinct)
	switch {
	case rep < 0.05:
		score += 10
	case rep < 0.15:
		score += 5
	case rep >= 0.3:
		score -= 15
	}
	score = clamp(score)
	if score < e.cfg.SuspectScore {
		return
	}
	reasons := []string{
		fmt.Sprintf("%d distinct callees in %s", p.distinct, e.windowText()),
		fmt.Sprintf("%d%% of %d calls unanswered", pct(p.zero, p.calls), p.calls),
	}
	if p.answered > 0 {
		reasons = append(reasons, "median answered call "+secs(p.medianAns))
	} else {
		reasons = append(reasons, "no call answered")
	}
	if in == 0 {
		reasons = append(reasons, "no incoming calls")
	} else {
		reasons = append(reasons, fmt.Sprintf("%d incoming calls and SMS (%d%% of traffic)", in, int(inShare*100+0.5)))
	}
	reasons = append(reasons, fmt.Sprintf("%d%% repeat contacts", pct(p.repeats, p.distinct)))
	e.flag(l, dMass, score, reasons, p.first)
}

// smsOutreach scores a phone texting many strangers: the scam SMS with a
// link ("your parcel is held", "part-time work, 300 a day") sent from an
// ordinary mobile number. People text their own circle, who write back and
// call; a blaster's recipients almost never answer, are texted once, and
// never call it. Company senders use short codes and 106 numbers, which
// are not scored at all, nor are fixed lines (a school's notices go
// through a gateway): blasters text from SIM cards, so only mobile
// numbers are scored.
func (e *Engine) smsOutreach(l *line, p *profile) {
	e.describe(l)
	if l.kind&kService != 0 || l.kind&kMobile == 0 {
		return
	}
	// The upper confidence bound of the reply share: twenty texts without
	// a reply yet are not proof that nobody will.
	reply := 1 - wilsonLower(p.smsTargets-p.smsReplied, p.smsTargets)
	if reply > 0.15 {
		return // people write back or call: a person or a shop texting customers
	}
	score := reachPoints(p.smsTargets, 10)
	if reply <= 0.08 {
		score += 25
	} else {
		score += 15
	}
	in, inShare := p.incoming()
	score += incomingPoints(in, inShare)
	switch again := float64(p.smsAgain) / float64(p.smsTargets); {
	case again < 0.05:
		score += 10
	case again >= 0.3:
		score -= 15
	}
	score = clamp(score)
	if score < e.cfg.SuspectScore {
		return
	}
	reasons := []string{
		fmt.Sprintf("%d SMS to %d numbers it never called in %s", p.sms, p.smsTargets, e.windowText()),
		fmt.Sprintf("%d%% wrote or called back", pct(p.smsReplied, p.smsTargets)),
		fmt.Sprintf("%d%% texted more than once", pct(p.smsAgain, p.smsTargets)),
	}
	if in == 0 {
		reasons = append(reasons, "no incoming calls or SMS")
	} else {
		reasons = append(reasons, fmt.Sprintf("%d incoming calls and SMS (%d%% of traffic)", in, int(inShare*100+0.5)))
	}
	e.flag(l, dMass, score, reasons, p.first)
}

// wangiri scores an international line ringing many numbers once: nearly
// every call unanswered (0 s), in bursts, hoping to be called back at a
// premium rate.
func (e *Engine) wangiri(l *line, p *profile) {
	if p.calls < e.cfg.WangiriMinCallees {
		return
	}
	u := float64(p.zero) / float64(p.calls)
	if u < 0.8 || (p.answered > 0 && p.medianAns > 30) {
		return
	}
	e.describe(l)
	score := 40
	switch {
	case p.distinct >= 50:
		score += 25
	case p.distinct >= 20:
		score += 20
	default:
		score += 12
	}
	if u >= 0.95 {
		score += 15
	} else {
		score += 8
	}
	switch {
	case p.burst >= 20:
		score += 15
	case p.burst >= 8:
		score += 10
	case p.burst >= 4:
		score += 5
	}
	if l.kind&kPremium != 0 {
		score += 10
	}
	if p.callbacks > 0 {
		score += 5
	}
	score = clamp(score)
	if score < e.cfg.SuspectScore {
		return
	}
	reasons := []string{
		fmt.Sprintf("%d calls to %d callees in %s from an international number", p.calls, p.distinct, e.windowText()),
		fmt.Sprintf("%d%% unanswered (0 s)", pct(p.zero, p.calls)),
		fmt.Sprintf("up to %d calls in one hour", p.burst),
	}
	if l.kind&kPremium != 0 {
		reasons = append(reasons, "premium-rate number")
	}
	if p.callbacks > 0 {
		reasons = append(reasons, fmt.Sprintf("%d callees called back", p.callbacks))
	}
	e.flag(l, dWangiri, score, reasons, p.first)
}

// cellCandidate notes a line that behaves like one port of a SIM box:
// only outgoing calls, to different people each time, at a machine's
// steady pace or mostly unanswered. A few such lines on one cell are a box.
func (e *Engine) cellCandidate(l *line, p *profile) {
	if l.cell == "" {
		return
	}
	regular := p.gaps >= 5 && p.gapCV <= 0.35
	cand := p.calls >= 6 && p.inCalls+p.inSMS == 0 && p.distinct*10 >= p.calls*8 &&
		(regular || float64(p.zero) >= 0.5*float64(p.calls))
	cs := e.cells[l.cell]
	if !cand {
		if cs != nil {
			delete(cs.lines, l)
		}
		return
	}
	if cs == nil {
		cs = &cellState{lines: make(map[*line]cellLine)}
		e.cells[l.cell] = cs
	}
	cs.lines[l] = cellLine{at: e.now, regular: regular, calls: p.calls}
	cut := e.cutoff()
	n, nReg, calls := 0, 0, 0
	for ml, cl := range cs.lines {
		if cl.at < cut || e.lineOf(ml.ind) != ml {
			delete(cs.lines, ml)
			continue
		}
		n++
		calls += cl.calls
		if cl.regular {
			nReg++
		}
	}
	if n < e.cfg.SIMBoxMinCellLines {
		return
	}
	score := 60 + 5*(n-e.cfg.SIMBoxMinCellLines)
	if nReg*2 >= n {
		score += 15
	}
	score = clamp(min(score, 95))
	reasons := []string{
		fmt.Sprintf("cell %s: %d SIMs with only outgoing calls in %s (%d calls, none received)", l.cell, n, e.windowText(), calls),
	}
	if nReg > 0 {
		reasons = append(reasons, fmt.Sprintf("%d of them dial at a machine-like steady pace (inter-call gap CV ≤ 0.35)", nReg))
	}
	for ml := range cs.lines {
		ml.expire(cut)
		first := uint32(0)
		if len(ml.out) > 0 {
			first = ml.out[0].t
		}
		e.flag(ml, dSIMBox, score, reasons, first)
	}
}

// noteDevice tracks the SIMs seen in one handset. A phone holds one or two;
// a SIM box cycles many, almost only calling out.
func (e *Engine) noteDevice(c CDR, l *line, t uint32) {
	d := l.dev
	if d == nil || d.gone || d.imei != c.CallerIMEI {
		// Not the handset of the line's last call: look it up.
		if d = e.devices[c.CallerIMEI]; d == nil {
			d = &device{imei: strings.Clone(c.CallerIMEI)}
			e.devices[d.imei] = d
		}
		l.dev = d
	}
	for i := range d.sims {
		if d.sims[i].l == l && d.sims[i].imsi == c.CallerIMSI {
			if t > d.sims[i].last {
				d.sims[i].last = t
			}
			d.calls++
			if len(d.sims) >= e.cfg.SIMBoxMinSIMs && (d.calls%8 == 0 || d.flagged && (l.sus == nil || l.sus.det[dSIMBox] == nil)) {
				e.checkDevice(c.CallerIMEI, d)
			}
			return
		}
	}
	if len(d.sims) >= 1024 {
		d.expire(e.cutoff())
		if len(d.sims) >= 1024 {
			return
		}
	}
	d.sims = append(d.sims, simSeen{l: l, imsi: strings.Clone(c.CallerIMSI), last: t})
	if len(d.sims) >= e.cfg.SIMBoxMinSIMs {
		e.checkDevice(c.CallerIMEI, d)
	}
}

func (e *Engine) checkDevice(imei string, d *device) {
	cut := e.cutoff()
	d.expire(cut)
	imsis := make(map[string]bool, len(d.sims))
	lines := make(map[*line]bool, len(d.sims))
	for _, s := range d.sims {
		if s.imsi != "" {
			imsis[s.imsi] = true
		}
		lines[s.l] = true
	}
	n := max(len(imsis), len(lines))
	if n < e.cfg.SIMBoxMinSIMs {
		return
	}
	out, in := 0, 0
	for l := range lines {
		l.expire(cut)
		for _, x := range l.out {
			if !x.sms() {
				out++
			}
		}
		in += len(l.in)
	}
	if out < 10 || in*4 >= out+in {
		return // a phone shared by a family, or SIMs being tested
	}
	d.flagged = true
	score := clamp(min(60+5*(n-e.cfg.SIMBoxMinSIMs)+10, 95))
	if in == 0 {
		score = min(score+5, 95)
	}
	reasons := []string{
		fmt.Sprintf("IMEI %s carried %d SIMs (%d numbers) in %s", imei, n, len(lines), e.windowText()),
		fmt.Sprintf("%d outgoing calls, %d received", out, in),
	}
	for l := range lines {
		first := uint32(0)
		if len(l.out) > 0 {
			first = l.out[0].t
		}
		e.flag(l, dSIMBox, score, reasons, first)
	}
}

// learnTrunk counts the foreign traffic on each trunk: a trunk that mostly
// carries foreign numbers or origins is an international gateway even when
// its name does not say so.
func (e *Engine) learnTrunk(c CDR, caller *line) {
	if c.Trunk == "" {
		return
	}
	ts := e.trunks[c.Trunk]
	if ts == nil {
		ts = &trunkStat{}
		e.trunks[strings.Clone(c.Trunk)] = ts
	}
	ts.total++
	if (c.OriginCountry != "" && c.OriginCountry != e.cfg.DefaultRegion) || caller.kind&(kDomestic|kShort) == 0 {
		ts.foreign++
	}
}

func (e *Engine) intlTrunk(name string) bool {
	if name == "" {
		return false
	}
	if e.intl[name] {
		return true
	}
	ts := e.trunks[name]
	if ts != nil && ts.total >= 20 && ts.foreign*2 >= ts.total {
		return true
	}
	if ts != nil && ts.named != 0 { // the name was read before
		return ts.named > 0
	}
	named := intlName(name)
	if ts != nil {
		ts.named = -1
		if named {
			ts.named = 1
		}
	}
	return named
}

// intlName reports whether a trunk's name says it is international.
func intlName(name string) bool {
	for _, tok := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) {
		tok = strings.TrimRight(tok, "0123456789")
		switch tok {
		case "int", "intl", "international", "igw", "isc", "overseas", "foreign", "iddgw":
			return true
		}
	}
	return false
}

// spoofed reports whether a call shows a domestic caller ID yet entered the
// network from abroad without a domestic SIM: a roaming subscriber brings
// their home SIM (IMSI of a home MCC), a spoofing gateway does not.
func (e *Engine) spoofed(c CDR, caller *line) bool {
	if caller.kind&kDomestic == 0 {
		return false
	}
	foreign := c.OriginCountry != "" && c.OriginCountry != e.cfg.DefaultRegion
	if !foreign && !e.intlTrunk(c.Trunk) {
		return false
	}
	for _, m := range e.homeMCC {
		if strings.HasPrefix(c.CallerIMSI, m) {
			return false
		}
	}
	return true
}

func (e *Engine) noteSpoof(l *line, c CDR, t uint32) {
	if len(l.spoofs) >= maxSpoofs {
		copy(l.spoofs, l.spoofs[1:])
		l.spoofs = l.spoofs[:len(l.spoofs)-1]
	}
	l.spoofs = append(l.spoofs, spoofEv{t: t, origin: strings.Clone(c.OriginCountry), trunk: strings.Clone(c.Trunk), imsi: strings.Clone(c.CallerIMSI)})
	n := len(l.spoofs)
	l.spoofN++
	if n >= 8 && l.sus != nil && l.sus.det[dSpoof] != nil && l.spoofN%8 != 0 {
		return // already flagged: fresh figures every eighth call
	}
	e.scoreSpoof(l)
}

// scoreSpoof scores a line from the spoofed calls in its window.
func (e *Engine) scoreSpoof(l *line) {
	l.expire(e.cutoff())
	n := len(l.spoofs)
	if n == 0 {
		return
	}
	// A number also used normally (not from abroad) may be a real subscriber
	// roaming without SIM data in the records: ask for a second call.
	home := 0
	for _, x := range l.out {
		if !x.sms() && !x.spoof() {
			home++
		}
	}
	score := 48 + 14*n
	if home > 0 {
		score -= 12
	}
	score = clamp(min(score, 95))
	if score < e.cfg.SuspectScore {
		return
	}
	origins, trunks := map[string]bool{}, map[string]bool{}
	noIMSI := 0
	for _, s := range l.spoofs {
		if s.origin != "" {
			origins[s.origin] = true
		}
		if s.trunk != "" {
			trunks[s.trunk] = true
		}
		if s.imsi == "" {
			noIMSI++
		}
	}
	via := []string{}
	if len(origins) > 0 {
		via = append(via, "origin "+strings.Join(sortedKeys(origins), "/"))
	}
	if len(trunks) > 0 {
		via = append(via, "trunk "+strings.Join(sortedKeys(trunks), "/"))
	}
	count := itoa(n)
	if n == maxSpoofs {
		count = "at least " + count
	}
	reasons := []string{fmt.Sprintf("%s calls presenting this domestic number entered from abroad in %s (%s)", count, e.windowText(), strings.Join(via, ", "))}
	switch {
	case noIMSI == n:
		reasons = append(reasons, "no SIM of the caller in the records")
	case noIMSI == 0:
		reasons = append(reasons, "caller SIM of a foreign network (IMSI "+clip(l.spoofs[n-1].imsi[:min(5, len(l.spoofs[n-1].imsi))])+"…)")
	}
	if home > 0 {
		reasons = append(reasons, fmt.Sprintf("%d other calls from the number at home", home))
	}
	e.flag(l, dSpoof, score, reasons, l.spoofs[0].t)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return out
}

// knownRecheck is how often, in stream seconds, the registry is asked
// again about a number already asked about.
const knownRecheck = 3600

// checkKnown asks the registry about a number it has not asked about
// recently; a known indicator with risk is a suspect, so its contacts get
// warnings.
func (e *Engine) checkKnown(l *line) {
	if l.knownAt != 0 && e.now < l.knownAt-1+knownRecheck {
		return
	}
	l.knownAt = e.now + 1
	if l.sus != nil && l.sus.mask&^(1<<dKnown) != 0 {
		// The line's own traffic flagged it already, and its suspects land
		// in the registry: asking would find this engine's own verdict.
		return
	}
	risk, ok := e.cfg.Known.Risk(l.ind)
	if !ok || risk < e.cfg.KnownMinRisk {
		return
	}
	l.expire(e.cutoff())
	peers := map[uint32]bool{}
	for _, x := range l.out {
		peers[x.peer] = true
	}
	for _, x := range l.in {
		peers[x.peer] = true
	}
	score := risk
	switch {
	case len(peers) >= 20:
		score += 10
	case len(peers) >= 5:
		score += 5
	}
	reasons := []string{
		fmt.Sprintf("known to the registry with risk %d", risk),
		fmt.Sprintf("%d calls and SMS with %d numbers in %s", len(l.out)+len(l.in), len(peers), e.windowText()),
	}
	first := uint32(0)
	if len(l.out) > 0 {
		first = l.out[0].t
	}
	if len(l.in) > 0 && (first == 0 || l.in[0].t < first) {
		first = l.in[0].t
	}
	e.flag(l, dKnown, clamp(score), reasons, first)
}

// flag records a detector's verdict on a line: a new suspect, or fresh
// figures for a known one. The first verdict raises warnings for the
// contacts the line had in the window before it was identified.
func (e *Engine) flag(l *line, d detector, score int, reasons []string, first uint32) {
	ls := l.sus
	if ls == nil {
		ls = &lineSuspect{ind: l.ind, last: l.last}
		e.flagged[l.ind] = ls
		l.sus = ls
	}
	if l.last > ls.last {
		ls.last = l.last
	}
	if s := ls.det[d]; s != nil {
		if score >= s.Score || score >= e.cfg.SuspectScore {
			s.Score = max(s.Score, score)
			s.Reasons = reasons
		}
		return
	}
	s := &Suspect{Indicator: l.ind, Score: score, Detector: detectorNames[d], Reasons: reasons, FirstSeen: e.abs(first), LastSeen: e.abs(ls.last)}
	ls.det[d] = s
	ls.mask |= 1 << d
	e.newSus = append(e.newSus, *s)
	full := ls.mask != 1<<dSpoof
	if ls.contacts == nil || (full && !ls.full) {
		e.rebuildContacts(l, ls, full)
	}
}
