package pki

import (
	"crypto"
	"crypto/x509/pkix"
	"fmt"
	"time"
)

// Profile is the kind of certificate being issued; it decides basic
// constraints, key usage and default extended key usage.
type Profile int

const (
	ProfileRootCA Profile = iota
	ProfileIntermediateCA
	ProfileServer
	ProfileClient
)

func (p Profile) IsCA() bool { return p == ProfileRootCA || p == ProfileIntermediateCA }

func (p Profile) String() string {
	return [...]string{"root CA", "intermediate CA", "server certificate", "client certificate"}[p]
}

// Subject is the distinguished name of a certificate, one value per attribute.
type Subject struct {
	CommonName         string
	Organization       string
	OrganizationalUnit string
	Country            string
	Province           string
	Locality           string
	StreetAddress      string
	PostalCode         string
	SerialNumber       string
}

func (s Subject) Name() pkix.Name {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	return pkix.Name{
		CommonName:         s.CommonName,
		Organization:       one(s.Organization),
		OrganizationalUnit: one(s.OrganizationalUnit),
		Country:            one(s.Country),
		Province:           one(s.Province),
		Locality:           one(s.Locality),
		StreetAddress:      one(s.StreetAddress),
		PostalCode:         one(s.PostalCode),
		SerialNumber:       s.SerialNumber,
	}
}

// SubjectFromName is the inverse of Subject.Name, keeping the first value of
// each attribute; used when importing existing certificates.
func SubjectFromName(n pkix.Name) Subject {
	first := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return v[0]
	}
	return Subject{
		CommonName: n.CommonName, Organization: first(n.Organization), OrganizationalUnit: first(n.OrganizationalUnit),
		Country: first(n.Country), Province: first(n.Province), Locality: first(n.Locality),
		StreetAddress: first(n.StreetAddress), PostalCode: first(n.PostalCode), SerialNumber: n.SerialNumber,
	}
}

func (s Subject) IsEmpty() bool { return s == Subject{} }

// Names are the subject alternative names of a certificate.
type Names struct {
	DNSNames       []string
	IPAddresses    []string
	URIs           []string
	EmailAddresses []string
}

func (n Names) IsEmpty() bool {
	return len(n.DNSNames)+len(n.IPAddresses)+len(n.URIs)+len(n.EmailAddresses) == 0
}

// CAOptions are the settings that only CA certificates carry.
type CAOptions struct {
	// MaxPathLength nil means unlimited; 0 means the CA may sign only leaves.
	MaxPathLength           *int
	PermittedDNSDomains     []string
	ExcludedDNSDomains      []string
	PermittedIPRanges       []string
	ExcludedIPRanges        []string
	PermittedEmailAddresses []string
	PermittedURIDomains     []string
}

// Request is everything needed to issue one certificate except the issuer.
type Request struct {
	Profile   Profile
	Subject   Subject
	Names     Names
	PublicKey crypto.PublicKey
	NotBefore time.Time
	NotAfter  time.Time
	// Now is the time of issuance (NotBefore less the backdating); zero
	// means NotBefore.
	Now time.Time
	// EarlyRenewal is how long before NotAfter the certificate is due for
	// renewal (early_renewal_hours), for the warning that renewal will fail.
	EarlyRenewal time.Duration
	// SubjectFromCSR and NamesFromCSR tell that Subject or Names were taken
	// from a CSR, so that problems with them point at csr_pem.
	SubjectFromCSR bool
	NamesFromCSR   bool
	// ExtKeyUsages are names from ExtKeyUsageNames or dotted OIDs; empty means
	// the profile default (server_auth or client_auth).
	ExtKeyUsages []string
	CA           CAOptions
	// CRLDistributionPoints and IssuingCertificateURLs point at the issuer's
	// CRL and certificate.
	CRLDistributionPoints  []string
	IssuingCertificateURLs []string
}

// Validity returns NotBefore and NotAfter for a certificate made at now.
// NotBefore is moved back so that peers with slow clocks accept it at once.
func Validity(now time.Time, validityHours, backdateMinutes int64) (time.Time, time.Time) {
	now = now.UTC().Truncate(time.Second)
	return now.Add(-time.Duration(backdateMinutes) * time.Minute), now.Add(time.Duration(validityHours) * time.Hour)
}

// checkFields checks every input that is a string or a number on its own,
// before anything is compared with the issuer.
func (r *Request) checkFields() []*FieldError {
	_, errs := parseNames(r.Names)
	if r.NamesFromCSR {
		fromCSR(errs, "subject alternative names", "dns_names, ip_addresses, uris and email_addresses are")
	}
	subject := r.Subject.Check()
	if r.SubjectFromCSR {
		fromCSR(subject, "subject", "subject is")
	}
	errs = append(errs, subject...)
	errs = append(errs, checkExtKeyUsages(r.ExtKeyUsages)...)
	errs = append(errs, checkURLs("crl_distribution_points", "ca.crl", r.CRLDistributionPoints)...)
	errs = append(errs, checkURLs("issuing_certificate_urls", "ca.crt", r.IssuingCertificateURLs)...)
	if e := r.checkBackdate(); e != nil {
		errs = append(errs, e)
	}
	return errs
}

// checkBackdate refuses a backdate as long as the validity that follows
// issue: most of the certificate's life would lie before it existed, which is
// always a slip (minutes for hours), and the check of the new certificate
// against its CA, made half-way through its validity, would fall before the
// CA itself was valid.
func (r *Request) checkBackdate() *FieldError {
	if r.Now.IsZero() {
		return nil
	}
	backdate, after := r.Now.Sub(r.NotBefore), r.NotAfter.Sub(r.Now)
	if backdate <= 0 || backdate < after {
		return nil
	}
	return fieldErr("backdate_minutes", "Backdate as long as the validity",
		"backdate_minutes = %d is not less than the validity period of %d minutes (validity_period_hours = %d), so most of the certificate's validity would lie before it was made. "+
			"backdate_minutes only absorbs clock skew: set it below %d (a few minutes are enough), or raise validity_period_hours.",
		int64(backdate/time.Minute), int64(after/time.Minute), int64(after/time.Hour), int64(after/time.Minute))
}

// fromCSR points errors about inputs taken from a CSR at csr_pem.
func fromCSR(errs []*FieldError, what, unset string) {
	for _, e := range errs {
		e.Attribute = "csr_pem"
		e.Detail = fmt.Sprintf("In the CSR's %s, taken because %s unset: %s Set them in the resource to override the CSR's.", what, unset, e.Detail)
	}
}
