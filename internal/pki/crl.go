package pki

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"time"
)

// A certificate revocation list (RFC 5280 section 5) signed by a CA: the
// direct, full CRL that Apache, nginx, OpenSSL and load balancers read. No
// delta CRLs and no indirect CRL issuers.

// revocationReasons maps the provider's reason names to the CRLReason codes
// of RFC 5280 section 5.3.1, in documentation order. removeFromCRL (8) is
// left out: it belongs only in delta CRLs. aACompromise (10) is left out: it
// concerns attribute certificates, which this provider does not make.
var revocationReasons = []struct {
	name string
	code int
}{
	{"unspecified", 0},
	{"key_compromise", 1},
	{"ca_compromise", 2},
	{"affiliation_changed", 3},
	{"superseded", 4},
	{"cessation_of_operation", 5},
	{"certificate_hold", 6},
	{"privilege_withdrawn", 9},
}

// RevocationReasonNames lists the accepted reason names in documentation order.
func RevocationReasonNames() []string {
	out := make([]string, len(revocationReasons))
	for i, r := range revocationReasons {
		out[i] = r.name
	}
	return out
}

// ParseRevocationReason returns the CRLReason code of a reason name; the
// empty name is unspecified (0), which a CRL expresses by leaving the
// reasonCode extension out.
func ParseRevocationReason(name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	for _, r := range revocationReasons {
		if r.name == name {
			return r.code, nil
		}
	}
	switch name {
	case "remove_from_crl":
		return 0, errors.New("remove_from_crl is only meaningful in delta CRLs, which this provider does not make; to lift a certificate_hold, delete the entry from revoked")
	case "aa_compromise":
		return 0, errors.New("aa_compromise concerns attribute certificates, not the public-key certificates a TLS peer presents; use key_compromise or ca_compromise")
	}
	return 0, fmt.Errorf("%q is not a revocation reason; use one of %s", name, strings.Join(RevocationReasonNames(), ", "))
}

// serialForms are the ways serial numbers are printed: plain hex as the
// certificate resources output it (and `openssl x509 -serial`, in upper
// case), or bytes separated by colons as `openssl x509 -text` and browsers
// show them.
var serialForms = regexp.MustCompile(`^(?:[0-9a-fA-F]+|[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{2})+)$`)

// maxSerialOctets is the longest serial number RFC 5280 section 4.1.2.2
// allows a conforming CA to use.
const maxSerialOctets = 20

// ParseSerialNumber reads a certificate serial number written in hex: the
// lowercase form the certificate resources output, upper case, leading
// zeros, or colon-separated bytes (0a:1b:2c). Decimal is not accepted: every
// decimal number is also valid hex, so it would name another certificate.
func ParseSerialNumber(s string) (*big.Int, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return nil, fmt.Errorf("%q has a 0x prefix; write the hex digits alone, as the certificate resources output serial_number", s)
	}
	if !serialForms.MatchString(s) {
		return nil, fmt.Errorf("%q is not a hex serial number; write it as the certificate resources output serial_number (e.g. 5f3a09c1...), "+
			"or as colon-separated bytes (5f:3a:09:c1:...)", s)
	}
	n, _ := new(big.Int).SetString(strings.ReplaceAll(s, ":", ""), 16)
	switch octets := (n.BitLen() + 7) / 8; {
	case n.Sign() == 0:
		return nil, fmt.Errorf("%q is zero, which RFC 5280 does not allow as a certificate serial number", s)
	case octets == 32:
		return nil, fmt.Errorf("%q has 32 bytes, like a SHA-256 fingerprint; use the certificate's serial_number, not its fingerprint", s)
	case octets > maxSerialOctets:
		return nil, fmt.Errorf("%q has %d bytes; certificate serial numbers have at most %d (RFC 5280 section 4.1.2.2)", s, octets, maxSerialOctets)
	}
	return n, nil
}

