package simulate

// Money flows: transfers in the FORMATS.md `transfer` shape between the
// people, businesses, payment firms, OTC desks and exchanges of a country,
// with fraud rings laundering their victims' payments among them, the
// attributions an investigator would hold, the victims' reports, and the
// ground truth a tracer or a mule detector is scored against.
//
// The economy is built to be confused with laundering. Merchants take
// hundreds of small payments and pay out the same day; employers fan out
// what a few clients paid in; payment firms' settlement accounts move huge
// sums both ways; group-buy organisers collect from their neighbours and pay
// the supplier that evening; wedding hosts receive dozens of gifts in a day;
// people buy USDT from the very OTC desks the rings use. What sets mules
// apart is behaviour over time: they wake up after months, take money from
// unrelated people and pass nearly all of it on within minutes or hours.
//
// Transfers are produced day by day: the economy's transfers of a day are
// drawn and sorted, then merged with a queue of the transfers others cause
// (a mule forwarding what it received, a desk paying out USDT, a sweep).
// Balances are checked as rows go out, in time order, so nobody pays with
// money that has not arrived. Memory is what the population needs plus a day
// of traffic, whatever the number of transfers.

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha/registry"
)

// MoneyConfig sizes a money scenario. The same config always gives
// byte-identical files.
type MoneyConfig struct {
	Accounts int       // ordinary people; each has a bank card, most an e-wallet too
	Victims  int       // people the fraud rings defraud; 0 gives the economy alone
	Days     int       // length of the scenario
	Seed     uint64    // PCG seed
	Start    time.Time // rounded down to the day in +08:00; zero means Monday 2026-11-16
}

// TransferColumns are the columns of transfers.csv, in the FORMATS.md order.
var TransferColumns = []string{"id", "time", "rail", "asset", "amount", "from", "to", "from_institution", "to_institution", "memo"}

// AttributionColumns are the columns of attributions.csv.
var AttributionColumns = []string{"kind", "value", "entity", "entity_type", "source"}

// Attribution says who controls an account or address (FORMATS.md
// `attribution`).
type Attribution struct {
	Kind, Value, Entity, EntityType, Source string
}

func (a Attribution) record() []string {
	return []string{a.Kind, a.Value, a.Entity, a.EntityType, a.Source}
}

// MoneyReport is a victim's report in the FORMATS.md `report` shape, plus
// PaymentIDs: the transfer ids of its payments, in the order of Payments,
// so that tools can start a trace from the ledger.
type MoneyReport struct {
	ID         string             `json:"id"`
	Time       time.Time          `json:"time"`
	Region     string             `json:"region"`
	Typology   string             `json:"typology"`
	Narrative  string             `json:"narrative"`
	Loss       registry.Money     `json:"loss"`
	Payments   []registry.Payment `json:"payments"`
	Contacts   []registry.Contact `json:"contacts,omitempty"`
	PaymentIDs []string           `json:"payment_ids"`
}

// MoneyTruth is the ground truth of a money scenario (truth.json).
type MoneyTruth struct {
	Seed   uint64      `json:"seed"`
	Start  time.Time   `json:"start"`
	End    time.Time   `json:"end"` // exclusive
	Counts MoneyCounts `json:"counts"`
	// Mules are the accounts and wallets the rings launder through, each
	// with its layer: layer1 (receives from victims), layer2 (pays the OTC
	// desk or withdraws cash) or consolidation (the rings' USDT wallets).
	Mules []MoneyMule `json:"mules"`
	// Legitimate are high-volume or mule-like accounts that are not mules:
	// merchants, employers, pension funds, landlords, rent collectors,
	// payment firms' settlement accounts, billers, platforms, lenders,
	// exchanges' hot wallets, group-buy organisers and wedding hosts.
	Legitimate     []MoneyLegit   `json:"legitimate"`
	VictimPayments []MoneyPayment `json:"victim_payments"`
	Rings          []MoneyRing    `json:"rings"`
}

// MoneyCounts are the sizes of a scenario.
type MoneyCounts struct {
	Transfers int `json:"transfers"`
	// FraudTransfers carried victims' money: the victims' payments and every
	// laundering hop after them (not the mules' blending transfers).
	FraudTransfers int `json:"fraud_transfers"`
	Accounts       int `json:"accounts"` // distinct accounts, wallets and ATMs in transfers.csv
	Victims        int `json:"victims"`
	Mules          int `json:"mules"`
	Legitimate     int `json:"legitimate"`
}

// MoneyMule is a laundering account.
type MoneyMule struct {
	Kind        string `json:"kind"` // card, ewallet, tron, eth
	Value       string `json:"value"`
	Layer       string `json:"layer"` // layer1, layer2, consolidation
	Ring        string `json:"ring"`
	Institution string `json:"institution,omitempty"`
}

// MoneyLegit is a legitimate account that looks busy.
type MoneyLegit struct {
	Kind   string `json:"kind"` // card, bank_account, ewallet, tron, eth
	Value  string `json:"value"`
	Role   string `json:"role"`
	Entity string `json:"entity,omitempty"`
}

