package pki

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
)

// onelineShortNames are OpenSSL's short names (OBJ_nid2sn) of the name
// attributes OnelineName writes. OpenSSL names any other attribute by a long
// name or a dotted OID that this table cannot predict, so those are refused.
var onelineShortNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "title",
	"2.5.4.13":                   "description",
	"2.5.4.15":                   "businessCategory",
	"2.5.4.17":                   "postalCode",
	"2.5.4.42":                   "GN",
	"2.5.4.43":                   "initials",
	"2.5.4.44":                   "generationQualifier",
	"2.5.4.46":                   "dnQualifier",
	"2.5.4.65":                   "pseudonym",
	"2.5.4.97":                   "organizationIdentifier",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
}

// rawAttributeSET and rawAttribute read a Name keeping each value's ASN.1
// tag and content bytes, which OpenSSL prints as they are; encoding/asn1
// takes a slice type whose name ends in SET for a SET OF.
type (
	rawName         []rawAttributeSET
	rawAttributeSET []rawAttribute
	rawAttribute    struct {
		Type  asn1.ObjectIdentifier
		Value asn1.RawValue
	}
)

// onelineStringTags are the ASN.1 string types whose content bytes OpenSSL
// prints; GeneralString is left out because OpenSSL drops some of its bytes.
var onelineStringTags = map[int]bool{
	asn1.TagUTF8String: true, asn1.TagPrintableString: true, asn1.TagT61String: true,
	asn1.TagIA5String: true, asn1.TagNumericString: true, asn1.TagBMPString: true,
	22 + 4: true, // VisibleString (26)
	28:     true, // UniversalString
}

// OnelineName formats a DER-encoded X.501 Name (a certificate's RawSubject
// or RawIssuer) exactly as OpenSSL 3's X509_NAME_oneline does, which is the
// string MariaDB and MySQL compare with REQUIRE SUBJECT and REQUIRE ISSUER:
// every attribute in the certificate's order as "/SN=value", "+SN=value"
// for a further attribute of the same multi-valued RDN; in values "/" and
// "+" get a backslash and every byte outside printable ASCII is written
// "\xHH" (so UTF-8 text comes out byte by byte). An empty name, an
// attribute OpenSSL has no short name for here, or a value that is not a
// string is an error: the caller cannot predict the server's string then.
func OnelineName(der []byte) (string, error) {
	var name rawName
	rest, err := asn1.Unmarshal(der, &name)
	if err != nil {
		return "", fmt.Errorf("the name is not valid DER: %w", err)
	}
	if len(rest) > 0 {
		return "", errors.New("the name has trailing data")
	}
	var b strings.Builder
	for _, rdn := range name {
		if len(rdn) == 0 {
			return "", errors.New("the name has an empty relative distinguished name")
		}
		for i, atv := range rdn {
			sn, ok := onelineShortNames[atv.Type.String()]
			if !ok {
				return "", fmt.Errorf("the name has the attribute %s, whose OpenSSL name this provider does not know", atv.Type)
			}
			if atv.Value.Class != asn1.ClassUniversal || atv.Value.IsCompound || !onelineStringTags[atv.Value.Tag] {
				return "", fmt.Errorf("the %s attribute is not a character string (ASN.1 tag %d)", sn, atv.Value.Tag)
			}
			if i == 0 {
				b.WriteByte('/')
			} else {
				b.WriteByte('+')
			}
			b.WriteString(sn)
			b.WriteByte('=')
			for _, c := range atv.Value.Bytes {
				switch {
				case c == '/' || c == '+':
					b.WriteByte('\\')
					b.WriteByte(c)
				case c < ' ' || c > '~':
					fmt.Fprintf(&b, `\x%02X`, c)
				default:
					b.WriteByte(c)
				}
			}
		}
	}
	if b.Len() == 0 {
		return "", errors.New("the name is empty")
	}
	return b.String(), nil
}