// RevocationInput is one entry of a revocation list as written in the
// resource: SerialNumber in hex, Reason a name of RevocationReasonNames (or
// empty), RevokedAt RFC 3339 or empty for the default.
type RevocationInput struct {
	SerialNumber string
	Reason       string
	RevokedAt    string
}

// Revocation is one revoked certificate. A zero RevokedAt means "now": the
// entry gets the thisUpdate of the CRL that first lists it.
type Revocation struct {
	SerialNumber *big.Int
	Reason       int
	RevokedAt    time.Time
}

// ParseRevocation checks one entry against now. The Attribute of each error
// is the name of the field inside the entry.
func ParseRevocation(in RevocationInput, now time.Time) (Revocation, []*FieldError) {
	var out Revocation
	var errs []*FieldError
	serial, err := ParseSerialNumber(in.SerialNumber)
	if err != nil {
		errs = append(errs, fieldErr("serial_number", "Invalid serial number", "%s.", err))
	}
	out.SerialNumber = serial
	if out.Reason, err = ParseRevocationReason(in.Reason); err != nil {
		errs = append(errs, fieldErr("reason", "Invalid revocation reason", "%s.", err))
	}
	if in.RevokedAt != "" {
		at, err := time.Parse(time.RFC3339, in.RevokedAt)
		switch {
		case err != nil:
			errs = append(errs, fieldErr("revoked_at", "Invalid revocation time", "%q is not an RFC 3339 time such as 2024-05-01T12:00:00Z.", in.RevokedAt))
		case at.After(now):
			errs = append(errs, fieldErr("revoked_at", "Revocation time in the future",
				"revoked_at = %s is later than now (%s): a CRL lists revocations that have happened. Give the time the certificate was revoked, or leave revoked_at unset for the time the entry first appears in the CRL.",
				in.RevokedAt, now.UTC().Format(time.RFC3339)))
		case at.Year() < 1950:
			// UTCTime, which RFC 5280 requires until 2050, starts in 1950.
			errs = append(errs, fieldErr("revoked_at", "Revocation time too early", "revoked_at = %s is before 1950, which a CRL cannot express.", in.RevokedAt))
		default:
			out.RevokedAt = at
		}
	}
	return out, errs
}

// DuplicateSerials maps the index of each entry whose serial number equals
// that of an earlier entry to the index of that earlier entry. Nil serials
// (unknown or invalid) are skipped.
func DuplicateSerials(serials []*big.Int) map[int]int {
	seen := map[string]int{}
	dups := map[int]int{}
	for i, s := range serials {
		if s == nil {
			continue
		}
		if first, ok := seen[s.String()]; ok {
			dups[i] = first
			continue
		}
		seen[s.String()] = i
	}
	return dups
}

// CRLRequest is one CRL to sign.
type CRLRequest struct {
	Number     *big.Int
	ThisUpdate time.Time
	NextUpdate time.Time
	Revoked    []Revocation
}

// CRLTimes returns thisUpdate and nextUpdate for a CRL made at now. Like a
// certificate's notBefore, thisUpdate is moved back so that servers with
// slow clocks do not find it "not yet valid", which under chain checking
// refuses every client; but never before a revocation it lists, since a CRL
// cannot report what happened after it was issued.
func CRLTimes(now time.Time, validityHours, backdateMinutes int64, revoked []Revocation) (thisUpdate, nextUpdate time.Time) {
	thisUpdate, nextUpdate = Validity(now, validityHours, backdateMinutes)
	for _, r := range revoked {
		if at := r.RevokedAt.UTC().Truncate(time.Second); at.After(thisUpdate) {
			thisUpdate = at
		}
	}
	return thisUpdate, nextUpdate
}

// CheckCanSignCRL tells whether cert is a CA certificate allowed to sign
// CRLs. A CA without a keyUsage extension may, as for certificates (RFC 5280
// section 4.2.1.3).
func CheckCanSignCRL(cert *x509.Certificate) error {
	if err := checkIsCA(cert); err != nil {
		return err
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return fmt.Errorf("%q has a keyUsage extension without cRLSign, so OpenSSL and every other verifier refuse CRLs it signs; reissue the CA with cRLSign (the CA resources always set it)", cert.Subject.String())
	}
	return nil
}

