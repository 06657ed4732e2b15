// Package simulate generates a seeded, realistic counter-fraud scenario with
// its ground truth: organisations of every sector, fraud rings with the
// numbers, sites, mule accounts and wallets they use, the signals each
// organisation would submit about them, and the reports their victims file.
// The same seed always gives the same scenario, so the demo, tests and
// benchmarks can rely on it.
package simulate

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/mr-tron/base58"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/registry"
)

// Org is an organisation of the scenario and the tokens it gets.
type Org struct {
	Name   string
	Sector auth.Sector
	Region string // ISO 3166-2 area it answers for; "" nationwide
	Roles  []auth.Role
}

// Submission is one organisation's batch of signals in the FORMATS.md
// `indicator` CSV shape, as its systems would send it.
type Submission struct {
	Org string
	CSV []byte
}

// Report is a victim's report, filed by an organisation or (Org == "")
// through the public portal.
type Report struct {
	Org    string
	Report registry.Report
}

// Ring is the ground truth of one fraud ring.
type Ring struct {
	Name     string
	Typology string
	Phones   []string
	Domains  []string
	URLs     []string
	Accounts []string
	Wallets  []string // TRON USDT addresses
	ETH      []string
	Handles  []string // Telegram
	Victims  int
	LossYuan int
}

// Scenario is everything the demo loads.
type Scenario struct {
	Orgs        []Org
	Submissions []Submission
	Reports     []Report
	Rings       []Ring
	Benign      []string // indicators that appear in a false report only
}

var orgs = []Org{
	{"Shanghai Public Security Bureau", auth.Police, "CN-SH", []auth.Role{auth.Admin, auth.Supervisor, auth.Analyst}},
	{"Jiangsu Anti-Fraud Centre", auth.Police, "CN-JS", []auth.Role{auth.Analyst}},
	{"National Anti-Fraud Centre", auth.Police, "", []auth.Role{auth.Supervisor}},
	{"Bank of Huadong", auth.Finance, "", []auth.Role{auth.Analyst, auth.Contributor}},
	{"Yangtze Pay", auth.Finance, "", []auth.Role{auth.ReadOnly}},
	{"Eastern Mobile", auth.Telecom, "", []auth.Role{auth.Analyst, auth.Contributor}},
	{"Netlink Chat", auth.Internet, "", []auth.Role{auth.Analyst}},
	{"Shanghai People's Procuratorate", auth.Judicial, "", []auth.Role{auth.Analyst}},
	{"Financial Regulatory Office", auth.Regulator, "", []auth.Role{auth.Admin}},
}

// ringPlans are the shapes of fraud seen in China and South-East Asia.
var ringPlans = []struct {
	name, typology, country  string
	narrativeZH, narrativeEN string
}{
	{"Mekong task-scam crew", "task_scam", "63", "对方在群里说点赞返佣金，前几单返了钱，后来让我做“联单任务”垫付，一共转了%d元后无法提现。", "They paid me for liking videos, then asked me to advance money for 'combined tasks'; I sent %d yuan and could not withdraw."},
	{"Golden Triangle pig-butchering", "investment", "95", "网上认识的“导师”带我在平台上买USDT理财，显示盈利但提现要交税，共损失%d元。", "An online 'mentor' had me invest in USDT on a platform; it showed profits but withdrawing required 'tax'. Lost %d yuan."},
	{"Fake customer-service line", "customer_service", "86", "自称快递客服说包裹丢失要理赔，让我下载会议软件共享屏幕，被转走%d元。", "A 'courier customer service' caller said my parcel was lost, had me share my screen, and %d yuan was taken."},
	{"Fake police callers", "impersonation_official", "855", "对方冒充公安说我涉嫌洗钱，要求把钱转到“安全账户”配合调查，转了%d元。", "Callers posing as police said I was suspected of money laundering and told me to move %d yuan to a 'safe account'."},
	{"Loan-fee ring", "loan", "86", "网贷平台说我银行卡号填错被冻结，要交解冻费，前后交了%d元也没放款。", "A loan app said my card number was wrong and the loan frozen; I paid %d yuan in 'unfreezing fees' and got nothing."},
	{"Overseas job recruiters", "fake_job", "66", "招聘广告说去泰国做客服月薪三万，让先交%d元培训费和机票押金。", "A job ad offered 30,000 a month for customer service in Thailand and asked %d yuan for training and a ticket deposit."},
	{"Boss-impersonation group", "impersonation_acquaintance", "86", "微信上“领导”让我先给合作方转%d元，后来发现是假冒的。", "My 'boss' on WeChat asked me to pay a partner %d yuan; it was an impostor."},
	{"Credit-repair callers", "credit_repair", "86", "对方说能帮我消除征信逾期记录，先收服务费%d元。", "They said they could erase late payments from my credit record for a %d yuan fee."},
}

