package pki

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"strings"
	"testing"
	"time"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// lintRegistry holds the zlint checks that apply to a private mTLS PKI: the
// RFC profiles (5280, 5480, 5891, 8813) and zlint's community lints. The
// CA/Browser Forum, EV, S/MIME, Mozilla, Apple and ETSI sources are left out on
// purpose: they govern publicly-trusted Web PKI certificates (certificate
// policies, OCSP/CRL URLs, 398-day limits, public suffixes, no CN) and do not
// bind private CAs. Within the kept sources nothing is ignored.
var lintRegistry = func() lint.Registry {
	r, err := lint.GlobalRegistry().Filter(lint.FilterOptions{
		IncludeSources: lint.SourceList{lint.RFC5280, lint.RFC5480, lint.RFC5891, lint.RFC8813, lint.Community},
	})
	if err != nil {
		panic(err)
	}
	return r
}()

// lintCert fails the test on any zlint error, warning or fatal result.
func lintCert(t *testing.T, c *x509.Certificate) {
	t.Helper()
	zc, err := zx509.ParseCertificate(c.Raw)
	if err != nil {
		t.Fatalf("zcrypto cannot parse %s: %v", c.Subject, err)
	}
	res := zlint.LintCertificateEx(zc, lintRegistry)
	for name, r := range res.Results {
		if r.Status == lint.Error || r.Status == lint.Warn || r.Status == lint.Fatal {
			t.Errorf("zlint %s on %q: %s %s", name, c.Subject, r.Status, r.Details)
		}
	}
	if len(res.Results) < 50 {
		t.Fatalf("only %d lints ran: the registry filter is wrong", len(res.Results))
	}
}

type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func (c testCA) issuer(chain ...*x509.Certificate) *Issuer {
	return &Issuer{Cert: c.cert, Key: c.key, Chain: chain}
}

func mustKey(t testing.TB, alg KeyAlgorithm) crypto.Signer {
	t.Helper()
	k, err := GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newRoot(t testing.TB, alg KeyAlgorithm, opts CAOptions) testCA {
	t.Helper()
	key := mustKey(t, alg)
	nb, na := Validity(testNow, 24*3650, 5)
	req := &Request{Profile: ProfileRootCA, Subject: Subject{CommonName: "Test Root CA", Organization: "mtls tests"}, PublicKey: key.Public(), NotBefore: nb, NotAfter: na, Now: testNow, CA: opts}
	c, err := Issue(req, nil, key)
	if err != nil {
		t.Fatalf("issuing root: %v", err)
	}
	return testCA{c, key}
}

func newIntermediate(t testing.TB, parent *Issuer, alg KeyAlgorithm, opts CAOptions) testCA {
	t.Helper()
	key := mustKey(t, alg)
	nb, na := Validity(testNow, 24*1825, 5)
	// Each level its own name: a CA named like its issuer is refused.
	cn := "Test Intermediate CA " + string(alg)
	if level := len(parent.Certs()); level > 1 {
		cn += fmt.Sprintf(" L%d", level)
	}
	req := &Request{Profile: ProfileIntermediateCA, Subject: Subject{CommonName: cn, Organization: "mtls tests"}, PublicKey: key.Public(), NotBefore: nb, NotAfter: na, Now: testNow, CA: opts}
	c, err := Issue(req, parent, nil)
	if err != nil {
		t.Fatalf("issuing intermediate: %v", err)
	}
	return testCA{c, key}
}

func leafRequest(p Profile, pub crypto.PublicKey, names Names) *Request {
	nb, na := Validity(testNow, 24*90, 5)
	return &Request{Profile: p, Subject: Subject{CommonName: "leaf"}, Names: names, PublicKey: pub, NotBefore: nb, NotAfter: na, Now: testNow}
}

func fieldAttrs(errs []*FieldError) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Attribute)
	}
	return strings.Join(s, ",")
}