// NewCRLSigner parses the CA inputs of a CRL and checks that they describe a
// CA able to sign CRLs, with its matching private key.
func NewCRLSigner(certPEM, keyPEM, passphrase string) (*Issuer, []*FieldError) {
	return newSigner(certPEM, keyPEM, passphrase, func(c *x509.Certificate) *FieldError {
		if err := CheckCanSignCRL(c); err != nil {
			return fieldErr("ca_cert_pem", "Certificate cannot sign CRLs", "%s.", err)
		}
		return nil
	})
}

// KeyIdentifier is the key identifier a CRL's authorityKeyIdentifier carries
// for cert: its subjectKeyIdentifier, or for a CA without one (old or
// hand-made CAs) the RFC 5280 method 1 hash of its key, since a CRL must
// carry the extension (RFC 5280 section 5.2.1). Verifiers compare the two
// only when the CA has a subjectKeyIdentifier.
func KeyIdentifier(cert *x509.Certificate) ([]byte, error) {
	if len(cert.SubjectKeyId) > 0 {
		return cert.SubjectKeyId, nil
	}
	return subjectKeyID(cert.PublicKey)
}

// IssueCRL signs req with signer's CA. Entries are sorted by serial number;
// an entry without a revocation time gets thisUpdate. The CRL is parsed back
// and its signature checked against the CA before it is returned.
func IssueCRL(req *CRLRequest, signer *Issuer) (*x509.RevocationList, error) {
	if err := CheckCanSignCRL(signer.Cert); err != nil {
		return nil, err
	}
	if req.Number == nil || req.Number.Sign() < 0 {
		return nil, errors.New("the CRL number must be zero or more")
	}
	thisUpdate, nextUpdate := req.ThisUpdate.UTC().Truncate(time.Second), req.NextUpdate.UTC().Truncate(time.Second)
	if !nextUpdate.After(thisUpdate) {
		return nil, fmt.Errorf("nextUpdate %s is not after thisUpdate %s", nextUpdate.Format(time.RFC3339), thisUpdate.Format(time.RFC3339))
	}
	serials := make([]*big.Int, len(req.Revoked))
	entries := make([]x509.RevocationListEntry, len(req.Revoked))
	for i, r := range req.Revoked {
		if r.SerialNumber == nil || r.SerialNumber.Sign() <= 0 {
			return nil, fmt.Errorf("revoked entry %d has no positive serial number", i+1)
		}
		at := r.RevokedAt
		if at.IsZero() {
			at = thisUpdate
		}
		if at.After(thisUpdate) {
			return nil, fmt.Errorf("serial %x is revoked at %s, after the CRL's thisUpdate %s", r.SerialNumber, at.UTC().Format(time.RFC3339), thisUpdate.Format(time.RFC3339))
		}
		serials[i] = r.SerialNumber
		entries[i] = x509.RevocationListEntry{SerialNumber: r.SerialNumber, RevocationTime: at, ReasonCode: r.Reason}
	}
	for i, first := range DuplicateSerials(serials) {
		return nil, fmt.Errorf("revoked entries %d and %d have the same serial number %x", first+1, i+1, serials[i])
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].SerialNumber.Cmp(entries[j].SerialNumber) < 0 })

	// crypto/x509 insists on cRLSign and a subjectKeyIdentifier on the issuer;
	// a copy supplies both for a CA without keyUsage or SKI, which may sign
	// CRLs all the same. It only affects those checks and the AKI: the issuer
	// name comes from the certificate's raw subject.
	ca := *signer.Cert
	if ca.KeyUsage == 0 {
		ca.KeyUsage = x509.KeyUsageCRLSign
	}
	keyID, err := KeyIdentifier(&ca)
	if err != nil {
		return nil, err
	}
	ca.SubjectKeyId = keyID
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    req.Number,
		ThisUpdate:                thisUpdate,
		NextUpdate:                nextUpdate,
		RevokedCertificateEntries: entries,
	}, &ca, signer.Key)
	if err != nil {
		return nil, fmt.Errorf("signing the CRL: %w", err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("parsing the new CRL: %w", err)
	}
	if err := crl.CheckSignatureFrom(signer.Cert); err != nil {
		return nil, fmt.Errorf("the new CRL does not verify against its CA: %w", err)
	}
	return crl, nil
}