// Generate makes the scenario for seed, with signals dated before now.
func Generate(seed uint64, now time.Time) Scenario {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: now}
	sc := Scenario{Orgs: orgs}
	for _, plan := range ringPlans {
		sc.Rings = append(sc.Rings, g.ring(plan.name, plan.typology, plan.country))
	}
	for i, ring := range sc.Rings {
		plan := ringPlans[i]
		victims := 6 + g.r.IntN(14)
		sc.Rings[i].Victims = victims
		for v := 0; v < victims; v++ {
			rep, loss := g.victimReport(ring, plan.narrativeZH, plan.narrativeEN, v)
			sc.Rings[i].LossYuan += loss
			org := ""
			if g.r.IntN(3) == 0 {
				org = orgs[g.r.IntN(2)].Name // filed at a police station
			}
			sc.Reports = append(sc.Reports, Report{Org: org, Report: rep})
		}
	}
	// A careless or malicious report about a real business: one report must
	// not make it "reported scam".
	benign := "+8602150000000"
	sc.Benign = []string{benign}
	sc.Reports = append(sc.Reports, Report{Report: registry.Report{
		Time: now.Add(-30 * time.Hour), Region: "CN-SH", Typology: "other",
		Narrative: "这家店的电话一直打不通，感觉像骗子。",
		Contacts:  []registry.Contact{{Kind: "phone", Value: benign}},
	}})
	sc.Submissions = g.submissions(sc.Rings)
	return sc
}

