package money

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"1250.00", "1250", ""},
		{" 0.000000000000000001 ", "0.000000000000000001", ""},
		{"1,250.50", "1250.5", ""},
		{"12,345,678", "12345678", ""},
		{"1,25.00", "", "thousands separators"},
		{"1.250,00", "", "thousands separators"},
		{"0", "", "more than zero"},
		{"-5", "", "more than zero"},
		{"1e5", "", "without an exponent"},
		{"0.12345678901234567890", "", "19 digits"},
		{"abc", "", "not a decimal"},
		{"", "", "not a decimal"},
	} {
		d, err := ParseAmount(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseAmount(%q) = %v, %v; want an error about %q", tc.in, d, err, tc.err)
			}
		case err != nil || d.String() != tc.want:
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", tc.in, d, err, tc.want)
		}
	}
}

func readAll(t *testing.T, f records.Format, in string) ([]Transfer, ReadSummary, error) {
	t.Helper()
	var got []Transfer
	sum, err := ReadTransfers(strings.NewReader(in), f, indicator.Options{}, func(tr Transfer) error {
		got = append(got, tr)
		return nil
	})
	return got, sum, err
}

func TestReadTransfersCanonical(t *testing.T) {
	in := `id,time,rail,asset,amount,from,to,from_institution,to_institution,memo,extra
B1,2026-11-20T10:00:00+08:00,bank,,20000.00,6222 0212 3456 7890 123,6217000012345678,ICBC,CCB,刷单返利 押金,x
B2,2026-11-20T10:05:00+08:00,tron,usdt,2777.5,TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW,TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL,,,,
B3,2026-11-20T10:06:00+08:00,bank,,0,6222021234567890123,6217000012345678,,,,
B4,yesterday,bank,,5,6222021234567890123,6217000012345678,,,,
B5,2026-11-20T10:07:00+08:00,tron,USDT,5,0xdac17f958d2ee523a2206206994597c13d831ec7,TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL,,,,
B6,2026-11-20T10:07:00+08:00,wire,,5,6222021234567890123,6217000012345678,,,,
B7,2026-11-20T10:08:00+08:00,ewallet,,88.80,138 0013 8000,user@example.com,Alipay,Alipay,,
`
	got, sum, err := readAll(t, records.CSV, in)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != 3 || sum.Rejected != 4 || sum.Dialect != "transfer" {
		t.Fatalf("summary %+v", sum)
	}
	wantErr := map[int]string{4: "amount", 5: "time", 6: "from", 7: "rail"}
	for _, e := range sum.Errors {
		if wantErr[e.Line] != e.Field {
			t.Errorf("line %d rejected on %q (%s), want %q", e.Line, e.Field, e.Reason, wantErr[e.Line])
		}
	}
	b1, b2, b7 := got[0], got[1], got[2]
	if b1.Asset != "CNY" || b1.Amount.String() != "20000" || b1.From.Value() != "6222021234567890123" || b1.Memo != "刷单返利 押金" || b1.ToInstitution != "CCB" {
		t.Errorf("B1 %+v", b1)
	}
	if b2.Asset != "USDT" || b2.Rail != TRONChain || b2.To.Kind() != indicator.TRON {
		t.Errorf("B2 %+v", b2)
	}
	if b7.From.Kind() != indicator.Phone || b7.From.Value() != "+8613800138000" || b7.To.Kind() != indicator.Email {
		t.Errorf("B7 from %v to %v", b7.From, b7.To)
	}
}

