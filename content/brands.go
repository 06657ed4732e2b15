package content

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/fanzha/fanzha/indicator"
)

// Brand is an organisation whose customers fraudsters lure to lookalike
// domains: a bank, a payment app, an exchange, a police portal.
//
// Domains are the brand's own: each one and every name below it is never
// suspicious. They need not be registrable ("weixin.qq.com"), and a public
// suffix that only the brand's sector can register is allowed too ("gov.cn":
// only government bodies get names under it).
//
// Tokens are the short names the brand is known by, in lower case, without
// hyphens ("icbc", "bankofchina", "工行"). Lookalikes are searched for
// against them, not against whole domains, because a phishing domain keeps
// the name and changes the rest ("icbc-secure-login.top"). A token that is
// also an everyday word ("apple", "ledger", "indeed") is written with a
// leading "~": it still counts when it is imitated (app1e.com), but found
// inside a longer name (apple-pie-recipes.com) it counts only together with
// a lure word or a risky top-level domain.
type Brand struct {
	Name     string   // as people know it: "ICBC", "Alipay"
	Category string   // bank, payment, exchange, wallet, government, courier, jobs, ecommerce, tech, messaging …
	Domains  []string // official domains, the first the main one
	Tokens   []string // "icbc", "~apple", "支付宝"
}

// BrandColumns is the header of a brands CSV file: one row per official
// domain, the tokens of the brand (space-separated) on any of its rows,
// rows with the same brand name merged. A row may leave the domain empty to
// add tokens alone; a brand given no tokens at all is known by the first
// label of its main domain.
var BrandColumns = []string{"brand", "domain", "tokens", "category"}