// MoneyPayment is one payment a victim made and where its money is at the
// end of the scenario.
type MoneyPayment struct {
	ID     string    `json:"id"` // transfer id
	Report string    `json:"report"`
	Time   time.Time `json:"time"`
	Amount string    `json:"amount"`
	Asset  string    `json:"asset"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	// FinalHolders are where the payment's money ended up, in the asset it
	// is held in: an exchange deposit address, a consolidation wallet or
	// mule still holding it, an ATM it was withdrawn from (kind atm, entity
	// "cash"), or an OTC desk whose USDT had not been paid by the end. The
	// USDT an OTC desk pays for a fiat payment carries that payment's share;
	// a sweep of a wallet holding several victims' money takes the oldest
	// first.
	FinalHolders []MoneyHolder `json:"final_holders"`
	// Transfers are every transfer that carried part of it, in time order,
	// starting with the payment itself.
	Transfers []string `json:"transfers"`
}

// MoneyHolder holds (part of) a victim's payment.
type MoneyHolder struct {
	Kind   string `json:"kind"` // card, ewallet, bank_account, tron, eth, atm
	Value  string `json:"value"`
	Amount string `json:"amount"`
	Asset  string `json:"asset"`
	Entity string `json:"entity"`
}

// MoneyRing is a fraud ring.
type MoneyRing struct {
	Name     string        `json:"name"`
	Typology string        `json:"typology"`
	Victims  int           `json:"victims"`
	Loss     string        `json:"loss"` // CNY
	OTCDesks []string      `json:"otc_desks"`
	Deposits []MoneyHolder `json:"exchange_deposits"` // the ring's deposit addresses (Amount: what reached them)
}

// MoneyScenario is everything a scenario produces besides the transfers.
type MoneyScenario struct {
	Truth        MoneyTruth
	Attributions []Attribution
	Reports      []MoneyReport
}

// WriteMoney writes dir/transfers.csv, attributions.csv, reports.ndjson and
// truth.json.
func WriteMoney(cfg MoneyConfig, dir string) (MoneyTruth, error) {
	if err := cfg.check(); err != nil {
		return MoneyTruth{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return MoneyTruth{}, fmt.Errorf("simulate: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, "transfers.csv"))
	if err != nil {
		return MoneyTruth{}, fmt.Errorf("simulate: %w", err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(TransferColumns); err != nil {
		return MoneyTruth{}, fmt.Errorf("simulate: writing transfers.csv: %w", err)
	}
	sc, err := GenerateMoney(cfg, cw.Write)
	if err != nil {
		return MoneyTruth{}, fmt.Errorf("simulate: writing transfers.csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return sc.Truth, fmt.Errorf("simulate: writing transfers.csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return sc.Truth, fmt.Errorf("simulate: writing transfers.csv: %w", err)
	}
	if err := f.Close(); err != nil {
		return sc.Truth, fmt.Errorf("simulate: writing transfers.csv: %w", err)
	}
	var buf bytes.Buffer
	aw := csv.NewWriter(&buf)
	aw.Write(AttributionColumns)
	for _, a := range sc.Attributions {
		aw.Write(a.record())
	}
	aw.Flush()
	if err := os.WriteFile(filepath.Join(dir, "attributions.csv"), buf.Bytes(), 0o644); err != nil {
		return sc.Truth, fmt.Errorf("simulate: writing attributions.csv: %w", err)
	}
	buf.Reset()
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range sc.Reports {
		if err := enc.Encode(r); err != nil {
			return sc.Truth, fmt.Errorf("simulate: report %s: %w", r.ID, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "reports.ndjson"), buf.Bytes(), 0o644); err != nil {
		return sc.Truth, fmt.Errorf("simulate: writing reports.ndjson: %w", err)
	}
	js, err := json.MarshalIndent(sc.Truth, "", "  ")
	if err != nil {
		return sc.Truth, fmt.Errorf("simulate: truth: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(js, '\n'), 0o644); err != nil {
		return sc.Truth, fmt.Errorf("simulate: writing truth.json: %w", err)
	}
	return sc.Truth, nil
}

// GenerateMoney streams the scenario's transfers to emit in TransferColumns
// order and time order, and returns the attributions, reports and truth.
// emit may keep the strings but not the slice, which is reused; an error
// from emit stops the generation and is returned.
func GenerateMoney(cfg MoneyConfig, emit func(rec []string) error) (MoneyScenario, error) {
	g, err := newMoney(cfg)
	if err != nil {
		return MoneyScenario{}, err
	}
	g.emit = emit
	for d := range g.days {
		if err := g.runDay(d); err != nil {
			return MoneyScenario{}, err
		}
	}
	return g.scenario(), nil
}

// --- tables ---

// Rails of the rows.
const (
	mrBank uint8 = iota
	mrCard
	mrEwallet
	mrTron
	mrEth
	mrOther
)

var moneyRails = [...]string{"bank", "card", "ewallet", "tron", "eth", "other"}

// Kinds of accounts.
const (
	akCard uint8 = iota
	akBankAccount
	akEwallet
	akTron
	akEth
	akATM
)

var moneyKinds = [...]string{"card", "bank_account", "ewallet", "tron", "eth", "atm"}

// Roles of the accounts that are not people's own.
const (
	roMerchant uint8 = iota
	roMerchantOwner
	roEmployer
	roPension
	roClient
	roRentCo
	roBiller
	roPlatform
	roSettlement
	roLender
	roExchangeHot
	roDeposit
	roOTC
	roATM
	roMule1
	roMule2
	roCons
)

var moneyRoles = [...]string{"merchant", "merchant", "employer", "pension_fund", "client", "rent_collector",
	"biller", "platform", "payment_firm", "lender", "exchange", "exchange_deposit", "otc", "atm",
	"layer1", "layer2", "consolidation"}

func isMule(role uint8) bool { return role >= roMule1 }

// mbank is a bank: its debit-card BINs and the shape of its corporate
// account numbers (which never pass the Luhn check, so that a parser tells
// them from cards).
type mbank struct {
	name    string
	code    string // on its ATMs
	share   float64
	bins    []string
	cardLen int
	corp    string
	corpLen int
}

var moneyBanks = []mbank{
	{"ICBC", "ICBC", 0.17, []string{"622202", "621226", "621558"}, 19, "1001", 19},
	{"CCB", "CCB", 0.15, []string{"621700", "622700", "621284"}, 19, "3205", 19},
	{"ABC", "ABC", 0.14, []string{"622848", "622845", "621336"}, 19, "1038", 17},
	{"BOC", "BOC", 0.11, []string{"621661", "621785", "621790"}, 19, "4660", 18},
	{"BOCOM", "BCM", 0.06, []string{"622262", "622260"}, 19, "3101", 18},
	{"CMB", "CMB", 0.09, []string{"622588", "621483", "621286"}, 16, "1219", 16},
	{"PSBC", "PSBC", 0.09, []string{"621799", "622188"}, 19, "9360", 18},
	{"CIB", "CIB", 0.04, []string{"622909", "622908"}, 18, "4090", 18},
	{"SPDB", "SPDB", 0.03, []string{"622521", "621792"}, 16, "9520", 17},
	{"CITIC", "CITIC", 0.03, []string{"622690", "621771"}, 16, "8110", 19},
	{"CMBC", "CMBC", 0.03, []string{"622622", "621691"}, 16, "1540", 16},
	{"CEB", "CEB", 0.03, []string{"622660", "621489"}, 16, "3651", 16},
	{"Ping An Bank", "PAB", 0.03, []string{"622155", "621626"}, 16, "1101", 17},
	{"WeBank", "WEB", 0, []string{"623180"}, 19, "2700", 18}, // a lender; no cards or ATMs here
}

const (
	firmAlipay = 1 // people's wallet firm: 0 none
	firmWeChat = 2
)

var moneyFirms = [...]string{"", "Alipay", "WeChat Pay"}

var moneyExchanges = []string{"Binance", "OKX", "Huobi"}

// Institution indexes: the banks, then the payment firms, then exchanges.
var (
	instAlipay   = uint8(len(moneyBanks))
	instExchange = instAlipay + 2
)

const noInst = 255

type mcity struct {
	region, code, name, province string
	weight                       float64
}

var moneyCities = []mcity{
	{"CN-JS", "3201", "南京", "江苏", 1}, {"CN-JS", "3205", "苏州", "江苏", 1.2}, {"CN-ZJ", "3301", "杭州", "浙江", 1.2},
	{"CN-SH", "3100", "上海", "上海", 2}, {"CN-GD", "4401", "广州", "广东", 1.5}, {"CN-GD", "4403", "深圳", "广东", 1.6},
	{"CN-SC", "5101", "成都", "四川", 1.3}, {"CN-BJ", "1100", "北京", "北京", 1.8}, {"CN-HB", "4201", "武汉", "湖北", 1},
	{"CN-FJ", "3502", "厦门", "福建", 0.6}, {"CN-SD", "3702", "青岛", "山东", 0.8}, {"CN-HN", "4301", "长沙", "湖南", 0.8},
}

type mkind struct {
	name          string
	median, sigma float64 // yuan
	weight        float64
}

var merchantKinds = []mkind{
	{"餐馆", 58, 0.55, 3}, {"超市", 85, 0.8, 2}, {"便利店", 19, 0.6, 2.5}, {"早餐店", 11, 0.4, 1.5},
	{"水果店", 32, 0.5, 1}, {"药店", 56, 0.7, 1}, {"服装店", 239, 0.6, 0.8}, {"理发店", 48, 0.5, 0.8},
	{"加油站", 265, 0.3, 0.7}, {"电器行", 1150, 0.8, 0.3}, {"奶茶店", 22, 0.3, 1.2}, {"五金店", 75, 0.8, 0.5},
}

var shopWords = []string{"福记", "老王", "鑫源", "好又多", "惠民", "金色", "阳光", "佳佳", "永盛", "大众", "顺发",
	"新世纪", "小林", "美味", "一品", "百姓", "宏达", "丰收", "兴旺", "和顺", "金桥", "万家"}

var companyWords = []string{"华信", "恒达", "远景", "中科", "瑞丰", "天成", "博远", "联创", "盛世", "海纳", "鼎泰", "卓越", "安泰", "宏图", "正泰", "金鹏"}

var companyKinds = []string{"科技有限公司", "贸易有限公司", "物流有限公司", "建设工程有限公司", "餐饮管理有限公司", "电子有限公司", "食品有限公司", "服装有限公司"}

var deskNames = []string{"Xinhui Trading", "Jinlong OTC", "Hengtong Digital", "Fuyuan Exchange Services", "Tianyi OTC",
	"Dafu Crypto", "Ruixiang Trading", "Wanjia OTC", "Longsheng Digital", "Baoli OTC", "Haoyun Trading", "Shunda OTC"}

// ringKinds are the typologies the rings run, in the order rings take them.
var ringKinds = []struct {
	typology, name, country, narrative string
}{
	{"task_scam", "Mekong task-scam crew", "63", "在短视频平台看到点赞返佣的兼职广告，被拉进群里做任务，前几单返了佣金，后来客服说要做“联单任务”必须先垫付，我先后转账%d次共%s元，现在无法提现，客服失联。"},
	{"investment", "Golden Triangle pig-butchering", "95", "网上认识的“导师”推荐一个数字货币理财平台，说有内部消息稳赚不赔，我前后充值%d次共%s元，平台显示盈利，但提现时要求再交保证金和税费，后来平台打不开了。"},
	{"impersonation_official", "Fake police callers", "855", "接到自称公安局民警的电话，说我的银行卡涉嫌一起洗钱案件，要求我把资金转入“安全账户”配合调查，否则要冻结名下所有账户，我共转账%d次%s元。"},
	{"customer_service", "Fake customer-service line", "86", "接到自称快递公司客服的电话，说我的包裹丢失要给我理赔，引导我下载会议软件共享屏幕并按提示操作转账“验证流水”，共被转走%d笔%s元。"},
	{"loan", "Loan-fee ring", "86", "在网上申请贷款，对方说我银行卡号填错资金被冻结，要交解冻费和刷流水，我先后转账%d次共%s元，贷款一直没有到账。"},
	{"romance", "Dating-site romance ring", "66", "在婚恋网站认识的“男朋友”说有内部渠道带我投资，以各种理由让我转账%d次共%s元，之后把我拉黑了。"},
	{"impersonation_acquaintance", "Boss-impersonation group", "86", "有人在微信上冒充我们公司领导，说急需给合作方付款让我先垫付，我转账%d次共%s元后打电话给领导才发现被骗。"},
	{"credit_repair", "Credit-repair callers", "86", "对方自称能帮我消除征信逾期记录，先后以服务费、保证金名义收取%d笔共%s元后失联。"},
	{"game_trade", "Game-trade fraud ring", "86", "在游戏交易平台出售账号，买家说平台资金被冻结，要我交“解冻费”才能收款，我先后转账%d次共%s元。"},
}

// Memos, indexed by the memo byte of an event.
const (
	mmNone uint8 = iota
	mmSalary
	mmPayroll
	mmPension
	mmRent
	mmTransfer
	mmRedPacket
	mmLiving
	mmGoods
	mmElectricity
	mmGas
	mmPhone
	mmAlipayTopUp
	mmWeChatTopUp
	mmAlipaySettle
	mmWeChatSettle
	mmAlipayOut
	mmWeChatOut
	mmATM
	mmBorrow
	mmRepay
	mmLoan
	mmService
	mmContract
	mmSpend
	mmQuick
	mmRentOut
	mmCurrent
	mmInvest
	mmDeposit
	mmUSDT
	mmTakings
	mmPlatform
	mmGift
	mmMeal
)

var moneyMemos = [...]string{"", "工资", "代发工资", "养老金", "房租", "转账", "红包", "生活费", "货款", "电费", "燃气费",
	"话费充值", "支付宝充值", "微信零钱充值", "支付宝结算", "微信支付结算", "支付宝提现", "微信零钱提现", "ATM withdrawal",
	"借款", "还款", "贷款发放", "服务费", "合同款", "消费", "快捷支付", "租金代付", "往来款", "投资款", "保证金", "USDT",
	"营业款", "平台结算", "礼金", "饭钱"}

// Hourly shapes of activity (local time).
var (
	shopHours  = cum24(norm24([]float64{0.2, 0.1, 0.05, 0.03, 0.03, 0.1, 0.5, 1.6, 2.4, 2.2, 2.4, 3.6, 4.2, 2.6, 2.2, 2.4, 2.8, 3.6, 4.6, 4.8, 4.2, 3.2, 1.8, 0.7}))
	p2pHours   = cum24(norm24([]float64{0.4, 0.2, 0.1, 0.05, 0.05, 0.1, 0.4, 1, 2, 2.4, 2.6, 2.8, 3.2, 2.6, 2.4, 2.4, 2.6, 2.8, 3.2, 3.8, 4.2, 4, 3, 1.4}))
	dayHours   = cum24(hoursOf(map[int]float64{8: 0.6, 9: 1, 10: 1.2, 11: 1.2, 12: 0.8, 13: 0.9, 14: 1.1, 15: 1.1, 16: 1, 17: 0.9, 18: 0.8, 19: 0.8, 20: 0.9, 21: 0.8, 22: 0.5}))
	workHours  = cum24(hoursOf(map[int]float64{9: 1, 10: 1.2, 11: 1.1, 13: 0.8, 14: 1.1, 15: 1.1, 16: 1, 17: 0.6}))
	debitHours = cum24(hoursOf(map[int]float64{1: 0.5, 2: 1, 3: 1, 4: 1, 5: 0.6}))
)

func cum24(w [24]float64) [24]float64 {
	s := 0.0
	for i, x := range w {
		s += x
		w[i] = s
	}
	w[23] = 1
	return w
}

// --- the generator ---

const mBlock = 120 // a social circle: family, friends, neighbours

// Money is counted in minor units: fen for CNY, micro-USDT on the chains.
const (
	fenPerYuan = 100
	microUSDT  = 1_000_000
)

func yuan(x float64) int64 { return int64(math.Round(x * fenPerYuan)) }

// macct is an account that is not a person's own card or e-wallet.
type macct struct {
	value string
	inst  uint8 // index of the holding institution, noInst for unhosted wallets
	kind  uint8
	role  uint8
	owner int32 // the merchant, employer, desk, ring, mule… it belongs to, by role
}

// mevent is a transfer to be made, or a decision to be taken, at t.
type mevent struct {
	t    int64
	seq  uint64
	amt  int64
	from int32
	to   int32
	aux  int32
	kind uint8
	rail uint8
	memo uint8
}

// Event kinds.
const (
	evPay       uint8 = iota // from pays to; dropped if from has not got the money
	evWalletPay              // an e-wallet payment; the payer's card tops the wallet up when short
	evSettle                 // payment firm aux settles wallet `from` to the owner's account `to`
	evSweep                  // from keeps amt and moves the rest to `to`
	evSupplier               // merchant aux-1 pays `to` amt per mille of its takings since the last time
	evWalletOut              // person aux moves e-wallet money to the card
	evGroupPay               // group-buy organiser aux pays the supplier
	evOTCBuy                 // a person buys USDT: fiat to the desk now, USDT to deposit address aux later
	evOTCSell                // person aux sells USDT: USDT to the desk now, fiat later
	evPayout                 // a desk pays USDT for fiat amt received on `from`; aux: victim payment or -1
	evFund                   // a victim makes sure the money is there (aux: payment)
	evTopUp                  // a victim tops the e-wallet up just before paying
	evVictimPay              // aux: payment
	evForward                // layer1 → layer2
	evCash                   // layer2 → ATM
	evToDesk                 // layer2 → OTC desk
	evConsSweep              // consolidation wallet (mule aux) → exchange deposit address
)

type mmerchant struct {
	name        string
	kind, city  int
	acct, owner int32
	wallets     [3]int32 // by firm
	float       int64    // kept on the account at the evening sweep
	intake      int64    // takings since the last supplier payment
	suppliers   []int32
	supplierDay int
	offDay      int
	platform    int // -1: no online shop
	rentTo      int32
	rentDay     int
	rentAmt     int64
}

type mservice struct { // a platform or a biller
	name    string
	acct    int32
	wallets [3]int32
	hq      int32 // billers sweep their collections to head office
}

type memployer struct {
	name    string
	acct    int32
	lo, hi  int // positions in the permutation of people
	payday  int
	hour    int
	median  float64 // yuan a month
	memo    uint8
	company bool
	pension bool
}

type mrentco struct {
	name   string
	acct   int32
	owners []int32
	amts   []int64
	payday int
}

type mleader struct {
	person   int
	supplier int32
	offDay   int
}

type mdesk struct {
	name   string
	fiat   []int32 // the trading company's account, then its operators' cards
	tron   []int32
	eth    int32
	spread float64 // over the day's rate when it sells USDT
	round  int     // 0: pays to the micro-USDT, 1: to the cent, 2: whole USDT
}

type mbuyer struct {
	person int
	dep    int32 // the buyer's exchange deposit address
	desk   int
}

type mring struct {
	name, typology, country, narrative string
	cash, walletShare, eth             float64 // shares cashed out, paid into e-wallets, paid out on ETH
	roundParts                         bool    // layer-1 splits in hundreds
	desks                              []int
	consTron, consEth                  []int32 // accounts
	depTron, depEth                    []int32
	l2                                 []int32 // mule indexes
	phones, urls                       []string
}

type mmule struct {
	acct    int32
	ring    int
	layer   uint8 // roMule1, roMule2, roCons
	city    int
	bank    int
	firm    int
	free    int64 // money of its own (not victims'), which it may spend
	until   int64 // stops being used after
	quota   int   // victims (layer 1) or transfers (layer 2) it takes
	used    int
	victims []int32
	woken   bool
	frac    float64 // consolidation: share of the balance each sweep moves (0: holds)
	every   float64 // consolidation: median seconds between sweeps
}

type mvictim struct {
	person   int
	ring     int
	pays     []int32
	report   string
	reportT  int64
	contacts []registry.Contact
}

type mpay struct {
	victim int32
	t      int64
	amt    int64
	wallet bool // paid from the e-wallet
	to     int32
	id     string
	path   []string
}

type mlot struct {
	pay int32
	amt int64
}

type mgen struct {
	cfg      MoneyConfig
	r        *rand.Rand
	hg       *gen // the scenario's makers of TRON and ETH addresses, phones and domains
	salt     uint64
	n        int
	days     int
	t0, tEnd int64

	others                         []macct
	bal                            []int64 // by account: people's cards, their wallets, then others
	seen                           []uint64
	nextCard, nextCorp, nextWallet uint64

	pbank, pwal []uint8
	blockCity   []uint8
	act         talias
	bankCum     []float64
	cityCum     []float64

	settle     [3][]int32 // [firm][bank]
	lenders    []int32
	exHot      [][2]int32 // [exchange]{tron, eth}
	atms       [][]int32  // [city*banks+bank]
	merchants  []mmerchant
	cityMerch  [][]int32
	cityAlias  []talias
	platforms  []mservice
	billers    []mservice
	elecOf     []int // biller by city
	gasOf      []int
	carriers   []int
	employers  []memployer
	companies  []int32 // company accounts
	clients    []int32
	pensionOf  []int32 // fund by city
	perm       [3]uint64
	landlords  []int32
	tenantsOf  []int32
	rentCos    []mrentco
	leaders    []mleader
	hosts      []int
	desks      []mdesk
	buyers     []mbuyer
	sellers    []int
	rate4      []int64 // CNY per USDT ×10⁴, by day
	lenderName []string

	rings   []mring
	mules   []mmule
	victims []mvictim
	pays    []mpay
	lots    map[int32][]mlot
	cashDay map[int64]int64

	attrs []Attribution

	queue mqueue
	today []mevent
	keys  []uint64
	seq   uint64
	now   int64

	rows, fraudRows int
	dropped         int // payments not made for want of money
	emit            func([]string) error
	rec             []string
	buf             []byte
	dateDay         int64
	datePref, ymd   []byte
}

// check reports what is wrong with a config.
func (cfg MoneyConfig) check() error {
	switch {
	case cfg.Accounts < 1000:
		return errors.New("simulate: money needs at least 1,000 accounts")
	case cfg.Accounts > 50_000_000:
		return errors.New("simulate: money supports at most 50 million accounts")
	case cfg.Days < 1 || cfg.Days > 3660:
		return fmt.Errorf("simulate: money: %d days out of range 1..3660", cfg.Days)
	case cfg.Victims < 0 || cfg.Victims > cfg.Accounts/10:
		return fmt.Errorf("simulate: money: %d victims among %d accounts; at most one in ten", cfg.Victims, cfg.Accounts)
	}
	return nil
}

func newMoney(cfg MoneyConfig) (*mgen, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, 11, 16, 0, 0, 0, 0, cst) // a Monday
	}
	s := cfg.Start.In(cst)
	cfg.Start = time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, cst)
	r := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x2f1b4c3d5e6a7988))
	g := &mgen{
		cfg:     cfg,
		r:       r,
		hg:      &gen{r: r},
		salt:    mix64(cfg.Seed ^ 0x6a09e667f3bcc909),
		n:       cfg.Accounts,
		days:    cfg.Days,
		t0:      cfg.Start.Unix(),
		lots:    map[int32][]mlot{},
		cashDay: map[int64]int64{},
		rec:     make([]string, len(TransferColumns)),
		dateDay: -1,
	}
	g.tEnd = g.t0 + int64(cfg.Days)*daySec
	g.now = g.t0
	g.nextCard, g.nextWallet = uint64(g.n), uint64(g.n)
	g.setupPeople()
	g.setupInstitutions()
	g.setupBusinesses()
	g.setupOTC()
	g.setupCrypto()
	g.setupRings()
	return g, nil
}

// --- hashing, numbers and distributions ---

// ph is a fixed attribute of person i that needs no storage.
func (g *mgen) ph(i int, salt uint64) uint64 {
	return mix64(uint64(i)*0x9e3779b97f4a7c15 ^ salt ^ g.salt)
}

func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// hnorm is a standard normal drawn from a hash (Box–Muller).
func hnorm(h uint64) float64 {
	u1 := (float64(h>>40) + 0.5) / (1 << 24)
	u2 := float64(h&0xffffff) / (1 << 24)
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

func (g *mgen) logn(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

func (g *mgen) chance(p float64) bool { return g.r.Float64() < p }

func (g *mgen) poisson(l float64) int { return poisson(g.r, l) }

// span is a log-normal delay in seconds, clamped to [lo, hi].
func (g *mgen) span(median, sigma float64, lo, hi int64) int64 {
	return min(hi, max(lo, int64(g.logn(median, sigma))))
}

// at is a time on the day starting at ds, drawn from an hourly shape.
func (g *mgen) at(ds int64, c *[24]float64) int64 {
	u := g.r.Float64()
	h := 0
	for h < 23 && c[h] < u {
		h++
	}
	return ds + int64(h)*hourSec + g.r.Int64N(hourSec)
}

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		out[i] = s
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

func pickCum(c []float64, u float64) int {
	i, _ := slices.BinarySearch(c, u)
	return min(i, len(c)-1)
}

// pickHash samples an alias table with a hash, so that a person's
// favourite shops stay the same all month.
func pickHash(a *talias, h uint64) int {
	i := int(h % uint64(len(a.prob)))
	if float32(h>>40&0xffffff)/(1<<24) < a.prob[i] {
		return i
	}
	return int(a.alias[i])
}

func roundTo(v, unit int64) int64 { return v / unit * unit }

func roundUp(v, unit int64) int64 { return (v + unit - 1) / unit * unit }

// --- account numbers ---

var pow10 = func() (p [19]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// scatter maps serial number j < m one-to-one onto [0, m): an affine map
// with a multiplier prime to m, spread over all the digits.
func scatter(j, m, mul, add uint64) uint64 {
	hi, lo := bits.Mul64(j%m, mul%m)
	_, r := bits.Div64(hi, lo, m)
	return (r + add%m) % m
}

// Multipliers for scatter: prime to 10 and to 36.
const (
	cardMul   = 7_919_382_749_175_320_377
	corpMul   = 5_237_150_833_406_913_289
	walletMul = 8_616_428_395_720_191_373
	wxMul     = 6_017_283_749_105_371_817
	wxSpace   = 4_738_381_338_321_616_896 // 36^12
)

func appendDigits(b []byte, v uint64, width int) []byte {
	var tmp [20]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:width]...)
}

func luhnByte(p []byte) byte {
	sum := 0
	for i := 0; i < len(p); i++ {
		d := int(p[len(p)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// appendCard writes debit card j of bank bk: a BIN of the bank, the serial
// mapped one-to-one onto the digits, and the Luhn check digit.
func appendCard(b []byte, bk *mbank, j, salt uint64) []byte {
	start := len(b)
	b = append(b, bk.bins[mix64(j^salt^0xb1)%uint64(len(bk.bins))]...)
	k := bk.cardLen - 7
	b = appendDigits(b, scatter(j, pow10[k], cardMul, salt), k)
	return append(b, luhnByte(b[start:]))
}

// appendCorp writes corporate account j of bank bk; its last digit is never
// the Luhn one, so that a parser does not take it for a card.
func appendCorp(b []byte, bk *mbank, j, salt uint64) []byte {
	start := len(b)
	b = append(b, bk.corp...)
	k := bk.corpLen - 5
	b = appendDigits(b, scatter(j, pow10[k], corpMul, salt>>7), k)
	c := luhnByte(b[start:]) - '0'
	return append(b, '0'+(c+1+byte(j%9))%10)
}

// appendWalletID writes e-wallet j: an Alipay user id (2088 and 12 digits)
// or a WeChat id.
func appendWalletID(b []byte, firm int, j, salt uint64) []byte {
	if firm == firmAlipay {
		b = append(b, "2088"...)
		return appendDigits(b, scatter(j, pow10[12], walletMul, salt>>11), 12)
	}
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	v := scatter(j, wxSpace, wxMul, salt>>3)
	var tmp [12]byte
	for i := 11; i >= 0; i-- {
		tmp[i] = digits[v%36]
		v /= 36
	}
	b = append(b, "wxid_"...)
	return append(b, tmp[:]...)
}

// --- accounts ---

func (g *mgen) card(i int) int32   { return int32(i) }
func (g *mgen) wallet(i int) int32 { return int32(g.n + i) }

func (g *mgen) isOther(id int32) bool     { return int(id) >= 2*g.n }
func (g *mgen) acct(id int32) *macct      { return &g.others[int(id)-2*g.n] }
func (g *mgen) cityOf(i int) int          { return int(g.blockCity[i/mBlock]) }
func (g *mgen) hasWallet(i int) bool      { return g.pwal[i] != 0 }
func (g *mgen) muleOf(id int32) *mmule    { return &g.mules[g.acct(id).owner] }
func (g *mgen) randomBank() int           { return pickCum(g.bankCum, g.r.Float64()) }
func (g *mgen) randomCity() int           { return pickCum(g.cityCum, g.r.Float64()) }
func (g *mgen) randomPerson() int         { return g.r.IntN(g.n) }
func (g *mgen) settlement(i int) int32    { return g.settle[g.pwal[i]][g.pbank[i]] }
func (g *mgen) sample(list []int32) int32 { return list[g.r.IntN(len(list))] }

func (g *mgen) addAcct(a macct, bal int64) int32 {
	g.others = append(g.others, a)
	g.bal = append(g.bal, bal)
	return int32(2*g.n + len(g.others) - 1)
}

func (g *mgen) newCard(bank int, role uint8, owner int32, bal int64) int32 {
	j := g.nextCard
	g.nextCard++
	return g.addAcct(macct{value: string(appendCard(nil, &moneyBanks[bank], j, g.salt)), inst: uint8(bank), kind: akCard, role: role, owner: owner}, bal)
}

func (g *mgen) newCorp(bank int, role uint8, owner int32, bal int64) int32 {
	j := g.nextCorp
	g.nextCorp++
	return g.addAcct(macct{value: string(appendCorp(nil, &moneyBanks[bank], j, g.salt)), inst: uint8(bank), kind: akBankAccount, role: role, owner: owner}, bal)
}

func (g *mgen) newWallet(firm int, role uint8, owner int32, bal int64) int32 {
	j := g.nextWallet
	g.nextWallet++
	return g.addAcct(macct{value: string(appendWalletID(nil, firm, j, g.salt)), inst: instAlipay + uint8(firm-1), kind: akEwallet, role: role, owner: owner}, bal)
}

func (g *mgen) newAddress(kind, inst, role uint8, owner int32, bal int64) int32 {
	v := g.hg.tron()
	if kind == akEth {
		v = g.hg.eth()
	}
	return g.addAcct(macct{value: v, inst: inst, kind: kind, role: role, owner: owner}, bal)
}

// value is how an account is written.
func (g *mgen) value(id int32) string {
	if g.isOther(id) {
		return g.acct(id).value
	}
	return string(g.appendAccount(nil, id))
}

func (g *mgen) appendAccount(b []byte, id int32) []byte {
	switch i := int(id); {
	case i < g.n:
		return appendCard(b, &moneyBanks[g.pbank[i]], uint64(i), g.salt)
	case i < 2*g.n:
		return appendWalletID(b, int(g.pwal[i-g.n]), uint64(i-g.n), g.salt)
	}
	return append(b, g.acct(id).value...)
}

func (g *mgen) kindOf(id int32) uint8 {
	switch i := int(id); {
	case i < g.n:
		return akCard
	case i < 2*g.n:
		return akEwallet
	}
	return g.acct(id).kind
}

func (g *mgen) institution(id int32) string {
	switch i := int(id); {
	case i < g.n:
		return moneyBanks[g.pbank[i]].name
	case i < 2*g.n:
		return moneyFirms[g.pwal[i-g.n]]
	}
	return instName(g.acct(id).inst)
}

func instName(inst uint8) string {
	switch {
	case inst == noInst:
		return ""
	case inst < instAlipay:
		return moneyBanks[inst].name
	case inst < instExchange:
		return moneyFirms[inst-instAlipay+1]
	}
	return moneyExchanges[inst-instExchange]
}

// entity names who controls an account, for the truth.
func (g *mgen) entity(id int32) string {
	if !g.isOther(id) {
		return ""
	}
	a := g.acct(id)
	switch a.role {
	case roMerchant, roMerchantOwner:
		return g.merchants[a.owner].name
	case roEmployer, roClient:
		return g.employers[a.owner].name
	case roPension:
		return moneyCities[a.owner].province + "社会保险事业管理中心"
	case roRentCo:
		return g.rentCos[a.owner].name
	case roBiller:
		return g.billers[a.owner].name
	case roPlatform:
		return g.platforms[a.owner].name
	case roSettlement:
		return moneyFirms[a.owner]
	case roLender:
		return g.lenderName[a.owner]
	case roExchangeHot, roDeposit:
		return instName(a.inst)
	case roOTC:
		return g.desks[a.owner].name
	case roATM:
		return "cash"
	}
	return g.rings[g.mules[a.owner].ring].name
}

func (g *mgen) attr(id int32, entity, typ, source string) {
	g.attrs = append(g.attrs, Attribution{moneyKinds[g.kindOf(id)], g.value(id), entity, typ, source})
}

func (g *mgen) mark(id int32) {
	w := int(id) >> 6
	for w >= len(g.seen) {
		g.seen = append(g.seen, 0)
	}
	g.seen[w] |= 1 << (uint(id) & 63)
}

func (g *mgen) wasSeen(id int32) bool {
	w := int(id) >> 6
	return w < len(g.seen) && g.seen[w]&(1<<(uint(id)&63)) != 0
}

// --- setup ---

func (g *mgen) setupPeople() {
	n := g.n
	w := make([]float64, len(moneyBanks))
	for i, b := range moneyBanks {
		w[i] = b.share
	}
	g.bankCum = cumulative(w)
	w = make([]float64, len(moneyCities))
	for i, c := range moneyCities {
		w[i] = c.weight
	}
	g.cityCum = cumulative(w)
	g.pbank = make([]uint8, n)
	g.pwal = make([]uint8, n)
	g.bal = make([]int64, 2*n, 2*n+n/16+4096)
	g.seen = make([]uint64, (2*n+n/16+4096)/64+1)
	act := make([]float64, n)
	for i := range n {
		h := g.ph(i, 0x100)
		g.pbank[i] = uint8(pickCum(g.bankCum, unit(h)))
		switch u := unit(mix64(h)); {
		case u < 0.47:
			g.pwal[i] = firmAlipay
		case u < 0.86:
			g.pwal[i] = firmWeChat
		}
		// Savings at the start: the scenario opens in the middle of lives.
		g.bal[i] = yuan(9000 * math.Exp(hnorm(mix64(h^1))))
		if g.pwal[i] != 0 {
			g.bal[n+i] = yuan(400 * math.Exp(hnorm(mix64(h^2))))
		}
		act[i] = math.Exp(0.8 * hnorm(mix64(h^3)))
	}
	g.act = newAlias(act)
	g.blockCity = make([]uint8, (n+mBlock-1)/mBlock)
	for b := range g.blockCity {
		g.blockCity[b] = uint8(g.randomCity())
	}
}

func (g *mgen) setupInstitutions() {
	for firm := firmAlipay; firm <= firmWeChat; firm++ {
		g.settle[firm] = make([]int32, len(moneyBanks))
		for b := range moneyBanks {
			id := g.newCorp(b, roSettlement, int32(firm), 0)
			g.settle[firm][b] = id
			g.attr(id, moneyFirms[firm], "payment_firm", "bank_kyc")
		}
	}
	g.lenderName = []string{"WeBank", "招联消费金融"}
	g.lenders = []int32{g.newCorp(len(moneyBanks)-1, roLender, 0, 0), g.newCorp(5, roLender, 1, 0)}
	for k, id := range g.lenders {
		g.attr(id, g.lenderName[k], "bank", "bank_kyc")
	}
	for e, name := range moneyExchanges {
		inst := instExchange + uint8(e)
		hot := [2]int32{g.newAddress(akTron, inst, roExchangeHot, int32(e), 0), g.newAddress(akEth, inst, roExchangeHot, int32(e), 0)}
		g.exHot = append(g.exHot, hot)
		g.attr(hot[0], name, "exchange", "exchange_disclosure")
		g.attr(hot[1], name, "exchange", "exchange_disclosure")
	}
	nb := len(moneyBanks)
	g.atms = make([][]int32, len(moneyCities)*nb)
	for c, city := range moneyCities {
		for b, bk := range moneyBanks {
			if bk.share == 0 {
				continue
			}
			for k := range 3 {
				v := "ATM-" + bk.code + "-" + city.code + "-" + pad(int64(10*(k+1)+g.r.IntN(10)), 4)
				g.atms[c*nb+b] = append(g.atms[c*nb+b], g.addAcct(macct{value: v, inst: uint8(b), kind: akATM, role: roATM, owner: int32(c)}, 0))
			}
		}
	}
}

// atm is a cash machine in city, of bank when it can.
func (g *mgen) atm(city, bank int) int32 {
	nb := len(moneyBanks)
	if l := g.atms[city*nb+bank]; len(l) > 0 && g.chance(0.75) {
		return g.sample(l)
	}
	for {
		if l := g.atms[city*nb+g.r.IntN(nb)]; len(l) > 0 {
			return g.sample(l)
		}
	}
}

// uniqueName makes names distinct by numbering the repeats.
func uniqueName(used map[string]int, name string) string {
	used[name]++
	if k := used[name]; k > 1 {
		return name + "(" + strconv.Itoa(k) + "号店)"
	}
	return name
}

func (g *mgen) companyName(used map[string]int, city int) string {
	name := moneyCities[city].name + companyWords[g.r.IntN(len(companyWords))] + companyKinds[g.r.IntN(len(companyKinds))]
	used[name]++
	if k := used[name]; k > 1 {
		name = strings.Replace(name, "有限公司", strconv.Itoa(k)+"有限公司", 1)
	}
	return name
}

func (g *mgen) setupBusinesses() {
	n := g.n
	used := map[string]int{}
	// Platforms and billers first: merchants settle with the platforms.
	for _, name := range []string{"京东商城", "美团", "拼多多", "淘宝天猫", "抖音电商"} {
		g.platforms = append(g.platforms, g.service(name, roPlatform, int32(len(g.platforms))))
	}
	province := map[string]int{}
	g.elecOf = make([]int, len(moneyCities))
	g.gasOf = make([]int, len(moneyCities))
	for c, city := range moneyCities {
		p, ok := province[city.province]
		if !ok {
			p = len(g.billers)
			province[city.province] = p
			g.billers = append(g.billers, g.service("国网"+city.province+"电力", roBiller, int32(p)))
		}
		g.elecOf[c] = p
		g.gasOf[c] = len(g.billers)
		g.billers = append(g.billers, g.service(city.name+"燃气集团", roBiller, int32(len(g.billers))))
	}
	for _, name := range []string{"中国移动", "中国联通", "中国电信"} {
		g.carriers = append(g.carriers, len(g.billers))
		g.billers = append(g.billers, g.service(name, roBiller, int32(len(g.billers))))
	}

	kw := make([]float64, len(merchantKinds))
	for i, k := range merchantKinds {
		kw[i] = k.weight
	}
	kindCum := cumulative(kw)
	g.cityMerch = make([][]int32, len(moneyCities))
	pops := make([][]float64, len(moneyCities))
	for k := range max(40, n/110) {
		mk, city, bank := pickCum(kindCum, g.r.Float64()), g.randomCity(), g.randomBank()
		name := uniqueName(used, moneyCities[city].name+shopWords[g.r.IntN(len(shopWords))]+merchantKinds[mk].name)
		idx := int32(k)
		m := mmerchant{name: name, kind: mk, city: city, supplierDay: g.r.IntN(7), offDay: g.r.IntN(7), platform: -1,
			float: yuan(g.logn(3000, 0.5)), rentDay: 1 + g.r.IntN(28), rentAmt: yuan(float64(roundTo(int64(g.logn(6000, 0.5)), 100)))}
		m.acct = g.newCorp(bank, roMerchant, idx, yuan(g.logn(20000, 0.7)))
		m.wallets[firmAlipay] = g.newWallet(firmAlipay, roMerchant, idx, 0)
		m.wallets[firmWeChat] = g.newWallet(firmWeChat, roMerchant, idx, 0)
		ob := g.randomBank()
		for ob == bank {
			ob = g.randomBank()
		}
		m.owner = g.newCard(ob, roMerchantOwner, idx, yuan(g.logn(50000, 0.8)))
		if g.chance(0.25) {
			m.platform = g.r.IntN(len(g.platforms))
		}
		if g.chance(0.6) { // acquirers share who their merchants are
			g.attr(m.acct, name, "merchant", "acquirer")
		}
		g.merchants = append(g.merchants, m)
		g.cityMerch[city] = append(g.cityMerch[city], idx)
		pops[city] = append(pops[city], math.Exp(1.1*g.r.NormFloat64()))
	}
	g.cityAlias = make([]talias, len(moneyCities))
	for c := range moneyCities {
		if len(pops[c]) > 0 {
			g.cityAlias[c] = newAlias(pops[c])
		}
	}

	// Employers: a permutation of people spreads every employer's staff over
	// the population; an employer pays the positions lo..hi of it.
	a := 1 + g.r.Uint64N(uint64(n-1))
	for gcd(int(a), n) != 1 {
		a = a%uint64(n-1) + 1
	}
	g.perm = [3]uint64{a, g.r.Uint64N(uint64(n)), modInverse(a, uint64(n))}
	pos := 0
	for pos < n*58/100 {
		size := min(n*58/100-pos, min(3000, max(3, int(g.logn(22, 1.1)))))
		city, bank := g.randomCity(), g.randomBank()
		e := memployer{name: g.companyName(used, city), lo: pos, hi: pos + size, payday: []int{5, 10, 15, 20, 25, 28}[g.r.IntN(6)],
			hour: 9 + g.r.IntN(7), median: g.logn(6500, 0.3), memo: []uint8{mmSalary, mmPayroll}[g.r.IntN(2)], company: true}
		e.acct = g.newCorp(bank, roEmployer, int32(len(g.employers)), yuan(float64(size)*e.median*(1.2+g.r.Float64())))
		g.companies = append(g.companies, e.acct)
		g.employers = append(g.employers, e)
		pos += size
	}
	for mi := range g.merchants {
		m := &g.merchants[mi]
		staff := []int{0, 0, 0, 1, 1, 2, 2, 3, 4, 6}[g.r.IntN(10)]
		if staff == 0 || pos+staff > n {
			continue
		}
		g.employers = append(g.employers, memployer{name: m.name, acct: m.acct, lo: pos, hi: pos + staff,
			payday: []int{1, 5, 10, 15}[g.r.IntN(4)], hour: 10 + g.r.IntN(10), median: g.logn(4300, 0.25), memo: mmSalary})
		pos += staff
	}
	// Pensions, paid by each province's fund on its day.
	g.pensionOf = make([]int32, len(moneyCities))
	funds := map[string]int32{}
	for c, city := range moneyCities {
		id, ok := funds[city.province]
		if !ok {
			id = g.newCorp([]int{0, 1}[g.r.IntN(2)], roPension, int32(c), 0)
			funds[city.province] = id
			g.attr(id, city.province+"社会保险事业管理中心", "other", "bank_kyc")
		}
		g.pensionOf[c] = id
	}
	size := min(n-pos, n*16/100)
	g.employers = append(g.employers, memployer{name: "社会保险事业管理中心", acct: g.pensionOf[0], lo: pos, hi: pos + size,
		payday: 10, hour: 8, median: 3200, memo: mmPension, pension: true})
	// The rest are students, the unemployed and housewives, living on family.

	for range max(5, len(g.companies)/3) {
		g.clients = append(g.clients, g.newCorp(g.randomBank(), roClient, int32(len(g.employers)), 0))
		g.employers = append(g.employers, memployer{name: g.companyName(used, g.randomCity())})
	}
	// What clients pay the companies, spread over the scenario.
	for ei := range g.employers {
		e := &g.employers[ei]
		if !e.company {
			continue
		}
		revenue := float64(e.hi-e.lo) * e.median * (1.15 + 0.45*g.r.Float64())
		k := 1 + g.r.IntN(4)
		count := float64(k*g.days) / 30
		for range int(count) + b2i(g.chance(count-math.Floor(count))) {
			from := g.sample(g.clients)
			if g.chance(0.6) {
				if c := g.sample(g.companies); c != e.acct {
					from = c
				}
			}
			t := g.at(g.t0+int64(g.r.IntN(g.days))*daySec, &workHours)
			amt := yuan(float64(roundTo(int64(revenue/float64(k)*(0.6+0.8*g.r.Float64())), 10)))
			g.later(mevent{t: t, kind: evPay, from: from, to: e.acct, amt: amt, rail: mrBank,
				memo: []uint8{mmGoods, mmService, mmContract}[g.r.IntN(3)]})
		}
	}
	for mi := range g.merchants {
		m := &g.merchants[mi]
		for range 1 + g.r.IntN(3) {
			m.suppliers = append(m.suppliers, g.sample(g.companies))
		}
	}

	// Landlords let flats to the same tenants month after month; rent
	// collectors manage flats for owners and pay them on a fixed day.
	for i := range n {
		if unit(g.ph(i, 0x610)) < 0.02 {
			g.landlords = append(g.landlords, int32(i))
		}
	}
	if len(g.landlords) == 0 {
		g.landlords = append(g.landlords, 0)
	}
	g.tenantsOf = make([]int32, len(g.landlords))
	for k := range max(2, n/15000) {
		city := g.randomCity()
		rc := mrentco{name: moneyCities[city].name + []string{"安居", "优家", "乐租", "自在"}[k%4] + "房屋租赁有限公司", payday: 10 + g.r.IntN(6)}
		rc.acct = g.newCorp(g.randomBank(), roRentCo, int32(k), yuan(200000))
		for range max(5, n*2/100/max(2, n/15000)) {
			rc.owners = append(rc.owners, int32(g.randomPerson()))
			rc.amts = append(rc.amts, yuan(float64(roundTo(int64(g.logn(2600, 0.3)), 100))))
		}
		g.rentCos = append(g.rentCos, rc)
	}
	for i := range n {
		h := g.ph(i, 0x600)
		if h&0xff < 70 && (h>>8)&0xff >= 31 {
			if l := int((h >> 24) % uint64(len(g.landlords))); int(g.landlords[l]) != i {
				g.tenantsOf[l]++
			}
		}
	}
	for mi := range g.merchants {
		m := &g.merchants[mi]
		if g.chance(0.5) {
			m.rentTo = g.card(int(g.sample(g.landlords)))
		} else {
			m.rentTo = g.rentCos[g.r.IntN(len(g.rentCos))].acct
		}
	}
	// Group-buy organisers collect from their neighbours all day and pay the
	// supplier in the evening.
	for range max(3, n/800) {
		p := g.randomPerson()
		for range 10 {
			if g.pwal[p] == firmWeChat {
				break
			}
			p = g.randomPerson()
		}
		g.leaders = append(g.leaders, mleader{person: p, supplier: g.sample(g.companies), offDay: g.r.IntN(7)})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func modInverse(a, n uint64) uint64 {
	t, nt, r, nr := int64(0), int64(1), int64(n), int64(a)
	for nr != 0 {
		q := r / nr
		t, nt = nt, t-q*nt
		r, nr = nr, r-q*nr
	}
	if t < 0 {
		t += int64(n)
	}
	return uint64(t)
}

// unperm is the person at position pos of the employers' permutation.
func (g *mgen) unperm(pos int) int {
	n := uint64(g.n)
	return int((uint64(pos) + n - g.perm[1]) % n * g.perm[2] % n)
}

// service creates a platform or biller: a collection account, a wallet at
// each payment firm and, for billers, the head office's account.
func (g *mgen) service(name string, role uint8, idx int32) mservice {
	bank := []int{0, 1, 2, 3, 5}[g.r.IntN(5)]
	s := mservice{name: name, acct: g.newCorp(bank, role, idx, 0)}
	s.wallets[firmAlipay] = g.newWallet(firmAlipay, role, idx, 0)
	s.wallets[firmWeChat] = g.newWallet(firmWeChat, role, idx, 0)
	if role == roBiller {
		s.hq = g.newCorp(bank, role, idx, 0)
	}
	g.attr(s.acct, name, "merchant", "acquirer")
	return s
}

func (g *mgen) setupOTC() {
	rings := 0
	if v := g.cfg.Victims; v > 0 {
		rings = min(v, max(3, min(60, (v+39)/40)))
	}
	for k := range min(len(deskNames), max(2, rings/2+2)) {
		d := mdesk{name: deskNames[k], spread: 0.003 + 0.015*g.r.Float64(), round: g.r.IntN(3)}
		idx := int32(k)
		d.fiat = append(d.fiat, g.newCorp(g.randomBank(), roOTC, idx, yuan(2e6)))
		for range 1 + g.r.IntN(2) {
			d.fiat = append(d.fiat, g.newCard(g.randomBank(), roOTC, idx, yuan(3e5)))
		}
		for range 1 + g.r.IntN(2) {
			d.tron = append(d.tron, g.newAddress(akTron, noInst, roOTC, idx, int64(g.logn(150000, 0.5))*microUSDT))
		}
		d.eth = g.newAddress(akEth, noInst, roOTC, idx, int64(g.logn(50000, 0.5))*microUSDT)
		for _, id := range d.fiat {
			g.attr(id, d.name, "otc", "investigation")
		}
		for _, id := range append(slices.Clone(d.tron), d.eth) {
			g.attr(id, d.name, "otc", "chain_analytics")
		}
		g.desks = append(g.desks, d)
	}
	g.rate4 = make([]int64, g.days+1)
	r := 71800.0
	for d := range g.rate4 {
		r = min(73000, max(71000, r+60*g.r.NormFloat64()))
		g.rate4[d] = int64(r)
	}
}

// setupCrypto picks the people who trade USDT with the desks: buyers pay
// fiat and get USDT at their exchange deposit address, sellers the reverse.
func (g *mgen) setupCrypto() {
	for i := range g.n {
		switch u := unit(g.ph(i, 0x620)); {
		case u < 0.004:
			ex, kind := g.r.IntN(len(moneyExchanges)), akTron
			if g.chance(0.2) {
				kind = akEth
			}
			dep := g.newAddress(kind, instExchange+uint8(ex), roDeposit, int32(ex), 0)
			if g.chance(0.85) {
				g.attr(dep, moneyExchanges[ex], "exchange", "chain_analytics")
			}
			g.buyers = append(g.buyers, mbuyer{person: i, dep: dep, desk: g.r.IntN(len(g.desks))})
		case u < 0.006:
			g.sellers = append(g.sellers, i)
		}
	}
}

// payShape is how a typology takes its victims' money: how many payments,
// how large the first, how each grows, and how far apart they are.
type payShape struct {
	nMin, nMax       int
	first, sigma     float64 // yuan
	growMin, growMax float64
	gap, gapSigma    float64 // seconds
	round            int64   // yuan
}

var payShapes = map[string]payShape{
	"task_scam":                  {2, 5, 1500, 0.5, 1.8, 3.2, 50 * 60, 1.0, 1},
	"investment":                 {2, 5, 10000, 0.6, 1.3, 2.5, 36 * 3600, 0.5, 1000},
	"impersonation_official":     {1, 3, 60000, 0.6, 0.6, 1.5, 40 * 60, 0.8, 1000},
	"customer_service":           {1, 3, 8000, 0.7, 0.7, 1.6, 8 * 60, 0.7, 1},
	"loan":                       {2, 4, 2000, 0.5, 1.3, 2.0, 90 * 60, 0.8, 100},
	"romance":                    {2, 4, 15000, 0.6, 1.2, 2.0, 30 * 3600, 0.5, 1000},
	"impersonation_acquaintance": {1, 2, 30000, 0.6, 0.8, 1.5, 30 * 60, 0.6, 1000},
	"credit_repair":              {1, 2, 3000, 0.5, 1.0, 2.0, 2 * 3600, 0.6, 100},
	"game_trade":                 {1, 3, 3000, 0.6, 1.5, 2.5, 25 * 60, 0.7, 100},
}

var urlPaths = []string{"task", "login", "app/download", "kefu", "invest", "vip"}

func (g *mgen) setupRings() {
	v := g.cfg.Victims
	if v == 0 {
		return
	}
	nr := min(v, max(3, min(60, (v+39)/40)))
	weights := make([]float64, nr)
	for k := range nr {
		rk := ringKinds[k%len(ringKinds)]
		ring := mring{name: rk.name, typology: rk.typology, country: rk.country, narrative: rk.narrative, roundParts: g.chance(0.5)}
		if k >= len(ringKinds) {
			ring.name += " " + strconv.Itoa(k/len(ringKinds)+1)
		}
		// Every variant shows up in any scenario of three rings or more.
		if k%3 == 2 || g.chance(0.5) {
			ring.cash = 0.05 + 0.25*g.r.Float64()
		}
		if k%3 == 0 || g.chance(0.3) {
			ring.walletShare = 0.2 + 0.4*g.r.Float64()
		}
		if k%3 == 1 || g.chance(0.25) {
			ring.eth = 0.15 + 0.25*g.r.Float64()
		}
		ring.desks = g.r.Perm(len(g.desks))[:1+g.r.IntN(2)]
		for range 2 + g.r.IntN(3) {
			ring.consTron = append(ring.consTron, g.consWallet(k, akTron))
		}
		for range 1 + g.r.IntN(3) {
			ring.depTron = append(ring.depTron, g.ringDeposit(akTron))
		}
		if ring.eth > 0 {
			for range 1 + g.r.IntN(2) {
				ring.consEth = append(ring.consEth, g.consWallet(k, akEth))
			}
			ring.depEth = append(ring.depEth, g.ringDeposit(akEth))
		}
		for range 2 + g.r.IntN(3) {
			ring.phones = append(ring.phones, g.hg.phone(rk.country))
		}
		for range 1 + g.r.IntN(2) {
			ring.urls = append(ring.urls, "https://"+g.hg.domain()+"/"+urlPaths[g.r.IntN(len(urlPaths))])
		}
		g.rings = append(g.rings, ring)
		weights[k] = 0.5 + g.r.Float64()
	}
	ringCum := cumulative(weights)
	chosen := map[int]bool{}
	for k := range v {
		ring := k
		if k >= nr {
			ring = pickCum(ringCum, g.r.Float64())
		}
		p := g.randomPerson()
		for chosen[p] {
			p = g.randomPerson()
		}
		chosen[p] = true
		g.victims = append(g.victims, mvictim{person: p, ring: ring})
		g.planVictim(int32(k))
	}
	g.assignLayer1()
	for p := range g.pays {
		vp := &g.pays[p]
		prev := g.t0
		if pays := g.victims[vp.victim].pays; pays[0] != int32(p) {
			prev = g.pays[p-1].t + 30
		}
		g.later(mevent{t: max(prev, vp.t-g.span(50*60, 0.5, 20*60, 110*60)), kind: evFund, aux: int32(p)})
		if vp.wallet {
			g.later(mevent{t: max(prev, vp.t-60-g.r.Int64N(180)), kind: evTopUp, aux: int32(p)})
		}
		g.later(mevent{t: vp.t, kind: evVictimPay, aux: int32(p)})
	}
	// Reports are numbered in the order they are filed.
	order := make([]int, len(g.victims))
	for k := range g.victims {
		vic := &g.victims[k]
		last := g.pays[vic.pays[len(vic.pays)-1]].t
		vic.reportT = last + g.span(3*3600, 1.0, 10*60, 36*3600)
		ring := &g.rings[vic.ring]
		first := g.pays[vic.pays[0]].t
		vic.contacts = append(vic.contacts, registry.Contact{Kind: "phone", Value: ring.phones[g.r.IntN(len(ring.phones))],
			Time: time.Unix(first-g.span(20*3600, 1.0, 600, 10*daySec), 0).In(cst)})
		if g.chance(0.5) {
			vic.contacts = append(vic.contacts, registry.Contact{Kind: "url", Value: ring.urls[g.r.IntN(len(ring.urls))]})
		}
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(g.victims[a].reportT, g.victims[b].reportT), cmp.Compare(a, b))
	})
	for seq, k := range order {
		vic := &g.victims[k]
		vic.report = fmt.Sprintf("R-%d-%06d", time.Unix(vic.reportT, 0).In(cst).Year(), seq+1)
	}
}

// consWallet creates a ring's consolidation wallet and its sweeps: most
// move all or part of what they hold to the ring's exchange deposit
// addresses every few hours; some only hold.
func (g *mgen) consWallet(ring int, kind uint8) int32 {
	mi := int32(len(g.mules))
	m := mmule{ring: ring, layer: roCons, frac: 1, every: 3600 * g.logn(14, 0.5)}
	switch u := g.r.Float64(); {
	case u < 0.15:
		m.frac = 0
	case u < 0.5:
		m.frac = 0.5 + 0.4*g.r.Float64()
	}
	m.acct = g.newAddress(kind, noInst, roCons, mi, 0)
	g.mules = append(g.mules, m)
	g.later(mevent{t: g.t0 + g.span(m.every, 0.5, 3600, daySec), kind: evConsSweep, from: m.acct, aux: mi})
	return m.acct
}

func (g *mgen) ringDeposit(kind uint8) int32 {
	ex := g.r.IntN(len(moneyExchanges))
	dep := g.newAddress(kind, instExchange+uint8(ex), roDeposit, int32(ex), 0)
	g.attr(dep, moneyExchanges[ex], "exchange", "exchange_disclosure")
	return dep
}

// awake moves t into waking hours (08:00–23:00), where victims pay.
func (g *mgen) awake(t int64) int64 {
	h := localHour(t)
	if h >= 8 && h < 23 {
		return t
	}
	day := (t+cstOff)/daySec*daySec - cstOff
	if h >= 23 {
		day += daySec
	}
	return day + 8*hourSec + g.r.Int64N(2*hourSec)
}

// planVictim plans a victim's payments: amounts that grow as the scam
// draws them in, at the typology's pace, in waking hours.
func (g *mgen) planVictim(v int32) {
	vic := &g.victims[v]
	ring := &g.rings[vic.ring]
	sh := payShapes[ring.typology]
	lo, hi := g.t0+2*hourSec, g.tEnd-60*hourSec
	if hi < lo+6*hourSec {
		hi = max(lo+hourSec, g.tEnd-8*hourSec)
	}
	t := min(hi, g.awake(lo+g.r.Int64N(hi-lo)))
	wallet := g.hasWallet(vic.person) && g.chance(ring.walletShare)
	a := g.logn(sh.first, sh.sigma)
	for k := range sh.nMin + g.r.IntN(sh.nMax-sh.nMin+1) {
		if k > 0 {
			a *= sh.growMin + (sh.growMax-sh.growMin)*g.r.Float64()
			t = g.awake(t + g.span(sh.gap, sh.gapSigma, 60, 6*daySec))
			if t > g.tEnd-4*hourSec {
				break
			}
		}
		unit := sh.round
		if unit == 1 && g.chance(0.5) {
			unit = 100
		}
		amt := max(1000, roundTo(int64(min(200000, max(1000, a))), unit))
		vic.pays = append(vic.pays, int32(len(g.pays)))
		g.pays = append(g.pays, mpay{victim: v, t: t, amt: amt * fenPerYuan, wallet: wallet})
	}
}

// assignLayer1 gives each payment its first-layer account. A ring keeps a
// few accounts open at a time; each takes money from a handful of
// unrelated victims over a few days and is then dropped (frozen or burnt).
func (g *mgen) assignLayer1() {
	for k := range g.rings {
		for pool := 0; pool <= firmWeChat; pool++ {
			var ps []int32
			for p := range g.pays {
				vp := &g.pays[p]
				vic := &g.victims[vp.victim]
				if vic.ring != k {
					continue
				}
				if (pool == 0 && !vp.wallet) || (pool > 0 && vp.wallet && int(g.pwal[vic.person]) == pool) {
					ps = append(ps, int32(p))
				}
			}
			slices.SortFunc(ps, func(a, b int32) int {
				return cmp.Or(cmp.Compare(g.pays[a].t, g.pays[b].t), cmp.Compare(a, b))
			})
			var active []int32
			conc := 2 + g.r.IntN(2)
			for _, p := range ps {
				vp := &g.pays[p]
				var cands []int32
				keep := active[:0]
				for _, mi := range active {
					m := &g.mules[mi]
					if m.until < vp.t {
						continue
					}
					keep = append(keep, mi)
					if slices.Contains(m.victims, vp.victim) || len(m.victims) < m.quota {
						cands = append(cands, mi)
					}
				}
				active = keep
				for len(cands) < conc {
					mi := g.newLayer1(k, pool, vp.t)
					active = append(active, mi)
					cands = append(cands, mi)
				}
				pick := cands[g.r.IntN(len(cands))]
				for _, mi := range cands {
					if slices.Contains(g.mules[mi].victims, vp.victim) && g.chance(0.6) {
						pick = mi
						break
					}
				}
				m := &g.mules[pick]
				if !slices.Contains(m.victims, vp.victim) {
					m.victims = append(m.victims, vp.victim)
				}
				vp.to = m.acct
			}
		}
	}
}

// newLayer1 opens a first-layer account, first used at t: half are new
// accounts that get a test deposit first, half dormant ones waking up.
func (g *mgen) newLayer1(ring, pool int, t int64) int32 {
	mi := int32(len(g.mules))
	m := mmule{ring: ring, layer: roMule1, city: g.randomCity(), bank: g.randomBank(), firm: pool,
		until: t + 2*daySec + g.r.Int64N(4*daySec), quota: 3 + g.r.IntN(6)}
	dormant := g.chance(0.5)
	open := int64(0)
	if dormant {
		open = g.r.Int64N(6000) // what was left when it went quiet
	}
	if pool == 0 {
		m.acct = g.newCard(m.bank, roMule1, mi, open)
	} else {
		m.acct = g.newWallet(pool, roMule1, mi, open)
	}
	g.mules = append(g.mules, m)
	if tt := t - g.span(8*3600, 0.6, 3*3600, 40*3600); !dormant && tt > g.t0+60 {
		amt := []int64{1, 100, 500, 1000}[g.r.IntN(4)]
		if pool == 0 {
			g.later(mevent{t: tt, kind: evPay, from: g.card(g.randomPerson()), to: m.acct, amt: amt, rail: mrBank})
		} else if p, ok := g.personWith(pool); ok {
			g.later(mevent{t: tt, kind: evPay, from: g.wallet(p), to: m.acct, amt: amt, rail: mrEwallet})
		}
	}
	return mi
}

// personWith finds someone with a wallet of firm.
func (g *mgen) personWith(firm int) (int, bool) {
	for range 50 {
		if p := g.randomPerson(); int(g.pwal[p]) == firm {
			return p, true
		}
	}
	return 0, false
}

// --- the day ---

func (g *mgen) add(e mevent) {
	e.seq = g.seq
	g.seq++
	g.today = append(g.today, e)
}

// later queues an event caused by another; nothing happens after the end.
func (g *mgen) later(e mevent) {
	if e.t >= g.tEnd {
		return
	}
	e.t = max(e.t, g.now)
	e.seq = g.seq
	g.seq++
	g.queue.push(e)
}

func (g *mgen) runDay(d int) error {
	ds := g.t0 + int64(d)*daySec
	g.today = g.today[:0]
	g.genDay(ds)
	// Sort by time, then by order of drawing (which is sequence order):
	// packed keys sort much faster than the events.
	g.keys = g.keys[:0]
	for i := range g.today {
		g.keys = append(g.keys, uint64(g.today[i].t-ds)<<40|uint64(i))
	}
	slices.Sort(g.keys)
	end := ds + daySec
	k := 0
	for {
		var e mevent
		switch {
		case len(g.queue) > 0 && g.queue[0].t < end && (k == len(g.keys) || g.queue.first(&g.today[g.keys[k]&(1<<40-1)])):
			e = g.queue.pop()
		case k < len(g.keys):
			e = g.today[g.keys[k]&(1<<40-1)]
			k++
		default:
			return nil
		}
		g.now = e.t
		if err := g.process(&e); err != nil {
			return err
		}
	}
}

func (g *mgen) genDay(ds int64) {
	date := time.Unix(ds, 0).In(cst)
	dom, wd := date.Day(), int(date.Weekday())
	g.shopping(ds, wd)
	g.p2p(ds, wd)
	if dom <= 28 {
		g.monthly(ds, dom)
	}
	g.payroll(ds, dom, wd)
	g.business(ds, dom, wd)
	g.groupBuy(ds, wd)
	g.weddings(ds)
	g.cashAndLoans(ds)
	g.crypto(ds)
}

// Daily rates per person.
const (
	shopRate     = 0.16
	p2pRate      = 0.045
	atmRate      = 0.006
	walletOut    = 0.003
	loanRate     = 0.0005
	weddingHosts = 0.0087 / 365
)

func (g *mgen) shopping(ds int64, wd int) {
	lam := float64(g.n) * shopRate
	if wd == 0 || wd == 6 {
		lam *= 1.15
	}
	for range g.poisson(lam) {
		i := g.act.sample(g.r)
		t := g.at(ds, &shopHours)
		var to int32
		var wallets *[3]int32
		var amount float64
		aux := int32(0)
		if g.chance(0.22) {
			p := &g.platforms[g.r.IntN(len(g.platforms))]
			to, wallets, amount = p.acct, &p.wallets, g.logn(85, 0.9)
		} else {
			mi := g.shopAt(i)
			m := &g.merchants[mi]
			k := &merchantKinds[m.kind]
			to, wallets, amount, aux = m.acct, &m.wallets, g.logn(k.median, k.sigma), int32(mi+1)
		}
		amt := max(100, yuan(amount))
		if f := g.pwal[i]; f != 0 && g.chance(0.35+0.6*unit(g.ph(i, 0x120))) {
			g.add(mevent{t: t, kind: evWalletPay, from: g.wallet(i), to: wallets[f], amt: amt, rail: mrEwallet, aux: aux})
			continue
		}
		g.add(mevent{t: t, kind: evPay, from: g.card(i), to: to, amt: amt, rail: mrCard, aux: aux,
			memo: []uint8{mmNone, mmSpend, mmQuick}[g.r.IntN(3)]})
	}
}

// shopAt picks the shop: mostly one of a person's few regulars in town.
func (g *mgen) shopAt(i int) int {
	city := g.cityOf(i)
	list := g.cityMerch[city]
	switch u := g.r.Float64(); {
	case len(list) == 0 || u < 0.04:
		return g.r.IntN(len(g.merchants))
	case u < 0.15:
		return int(list[g.cityAlias[city].sample(g.r)])
	}
	u := g.r.Float64()
	fav := uint64(6 * u * u)
	return int(list[pickHash(&g.cityAlias[city], g.ph(i, 0x5100+fav))])
}

// contact is someone i knows: mostly the same few people in the circle.
func (g *mgen) contact(i int, k int) int {
	lo := i / mBlock * mBlock
	size := min(mBlock, g.n-lo)
	if k < 0 || size < 2 {
		j := g.randomPerson()
		if j == i {
			j = (j + 1) % g.n
		}
		return j
	}
	j := lo + int(g.ph(i, 0x700+uint64(k))%uint64(size))
	if j == i {
		j = lo + (j-lo+1)%size
	}
	return j
}

var giftAmounts = []int64{666, 888, 1888, 5200, 6600, 8800, 10000, 16800, 20000, 52000, 66600, 131400}

func (g *mgen) p2p(ds int64, wd int) {
	lam := float64(g.n) * p2pRate
	if wd == 0 || wd == 6 {
		lam *= 1.2
	}
	for range g.poisson(lam) {
		i := g.act.sample(g.r)
		k := -1
		if g.chance(0.9) {
			u := g.r.Float64()
			k = int(8 * u * u)
		}
		j := g.contact(i, k)
		t := g.at(ds, &p2pHours)
		var amt int64
		switch u := g.r.Float64(); {
		case u < 0.3:
			amt = giftAmounts[g.r.IntN(len(giftAmounts))]
		case u < 0.8:
			amt = max(1, int64(g.logn(260, 1.0))) * fenPerYuan
		default:
			amt = max(100, yuan(g.logn(120, 1.0)))
		}
		if f := g.pwal[i]; f != 0 && f == g.pwal[j] && g.chance(0.65) {
			g.add(mevent{t: t, kind: evWalletPay, from: g.wallet(i), to: g.wallet(j), amt: amt, rail: mrEwallet,
				memo: []uint8{mmNone, mmRedPacket, mmTransfer, mmMeal}[g.r.IntN(4)]})
			continue
		}
		g.add(mevent{t: t, kind: evPay, from: g.card(i), to: g.card(j), amt: amt, rail: mrBank,
			memo: []uint8{mmNone, mmTransfer, mmTransfer, mmLiving, mmRepay}[g.r.IntN(5)]})
	}
}

// monthly runs everyone's monthly payments that fall on day dom: rent,
// bills, support for parents, loan repayments.
func (g *mgen) monthly(ds int64, dom int) {
	d := uint64(dom - 1)
	for i := range g.n {
		h := g.ph(i, 0x600)
		h2 := mix64(h ^ 0x77)
		if h&0xff < 70 { // a tenant
			company := (h>>8)&0xff < 31
			day := (h >> 16) % 28
			if company {
				day = (h >> 16) % 5
			}
			if day == d {
				to := int32(-1)
				if company {
					to = g.rentCos[(h>>24)%uint64(len(g.rentCos))].acct
				} else if l := int(g.landlords[(h>>24)%uint64(len(g.landlords))]); l != i {
					to = g.card(l)
				}
				if to >= 0 {
					amt := yuan(float64(roundTo(int64(2300*math.Exp(0.4*hnorm(h2))), 100)))
					g.add(mevent{t: g.at(ds, &dayHours), kind: evPay, from: g.card(i), to: to, amt: amt, rail: mrBank, memo: mmRent})
				}
			}
		}
		if (h>>32)&0xff < 153 && (h>>40)%28 == d {
			g.bill(i, ds, &g.billers[g.elecOf[g.cityOf(i)]], yuan(g.logn(150, 0.5)), mmElectricity, h2&1 == 0)
		}
		if (h>>48)&0xff < 204 && (h>>56)%28 == d {
			c := g.carriers[[]int{0, 0, 0, 0, 1, 1, 2, 0}[h2>>61]]
			g.bill(i, ds, &g.billers[c], []int64{30, 50, 100, 100, 200}[(h2>>1)%5]*fenPerYuan, mmPhone, h2&2 == 0)
		}
		if h2>>8&0xff < 100 && (h2>>16)%28 == d {
			g.bill(i, ds, &g.billers[g.gasOf[g.cityOf(i)]], yuan(g.logn(60, 0.5)), mmGas, h2&4 == 0)
		}
		if h2>>24&0xff < 31 && (h2>>32)%28 == d { // a monthly allowance for parents
			j := g.contact(i, 0)
			amt := int64(500+500*((h2>>40)%6)) * fenPerYuan
			t := g.at(ds, &p2pHours)
			if f := g.pwal[i]; f != 0 && f == g.pwal[j] {
				g.add(mevent{t: t, kind: evWalletPay, from: g.wallet(i), to: g.wallet(j), amt: amt, rail: mrEwallet, memo: mmLiving})
			} else {
				g.add(mevent{t: t, kind: evPay, from: g.card(i), to: g.card(j), amt: amt, rail: mrBank, memo: mmLiving})
			}
		}
		if h2>>44&0xff < 15 && (h2>>52)%28 == d {
			amt := yuan(float64(roundTo(int64(1500*math.Exp(0.5*hnorm(mix64(h2)))), 1)))
			g.add(mevent{t: g.at(ds, &debitHours), kind: evPay, from: g.card(i), to: g.lenders[h2>>63], amt: amt, rail: mrBank, memo: mmRepay})
		}
	}
}

// bill is paid in the app, or taken from the card by direct debit at night.
func (g *mgen) bill(i int, ds int64, b *mservice, amt int64, memo uint8, app bool) {
	if f := g.pwal[i]; f != 0 && app {
		g.add(mevent{t: g.at(ds, &dayHours), kind: evWalletPay, from: g.wallet(i), to: b.wallets[f], amt: amt, rail: mrEwallet, memo: memo})
		return
	}
	g.add(mevent{t: g.at(ds, &debitHours), kind: evPay, from: g.card(i), to: b.acct, amt: amt, rail: mrBank, memo: memo})
}

// payday reports whether an employer paying on day payday pays today:
// on the day, or on the Friday before when it falls on a weekend.
func payday(payday, dom, wd int) bool {
	switch {
	case wd >= 1 && wd <= 5 && dom == payday:
		return true
	case wd == 5:
		return dom+1 == payday || dom+2 == payday
	}
	return false
}

func (g *mgen) payroll(ds int64, dom, wd int) {
	for ei := range g.employers {
		e := &g.employers[ei]
		if e.hi == e.lo || !payday(e.payday, dom, wd) {
			continue
		}
		start := ds + int64(e.hour)*hourSec + g.r.Int64N(1800)
		size := int64(e.hi - e.lo)
		run := min(size*2, 5*hourSec) // a batch file takes a second or two a line
		for pos := e.lo; pos < e.hi; pos++ {
			i := g.unperm(pos)
			from := e.acct
			base := e.median * math.Exp(0.3*hnorm(g.ph(i, 0x630)))
			amt := yuan(base * (1 + 0.03*g.r.NormFloat64()))
			if e.pension {
				from = g.pensionOf[g.cityOf(i)]
				amt = yuan(base)
			}
			g.add(mevent{t: start + int64(pos-e.lo)*run/size, kind: evPay, from: from, to: g.card(i), amt: max(100, amt), rail: mrBank, memo: e.memo})
		}
	}
}

// business is the daily round of merchants, billers, rent collectors and
// desks: wallets settled at night, takings swept to the owner in the
// evening, suppliers paid weekly, rent monthly.
func (g *mgen) business(ds int64, dom, wd int) {
	for mi := range g.merchants {
		m := &g.merchants[mi]
		for f := firmAlipay; f <= firmWeChat; f++ {
			g.add(mevent{t: ds + hourSec + g.r.Int64N(3*hourSec), kind: evSettle, from: m.wallets[f], to: m.acct, aux: int32(f)})
		}
		if wd != m.offDay {
			g.add(mevent{t: ds + 21*hourSec + g.r.Int64N(150*60), kind: evSweep, from: m.acct, to: m.owner, amt: m.float, rail: mrBank, memo: mmTakings})
		}
		if wd == m.supplierDay {
			g.add(mevent{t: g.at(ds, &workHours), kind: evSupplier, from: m.acct, to: m.suppliers[g.r.IntN(len(m.suppliers))],
				amt: int64(350 + g.r.IntN(200)), aux: int32(mi + 1), rail: mrBank, memo: mmGoods})
		}
		if m.platform >= 0 {
			g.add(mevent{t: ds + 2*hourSec + g.r.Int64N(3*hourSec), kind: evPay, from: g.platforms[m.platform].acct, to: m.acct,
				amt: yuan(g.logn(600, 0.8)), rail: mrBank, memo: mmPlatform})
		}
		if dom == m.rentDay {
			g.add(mevent{t: g.at(ds, &workHours), kind: evPay, from: m.acct, to: m.rentTo, amt: m.rentAmt, rail: mrBank, memo: mmRent})
		}
	}
	for bi := range g.billers {
		b := &g.billers[bi]
		for f := firmAlipay; f <= firmWeChat; f++ {
			g.add(mevent{t: ds + hourSec + g.r.Int64N(3*hourSec), kind: evSettle, from: b.wallets[f], to: b.acct, aux: int32(f)})
		}
		g.add(mevent{t: ds + 23*hourSec + g.r.Int64N(30*60), kind: evSweep, from: b.acct, to: b.hq, rail: mrBank, memo: mmTakings})
	}
	for _, p := range g.platforms {
		for f := firmAlipay; f <= firmWeChat; f++ {
			g.add(mevent{t: ds + hourSec + g.r.Int64N(3*hourSec), kind: evSettle, from: p.wallets[f], to: p.acct, aux: int32(f)})
		}
	}
	for _, rc := range g.rentCos {
		if dom != rc.payday {
			continue
		}
		t := ds + 10*hourSec + g.r.Int64N(hourSec)
		for k, o := range rc.owners {
			g.add(mevent{t: t + int64(k), kind: evPay, from: rc.acct, to: g.card(int(o)), amt: rc.amts[k], rail: mrBank, memo: mmRentOut})
		}
	}
	for _, d := range g.desks {
		if len(d.fiat) > 1 && wd != 0 {
			g.add(mevent{t: ds + 17*hourSec + g.r.Int64N(2*hourSec), kind: evPay, from: d.fiat[0], to: d.fiat[1+g.r.IntN(len(d.fiat)-1)],
				amt: int64(50+g.r.IntN(250)) * 1000 * fenPerYuan, rail: mrBank, memo: mmCurrent})
		}
	}
}

func (g *mgen) groupBuy(ds int64, wd int) {
	for _, l := range g.leaders {
		if wd == l.offDay {
			continue
		}
		lo := l.person / mBlock * mBlock
		size := min(mBlock, g.n-lo)
		sum := int64(0)
		for range g.poisson(12) {
			j := lo + g.r.IntN(size)
			if j == l.person {
				continue
			}
			amt := max(100, yuan(g.logn(45, 0.6)))
			sum += amt
			t := ds + 8*hourSec + g.r.Int64N(11*hourSec)
			if g.pwal[j] == firmWeChat && g.pwal[l.person] == firmWeChat {
				g.add(mevent{t: t, kind: evWalletPay, from: g.wallet(j), to: g.wallet(l.person), amt: amt, rail: mrEwallet, memo: mmGoods})
			} else {
				g.add(mevent{t: t, kind: evPay, from: g.card(j), to: g.card(l.person), amt: amt, rail: mrBank, memo: mmGoods})
			}
		}
		if sum > 0 {
			g.add(mevent{t: ds + 20*hourSec + g.r.Int64N(2*hourSec), kind: evGroupPay, from: g.card(l.person), to: l.supplier,
				amt: sum * 9 / 10, aux: int32(l.person), rail: mrBank, memo: mmGoods})
		}
	}
}

// weddings: the hosts receive gifts from dozens of people in a day and pay
// the banquet the next.
func (g *mgen) weddings(ds int64) {
	for range g.poisson(float64(g.n) * weddingHosts) {
		h := g.randomPerson()
		g.hosts = append(g.hosts, h)
		sum := int64(0)
		for range 25 + g.r.IntN(60) {
			var j int
			switch u := g.r.Float64(); {
			case u < 0.5:
				j = g.contact(h, g.r.IntN(mBlock))
			case u < 0.8:
				j = g.contact(h, g.r.IntN(8))
			default:
				j = g.contact(h, -1)
			}
			amt := []int64{200, 500, 600, 800, 1000, 1000, 1200, 2000}[g.r.IntN(8)] * fenPerYuan
			sum += amt
			t := ds + 9*hourSec + g.r.Int64N(12*hourSec)
			if f := g.pwal[j]; f != 0 && f == g.pwal[h] {
				g.add(mevent{t: t, kind: evWalletPay, from: g.wallet(j), to: g.wallet(h), amt: amt, rail: mrEwallet, memo: mmGift})
			} else {
				g.add(mevent{t: t, kind: evPay, from: g.card(j), to: g.card(h), amt: amt, rail: mrBank, memo: mmGift})
			}
		}
		city := g.cityOf(h)
		mi := g.r.IntN(len(g.merchants))
		for _, c := range g.cityMerch[city] {
			if merchantKinds[g.merchants[c].kind].name == "餐馆" {
				mi = int(c)
				break
			}
		}
		m := &g.merchants[mi]
		amt := roundTo(int64(float64(sum)*(0.5+0.4*g.r.Float64())), fenPerYuan)
		e := mevent{t: ds + daySec + 11*hourSec + g.r.Int64N(3*hourSec), kind: evPay, from: g.card(h), to: m.acct, amt: amt, rail: mrCard, aux: int32(mi + 1), memo: mmSpend}
		if f := g.pwal[h]; f != 0 {
			e.kind, e.from, e.to, e.rail = evWalletPay, g.wallet(h), m.wallets[f], mrEwallet
		}
		g.later(e)
	}
}

func (g *mgen) cashAndLoans(ds int64) {
	for range g.poisson(float64(g.n) * atmRate) {
		i := g.act.sample(g.r)
		amt := min(3000, max(100, roundTo(int64(g.logn(700, 0.7)), 100))) * fenPerYuan
		g.add(mevent{t: g.at(ds, &dayHours), kind: evPay, from: g.card(i), to: g.atm(g.cityOf(i), int(g.pbank[i])), amt: amt, rail: mrOther, memo: mmATM})
	}
	for range g.poisson(float64(g.n) * walletOut) {
		if i := g.randomPerson(); g.hasWallet(i) {
			g.add(mevent{t: g.at(ds, &p2pHours), kind: evWalletOut, aux: int32(i)})
		}
	}
	for range g.poisson(float64(g.n) * loanRate) {
		amt := min(200000, max(2000, roundTo(int64(g.logn(15000, 0.8)), 1000))) * fenPerYuan
		g.add(mevent{t: g.at(ds, &workHours), kind: evPay, from: g.sample(g.lenders), to: g.card(g.randomPerson()), amt: amt, rail: mrBank, memo: mmLoan})
	}
}

func (g *mgen) crypto(ds int64) {
	for _, b := range g.buyers {
		if !g.chance(1.0 / 12) {
			continue
		}
		d := &g.desks[b.desk]
		amt := min(100000, max(500, roundTo(int64(g.logn(6000, 0.9)), 100))) * fenPerYuan
		g.add(mevent{t: g.at(ds, &dayHours), kind: evOTCBuy, from: g.card(b.person), to: g.sample(d.fiat), amt: amt, aux: b.dep,
			rail: mrBank, memo: []uint8{mmNone, mmNone, mmGoods, mmUSDT}[g.r.IntN(4)]})
	}
	for _, s := range g.sellers {
		if !g.chance(1.0 / 20) {
			continue
		}
		d := &g.desks[g.r.IntN(len(g.desks))]
		g.add(mevent{t: g.at(ds, &dayHours), kind: evOTCSell, from: g.exHot[g.r.IntN(len(g.exHot))][0], to: g.sample(d.tron),
			amt: max(50, int64(g.logn(1500, 0.8))) * microUSDT, aux: int32(s), rail: mrTron})
	}
}

// --- processing ---

func (g *mgen) process(e *mevent) error {
	switch e.kind {
	case evPay:
		return g.plain(e)
	case evWalletPay:
		if w := e.from; g.bal[w] < e.amt {
			i := int(w) - g.n
			need := e.amt - g.bal[w]
			top := roundUp(need, 100*fenPerYuan) + []int64{0, 0, 100, 200, 500}[g.r.IntN(5)]*fenPerYuan
			if g.bal[i] < top {
				top = need
			}
			if g.bal[i] < top {
				g.dropped++ // declined
				return nil
			}
			if err := g.topUp(e.t, i, top); err != nil {
				return err
			}
		}
		return g.plain(e)
	case evSettle:
		amt := g.bal[e.from]
		if amt <= 0 {
			return nil
		}
		s := g.settle[e.aux][g.acct(e.to).inst]
		if _, err := g.pay(e.t, mrBank, amt, s, e.to, mmAlipaySettle+uint8(e.aux-1)); err != nil {
			return err
		}
		g.bal[s] += amt // the settlement account passes the wallet's money on
		g.bal[e.from] -= amt
	case evSweep:
		if amt := g.bal[e.from] - e.amt; amt >= 100*fenPerYuan {
			_, err := g.pay(e.t, e.rail, amt, e.from, e.to, e.memo)
			return err
		}
	case evSupplier:
		m := &g.merchants[e.aux-1]
		amt := min(roundTo(m.intake*e.amt/1000, fenPerYuan), g.bal[e.from])
		m.intake = 0
		if amt >= 100*fenPerYuan {
			_, err := g.pay(e.t, e.rail, amt, e.from, e.to, e.memo)
			return err
		}
	case evWalletOut:
		i := int(e.aux)
		if w := g.bal[g.wallet(i)]; w >= 1000*fenPerYuan {
			return g.walletToCard(e.t, i, roundTo(w-200*fenPerYuan, 100*fenPerYuan))
		}
	case evGroupPay:
		i := int(e.aux)
		if w := g.bal[g.wallet(i)]; g.hasWallet(i) && w > 0 {
			if err := g.walletToCard(e.t, i, w); err != nil {
				return err
			}
		}
		if amt := min(e.amt, g.bal[e.from]); amt >= 100*fenPerYuan {
			_, err := g.pay(e.t, e.rail, amt, e.from, e.to, e.memo)
			return err
		}
	case evOTCBuy:
		if g.bal[e.from] < e.amt {
			return nil
		}
		if _, err := g.pay(e.t, e.rail, e.amt, e.from, e.to, e.memo); err != nil {
			return err
		}
		g.later(mevent{t: e.t + g.span(12*60, 0.8, 180, 40*60), kind: evPayout, from: e.to, to: e.aux, amt: e.amt, aux: -1})
	case evOTCSell:
		if _, err := g.pay(e.t, mrTron, e.amt, e.from, e.to, mmNone); err != nil {
			return err
		}
		d := &g.desks[g.acct(e.to).owner]
		fiat := e.amt * g.rate(d, e.t, false) / 100_000_000
		g.later(mevent{t: e.t + g.span(15*60, 0.6, 300, 3600), kind: evPay, from: g.sample(d.fiat), to: g.card(int(e.aux)),
			amt: fiat, rail: mrBank, memo: []uint8{mmNone, mmUSDT, mmGoods}[g.r.IntN(3)]})
	case evPayout:
		return g.payout(e)
	case evFund:
		return g.fund(e)
	case evTopUp:
		return g.topUpVictim(e.t, e.aux)
	case evVictimPay:
		return g.victimPay(e)
	case evForward:
		return g.forwarded(e)
	case evCash:
		id, err := g.pay(e.t, mrOther, e.amt, e.from, e.to, mmATM)
		g.moveLot(e.from, e.to, e.aux, e.amt, id)
		g.fraudRows++
		return err
	case evToDesk:
		return g.toDesk(e)
	case evConsSweep:
		return g.consSweep(e)
	}
	return nil
}

// canPay reports whether from has the money: people their balance, mules
// their own money (victims' money moves only as the ring planned it).
// Businesses, funds and institutions have credit.
func (g *mgen) canPay(from int32, amt int64) bool {
	if !g.isOther(from) {
		return g.bal[from] >= amt
	}
	if a := g.acct(from); isMule(a.role) {
		return g.mules[a.owner].free >= amt
	}
	return true
}

// plain makes a transfer that carries no victim's money.
func (g *mgen) plain(e *mevent) error {
	if e.from == e.to || e.amt <= 0 {
		return nil
	}
	if !g.canPay(e.from, e.amt) {
		g.dropped++
		return nil
	}
	if _, err := g.pay(e.t, e.rail, e.amt, e.from, e.to, e.memo); err != nil {
		return err
	}
	if g.isOther(e.from) {
		if a := g.acct(e.from); isMule(a.role) {
			g.mules[a.owner].free -= e.amt
		}
	}
	if g.isOther(e.to) {
		if a := g.acct(e.to); isMule(a.role) {
			g.mules[a.owner].free += e.amt
		}
	}
	if e.aux > 0 {
		g.merchants[e.aux-1].intake += e.amt
	}
	return nil
}

// topUp moves money from i's card into the e-wallet: the bank sees a
// payment to the payment firm's settlement account.
func (g *mgen) topUp(t int64, i int, amt int64) error {
	s := g.settlement(i)
	if _, err := g.pay(t, mrBank, amt, g.card(i), s, mmAlipayTopUp+g.pwal[i]-1); err != nil {
		return err
	}
	g.bal[s] -= amt
	g.bal[g.wallet(i)] += amt
	return nil
}

// walletToCard is a withdrawal from i's e-wallet to the card.
func (g *mgen) walletToCard(t int64, i int, amt int64) error {
	s := g.settlement(i)
	if _, err := g.pay(t, mrBank, amt, s, g.card(i), mmAlipayOut+g.pwal[i]-1); err != nil {
		return err
	}
	g.bal[s] += amt
	g.bal[g.wallet(i)] -= amt
	return nil
}

// rate is a desk's CNY per USDT ×10⁴ on the day of t: above the market
// when it sells USDT, below when it buys.
func (g *mgen) rate(d *mdesk, t int64, sell bool) int64 {
	day := min(g.days, max(0, int((t-g.t0)/daySec)))
	if sell {
		return int64(float64(g.rate4[day]) * (1 + d.spread))
	}
	return int64(float64(g.rate4[day]) * (1 - d.spread/2))
}

// payout is an OTC desk paying USDT for fiat received on e.from: fiat/rate
// from one of its wallets, topped up from an exchange when short.
func (g *mgen) payout(e *mevent) error {
	d := &g.desks[g.acct(e.from).owner]
	rail, wallet, hot := mrTron, g.sample(d.tron), 0
	if g.kindOf(e.to) == akEth {
		rail, wallet, hot = mrEth, d.eth, 1
	}
	usdt := e.amt * 100_000_000 / g.rate(d, e.t, true)
	switch d.round {
	case 1:
		usdt = roundTo(usdt, microUSDT/100)
	case 2:
		usdt = roundTo(usdt, microUSDT)
	}
	if usdt <= 0 {
		return nil
	}
	if g.bal[wallet] < usdt {
		top := roundUp(usdt-g.bal[wallet]+int64(100_000+g.r.IntN(200_000))*microUSDT, 1000*microUSDT)
		if _, err := g.pay(e.t, rail, top, g.exHot[g.r.IntN(len(g.exHot))][hot], wallet, mmNone); err != nil {
			return err
		}
	}
	id, err := g.pay(e.t, rail, usdt, wallet, e.to, mmNone)
	if err != nil || e.aux < 0 {
		return err
	}
	took := g.takeLot(e.from, e.aux, e.amt)
	g.addLot(e.to, e.aux, usdt*took/e.amt)
	g.carried(e.aux, id)
	g.fraudRows++
	return nil
}

// --- the fraud ---

// fund: before paying, a victim borrows what is missing from family or a
// lender, as victims drawn in deeper do.
func (g *mgen) fund(e *mevent) error {
	vp := &g.pays[e.aux]
	i := g.victims[vp.victim].person
	have := g.bal[i]
	if vp.wallet {
		have += g.bal[g.wallet(i)]
	}
	if need := vp.amt + 200*fenPerYuan; have < need {
		return g.borrow(e.t, i, roundUp(need-have, 1000*fenPerYuan)+int64(g.r.IntN(3))*1000*fenPerYuan)
	}
	return nil
}

func (g *mgen) borrow(t int64, i int, amt int64) error {
	if amt <= 50000*fenPerYuan && g.chance(0.5) {
		if j := g.contact(i, g.r.IntN(3)); g.bal[j] >= amt+1000*fenPerYuan {
			_, err := g.pay(t, mrBank, amt, g.card(j), g.card(i), mmBorrow)
			return err
		}
	}
	_, err := g.pay(t, mrBank, amt, g.sample(g.lenders), g.card(i), mmLoan)
	return err
}

func (g *mgen) topUpVictim(t int64, p int32) error {
	vp := &g.pays[p]
	i := g.victims[vp.victim].person
	w := g.wallet(i)
	if g.bal[w] >= vp.amt {
		return nil
	}
	top := roundUp(vp.amt-g.bal[w], 100*fenPerYuan)
	if g.bal[i] < top {
		if err := g.borrow(t, i, roundUp(top-g.bal[i], 1000*fenPerYuan)); err != nil {
			return err
		}
	}
	return g.topUp(t, i, top)
}

var victimMemos = map[string][]uint8{
	"investment":    {mmNone, mmNone, mmInvest},
	"loan":          {mmNone, mmDeposit},
	"credit_repair": {mmNone, mmService, mmDeposit},
	"task_scam":     {mmNone, mmNone, mmNone, mmGoods},
}

func (g *mgen) victimPay(e *mevent) error {
	p := e.aux
	vp := &g.pays[p]
	vic := &g.victims[vp.victim]
	i := vic.person
	from, rail := g.card(i), mrBank
	if vp.wallet {
		from, rail = g.wallet(i), mrEwallet
		if err := g.topUpVictim(e.t, p); err != nil {
			return err
		}
	} else if g.bal[i] < vp.amt {
		if err := g.borrow(e.t, i, roundUp(vp.amt-g.bal[i], 1000*fenPerYuan)); err != nil {
			return err
		}
	}
	memo := mmNone
	if ms := victimMemos[g.rings[vic.ring].typology]; ms != nil {
		memo = ms[g.r.IntN(len(ms))]
	}
	id, err := g.pay(e.t, rail, vp.amt, from, vp.to, memo)
	if err != nil {
		return err
	}
	vp.id = id
	g.addLot(vp.to, p, vp.amt)
	g.carried(p, id)
	g.fraudRows++
	mi := g.acct(vp.to).owner
	g.wake(mi, e.t)
	g.forward(p, mi, e.t, vp.amt)
	return nil
}

// forward: within minutes to a few hours a first-layer account passes
// 90–100% of a victim's payment on, split over two to four second-layer
// accounts.
func (g *mgen) forward(p, mi int32, t, amt int64) {
	from, firm, ring := g.mules[mi].acct, g.mules[mi].firm, g.mules[mi].ring
	total := amt
	if g.chance(0.7) {
		total = roundTo(int64(float64(amt)*(0.9+0.1*g.r.Float64())), fenPerYuan)
	}
	k := 2 + g.r.IntN(3)
	if total < 3000*fenPerYuan {
		k = 1 + g.r.IntN(2)
	}
	tt := t + g.span(25*60, 0.9, 120, 5*hourSec)
	targets := g.layer2(ring, tt, k)
	unit := int64(fenPerYuan)
	if g.rings[ring].roundParts && total >= int64(len(targets))*1000*fenPerYuan {
		unit = 100 * fenPerYuan
	}
	rail := mrBank
	if firm != 0 {
		rail = mrEwallet
	}
	for j, part := range g.split(total, len(targets), unit) {
		g.later(mevent{t: tt, kind: evForward, from: from, to: g.mules[targets[j]].acct, amt: part, aux: p, rail: rail,
			memo: []uint8{mmNone, mmNone, mmCurrent, mmGoods, mmRepay}[g.r.IntN(5)]})
		tt += 30 + g.r.Int64N(8*60)
	}
}

// split cuts total into k random parts in multiples of unit (the last
// takes the rest).
func (g *mgen) split(total int64, k int, unit int64) []int64 {
	w := make([]float64, k)
	sum := 0.0
	for j := range w {
		w[j] = 0.5 + g.r.Float64()
		sum += w[j]
	}
	parts := make([]int64, k)
	left := total
	for j := range k - 1 {
		parts[j] = roundTo(int64(float64(total)*w[j]/sum), unit)
		left -= parts[j]
	}
	parts[k-1] = left
	return parts
}

// layer2 picks k second-layer accounts of ring in use at t, opening new
// ones as old ones are used up.
func (g *mgen) layer2(ring int, t int64, k int) []int32 {
	rg := &g.rings[ring]
	var active []int32
	for _, mi := range rg.l2 {
		if m := &g.mules[mi]; m.until >= t && m.used < m.quota {
			active = append(active, mi)
		}
	}
	for len(active) < k+1 {
		mi := int32(len(g.mules))
		m := mmule{ring: ring, layer: roMule2, city: g.randomCity(), bank: g.randomBank(),
			until: t + 4*daySec + g.r.Int64N(8*daySec), quota: 8 + g.r.IntN(30)}
		open := int64(0)
		if g.chance(0.5) {
			open = g.r.Int64N(20000)
		}
		m.acct = g.newCard(m.bank, roMule2, mi, open)
		g.mules = append(g.mules, m)
		rg.l2 = append(rg.l2, mi)
		active = append(active, mi)
	}
	g.r.Shuffle(len(active), func(a, b int) { active[a], active[b] = active[b], active[a] })
	for _, mi := range active[:k] {
		g.mules[mi].used++
	}
	return active[:k]
}

// wake plans a mule's blending: a few small payments from people it knows
// and a little ordinary spending of them, once it is in use.
func (g *mgen) wake(mi int32, t int64) {
	m := &g.mules[mi]
	if m.woken || m.layer == roCons {
		return
	}
	m.woken = true
	acct, firm := m.acct, m.firm
	for range g.r.IntN(3) {
		ti := t + 2*hourSec + g.r.Int64N(6*daySec)
		amt := max(50, roundTo(int64(g.logn(300, 0.6)), 10)) * fenPerYuan
		if firm == 0 {
			g.later(mevent{t: ti, kind: evPay, from: g.card(g.randomPerson()), to: acct, amt: amt, rail: mrBank,
				memo: []uint8{mmNone, mmTransfer, mmLiving}[g.r.IntN(3)]})
		} else if p, ok := g.personWith(firm); ok {
			g.later(mevent{t: ti, kind: evPay, from: g.wallet(p), to: acct, amt: amt, rail: mrEwallet,
				memo: []uint8{mmNone, mmRedPacket, mmTransfer}[g.r.IntN(3)]})
		} else {
			continue
		}
		budget := amt * 85 / 100
		for range 1 + g.r.IntN(3) {
			a := int64(float64(budget) * (0.15 + 0.3*g.r.Float64()))
			if a < 100 {
				break
			}
			budget -= a
			me := g.r.IntN(len(g.merchants))
			e := mevent{t: ti + 600 + g.r.Int64N(2*daySec), kind: evPay, from: acct, to: g.merchants[me].acct, amt: a,
				rail: mrCard, aux: int32(me + 1), memo: mmSpend}
			switch {
			case firm != 0:
				e.to, e.rail = g.merchants[me].wallets[firm], mrEwallet
			case g.chance(0.3):
				e.to, e.rail, e.aux, e.memo = g.card(g.randomPerson()), mrBank, 0, mmTransfer
			}
			g.later(e)
		}
	}
}

func (g *mgen) forwarded(e *mevent) error {
	id, err := g.pay(e.t, e.rail, e.amt, e.from, e.to, e.memo)
	if err != nil {
		return err
	}
	g.moveLot(e.from, e.to, e.aux, e.amt, id)
	g.fraudRows++
	mi := g.acct(e.to).owner
	g.wake(mi, e.t)
	g.layer2Out(e.aux, mi, e.t, e.amt)
	return nil
}

// layer2Out: a second-layer account withdraws part in cash at ATMs (a few
// thousand at a time, at most 20,000 a card a day) where its ring does,
// and pays the rest to an OTC desk in chunks under 50,000; a few hundred
// left over after the cash it keeps.
func (g *mgen) layer2Out(p, mi int32, t, amt int64) {
	m := g.mules[mi]
	ring := &g.rings[m.ring]
	rest := amt
	if ring.cash > 0 && g.chance(ring.cash) {
		tc := t + g.span(50*60, 0.8, 8*60, 4*hourSec)
		key := int64(mi)<<20 | (tc-g.t0)/daySec
		c := min(roundTo(rest, 100*fenPerYuan), 20000*fenPerYuan-g.cashDay[key])
		atm := g.atm(m.city, m.bank)
		for c >= 100*fenPerYuan {
			w := min(c, []int64{2000, 2500, 2500, 3000}[g.r.IntN(4)]*fenPerYuan)
			g.later(mevent{t: tc, kind: evCash, from: m.acct, to: atm, amt: w, aux: p, rail: mrOther, memo: mmATM})
			g.cashDay[key] += w
			c -= w
			rest -= w
			tc += 40 + g.r.Int64N(200)
		}
	}
	if rest < amt && rest < 500*fenPerYuan {
		return // crumbs left after the cash are the mule's
	}
	td := t + g.span(40*60, 0.9, 180, 8*hourSec)
	d := &g.desks[ring.desks[g.r.IntN(len(ring.desks))]]
	for rest > 0 {
		chunk := rest
		if rest > 50000*fenPerYuan {
			chunk = int64(45000+100*g.r.IntN(50)) * fenPerYuan
		}
		g.later(mevent{t: td, kind: evToDesk, from: m.acct, to: g.sample(d.fiat), amt: chunk, aux: p, rail: mrBank,
			memo: []uint8{mmNone, mmNone, mmGoods, mmUSDT, mmCurrent}[g.r.IntN(5)]})
		rest -= chunk
		td += 60 + g.r.Int64N(15*60)
	}
}

// toDesk: the desk gets fiat from a mule and pays USDT to the ring's
// consolidation wallet minutes later.
func (g *mgen) toDesk(e *mevent) error {
	id, err := g.pay(e.t, mrBank, e.amt, e.from, e.to, e.memo)
	if err != nil {
		return err
	}
	g.moveLot(e.from, e.to, e.aux, e.amt, id)
	g.fraudRows++
	ring := &g.rings[g.muleOf(e.from).ring]
	cons := g.sample(ring.consTron)
	if len(ring.consEth) > 0 && g.chance(ring.eth) {
		cons = g.sample(ring.consEth)
	}
	g.later(mevent{t: e.t + g.span(12*60, 0.8, 60, hourSec), kind: evPayout, from: e.to, to: cons, amt: e.amt, aux: e.aux})
	return nil
}

// consSweep moves all or part of a consolidation wallet to one of the
// ring's exchange deposit addresses, oldest money first.
func (g *mgen) consSweep(e *mevent) error {
	m := g.mules[e.aux]
	ring := &g.rings[m.ring]
	if total := g.bal[e.from]; m.frac > 0 && total >= 50*microUSDT {
		amt := total
		if m.frac < 1 {
			amt = roundTo(int64(float64(total)*m.frac), microUSDT)
		}
		rail, dep := mrTron, g.sample(ring.depTron)
		if g.kindOf(e.from) == akEth {
			rail, dep = mrEth, g.sample(ring.depEth)
		}
		id, err := g.pay(e.t, rail, amt, e.from, dep, mmNone)
		if err != nil {
			return err
		}
		for _, l := range g.takeFIFO(e.from, amt) {
			g.addLot(dep, l.pay, l.amt)
			g.carried(l.pay, id)
		}
		g.fraudRows++
	}
	g.later(mevent{t: e.t + g.span(m.every, 0.5, hourSec, 3*daySec), kind: evConsSweep, from: e.from, aux: e.aux})
	return nil
}

// --- victims' money ---

func (g *mgen) addLot(acct, pay int32, amt int64) {
	if amt <= 0 {
		return
	}
	ls := g.lots[acct]
	for k := range ls {
		if ls[k].pay == pay {
			ls[k].amt += amt
			return
		}
	}
	g.lots[acct] = append(ls, mlot{pay, amt})
}

// takeLot takes up to amt of payment pay's money from acct.
func (g *mgen) takeLot(acct, pay int32, amt int64) int64 {
	ls := g.lots[acct]
	for k := range ls {
		if ls[k].pay == pay {
			took := min(amt, ls[k].amt)
			ls[k].amt -= took
			if ls[k].amt == 0 {
				g.dropLots(acct, slices.Delete(ls, k, k+1))
			}
			return took
		}
	}
	return 0
}

// takeFIFO takes amt from acct, the money that arrived first first.
func (g *mgen) takeFIFO(acct int32, amt int64) []mlot {
	ls := g.lots[acct]
	var out []mlot
	for k := 0; k < len(ls) && amt > 0; k++ {
		took := min(amt, ls[k].amt)
		out = append(out, mlot{ls[k].pay, took})
		ls[k].amt -= took
		amt -= took
	}
	g.dropLots(acct, slices.DeleteFunc(ls, func(l mlot) bool { return l.amt == 0 }))
	return out
}

func (g *mgen) dropLots(acct int32, ls []mlot) {
	if len(ls) == 0 {
		delete(g.lots, acct)
		return
	}
	g.lots[acct] = ls
}

func (g *mgen) moveLot(from, to, pay int32, amt int64, id string) {
	g.addLot(to, pay, g.takeLot(from, pay, amt))
	g.carried(pay, id)
}

// carried records that transfer id carried part of payment pay.
func (g *mgen) carried(pay int32, id string) {
	vp := &g.pays[pay]
	if n := len(vp.path); n == 0 || vp.path[n-1] != id {
		vp.path = append(vp.path, id)
	}
}

// --- output ---

// pay makes a transfer: balances, the row, and its id.
func (g *mgen) pay(t int64, rail uint8, amt int64, from, to int32, memo uint8) (string, error) {
	g.bal[from] -= amt
	g.bal[to] += amt
	g.mark(from)
	g.mark(to)
	g.rows++
	rec := g.format(t, rail, amt, from, to, memo)
	return rec[0], g.emit(rec)
}

const hexDigits = "0123456789abcdef"

func appendHex64(b []byte, h uint64) []byte {
	for s := 60; s >= 0; s -= 4 {
		b = append(b, hexDigits[h>>uint(s)&15])
	}
	return b
}

func appendFen(b []byte, v int64) []byte {
	b = strconv.AppendInt(b, v/fenPerYuan, 10)
	return append(b, '.', byte('0'+v%100/10), byte('0'+v%10))
}

// appendMicro writes micro-USDT with two to six decimals, as chains show it.
func appendMicro(b []byte, v int64) []byte {
	b = strconv.AppendInt(b, v/microUSDT, 10)
	b = append(b, '.')
	b = appendDigits(b, uint64(v%microUSDT), 6)
	n := len(b)
	for k := 0; k < 4 && b[n-1] == '0'; k++ {
		n--
	}
	return b[:n]
}

func amountString(v int64, asset uint8) string {
	if asset == akTron || asset == akEth {
		return string(appendMicro(nil, v)) // only chain accounts hold USDT
	}
	return string(appendFen(nil, v))
}

// format renders a transfer into the reused record, from one buffer cut
// into fields.
func (g *mgen) format(t int64, rail uint8, amt int64, from, to int32, memo uint8) []string {
	local := t + cstOff
	if day := local / daySec; day != g.dateDay {
		g.dateDay = day
		d := time.Unix(day*daySec, 0).UTC()
		g.datePref = d.AppendFormat(g.datePref[:0], "2006-01-02T")
		g.ymd = d.AppendFormat(g.ymd[:0], "20060102")
	}
	b := g.buf[:0]
	var ends [10]int
	chain := rail == mrTron || rail == mrEth
	if chain {
		if rail == mrEth {
			b = append(b, "0x"...)
		}
		for k := range uint64(4) {
			b = appendHex64(b, mix64((uint64(g.rows)<<2|k)^g.salt))
		}
		logIndex := uint64(0)
		if g.isOther(from) && g.acct(from).role == roExchangeHot { // exchanges batch their withdrawals
			logIndex = mix64(uint64(g.rows)^g.salt^0x55) % 6
		}
		b = append(b, ':')
		b = strconv.AppendUint(b, logIndex, 10)
	} else {
		b = append(b, "BCEXXA"[rail])
		b = append(b, g.ymd...)
		b = appendDigits(b, uint64(g.rows), 9)
	}
	ends[0] = len(b)
	s := local % daySec
	b = append(b, g.datePref...)
	for _, v := range [3]int64{s / 3600, s / 60 % 60, s % 60} {
		b = append(b, byte('0'+v/10), byte('0'+v%10), ':')
	}
	b = append(b[:len(b)-1], "+08:00"...)
	ends[1] = len(b)
	b = append(b, moneyRails[rail]...)
	ends[2] = len(b)
	if chain {
		b = append(b, "USDT"...)
		ends[3] = len(b)
		b = appendMicro(b, amt)
	} else {
		b = append(b, "CNY"...)
		ends[3] = len(b)
		b = appendFen(b, amt)
	}
	ends[4] = len(b)
	b = g.appendAccount(b, from)
	ends[5] = len(b)
	b = g.appendAccount(b, to)
	ends[6] = len(b)
	b = append(b, g.institution(from)...)
	ends[7] = len(b)
	b = append(b, g.institution(to)...)
	ends[8] = len(b)
	b = append(b, moneyMemos[memo]...)
	ends[9] = len(b)
	g.buf = b
	return splitRecord(b, ends[:], g.rec)
}

// mqueue is a binary heap of events by time, then sequence.
type mqueue []mevent

func (q mqueue) less(i, j int) bool {
	return q[i].t < q[j].t || (q[i].t == q[j].t && q[i].seq < q[j].seq)
}

// first reports whether the queue's head comes before e.
func (q mqueue) first(e *mevent) bool {
	return q[0].t < e.t || (q[0].t == e.t && q[0].seq < e.seq)
}

func (q *mqueue) push(e mevent) {
	*q = append(*q, e)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *mqueue) pop() mevent {
	h := *q
	e := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < n && h.less(l, m) {
			m = l
		}
		if l+1 < n && h.less(l+1, m) {
			m = l + 1
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return e
}

// --- the truth ---

func (g *mgen) holder(id int32, amt int64) MoneyHolder {
	k := g.kindOf(id)
	asset := "CNY"
	if k == akTron || k == akEth {
		asset = "USDT"
	}
	return MoneyHolder{Kind: moneyKinds[k], Value: g.value(id), Amount: amountString(amt, k), Asset: asset, Entity: g.entity(id)}
}

func (g *mgen) scenario() MoneyScenario {
	tr := MoneyTruth{Seed: g.cfg.Seed, Start: time.Unix(g.t0, 0).In(cst), End: time.Unix(g.tEnd, 0).In(cst),
		Mules: []MoneyMule{}, VictimPayments: []MoneyPayment{}, Rings: []MoneyRing{}}
	holders := make([][]MoneyHolder, len(g.pays))
	held := map[int32]int64{}
	accts := make([]int32, 0, len(g.lots))
	for a := range g.lots {
		accts = append(accts, a)
	}
	slices.Sort(accts)
	for _, a := range accts {
		for _, l := range g.lots[a] {
			holders[l.pay] = append(holders[l.pay], g.holder(a, l.amt))
			held[a] += l.amt
		}
	}
	for p := range g.pays {
		vp := &g.pays[p]
		vic := &g.victims[vp.victim]
		from := g.card(vic.person)
		if vp.wallet {
			from = g.wallet(vic.person)
		}
		hs := holders[p]
		if hs == nil {
			hs = []MoneyHolder{}
		}
		tr.VictimPayments = append(tr.VictimPayments, MoneyPayment{ID: vp.id, Report: vic.report, Time: time.Unix(vp.t, 0).In(cst),
			Amount: amountString(vp.amt, akCard), Asset: "CNY", From: g.value(from), To: g.value(vp.to), FinalHolders: hs, Transfers: vp.path})
	}
	slices.SortStableFunc(tr.VictimPayments, func(a, b MoneyPayment) int { return a.Time.Compare(b.Time) })
	for _, m := range g.mules {
		if !g.wasSeen(m.acct) {
			continue
		}
		tr.Mules = append(tr.Mules, MoneyMule{Kind: moneyKinds[g.kindOf(m.acct)], Value: g.value(m.acct), Layer: moneyRoles[m.layer],
			Ring: g.rings[m.ring].name, Institution: g.institution(m.acct)})
	}
	loss := make([]int64, len(g.rings))
	count := make([]int, len(g.rings))
	for _, v := range g.victims {
		count[v.ring]++
		for _, p := range v.pays {
			loss[v.ring] += g.pays[p].amt
		}
	}
	for k, r := range g.rings {
		mr := MoneyRing{Name: r.name, Typology: r.typology, Victims: count[k], Loss: amountString(loss[k], akCard), Deposits: []MoneyHolder{}}
		for _, d := range r.desks {
			mr.OTCDesks = append(mr.OTCDesks, g.desks[d].name)
		}
		for _, dep := range append(slices.Clone(r.depTron), r.depEth...) {
			mr.Deposits = append(mr.Deposits, g.holder(dep, held[dep]))
		}
		tr.Rings = append(tr.Rings, mr)
	}
	tr.Legitimate = g.legit()
	tr.Counts = MoneyCounts{Transfers: g.rows, FraudTransfers: g.fraudRows, Victims: len(g.victims), Mules: len(tr.Mules), Legitimate: len(tr.Legitimate)}
	for _, w := range g.seen {
		tr.Counts.Accounts += bits.OnesCount64(w)
	}
	return MoneyScenario{Truth: tr, Attributions: g.attrs, Reports: g.reports()}
}

// legit lists the busy legitimate accounts that appear in the transfers.
func (g *mgen) legit() []MoneyLegit {
	out := []MoneyLegit{}
	done := map[int32]bool{}
	add := func(id int32, role, entity string) {
		if done[id] || !g.wasSeen(id) {
			return
		}
		done[id] = true
		out = append(out, MoneyLegit{Kind: moneyKinds[g.kindOf(id)], Value: g.value(id), Role: role, Entity: entity})
	}
	for _, m := range g.merchants {
		add(m.acct, "merchant", m.name)
		add(m.wallets[firmAlipay], "merchant", m.name)
		add(m.wallets[firmWeChat], "merchant", m.name)
		add(m.owner, "merchant", m.name)
	}
	for _, p := range g.platforms {
		for _, id := range []int32{p.acct, p.wallets[firmAlipay], p.wallets[firmWeChat]} {
			add(id, "platform", p.name)
		}
	}
	for _, b := range g.billers {
		for _, id := range []int32{b.acct, b.wallets[firmAlipay], b.wallets[firmWeChat], b.hq} {
			add(id, "biller", b.name)
		}
	}
	for _, e := range g.employers {
		if e.company {
			add(e.acct, "employer", e.name)
		}
	}
	for _, id := range g.pensionOf {
		add(id, "pension_fund", g.entity(id))
	}
	for _, rc := range g.rentCos {
		add(rc.acct, "rent_collector", rc.name)
	}
	for k, l := range g.landlords {
		if g.tenantsOf[k] >= 3 {
			add(g.card(int(l)), "landlord", "")
		}
	}
	for f := firmAlipay; f <= firmWeChat; f++ {
		for _, id := range g.settle[f] {
			add(id, "payment_firm", moneyFirms[f])
		}
	}
	for _, id := range g.lenders {
		add(id, "lender", g.entity(id))
	}
	for _, hot := range g.exHot {
		add(hot[0], "exchange", g.entity(hot[0]))
		add(hot[1], "exchange", g.entity(hot[1]))
	}
	for _, l := range g.leaders {
		add(g.card(l.person), "group_buying", "")
		add(g.wallet(l.person), "group_buying", "")
	}
	for _, h := range g.hosts {
		add(g.card(h), "wedding_host", "")
		add(g.wallet(h), "wedding_host", "")
	}
	return out
}

func (g *mgen) reports() []MoneyReport {
	order := make([]int, len(g.victims))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(g.victims[a].report, g.victims[b].report) })
	out := make([]MoneyReport, 0, len(order))
	for _, k := range order {
		v := &g.victims[k]
		ring := &g.rings[v.ring]
		loss := int64(0)
		rep := MoneyReport{ID: v.report, Time: time.Unix(v.reportT, 0).In(cst), Region: moneyCities[g.cityOf(v.person)].region,
			Typology: ring.typology, Contacts: v.contacts}
		for _, p := range v.pays {
			vp := &g.pays[p]
			loss += vp.amt
			from, rail := g.card(v.person), "bank"
			if vp.wallet {
				from, rail = g.wallet(v.person), "ewallet"
			}
			rep.Payments = append(rep.Payments, registry.Payment{Time: time.Unix(vp.t, 0).In(cst), Amount: amountString(vp.amt, akCard),
				Currency: "CNY", Rail: rail, From: g.value(from), To: g.value(vp.to), ToInstitution: g.institution(vp.to)})
			rep.PaymentIDs = append(rep.PaymentIDs, vp.id)
		}
		rep.Loss = registry.Money{Amount: amountString(loss, akCard), Currency: "CNY"}
		rep.Narrative = fmt.Sprintf(ring.narrative, len(v.pays), strconv.FormatInt(loss/fenPerYuan, 10))
		out = append(out, rep)
	}
	return out
}
