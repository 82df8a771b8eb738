package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// namedEKU is one extended key usage the provider names; oid is what the
// certificate carries for it.
type namedEKU struct {
	eku x509.ExtKeyUsage
	oid asn1.ObjectIdentifier
}

// extKeyUsageByName is the single source of the extended_key_usages names.
var extKeyUsageByName = map[string]namedEKU{
	"server_auth":      {x509.ExtKeyUsageServerAuth, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}},
	"client_auth":      {x509.ExtKeyUsageClientAuth, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}},
	"code_signing":     {x509.ExtKeyUsageCodeSigning, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}},
	"email_protection": {x509.ExtKeyUsageEmailProtection, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}},
	"ocsp_signing":     {x509.ExtKeyUsageOCSPSigning, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}},
}

var (
	oidExtKeyUsageExtension = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidAnyExtKeyUsage       = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
)

// ExtKeyUsageNames lists the accepted extended key usage names, sorted.
func ExtKeyUsageNames() []string {
	names := make([]string, 0, len(extKeyUsageByName))
	for n := range extKeyUsageByName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseExtKeyUsage accepts a name from ExtKeyUsageNames or a dotted OID. A
// dotted OID of a named usage is refused: one spelling per usage keeps
// duplicates visible and the configuration equal to what it means.
func ParseExtKeyUsage(v string) (x509.ExtKeyUsage, asn1.ObjectIdentifier, error) {
	if n, ok := extKeyUsageByName[v]; ok {
		return n.eku, nil, nil
	}
	oid, err := ParseOID(v)
	if err != nil && v != "" && strings.Trim(v, "0123456789.") == "" {
		return 0, nil, err
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%q is neither one of %s nor a dotted OID such as 1.3.6.1.4.1.311.10.3.12", v, strings.Join(ExtKeyUsageNames(), ", "))
	}
	if name := extKeyUsageName(oid); name != "" {
		return 0, nil, fmt.Errorf("%s is the OID of %s: write %q instead", v, name, name)
	}
	return 0, oid, nil
}

// extKeyUsageOID is the OID of a name from ExtKeyUsageNames or of a dotted OID.
func extKeyUsageOID(v string) (asn1.ObjectIdentifier, bool) {
	if n, ok := extKeyUsageByName[v]; ok {
		return n.oid, true
	}
	oid, err := ParseOID(v)
	return oid, err == nil
}

func extKeyUsageName(oid asn1.ObjectIdentifier) string {
	for name, n := range extKeyUsageByName {
		if n.oid.Equal(oid) {
			return name
		}
	}
	return ""
}

// ParseOID parses a dotted object identifier such as 1.3.6.1.4.1.311, in the
// form it prints back: no leading zeros, no signs, no spaces.
func ParseOID(v string) (asn1.ObjectIdentifier, error) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return nil, fmt.Errorf("%q is not a dotted OID", v)
	}
	oid := make(asn1.ObjectIdentifier, len(parts))
	for i, p := range parts {
		// Nine digits keep every arc within an int on any platform.
		if p == "" || len(p) > 9 || (len(p) > 1 && p[0] == '0') || strings.Trim(p, "0123456789") != "" {
			return nil, fmt.Errorf("%q is not a dotted OID: each arc is a decimal number without leading zeros", v)
		}
		oid[i], _ = strconv.Atoi(p)
	}
	if oid[0] > 2 || (oid[0] < 2 && oid[1] > 39) {
		return nil, fmt.Errorf("%q is not a valid OID: the first arc is 0, 1 or 2, and below 2 the second is at most 39", v)
	}
	return oid, nil
}

// checkExtKeyUsages refuses unknown names, malformed OIDs and usages given twice.
func checkExtKeyUsages(usages []string) []*FieldError {
	var errs []*FieldError
	seen := map[string]bool{}
	for _, v := range usages {
		if _, _, err := ParseExtKeyUsage(v); err != nil {
			errs = append(errs, fieldErr("extended_key_usages", "Unknown extended key usage", "%s.", err))
			continue
		}
		if seen[v] {
			errs = append(errs, fieldErr("extended_key_usages", "Duplicate extended key usage", "%q is listed twice; the certificate carries each usage once. Remove one.", v))
		}
		seen[v] = true
	}
	return errs
}

// extKeyUsageOIDs returns the OIDs of cert's extended key usage extension,
// and whether it has one. It reads the extension itself because
// crypto/x509 sorts the usages it knows apart from the others.
func extKeyUsageOIDs(cert *x509.Certificate) ([]asn1.ObjectIdentifier, bool) {
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidExtKeyUsageExtension) {
			var oids []asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(e.Value, &oids); err != nil {
				return nil, true
			}
			return oids, true
		}
	}
	return nil, false
}

// checkExtKeyUsageNesting checks each usage of a leaf against every CA of
// the chain that limits extended key usages: verifiers (crypto/x509, NSS,
// Windows) refuse a leaf whose usage a CA above it does not carry. Dotted
// OIDs are checked too, although crypto/x509 ignores them.
func (r *Request) checkExtKeyUsageNesting(chain []*x509.Certificate) []*FieldError {
	if r.Profile.IsCA() {
		return nil
	}
	usages := r.ExtKeyUsages
	if len(usages) == 0 {
		usages = DefaultExtKeyUsages(r.Profile)
	}
	var errs []*FieldError
	for _, ca := range chain {
		allowed, limited := extKeyUsageOIDs(ca)
		if !limited || containsOID(allowed, oidAnyExtKeyUsage) {
			continue
		}
		for _, u := range usages {
			oid, ok := extKeyUsageOID(u)
			if ok && !containsOID(allowed, oid) {
				errs = append(errs, fieldErr("extended_key_usages", "Extended key usage not allowed by the CA",
					"CA %q limits the usages below it to %s, which do not include %s, so verifiers would refuse the certificate for it. Remove %q, or issue from a CA that allows it.",
					ca.Subject.String(), describeOIDs(allowed), u, u))
			}
		}
	}
	return errs
}

func containsOID(list []asn1.ObjectIdentifier, oid asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if o.Equal(oid) {
			return true
		}
	}
	return false
}

func describeOIDs(oids []asn1.ObjectIdentifier) string {
	s := make([]string, len(oids))
	for i, o := range oids {
		if name := extKeyUsageName(o); name != "" {
			s[i] = name
		} else {
			s[i] = o.String()
		}
	}
	return list(s)
}

// verifyUsages are the usages VerifyIssued checks one at a time: every usage
// crypto/x509 knows must verify through the chain on its own, so that one
// allowed usage cannot hide another that a CA forbids. Usages crypto/x509
// does not know are left to checkExtKeyUsageNesting.
func verifyUsages(cert *x509.Certificate) []x509.ExtKeyUsage {
	if len(cert.ExtKeyUsage) == 0 {
		return []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	return cert.ExtKeyUsage
}