// ReadBrands reads a brands CSV (brand,domain,tokens[,category]; the header
// row is optional; lines starting with '#' are comments). Errors name the
// line. The result is checked as NewChecker would check it.
func ReadBrands(r io.Reader) ([]Brand, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var out []Brand
	index := map[string]int{}
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("brands: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if strings.EqualFold(strings.TrimSpace(rec[0]), "brand") {
				continue
			}
		}
		for len(rec) < len(BrandColumns) {
			rec = append(rec, "")
		}
		name := strings.TrimSpace(rec[0])
		if name == "" {
			if strings.TrimSpace(strings.Join(rec, "")) == "" {
				continue // a blank row
			}
			return nil, fmt.Errorf("brands: line %d: no brand name", line)
		}
		key := strings.ToLower(name)
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Brand{Name: name})
		}
		b := &out[i]
		if d := strings.TrimSpace(rec[1]); d != "" {
			b.Domains = append(b.Domains, d)
		}
		b.Tokens = append(b.Tokens, strings.FieldsFunc(rec[2], func(r rune) bool {
			return r == ' ' || r == ';' || r == '|' || r == '\t'
		})...)
		if c := strings.TrimSpace(rec[3]); c != "" && b.Category == "" {
			b.Category = c
		}
	}
	for i := range out {
		if len(out[i].Tokens) == 0 && len(out[i].Domains) > 0 {
			if t := brandMainLabel(out[i].Domains[0]); t != "" {
				out[i].Tokens = []string{t}
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("brands: no brands in the file")
	}
	for _, b := range out {
		if _, err := checkBrand(b); err != nil {
			return nil, fmt.Errorf("brands: %w", err)
		}
	}
	return out, nil
}

// WriteBrands writes brands in the form ReadBrands reads: the tokens and the
// category on each brand's first row.
func WriteBrands(w io.Writer, brands []Brand) error {
	cw := csv.NewWriter(w)
	cw.Write(BrandColumns)
	for _, b := range brands {
		tokens := strings.Join(b.Tokens, " ")
		if len(b.Domains) == 0 {
			cw.Write([]string{b.Name, "", tokens, b.Category})
		}
		for i, d := range b.Domains {
			if i == 0 {
				cw.Write([]string{b.Name, d, tokens, b.Category})
			} else {
				cw.Write([]string{b.Name, d, "", ""})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// brandMainLabel is the label left of the public suffix ("icbc" of
// "icbc.com.cn"), the name a brand is known by when no token is given.
func brandMainLabel(domain string) string {
	d, err := normalizeBrandDomain(domain)
	if err != nil {
		return ""
	}
	reg, _ := publicsuffix.EffectiveTLDPlusOne(d)
	if reg == "" {
		return ""
	}
	l, _, _ := strings.Cut(reg, ".")
	l = strings.ReplaceAll(l, "-", "")
	if len(l) < 3 || strings.HasPrefix(l, "xn") {
		return ""
	}
	return l
}

// checkedBrand is a Brand in the form the Checker indexes.
type checkedBrand struct {
	domains []string // A-labels
	tokens  []brandToken
}

type brandToken struct {
	text string // lower case, no hyphens; Unicode tokens NFC
	word bool   // an everyday word too ("~apple")
}

// checkBrand validates and normalises one brand.
func checkBrand(b Brand) (checkedBrand, error) {
	var cb checkedBrand
	if strings.TrimSpace(b.Name) == "" {
		return cb, errors.New("a brand has no name")
	}
	if len(b.Domains) == 0 {
		return cb, fmt.Errorf("brand %q: no official domain", b.Name)
	}
	for _, d := range b.Domains {
		n, err := normalizeBrandDomain(d)
		if err != nil {
			return cb, fmt.Errorf("brand %q: domain %q: %w", b.Name, d, err)
		}
		cb.domains = append(cb.domains, n)
	}
	for _, t := range b.Tokens {
		bt, err := normalizeBrandToken(t)
		if err != nil {
			return cb, fmt.Errorf("brand %q: token %q: %w", b.Name, t, err)
		}
		cb.tokens = append(cb.tokens, bt)
	}
	return cb, nil
}

// normalizeBrandDomain is the indicator package's domain form, except that
// a public suffix one sector owns ("gov.cn") is accepted.
func normalizeBrandDomain(d string) (string, error) {
	ind, err := indicator.Parse(indicator.Domain, d)
	if err == nil {
		return ind.Value(), nil
	}
	var ie *indicator.Error
	if errors.As(err, &ie) && ie.Rule == "public_suffix" {
		a, aerr := idna.Lookup.ToASCII(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), "."))
		if aerr == nil && strings.Contains(a, ".") {
			return a, nil
		}
	}
	if ie != nil {
		return "", errors.New(ie.Message)
	}
	return "", err
}

// normalizeBrandToken lower-cases a token and drops its hyphens and dots, as
// labels are compared without them.
func normalizeBrandToken(t string) (brandToken, error) {
	t = strings.TrimSpace(t)
	var bt brandToken
	if strings.HasPrefix(t, "~") {
		bt.word = true
		t = t[1:]
	}
	if !utf8.ValidString(t) {
		return bt, errors.New("not valid UTF-8")
	}
	t = norm.NFC.String(width.Fold.String(strings.ToLower(t)))
	t = strings.NewReplacer("-", "", ".", "").Replace(t)
	if utf8.RuneCountInString(t) < 2 {
		return bt, errors.New("a token needs at least two characters")
	}
	if len(t) > lkMaxLabel {
		return bt, fmt.Errorf("longer than %d bytes", lkMaxLabel)
	}
	for _, r := range t {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
		case r < utf8.RuneSelf:
			return bt, fmt.Errorf("character %q cannot be in a domain name", r)
		}
	}
	bt.text = t
	return bt, nil
}

// DefaultBrands returns the protected brands fanzha ships with: Chinese
// banks, payment apps, government and police portals, couriers, job sites
// and shops that telecom-network fraud impersonates, the international tech,
// mail and payment names, and the exchanges and wallets that crypto
// phishing copies. It returns a fresh copy the caller may change.
//
// Only domains the brand is known to run are listed: a wrong entry here
// would whitelist a fraudster. Infrastructure names (CDNs, APIs) are listed
// where pages link to them, so that they are not flagged as combosquats of
// their own owner ("paypalobjects.com", "googleapis.com").
func DefaultBrands() []Brand {
	out := make([]Brand, len(defaultBrands))
	for i, b := range defaultBrands {
		out[i] = Brand{
			Name:     b.Name,
			Category: b.Category,
			Domains:  append([]string(nil), b.Domains...),
			Tokens:   append([]string(nil), b.Tokens...),
		}
	}
	return out
}

var defaultBrands = []Brand{
	// Chinese banks. Three-letter names (ccb, boc, cib) are kept as tokens:
	// they count only as a whole word of a name ("ccb-login.top").
	{"ICBC", "bank", []string{"icbc.com.cn", "icbcasia.com"}, []string{"icbc", "工商银行", "工行"}},
	{"China Construction Bank", "bank", []string{"ccb.com"}, []string{"ccb", "建设银行", "建行"}},
	{"Agricultural Bank of China", "bank", []string{"abchina.com"}, []string{"abchina", "农业银行", "农行"}},
	{"Bank of China", "bank", []string{"boc.cn", "bankofchina.com", "bochk.com"}, []string{"boc", "bankofchina", "bochk", "中国银行", "中行"}},
	{"China Merchants Bank", "bank", []string{"cmbchina.com"}, []string{"cmbchina", "cmb", "招商银行", "招行"}},
	{"Bank of Communications", "bank", []string{"bankcomm.com"}, []string{"bankcomm", "bocom", "交通银行"}},
	{"Postal Savings Bank of China", "bank", []string{"psbc.com"}, []string{"psbc", "邮储银行", "邮政储蓄"}},
	{"China CITIC Bank", "bank", []string{"citicbank.com"}, []string{"citicbank", "中信银行"}},
	{"SPDB", "bank", []string{"spdb.com.cn"}, []string{"spdb", "浦发银行"}},
	{"Industrial Bank", "bank", []string{"cib.com.cn"}, []string{"cib", "兴业银行"}},
	{"China Minsheng Bank", "bank", []string{"cmbc.com.cn"}, []string{"cmbc", "民生银行"}},
	{"China Everbright Bank", "bank", []string{"cebbank.com"}, []string{"cebbank", "光大银行"}},
	{"Ping An", "bank", []string{"pingan.com"}, []string{"pingan", "平安银行"}},
	{"China Guangfa Bank", "bank", []string{"cgbchina.com.cn"}, []string{"cgbchina", "广发银行"}},
	{"Hua Xia Bank", "bank", []string{"hxb.com.cn"}, []string{"hxb", "华夏银行"}},
	{"PBOC Credit Reference Center", "government", []string{"pbccrc.org.cn"}, []string{"pbccrc", "征信中心"}},
	{"HSBC", "bank", []string{"hsbc.com", "hsbc.com.hk", "hsbc.com.cn", "hsbc.co.uk"}, []string{"hsbc"}},
	{"Citibank", "bank", []string{"citi.com", "citibank.com", "citigroup.com"}, []string{"citibank"}},
	{"Chase", "bank", []string{"chase.com", "jpmorganchase.com", "jpmorgan.com"}, []string{"~chase", "jpmorgan"}},
	{"Wells Fargo", "bank", []string{"wellsfargo.com", "wf.com"}, []string{"wellsfargo"}},
	{"Bank of America", "bank", []string{"bankofamerica.com", "bofa.com"}, []string{"bankofamerica"}},

	// Payment apps.
	{"Alipay", "payment", []string{"alipay.com", "alipayobjects.com", "antgroup.com"}, []string{"alipay", "zhifubao", "支付宝"}},
	{"WeChat Pay", "payment", []string{"wechat.com", "weixin.qq.com", "wechatpay.com.hk", "tenpay.com"}, []string{"wechat", "weixin", "wechatpay", "tenpay", "微信"}},
	{"UnionPay", "payment", []string{"unionpay.com", "unionpayintl.com", "95516.com", "chinaums.com"}, []string{"unionpay", "yinlian", "95516", "yunshanfu", "quickpass", "银联", "云闪付"}},
	{"PayPal", "payment", []string{"paypal.com", "paypal.me", "paypalobjects.com", "paypal-community.com"}, []string{"paypal"}},

	// Exchanges.
	{"Binance", "exchange", []string{"binance.com", "binance.us", "binance.org", "bnbchain.org"}, []string{"binance", "币安"}},
	{"OKX", "exchange", []string{"okx.com", "okex.com"}, []string{"okx", "okex", "欧易"}},
	{"HTX (Huobi)", "exchange", []string{"htx.com", "huobi.com", "huobi.pro", "hbg.com"}, []string{"huobi", "htx", "火币"}},
	{"Coinbase", "exchange", []string{"coinbase.com"}, []string{"coinbase"}},
	{"Kraken", "exchange", []string{"kraken.com"}, []string{"~kraken"}},
	{"Bybit", "exchange", []string{"bybit.com"}, []string{"bybit"}},
	{"Gate.io", "exchange", []string{"gate.io", "gate.com"}, []string{"gateio", "~gate"}},
	{"KuCoin", "exchange", []string{"kucoin.com"}, []string{"kucoin"}},
	{"Bitget", "exchange", []string{"bitget.com"}, []string{"bitget"}},
	{"Crypto.com", "exchange", []string{"crypto.com"}, []string{"~cryptocom"}},
	{"Bitfinex", "exchange", []string{"bitfinex.com"}, []string{"bitfinex"}},
	{"MEXC", "exchange", []string{"mexc.com"}, []string{"mexc"}},
	{"Bittrex", "exchange", []string{"bittrex.com"}, []string{"bittrex"}},
	{"Poloniex", "exchange", []string{"poloniex.com"}, []string{"poloniex"}},
	{"HitBTC", "exchange", []string{"hitbtc.com"}, []string{"hitbtc"}},
	{"Paxful", "exchange", []string{"paxful.com"}, []string{"paxful"}},
	{"IDEX", "exchange", []string{"idex.io", "idex.market"}, []string{"idex"}},

	// Wallets, chains and DeFi front ends that crypto phishing copies.
	{"MyEtherWallet", "wallet", []string{"myetherwallet.com"}, []string{"myetherwallet"}},
	{"MyCrypto", "wallet", []string{"mycrypto.com"}, []string{"mycrypto"}},
	{"MetaMask", "wallet", []string{"metamask.io"}, []string{"metamask"}},
	{"Trust Wallet", "wallet", []string{"trustwallet.com"}, []string{"trustwallet"}},
	{"Ledger", "wallet", []string{"ledger.com", "ledgerwallet.com"}, []string{"~ledger", "ledgerlive", "ledgerwallet"}},
	{"Trezor", "wallet", []string{"trezor.io"}, []string{"trezor"}},
	{"Exodus", "wallet", []string{"exodus.com", "exodus.io"}, []string{"~exodus"}},
	{"Electrum", "wallet", []string{"electrum.org"}, []string{"electrum"}},
	{"Atomic Wallet", "wallet", []string{"atomicwallet.io"}, []string{"atomicwallet"}},
	{"Blockchain.com", "wallet", []string{"blockchain.com", "blockchain.info"}, []string{"~blockchain"}},
	{"Phantom", "wallet", []string{"phantom.app"}, []string{"~phantom"}},
	{"TronLink", "wallet", []string{"tronlink.org"}, []string{"tronlink"}},
	{"WalletConnect", "wallet", []string{"walletconnect.com", "walletconnect.org", "walletconnect.network", "reown.com"}, []string{"walletconnect"}},
	{"Polkadot", "wallet", []string{"polkadot.network", "polkadot.com", "polkadot.js.org"}, []string{"polkadot"}},
	{"Kusama", "wallet", []string{"kusama.network"}, []string{"kusama"}},
	{"SubWallet", "wallet", []string{"subwallet.app"}, []string{"subwallet"}},
	{"Uniswap", "wallet", []string{"uniswap.org"}, []string{"uniswap"}},
	{"PancakeSwap", "wallet", []string{"pancakeswap.finance"}, []string{"pancakeswap"}},
	{"OpenSea", "wallet", []string{"opensea.io"}, []string{"opensea"}},
	{"Etherscan", "wallet", []string{"etherscan.io"}, []string{"etherscan"}},
	{"Tether", "wallet", []string{"tether.to"}, []string{"~tether"}},

	// Government and police portals, and the numbers people are told to call.
	{"Chinese government", "government", []string{"gov.cn"}, []string{"govcn", "zhengfu", "政府"}},
	{"Ministry of Public Security", "government", []string{"mps.gov.cn"}, []string{"mps", "公安部"}},
	{"National Anti-Fraud Center", "government", []string{"gjfzpt.cn"}, []string{"gjfzpt", "fanzha", "反诈", "反诈中心"}},
	{"12321 Reporting Center", "government", []string{"12321.cn"}, []string{"12321"}},
	{"Supreme People's Court", "government", []string{"court.gov.cn", "chinacourt.org"}, []string{"chinacourt", "法院"}},
	{"Supreme People's Procuratorate", "government", []string{"spp.gov.cn"}, []string{"spp", "检察院"}},
	{"China Railway 12306", "government", []string{"12306.cn"}, []string{"12306"}},
	{"12315 Consumer Complaints", "government", []string{"12315.cn"}, []string{"12315"}},
	{"State Taxation Administration", "government", []string{"chinatax.gov.cn"}, []string{"chinatax", "税务"}},
	{"Financial regulator (NFRA/CBIRC)", "government", []string{"nfra.gov.cn", "cbirc.gov.cn"}, []string{"cbirc", "nfra"}},

	// Couriers: the "lost parcel, here is your refund" call.
	{"SF Express", "courier", []string{"sf-express.com", "sf-international.com"}, []string{"sfexpress", "shunfeng", "顺丰"}},
	{"China Post EMS", "courier", []string{"ems.com.cn", "chinapost.com.cn"}, []string{"ems", "chinapost", "邮政"}},
	{"Cainiao", "courier", []string{"cainiao.com"}, []string{"cainiao", "菜鸟"}},
	{"JD Logistics", "courier", []string{"jdl.com"}, []string{"jdl", "京东物流"}},
	{"YTO Express", "courier", []string{"yto.net.cn"}, []string{"yto", "圆通"}},
	{"ZTO Express", "courier", []string{"zto.com"}, []string{"zto", "中通"}},
	{"STO Express", "courier", []string{"sto.cn"}, []string{"sto", "申通"}},
	{"Yunda Express", "courier", []string{"yundaex.com"}, []string{"yundaex", "yunda", "韵达"}},
	{"Deppon", "courier", []string{"deppon.com"}, []string{"deppon", "德邦"}},
	{"DHL", "courier", []string{"dhl.com", "dhl.de", "dhl.com.cn"}, []string{"dhl"}},
	{"FedEx", "courier", []string{"fedex.com"}, []string{"fedex"}},
	{"UPS", "courier", []string{"ups.com"}, []string{"ups"}},

	// Job sites: the fake-job and part-time task lures.
	{"Zhaopin", "jobs", []string{"zhaopin.com"}, []string{"zhaopin", "智联招聘"}},
	{"51job", "jobs", []string{"51job.com"}, []string{"51job", "前程无忧"}},
	{"Liepin", "jobs", []string{"liepin.com"}, []string{"liepin", "猎聘"}},
	{"BOSS Zhipin", "jobs", []string{"zhipin.com"}, []string{"zhipin", "bosszhipin", "boss直聘"}},
	{"LinkedIn", "jobs", []string{"linkedin.com", "licdn.com", "lnkd.in"}, []string{"linkedin"}},
	{"Indeed", "jobs", []string{"indeed.com"}, []string{"~indeed"}},

	// Shops and platforms: refunds, "order problem" calls, like-for-pay tasks.
	{"Taobao", "ecommerce", []string{"taobao.com", "alicdn.com"}, []string{"taobao", "淘宝"}},
	{"Tmall", "ecommerce", []string{"tmall.com", "tmall.hk"}, []string{"tmall", "天猫"}},
	{"JD.com", "ecommerce", []string{"jd.com", "jd.hk", "360buy.com", "360buyimg.com"}, []string{"jd", "jingdong", "京东"}},
	{"Pinduoduo", "ecommerce", []string{"pinduoduo.com", "yangkeduo.com", "pddpic.com"}, []string{"pinduoduo", "yangkeduo", "pdd", "拼多多"}},
	{"Meituan", "ecommerce", []string{"meituan.com", "dianping.com"}, []string{"meituan", "美团"}},
	{"Douyin / TikTok", "ecommerce", []string{"douyin.com", "tiktok.com", "bytedance.com", "iesdouyin.com"}, []string{"douyin", "tiktok", "抖音"}},
	{"Ctrip / Trip.com", "ecommerce", []string{"ctrip.com", "trip.com"}, []string{"ctrip", "xiecheng", "携程"}},
	{"Amazon", "ecommerce", []string{"amazon.com", "amazon.cn", "amazon.co.jp", "amazon.co.uk", "amazon.de", "amazonaws.com", "media-amazon.com"}, []string{"amazon"}},

	// Tech and mail.
	{"Apple", "tech", []string{"apple.com", "apple.com.cn", "icloud.com", "icloud.com.cn", "me.com", "mzstatic.com", "cdn-apple.com", "apple.news"}, []string{"~apple", "icloud", "appleid", "itunes"}},
	{"Microsoft", "tech", []string{"microsoft.com", "live.com", "outlook.com", "office.com", "office365.com", "microsoftonline.com", "msn.com", "bing.com", "hotmail.com", "xbox.com", "skype.com", "windows.com", "onedrive.com", "sharepointonline.com", "azure.com", "microsoft.github.io"}, []string{"microsoft", "office365", "~outlook", "hotmail", "onedrive"}},
	{"Google", "tech", []string{"google.com", "google.com.hk", "google.cn", "gmail.com", "youtube.com", "googleapis.com", "gstatic.com", "googleusercontent.com", "googlevideo.com", "google-analytics.com", "googlesyndication.com", "googletagmanager.com", "googleadservices.com", "doubleclick.net", "withgoogle.com", "goo.gl", "youtu.be", "ytimg.com", "googlesource.com", "chromium.org", "android.com", "golang.org", "go.dev", "google.github.io"}, []string{"google", "gmail", "youtube"}},
	{"Tencent QQ", "tech", []string{"qq.com", "tencent.com", "qcloud.com", "gtimg.com", "qpic.cn"}, []string{"tencent", "qq", "腾讯"}},
	{"NetEase", "tech", []string{"163.com", "126.com", "netease.com", "yeah.net", "126.net"}, []string{"163", "netease", "网易"}},
	{"Baidu", "tech", []string{"baidu.com", "bdstatic.com"}, []string{"baidu", "百度"}},
	{"Netflix", "tech", []string{"netflix.com", "nflxext.com", "nflximg.net"}, []string{"netflix"}},
	{"Facebook", "messaging", []string{"facebook.com", "fb.com", "fbcdn.net", "messenger.com", "meta.com", "facebook.github.io"}, []string{"facebook"}},
	{"Instagram", "messaging", []string{"instagram.com", "cdninstagram.com"}, []string{"instagram"}},
	{"Telegram", "messaging", []string{"telegram.org", "t.me", "telegram.me", "telesco.pe"}, []string{"~telegram"}},
	{"WhatsApp", "messaging", []string{"whatsapp.com", "whatsapp.net", "wa.me"}, []string{"whatsapp"}},
}