func TestReadTransfersExplorerDialects(t *testing.T) {
	for _, tc := range []struct {
		name, in, dialect string
		want              []string // id asset amount
		skipped           int
	}{
		{"etherscan api normal",
			"blockNumber,timeStamp,hash,from,to,value,isError\n" +
				"1,1594562749,0xAB,0xc6c198c7e472de4313f2ae9c9b02185dd8d91262,0x000000000532b45f47779fce440748893b257865,10000000000000000,0\n" +
				"2,1594562750,0xAC,0xc6c198c7e472de4313f2ae9c9b02185dd8d91262,0x000000000532b45f47779fce440748893b257865,5,1\n" +
				"3,1594562751,0xAD,0xc6c198c7e472de4313f2ae9c9b02185dd8d91262,0x000000000532b45f47779fce440748893b257865,0,0\n",
			"etherscan", []string{"0xab ETH 0.01"}, 2},
		{"etherscan web export",
			"Txhash,Blockno,UnixTimestamp,DateTime (UTC),From,To,ContractAddress,Value_IN(ETH),Value_OUT(ETH),Status\n" +
				"0xEE,1,1594562749,2020-07-12 14:05:49,0xc6c198c7e472de4313f2ae9c9b02185dd8d91262,0x000000000532b45f47779fce440748893b257865,,1.5,0,\n",
			"etherscan", []string{"0xee ETH 1.5"}, 0},
		{"tronscan trc20",
			"transaction_id,block_ts,from_address,to_address,quant,decimals,token_abbr,contract_address,contractRet\n" +
				"abc1,1700000000000,TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW,TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL,2500000000,6,USDT,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,SUCCESS\n" +
				"abc2,1700000000000,TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW,TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL,1000000,6,USDT,TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf,SUCCESS\n" +
				"abc3,1700000000000,TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW,TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL,1000000,6,USDT,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,REVERT\n",
			"tronscan", []string{"abc1:* USDT 2500", "abc2:* TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf 1"}, 1},
		{"dune",
			"block_time,from,to,total_eth\n" +
				`2022-03-29T21:41:18+00:00,\x03cf40b900971561ac6bd997ef1fe939dcbc95e2,\x098b716b8aaf21512996dc57eb0615e2383e2f96,7.77e-05` + "\n",
			"explorer", []string{"content:* ETH 0.0000777"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, sum, err := readAll(t, records.CSV, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Dialect != tc.dialect || sum.SkippedTotal() != tc.skipped || sum.Rejected != 0 {
				t.Fatalf("summary %+v (errors %v)", sum, sum.Errors)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d transfers, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				f := strings.Fields(w)
				id := got[i].ID
				if strings.HasSuffix(f[0], "*") {
					id = id[:min(len(id), len(f[0])-1)] + "*"
				}
				if id != f[0] || got[i].Asset != f[1] || got[i].Amount.String() != f[2] {
					t.Errorf("transfer %d = %s %s %s, want %s", i, got[i].ID, got[i].Asset, got[i].Amount, w)
				}
			}
		})
	}
	if _, _, err := readAll(t, records.CSV, "a,b,c\n1,2,3\n"); err == nil || !strings.Contains(err.Error(), "neither the transfer shape") {
		t.Errorf("unknown header: %v", err)
	}
}

func TestReadAttributionsAndLabels(t *testing.T) {
	in := "kind,value,entity,entity_type,source\n" +
		"tron,TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS,Binance,exchange,police\n" +
		"bank_account,6217000012345678,金龙 OTC,OTC,bank\n" +
		"tron,TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS,Binance,casino,police\n" +
		"eth,0x12,X,exchange,police\n"
	var got []Attribution
	sum, err := ReadAttributions(strings.NewReader(in), records.CSV, indicator.Options{}, func(a Attribution) error {
		got = append(got, a)
		return nil
	})
	if err != nil || sum.Accepted != 2 || sum.Rejected != 2 {
		t.Fatalf("%+v %v", sum, err)
	}
	if got[1].EntityType != OTC || got[1].Entity != "金龙 OTC" {
		t.Errorf("%+v", got[1])
	}
	labels := `{"0x28c6c06298d514db089934071355e5743bf21d60": {"name": "Binance 14", "labels": ["binance", "exchange"]},
	 "0x722122df12d4e14e13ac3b6895a86e84145b6967": {"name": "Tornado.Cash: Proxy", "labels": ["tornado-cash"]},
	 "0xnot": {"name": "x", "labels": []}}`
	as, lsum, err := ReadEtherscanLabels(strings.NewReader(labels), "etherscan")
	if err != nil || lsum.Accepted != 2 || lsum.Rejected != 1 {
		t.Fatalf("%+v %v", lsum, err)
	}
	if as[0].Entity != "Binance" || as[0].EntityType != Exchange || as[1].Entity != "Tornado.Cash" || as[1].EntityType != Mixer {
		t.Errorf("%+v", as)
	}
}

// FuzzReadTransfers feeds arbitrary bytes as every format: nothing panics,
// and every accepted transfer is well formed.
func FuzzReadTransfers(f *testing.F) {
	f.Add([]byte("id,time,rail,amount,from,to\nB1,2026-11-20T10:00:00+08:00,bank,1.5,6222021234567890123,6217000012345678\n"), uint8(0))
	f.Add([]byte("hash,timeStamp,from,to,value_raw,tokenDecimal,tokenSymbol\n0x1,1594562749,0xc6c198c7e472de4313f2ae9c9b02185dd8d91262,0x000000000532b45f47779fce440748893b257865,1,40,X\n"), uint8(0))
	f.Add([]byte(`{"id":"x","time":"2026-11-20T10:00:00Z","rail":"eth","amount":"1e400","from":"0x1","to":"0x2"}`+"\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		format := []records.Format{records.CSV, records.NDJSON, records.JSON}[int(which)%3]
		ReadTransfers(bytes.NewReader(data), format, indicator.Options{}, func(tr Transfer) error {
			if tr.ID == "" || !tr.Amount.IsPos() || tr.From.IsZero() || tr.To.IsZero() || tr.Asset == "" || tr.Rail == RailInvalid {
				t.Fatalf("malformed transfer accepted: %+v", tr)
			}
			return nil
		})
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1", "1,000.5", "0.0000000000000000001", "1e5", "-0", "99999999999999999999999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseAmount(s)
		if err == nil && !d.IsPos() {
			t.Fatalf("%q accepted as %v", s, d)
		}
	})
}

func FuzzReadAttributions(f *testing.F) {
	f.Add([]byte("kind,value,entity,entity_type\ntron,TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS,B,exchange\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadAttributions(bytes.NewReader(data), records.CSV, indicator.Options{}, func(Attribution) error { return nil })
		ReadEtherscanLabels(bytes.NewReader(data), "x")
		l := NewLedger()
		ReadReportPayments(bytes.NewReader(data), records.NDJSON, l, indicator.Options{}, func(string) {})
	})
}
