package indicator_test

import (
	"errors"
	"fmt"

	"github.com/fanzha/fanzha/indicator"
)

func ExampleParse() {
	for _, s := range []string{"138 0013 8000", "+86-138-0013-8000", "0086 138 0013 8000", "１３８００１３８０００", "95588"} {
		i, err := indicator.Parse(indicator.Phone, s)
		fmt.Println(i, err)
	}
	i, _ := indicator.Parse(indicator.URL, "hxxps://Login.Evil[.]top:443/a/../%7eb?x=1#frag")
	fmt.Println(i)
	i, _ = indicator.Parse(indicator.ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
	fmt.Println(i)

	_, err := indicator.Parse(indicator.Card, "4111 1111 1111 1112")
	var e *indicator.Error
	if errors.As(err, &e) {
		fmt.Println(e.Rule)
	}
	// Output:
	// phone:+8613800138000 <nil>
	// phone:+8613800138000 <nil>
	// phone:+8613800138000 <nil>
	// phone:+8613800138000 <nil>
	// phone:95588 <nil>
	// url:https://login.evil.top/~b?x=1
	// eth:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
	// luhn
}

func ExampleDetect() {
	for _, s := range []string{
		"138-0013-8000",
		"evil[.]top",
		"https://t.me/scam_support",
		"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
		"6212 2640 0000 0000 006",
		"kefu@example.com",
	} {
		i, err := indicator.Detect(s)
		fmt.Println(i, err)
	}
	_, err := indicator.Detect("hello world")
	fmt.Println(err.(*indicator.Error).Rule)
	// Output:
	// phone:+8613800138000 <nil>
	// domain:evil.top <nil>
	// telegram:scam_support <nil>
	// tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t <nil>
	// card:6212264000000000006 <nil>
	// email:kefu@example.com <nil>
	// undetected
}

func ExampleOptions_Parse() {
	ph := indicator.Options{DefaultRegion: "PH"}
	i, _ := ph.Parse(indicator.Phone, "0917 000 0000")
	fmt.Println(i)
	// Output: phone:+639170000000
}

func ExampleDescribe() {
	d := indicator.Describe(indicator.MustParse(indicator.Phone, "13800138000"))
	fmt.Println(d.Phone.Valid, d.Phone.Region, d.Phone.Type)
	d = indicator.Describe(indicator.MustParse(indicator.Phone, "95588"))
	fmt.Println(d.Phone.ShortCode)
	d = indicator.Describe(indicator.MustParse(indicator.Domain, "www.例子.中国"))
	fmt.Println(d.Domain.Registrable, d.Domain.Unicode)
	d = indicator.Describe(indicator.MustParse(indicator.BTC, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"))
	fmt.Println(d.Crypto.Format, d.Crypto.Type)
	// Output:
	// true CN mobile
	// true
	// xn--fsqu00a.xn--fiqs8s www.例子.中国
	// bech32 p2wpkh
}

func ExampleIndicator_Registrable() {
	fmt.Println(indicator.MustParse(indicator.URL, "https://secure.login.example.co.uk/x").Registrable())
	fmt.Println(indicator.MustParse(indicator.Domain, "evil.github.io").Registrable())
	// Output:
	// example.co.uk
	// evil.github.io
}
