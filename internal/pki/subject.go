package pki

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SubjectField describes one attribute of Subject: its name in the provider
// and its upper bound in characters, from RFC 5280 Appendix A.1 (the street
// address from X.520). ASN.1 size constraints on these strings count
// characters, not bytes.
type SubjectField struct {
	Attribute string
	MaxLength int
	get       func(Subject) string
}

// SubjectFields lists every attribute of Subject in schema order; it is the
// single source of the bounds for checks and docs.
func SubjectFields() []SubjectField {
	return []SubjectField{
		{"common_name", MaxCommonNameLength, func(s Subject) string { return s.CommonName }},
		{"organization", 64, func(s Subject) string { return s.Organization }},
		{"organizational_unit", 64, func(s Subject) string { return s.OrganizationalUnit }},
		{"country", 2, func(s Subject) string { return s.Country }},
		{"province", 128, func(s Subject) string { return s.Province }},
		{"locality", 128, func(s Subject) string { return s.Locality }},
		{"street_address", 128, func(s Subject) string { return s.StreetAddress }},
		{"postal_code", 40, func(s Subject) string { return s.PostalCode }},
		{"serial_number", 64, func(s Subject) string { return s.SerialNumber }},
	}
}

// MaxCommonNameLength is the ub-common-name upper bound of RFC 5280.
const MaxCommonNameLength = 64

// printable are the characters of an ASN.1 PrintableString.
const printable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"

// Check returns a problem for each subject attribute that a certificate
// cannot carry as written. Errors name the nested attribute, e.g.
// subject.country.
func (s Subject) Check() []*FieldError {
	var errs []*FieldError
	for _, f := range SubjectFields() {
		v := f.get(s)
		if v == "" {
			continue
		}
		attr := "subject." + f.Attribute
		if summary, err := checkSubjectValue(f, v); err != nil {
			errs = append(errs, fieldErr(attr, summary, "%s: %s.", attr, err))
		}
	}
	return errs
}

func checkSubjectValue(f SubjectField, v string) (summary string, err error) {
	const invalid = "Invalid subject attribute"
	if !utf8.ValidString(v) {
		return invalid, fmt.Errorf("%q is not valid UTF-8", v)
	}
	for _, r := range v {
		// zlint's e_subject_dn_not_printable_characters: C0 and C1 controls.
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return invalid, fmt.Errorf("%q contains the control character %U; write plain text", v, r)
		}
	}
	switch f.Attribute {
	case "country":
		// X.520 countryName: PrintableString (SIZE (2)), an ISO 3166 code.
		if len(v) != 2 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return "Invalid country code", fmt.Errorf("%q is not a two-letter ISO 3166 country code in capitals, such as SE or GB", v)
		}
	case "serial_number":
		// X.520 serialNumber is a PrintableString, not a DirectoryString.
		if i := strings.IndexFunc(v, func(r rune) bool { return !strings.ContainsRune(printable, r) }); i >= 0 {
			r, _ := utf8.DecodeRuneInString(v[i:])
			return invalid, fmt.Errorf("%q contains %q; the subject serial number is a PrintableString: letters, digits, spaces and ' ( ) + , - . / : = ? only", v, r)
		}
	}
	if n := utf8.RuneCountInString(v); n > f.MaxLength {
		hint := ""
		if f.Attribute == "common_name" {
			hint = ". Put long names in dns_names or uris"
		}
		return "Subject attribute too long", fmt.Errorf("%q is %d characters; RFC 5280 allows at most %d%s", v, n, f.MaxLength, hint)
	}
	return "", nil
}
