package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
)

// keptSubjectAttributes are the subject attributes Subject holds, by OID.
var keptSubjectAttributes = map[string]string{
	"2.5.4.3":  "common_name",
	"2.5.4.10": "organization",
	"2.5.4.11": "organizational_unit",
	"2.5.4.6":  "country",
	"2.5.4.8":  "province",
	"2.5.4.7":  "locality",
	"2.5.4.9":  "street_address",
	"2.5.4.17": "postal_code",
	"2.5.4.5":  "serial_number",
}

// otherSubjectAttributes names other attributes found in CSRs, for messages.
var otherSubjectAttributes = map[string]string{
	"0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1":  "UID",
	"2.5.4.4":                    "SN",
	"2.5.4.42":                   "GN",
	"2.5.4.43":                   "initials",
	"2.5.4.12":                   "title",
	"2.5.4.46":                   "dnQualifier",
	"2.5.4.65":                   "pseudonym",
	"2.5.4.97":                   "organizationIdentifier",
}

var oidEmailAddress = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// CSRSubjectDropped returns a warning on csr_pem for each part of the CSR's
// subject that a certificate made from it (subject unset) would not carry:
// emailAddress, whose place is an email SAN; attributes Subject has no
// field for; and further values of the attributes it keeps.
func CSRSubjectDropped(csr *x509.CertificateRequest) []*FieldError {
	names := csr.Subject.Names
	// Which value of each kept attribute SubjectFromName keeps: crypto/x509
	// keeps the last common name and serial number, SubjectFromName the
	// first value of the others.
	keptAt := map[string]int{}
	for i, atv := range names {
		oid := atv.Type.String()
		if _, ok := keptSubjectAttributes[oid]; !ok {
			continue
		}
		if _, seen := keptAt[oid]; !seen || oid == "2.5.4.3" || oid == "2.5.4.5" {
			keptAt[oid] = i
		}
	}
	var errs []*FieldError
	var dropped []string
	for i, atv := range names {
		oid := atv.Type.String()
		value := fmt.Sprint(atv.Value)
		if atv.Type.Equal(oidEmailAddress) {
			errs = append(errs, &FieldError{Attribute: "csr_pem", Warning: true, Summary: "CSR subject emailAddress is dropped",
				Detail: fmt.Sprintf("The CSR's subject holds emailAddress=%s, which the certificate will not carry: the attribute is deprecated (RFC 5280 section 4.1.2.6) and peers read addresses from the subject alternative names. Set email_addresses = [%q] to certify the address.", value, value)})
			continue
		}
		if name, ok := keptSubjectAttributes[oid]; ok {
			if keptAt[oid] != i {
				dropped = append(dropped, fmt.Sprintf("%s=%s (another value of %s; one is kept)", name, value, name))
			}
			continue
		}
		name, ok := otherSubjectAttributes[oid]
		if !ok {
			name = oid
		}
		dropped = append(dropped, name+"="+value)
	}
	if len(dropped) > 0 {
		errs = append(errs, &FieldError{Attribute: "csr_pem", Warning: true, Summary: "CSR subject attributes are dropped",
			Detail: fmt.Sprintf("A certificate's subject holds one value each of the attributes of the subject argument, and the CSR's subject has more. The certificate will not carry: %s. Set subject to choose the subject yourself.", strings.Join(dropped, "; "))})
	}
	return errs
}
