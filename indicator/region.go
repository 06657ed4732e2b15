package indicator

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// cnProvinces maps libphonenumber's English geocoding names of China's
// provincial divisions to their ISO 3166-2 codes.
var cnProvinces = map[string]string{
	"Beijing": "CN-BJ", "Tianjin": "CN-TJ", "Hebei": "CN-HE", "Shanxi": "CN-SX", "Inner Mongolia": "CN-NM",
	"Liaoning": "CN-LN", "Jilin": "CN-JL", "Heilongjiang": "CN-HL", "Shanghai": "CN-SH", "Jiangsu": "CN-JS",
	"Zhejiang": "CN-ZJ", "Anhui": "CN-AH", "Fujian": "CN-FJ", "Jiangxi": "CN-JX", "Shandong": "CN-SD",
	"Henan": "CN-HA", "Hubei": "CN-HB", "Hunan": "CN-HN", "Guangdong": "CN-GD", "Guangxi": "CN-GX",
	"Hainan": "CN-HI", "Chongqing": "CN-CQ", "Sichuan": "CN-SC", "Guizhou": "CN-GZ", "Yunnan": "CN-YN",
	"Tibet": "CN-XZ", "Shaanxi": "CN-SN", "Gansu": "CN-GS", "Qinghai": "CN-QH", "Ningxia": "CN-NX",
	"Xinjiang": "CN-XJ", "Hong Kong": "CN-HK", "Macau": "CN-MO", "Macao": "CN-MO",
}

// Area returns where a phone number was issued, as precisely as is known:
// the ISO 3166-2 province for Chinese numbers ("CN-JS", from the number's
// prefix), else the ISO 3166-1 country ("PH"); "" when unknown or not a
// phone or a short code. Warnings are routed by it to the police of the subscriber's area.
func Area(i Indicator) string {
	if (i.Kind() != Phone && i.Kind() != WhatsApp) || !strings.HasPrefix(i.Value(), "+") {
		return "" // short codes and service numbers belong to no area
	}
	num, err := phonenumbers.Parse(i.Value(), "CN")
	if err != nil {
		return ""
	}
	country := phonenumbers.GetRegionCodeForNumber(num)
	if country != "CN" {
		if country == "ZZ" {
			return ""
		}
		return country
	}
	place, err := phonenumbers.GetGeocodingForNumber(num, "en")
	if err != nil || place == "" {
		return "CN"
	}
	if k := strings.LastIndexByte(place, ','); k >= 0 {
		place = place[k+1:]
	}
	if code, ok := cnProvinces[strings.TrimSpace(place)]; ok {
		return code
	}
	return "CN"
}
