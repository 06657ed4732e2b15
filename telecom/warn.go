package telecom

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

// contactAgg sums up what passed between one subscriber and one suspect.
type contactAgg struct {
	first, last uint32
	contacts    int    // calls and SMS either way
	answered    int    // answered calls either way
	longest     uint32 // longest answered call, seconds
	talk        uint32 // total conversation, seconds
	callbacks   int    // answered calls from the subscriber to the suspect
	tries       int    // unanswered calls from the subscriber to the suspect
	smsFrom     int    // SMS from the subscriber to the suspect
}

type pairKey struct{ subscriber, suspect indicator.Indicator }

type warnState struct {
	w Warning
}

// counts reports whether x between a suspect and a subscriber is evidence
// for a warning. For a line flagged only as a spoofed caller ID, only the
// calls presented from abroad are the scammer's: calls back reach the real
// owner of the number, and so do the owner's own calls.
func counts(s *lineSuspect, x ev, suspectCalled bool) bool {
	return s.full || (suspectCalled && x.spoof())
}

// contact notes a new record between a suspect line and a peer.
func (e *Engine) contact(s *lineSuspect, peer *line, x ev, suspectCalled bool) {
	if peer.kind&kShort != 0 || peer.sus != nil || s.contacts == nil || !counts(s, x, suspectCalled) {
		return
	}
	a := s.contacts[peer.ind]
	if a == nil {
		a = &contactAgg{first: x.t}
		s.contacts[peer.ind] = a
	}
	a.add(x, suspectCalled)
	e.warn(s, peer.ind, a)
}

func (a *contactAgg) add(x ev, suspectCalled bool) {
	if x.t < a.first {
		a.first = x.t
	}
	if x.t > a.last {
		a.last = x.t
	}
	a.contacts++
	switch {
	case x.sms():
		if !suspectCalled {
			a.smsFrom++
		}
	case x.dur() > 0:
		d := x.dur()
		a.answered++
		a.talk += d
		a.longest = max(a.longest, d)
		if !suspectCalled {
			a.callbacks++
		}
	case !suspectCalled:
		a.tries++
	}
}

// rebuildContacts sums up a newly flagged line's contacts in the window, so
// that the people it reached before it was identified are warned too.
func (e *Engine) rebuildContacts(l *line, s *lineSuspect, full bool) {
	s.full = full
	s.contacts = make(map[indicator.Indicator]*contactAgg)
	l.expire(e.cutoff())
	for pass, evs := range [2][]ev{l.out, l.in} {
		suspectCalled := pass == 0
		for _, x := range evs {
			p := e.at(x.peer)
			if p.kind&kShort != 0 || p.sus != nil || !counts(s, x, suspectCalled) {
				continue
			}
			a := s.contacts[p.ind]
			if a == nil {
				a = &contactAgg{first: x.t}
				s.contacts[p.ind] = a
			}
			a.add(x, suspectCalled)
		}
	}
	subs := make([]indicator.Indicator, 0, len(s.contacts))
	for sub := range s.contacts {
		subs = append(subs, sub)
	}
	// A stable order, so that Drain lists warnings the same way every run.
	sort.Slice(subs, func(i, j int) bool {
		return s.contacts[subs[i]].first < s.contacts[subs[j]].first || s.contacts[subs[i]].first == s.contacts[subs[j]].first && subs[i].Value() < subs[j].Value()
	})
	for _, sub := range subs {
		e.warn(s, sub, s.contacts[sub])
	}
}

