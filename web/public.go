package web

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/registry"
)

// publicCheck answers GET /public/v1/check?q=…[&kind=][&lang=zh]: a verdict
// the public can act on, built only from CLEAR signals, with the scam types
// and advice — never who reported, never personal data.
func (s *Server) publicCheck(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q := r.URL.Query()
	ind, err := s.parseQuery(q.Get("q"), q.Get("kind"))
	if err != nil {
		return withField(err, "q")
	}
	sum, _ := s.registry.Lookup(ind, p)
	lang := "en"
	if strings.HasPrefix(q.Get("lang"), "zh") {
		lang = "zh"
	}
	typologies := sum.Typologies()
	out := map[string]any{
		"kind": ind.Kind().String(), "value": ind.Value(),
		"verdict": sum.Verdict(), "typologies": typologies, "reports": sum.Reports,
		"summary": verdictText[lang][sum.Verdict()],
		"advice":  advice(lang, sum.Verdict(), typologies),
	}
	if t := sum.Last(); sum.Signals > 0 && !t.IsZero() {
		out["last_reported"] = t.Format("2006-01-02")
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// publicRange answers GET /public/v1/range/{prefix}: the k-anonymity
// lookup. An app hashes the normalised indicator ("phone:+8613800138000")
// with SHA-256, sends the first five hex digits, and compares the full
// hashes it gets back: fanzha never learns which indicator was checked.
func (s *Server) publicRange(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	hexPrefix := strings.ToLower(r.PathValue("prefix"))
	v, err := strconv.ParseUint(hexPrefix, 16, 32)
	if len(hexPrefix) != 5 || err != nil {
		return errorf(CodeInvalid, "prefix", "want the first 5 hex digits of the SHA-256 of the normalised indicator")
	}
	type match struct {
		Hash       string   `json:"hash"`
		Verdict    string   `json:"verdict"`
		Typologies []string `json:"typologies,omitempty"`
	}
	matches := []match{}
	for _, m := range s.registry.Index().Range(uint32(v), s.registry.Now()) {
		h := m.Indicator.Hash()
		matches = append(matches, match{hex.EncodeToString(h[:]), m.Summary.Verdict(), m.Summary.Typologies()})
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{"prefix": hexPrefix, "matches": matches})
	return nil
}

var verdictText = map[string]map[string]string{
	"en": {
		registry.VerdictReported:   "This has been reported as used in scams.",
		registry.VerdictSuspicious: "There are reports about this. Be careful.",
		registry.VerdictNoReports:  "No reports about this yet. That does not prove it is safe.",
	},
	"zh": {
		registry.VerdictReported:   "该号码/链接/账户已被举报用于诈骗。",
		registry.VerdictSuspicious: "已有关于它的举报，请提高警惕。",
		registry.VerdictNoReports:  "暂无相关举报，但这并不代表它一定安全。",
	},
}

var generalAdvice = map[string][]string{
	"en": {
		"Do not transfer money to anyone you only know by phone or online.",
		"Police, courts and banks never ask you to move money to a \"safe account\".",
		"If you have paid, call your bank and the anti-fraud hotline 96110 at once: money can often be stopped in the first hour.",
	},
	"zh": {
		"不要向只在电话或网上认识的人转账。",
		"公检法机关和银行从不要求把钱转到“安全账户”。",
		"如已转账，请立即联系银行并拨打反诈专线96110：第一时间止付往往能追回资金。",
	},
}

var typologyAdvice = map[string]map[string]string{
	"en": {
		"task_scam":                  "Paid \"tasks\" such as liking videos or boosting shop orders that ask you to advance money are scams.",
		"fake_job":                   "Real employers never ask for deposits, fees or your bank card; offers to work abroad for high pay may be trafficking.",
		"investment":                 "Platforms promising high, sure returns — often recommended by an online friend or \"mentor\" — are scams.",
		"loan":                       "Genuine lenders do not charge fees, deposits or \"unfreezing\" payments before a loan.",
		"customer_service":           "Shops and couriers never ask you to pay or share screens to get a refund; call the official number yourself.",
		"impersonation_official":     "Police and prosecutors never handle cases by phone or ask you to transfer money.",
		"credit_repair":              "No one can \"repair\" or \"delete\" a credit record for a fee.",
		"romance":                    "An online partner you have never met who talks about money or investments is a classic scam.",
		"impersonation_acquaintance": "If a boss or relative asks for money by message, call them on a number you already know.",
		"game_trade":                 "Trade game items only on the game's official platform.",
		"phishing":                   "Do not enter passwords or card codes on links received by message.",
	},
	"zh": {
		"task_scam":                  "“点赞”“刷单”等需要先垫付的兼职任务都是诈骗。",
		"fake_job":                   "正规招聘不会收取押金、费用或索要银行卡；高薪出境务工可能涉及诈骗或贩卖人口。",
		"investment":                 "网友或“导师”推荐的高收益、稳赚不赔的投资平台都是诈骗。",
		"loan":                       "正规贷款在放款前不会收取手续费、保证金或“解冻费”。",
		"customer_service":           "商家和快递不会要求您付款或共享屏幕来退款，请自行拨打官方电话核实。",
		"impersonation_official":     "公检法机关不会通过电话办案，也不会要求转账。",
		"credit_repair":              "任何人都无法收费“修复”或“消除”征信记录。",
		"romance":                    "从未见面的网友谈钱、谈投资，就是典型的诈骗。",
		"impersonation_acquaintance": "领导或亲友通过消息借钱，请用您已知的号码打电话核实。",
		"game_trade":                 "游戏装备请只在官方平台交易。",
		"phishing":                   "不要在短信或消息中的链接里输入密码或验证码。",
	},
}

func advice(lang, verdict string, typologies []string) []string {
	var out []string
	for _, t := range typologies {
		if a, ok := typologyAdvice[lang][t]; ok {
			out = append(out, a)
		}
	}
	return append(out, generalAdvice[lang]...)
}