type gen struct {
	r   *rand.Rand
	now time.Time
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// phone returns a number as fraud lines present it: mobile ranges of the
// ring's base country, or domestic numbers spoofed through gateways.
func (g *gen) phone(country string) string {
	switch country {
	case "63": // Philippines mobile
		return "+63 9" + g.digits(2) + " " + g.digits(3) + " " + g.digits(4)
	case "95": // Myanmar mobile
		return "+95 9" + g.digits(9)
	case "855": // Cambodia mobile
		return "+855 " + []string{"12", "17", "77", "92"}[g.r.IntN(4)] + g.digits(6)
	case "66": // Thailand mobile
		return "+66 " + []string{"8", "9", "6"}[g.r.IntN(3)] + g.digits(8)
	default: // a Chinese mobile, written the way victims write it
		n := "1" + []string{"38", "39", "50", "58", "77", "86", "70", "71"}[g.r.IntN(8)] + g.digits(8)
		switch g.r.IntN(3) {
		case 0:
			return n[:3] + "-" + n[3:7] + "-" + n[7:]
		case 1:
			return "+86 " + n
		}
		return n
	}
}

var tlds = []string{"top", "vip", "xyz", "cc", "shop", "icu", "com"}
var words = []string{"task", "earn", "bonus", "vip", "invest", "usdt", "gold", "loan", "fast", "kefu", "refund", "job", "career", "secure", "police", "credit", "gift"}

func (g *gen) domain() string {
	w := words[g.r.IntN(len(words))] + words[g.r.IntN(len(words))] + strconv.Itoa(g.r.IntN(900)+100)
	return w + "." + tlds[g.r.IntN(len(tlds))]
}

// account is a domestic debit card number with a valid Luhn digit, as mule
// accounts are usually given to victims.
func (g *gen) account() string {
	prefix := []string{"622202", "621700", "622848", "621226", "622588"}[g.r.IntN(5)]
	body := prefix + g.digits(12)
	return body + luhnDigit(body)
}

func luhnDigit(s string) string {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return strconv.Itoa((10 - sum%10) % 10)
}

// tron returns a TRON address: base58check of 0x41 and 20 random bytes.
func (g *gen) tron() string {
	payload := make([]byte, 21, 25)
	payload[0] = 0x41
	for i := 1; i < 21; i++ {
		payload[i] = byte(g.r.IntN(256))
	}
	first := sha256.Sum256(payload)
	second := sha256.Sum256(first[:])
	return base58.Encode(append(payload, second[:4]...))
}

// eth returns a lower-case Ethereum address (the registry adds EIP-55).
func (g *gen) eth() string {
	const hex = "0123456789abcdef"
	b := make([]byte, 40)
	for i := range b {
		b[i] = hex[g.r.IntN(16)]
	}
	return "0x" + string(b)
}

func (g *gen) ring(name, typology, country string) Ring {
	r := Ring{Name: name, Typology: typology}
	for range 3 + g.r.IntN(5) {
		r.Phones = append(r.Phones, g.phone(country))
	}
	for range 1 + g.r.IntN(3) {
		d := g.domain()
		r.Domains = append(r.Domains, d)
		r.URLs = append(r.URLs, "https://"+d+"/"+[]string{"apply", "login", "task", "download/app.apk", "kefu"}[g.r.IntN(5)])
	}
	for range 2 + g.r.IntN(4) {
		r.Accounts = append(r.Accounts, g.account())
	}
	if typology == "investment" || typology == "task_scam" || g.r.IntN(3) == 0 {
		for range 1 + g.r.IntN(3) {
			r.Wallets = append(r.Wallets, g.tron())
		}
		r.ETH = append(r.ETH, g.eth())
	}
	r.Handles = append(r.Handles, "@"+words[g.r.IntN(len(words))]+"_"+g.digits(4)+"_kefu")
	return r
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) victimReport(ring Ring, zh, en string, n int) (registry.Report, int) {
	when := g.now.Add(-time.Duration(g.r.IntN(20*24)+1) * time.Hour)
	loss := (g.r.IntN(190) + 10) * 500
	narrative := fmt.Sprintf(zh, loss)
	if g.r.IntN(4) == 0 {
		narrative = fmt.Sprintf(en, loss)
	}
	rep := registry.Report{
		ID:        fmt.Sprintf("R-%s-%s-%03d", when.Format("20060102"), strings.ToUpper(ring.Typology[:3]), n),
		Time:      when,
		Region:    []string{"CN-SH", "CN-JS", "CN-ZJ", "CN-GD", "CN-SC"}[g.r.IntN(5)],
		Typology:  ring.Typology,
		Narrative: narrative,
		Loss:      &registry.Money{Amount: strconv.Itoa(loss) + ".00", Currency: "CNY"},
		Contacts:  []registry.Contact{{Kind: "phone", Value: g.pick(ring.Phones), Time: when.Add(-2 * time.Hour)}},
		Reporter:  &registry.Reporter{Name: []string{"王芳", "李强", "张伟", "Chen Jing", "刘洋"}[g.r.IntN(5)], Phone: "139" + g.digits(8)},
	}
	if g.r.IntN(2) == 0 {
		rep.Contacts = append(rep.Contacts, registry.Contact{Kind: "url", Value: g.pick(ring.URLs)})
	}
	if g.r.IntN(3) == 0 {
		rep.Contacts = append(rep.Contacts, registry.Contact{Kind: "telegram", Value: g.pick(ring.Handles)})
	}
	paid := 0
	for p := 0; p < 1+g.r.IntN(3) && paid < loss; p++ {
		amt := min(loss-paid, (g.r.IntN(loss/500)+1)*500)
		paid += amt
		pay := registry.Payment{Time: when.Add(time.Duration(p) * time.Hour), Amount: strconv.Itoa(amt) + ".00", Currency: "CNY",
			Rail: "bank", From: "6222" + g.digits(12), To: g.pick(ring.Accounts), ToInstitution: "Bank of Huadong"}
		if len(ring.Wallets) > 0 && g.r.IntN(3) == 0 {
			pay = registry.Payment{Time: pay.Time, Amount: pay.Amount, Currency: "USDT", Rail: "tron", To: g.pick(ring.Wallets)}
		}
		rep.Payments = append(rep.Payments, pay)
	}
	return rep, loss
}

// submissions are what each sector's systems and analysts would send.
func (g *gen) submissions(rings []Ring) []Submission {
	rows := map[string][][]string{}
	add := func(org, kind, value, typology, conf, source, evidence, tlp string, seen time.Time, expires time.Duration) {
		exp := ""
		if expires > 0 {
			exp = seen.Add(expires).Format(time.RFC3339)
		}
		rows[org] = append(rows[org], []string{kind, value, typology, conf, source, evidence,
			seen.Add(-48 * time.Hour).Format(time.RFC3339), seen.Format(time.RFC3339), exp, tlp})
	}
	ago := func(maxHours int) time.Time { return g.now.Add(-time.Duration(g.r.IntN(maxHours)+1) * time.Hour) }
	for i, r := range rings {
		caseRef := fmt.Sprintf("case:SH-2026-%04d", 100+i)
		for _, p := range r.Phones {
			// The operator's detectors see mass outreach from every line.
			add("Eastern Mobile", "phone", p, r.Typology, strconv.FormatFloat(0.55+g.r.Float64()*0.35, 'f', 2, 64), "detector:mass_outreach", "", "GREEN", ago(72), 30*24*time.Hour)
			if g.r.IntN(2) == 0 {
				add("Shanghai Public Security Bureau", "phone", p, r.Typology, "high", "analyst", caseRef, "CLEAR", ago(120), 0) // published as a public warning
			}
		}
		for _, d := range r.Domains {
			add("Netlink Chat", "domain", d, r.Typology, "medium", "detector:link_scan", "", "CLEAR", ago(240), 0)
		}
		for _, u := range r.URLs {
			add("Netlink Chat", "url", u, r.Typology, "high", "moderator", "", "GREEN", ago(240), 0)
		}
		for j, a := range r.Accounts {
			add("Bank of Huadong", "card", a, r.Typology, "0.7", "detector:pass_through", "", "AMBER", ago(200), 0)
			if j == 0 {
				add("Shanghai Public Security Bureau", "card", a, r.Typology, "confirmed", "investigation", caseRef, "GREEN", ago(100), 0)
			}
		}
		for _, w := range r.Wallets {
			add("Jiangsu Anti-Fraud Centre", "tron", w, r.Typology, "high", "trace", caseRef, "GREEN", ago(300), 0)
		}
		for _, e := range r.ETH {
			add("Jiangsu Anti-Fraud Centre", "eth", e, r.Typology, "medium", "trace", caseRef, "AMBER+STRICT", ago(300), 0)
		}
		for _, h := range r.Handles {
			add("Netlink Chat", "telegram", h, r.Typology, "medium", "user_reports", "", "GREEN", ago(150), 0)
		}
	}
	// One expired signal: a number the operator flagged long ago, since
	// reassigned to an ordinary subscriber.
	add("Eastern Mobile", "phone", "+8613700000000", "other", "0.5", "detector:mass_outreach", "", "GREEN", g.now.Add(-90*24*time.Hour), 30*24*time.Hour)
	var subs []Submission
	for _, o := range orgs {
		rs := rows[o.Name]
		if len(rs) == 0 {
			continue
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write([]string{"kind", "value", "typology", "confidence", "source", "evidence", "first_seen", "last_seen", "expires", "tlp"})
		w.WriteAll(rs)
		subs = append(subs, Submission{Org: o.Name, CSV: buf.Bytes()})
	}
	return subs
}