// EncodeCRLPEM writes a CRL's DER as an "X509 CRL" PEM block, the form
// OpenSSL, Apache and nginx read.
func EncodeCRLPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))
}

// ParseCRLsPEM reads every X509 CRL block in text, in order.
func ParseCRLsPEM(text string) ([]*x509.RevocationList, error) {
	crls, _, err := parsePEMBlocks(text, "X509 CRL", "CRL", x509.ParseRevocationList)
	if err == nil && len(crls) == 0 {
		err = errors.New("no PEM CRL found: expected -----BEGIN X509 CRL-----")
	}
	return crls, err
}

// CheckCRLsCoverChain checks the CRLs given in attr for a client CA bundle
// as a server that checks the whole chain reads them (nginx ssl_crl,
// Apache SSLCARevocationCheck chain, Envoy): every CA in cas needs a CRL it
// signed that is current at now, or the server refuses every client whose
// chain passes that CA. Errors lock clients out; warnings are CRLs that
// serve no purpose.
func CheckCRLsCoverChain(attr string, crls []*x509.RevocationList, cas []*x509.Certificate, now time.Time) []*FieldError {
	var errs []*FieldError
	used := make([]bool, len(crls))
	for _, ca := range cas {
		var found []*x509.RevocationList
		for i, crl := range crls {
			if string(crl.RawIssuer) == string(ca.RawSubject) && crl.CheckSignatureFrom(ca) == nil {
				found, used[i] = append(found, crl), true
			}
		}
		switch {
		case len(found) == 0:
			errs = append(errs, fieldErr(attr, "No CRL for a client CA",
				"%s holds no CRL signed by %q. A server that checks revocation for the whole chain refuses every client whose chain passes that CA. "+
					"Add that CA's CRL (the crl_pem of its mtls_crl): every CA of the client CA bundle needs one, the root included.", attr, ca.Subject))
		case len(found) > 1:
			errs = append(errs, &FieldError{Attribute: attr, Warning: true, Summary: "Several CRLs of one CA",
				Detail: fmt.Sprintf("%s holds %d CRLs signed by %q; servers may use any of them, so an older one can hide a revocation. Give only the latest.", attr, len(found), ca.Subject)})
		}
		for _, crl := range found {
			switch {
			case !now.Before(crl.NextUpdate):
				errs = append(errs, fieldErr(attr, "CRL expired",
					"The CRL of %q in %s (number %v) expired at %s. Servers refuse every client whose chain passes that CA until they read a newer one: apply the mtls_crl (it renews before next_update), then reload the server.",
					ca.Subject, attr, crl.Number, crl.NextUpdate.UTC().Format(time.RFC3339)))
			case now.Before(crl.ThisUpdate):
				errs = append(errs, fieldErr(attr, "CRL not yet valid",
					"The CRL of %q in %s (number %v) is not valid before %s, so servers refuse every client whose chain passes that CA until then. Check the clock of the machine that made it.",
					ca.Subject, attr, crl.Number, crl.ThisUpdate.UTC().Format(time.RFC3339)))
			}
		}
	}
	for i, crl := range crls {
		if !used[i] {
			errs = append(errs, &FieldError{Attribute: attr, Warning: true, Summary: "CRL of an unknown CA",
				Detail: fmt.Sprintf("CRL %d in %s (issuer %q) is not signed by any CA of the client CA bundle, so it revokes nothing here.", i+1, attr, crl.Issuer)})
		}
	}
	return errs
}