// strength grades the contact between a subscriber and a suspect: how
// likely the subscriber is being scammed now. A long conversation is the
// strongest sign; calling the line back or being in touch again and again
// means the subscriber is engaged. A conversation of half a minute or more
// means the subscriber listened: the opening of most scripts, so a low
// warning; so is calling the line back unanswered. A call hung up within
// seconds is what most people the line reaches have, and is not warned about.
func (e *Engine) strength(a *contactAgg) (int, []string) {
	high := uint32(e.cfg.HighCall / time.Second)
	med := uint32(e.cfg.MediumCall / time.Second)
	low := uint32(e.cfg.LowCall / time.Second)
	str := 0
	var why []string
	if a.longest >= low {
		why = append(why, "answered a call of "+secs(a.longest))
	}
	if a.answered >= 2 {
		why = append(why, fmt.Sprintf("%d answered calls, %s in all", a.answered, secs(a.talk)))
	}
	if a.callbacks > 0 {
		why = append(why, fmt.Sprintf("called the line back %d times", a.callbacks))
		if a.callbacks == 1 {
			why[len(why)-1] = "called the line back"
		}
	}
	if a.tries > 0 && a.callbacks == 0 {
		why = append(why, fmt.Sprintf("tried to call the line back %d times", a.tries))
		if a.tries == 1 {
			why[len(why)-1] = "tried to call the line back"
		}
	}
	if a.smsFrom > 0 {
		why = append(why, fmt.Sprintf("sent it %d SMS", a.smsFrom))
	}
	for _, r := range [...]struct {
		ok bool
		v  int
	}{
		{a.longest >= high, 90},
		{a.talk >= 2*high, 85},
		{a.answered >= 3, 80},
		{a.callbacks >= 2, 80},
		{a.longest >= med, 65},
		{a.callbacks >= 1, 60},
		{a.answered >= 2, 55},
		{a.longest >= low, 45},
		{a.tries >= 1, 40},
		{a.smsFrom >= 1, 40},
	} {
		if r.ok && r.v > str {
			str = r.v
		}
	}
	return str, why
}

func grade(strength int) string {
	switch {
	case strength >= 80:
		return GradeHigh
	case strength >= 55:
		return GradeMedium
	case strength >= 35:
		return GradeLow
	}
	return ""
}

// warn raises or escalates the warning for (sub, s) from its contacts.
func (e *Engine) warn(s *lineSuspect, sub indicator.Indicator, a *contactAgg) {
	str, why := e.strength(a)
	g := grade(str)
	if g == "" {
		return
	}
	k := pairKey{sub, s.ind}
	ws := e.warns[k]
	if ws != nil && gradeRank(ws.w.Grade) >= gradeRank(g) {
		return
	}
	b := s.best()
	reason := strings.Join(why, "; ")
	if b != nil {
		reason += fmt.Sprintf("; the line is flagged by %s (score %d)", b.Detector, b.Score)
		if len(b.Reasons) > 0 {
			reason += ": " + b.Reasons[0]
		}
	}
	w := Warning{
		Subscriber:   sub,
		Suspect:      s.ind,
		FirstContact: e.abs(a.first),
		Score:        clamp((str*6 + s.score()*4) / 10),
		Grade:        g,
		Reason:       reason,
	}
	if ws == nil {
		ws = &warnState{}
		e.warns[k] = ws
	}
	ws.w = w
	e.newWarn = append(e.newWarn, w)
}

// Exposure lists a subscriber's calls and SMS with current suspects since
// a time (at most one window back), oldest first: what a bank asks before
// releasing a large transfer. None means no contact with a known suspect.
func (e *Engine) Exposure(subscriber indicator.Indicator, since time.Time) []Contact {
	l := e.lineOf(subscriber)
	if l == nil || !e.started {
		return nil
	}
	from := e.cutoff()
	if r, ok := e.rel(since); ok && r > from {
		from = r
	} else if !ok && since.Unix() > e.base {
		return nil // after anything the engine holds
	}
	var out []Contact
	for pass, evs := range [2][]ev{l.out, l.in} {
		outgoing := pass == 0
		for _, x := range evs {
			s := e.at(x.peer).sus
			if x.t < from || s == nil || !counts(s, x, !outgoing) {
				continue
			}
			c := Contact{
				Suspect:   s.ind,
				Time:      e.abs(x.t),
				Outgoing:  outgoing,
				SMS:       x.sms(),
				Score:     s.score(),
				Detectors: s.detectors(),
			}
			if !x.sms() {
				c.Duration = time.Duration(x.dur()) * time.Second
			}
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}
