package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// opensslVerify runs `openssl verify -x509_strict` at time at on leaf with
// root as the only trust anchor and chain as untrusted intermediates.
func opensslVerify(t *testing.T, purpose string, at time.Time, root *x509.Certificate, chain []*x509.Certificate, leaf *x509.Certificate) error {
	return opensslVerifyArgs(t, []string{"-x509_strict", "-purpose", purpose, "-attime", strconv.FormatInt(at.Unix(), 10)}, root, chain, leaf)
}

func opensslVerifyArgs(t *testing.T, opts []string, root *x509.Certificate, chain []*x509.Certificate, leaf *x509.Certificate) error {
	t.Helper()
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	write := func(name string, certs ...*x509.Certificate) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(EncodeCertificatesPEM(certs...)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	args := append(append([]string{"verify"}, opts...), "-CAfile", write("root.pem", root))
	if len(chain) > 0 {
		args = append(args, "-untrusted", write("chain.pem", chain...))
	}
	if out, err := exec.Command(openssl, append(args, write("leaf.pem", leaf))...).CombinedOutput(); err != nil {
		return fmt.Errorf("openssl verify: %v: %s", err, out)
	}
	return nil
}

// A client certificate may name its holder by subject alone, as PostgreSQL,
// Apache's SSL_CLIENT_S_DN_CN and MySQL's REQUIRE SUBJECT expect; it then
// carries no subjectAltName extension at all, and lints clean.
func TestSubjectOnlyClientCertificate(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	req := leafRequest(ProfileClient, key.Public(), Names{})
	req.Subject = Subject{CommonName: "app_user", Organization: "Example"}
	if errs := req.Check(inter.issuer(root.cert)); len(errs) > 0 {
		t.Fatalf("CN-only client refused: %v", errs)
	}
	leaf, err := Issue(req, inter.issuer(root.cert), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range leaf.Extensions {
		if ext.Id.Equal(oidSubjectAltName) {
			t.Fatal("a subject-only certificate carries a subjectAltName extension")
		}
	}
	if leaf.Subject.CommonName != "app_user" {
		t.Fatalf("subject %q", leaf.Subject)
	}
	lintCert(t, leaf)
	verifyFor(t, leaf, root.cert, []*x509.Certificate{inter.cert}, ProfileClient)
	if err := opensslVerify(t, "sslclient", testNow, root.cert, []*x509.Certificate{inter.cert}, leaf); err != nil {
		t.Fatal(err)
	}
}

func TestLeafNameRules(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	cases := []struct {
		name    string
		profile Profile
		subject Subject
		names   Names
		ekus    []string
		attr    string
		summary string
	}{
		{"client, CN only", ProfileClient, Subject{CommonName: "alice"}, Names{}, nil, "", ""},
		{"client, SAN only", ProfileClient, Subject{}, Names{URIs: []string{"spiffe://example.org/alice"}}, nil, "", ""},
		{"client, neither", ProfileClient, Subject{}, Names{}, nil, "subject", "Client certificate without a name"},
		{"client, organization only", ProfileClient, Subject{Organization: "Example"}, Names{}, nil, "subject", "Client certificate without a name"},
		{"server, CN only", ProfileServer, Subject{CommonName: "web.example.com"}, Names{}, nil, "dns_names", "Server certificate without DNS or IP names"},
		{"server, URI only", ProfileServer, Subject{}, Names{URIs: []string{"spiffe://example.org/web"}}, nil, "dns_names", "Server certificate without DNS or IP names"},
		{"peer, CN only", ProfileClient, Subject{CommonName: "node-1"}, Names{}, []string{"server_auth", "client_auth"}, "dns_names", "Peer certificate without DNS or IP names"},
		{"peer, email only", ProfileClient, Subject{}, Names{EmailAddresses: []string{"n@example.com"}}, []string{"client_auth", "server_auth"}, "dns_names", "Peer certificate without DNS or IP names"},
		{"peer with IP", ProfileClient, Subject{}, Names{IPAddresses: []string{"10.0.0.1"}}, []string{"server_auth", "client_auth"}, "", ""},
		{"client with other EKU, CN only", ProfileClient, Subject{CommonName: "signer"}, Names{}, []string{"client_auth", "code_signing"}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := leafRequest(tc.profile, key.Public(), tc.names)
			req.Subject, req.ExtKeyUsages = tc.subject, tc.ekus
			errs := req.Check(root.issuer())
			if got := fieldAttrs(errs); got != tc.attr {
				t.Fatalf("want error on %q, got %q: %v", tc.attr, got, errs)
			}
			if tc.attr != "" {
				if errs[0].Summary != tc.summary {
					t.Fatalf("summary %q, want %q", errs[0].Summary, tc.summary)
				}
				return
			}
			leaf, err := Issue(req, root.issuer(), nil)
			if err != nil {
				t.Fatal(err)
			}
			lintCert(t, leaf)
		})
	}
}

// constrainedRoot permits example.internal in every name form and one
// intermediate below it.
func constrainedRoot(t *testing.T) testCA {
	one := 1
	return newRoot(t, ECDSAP256, CAOptions{
		MaxPathLength:       &one,
		PermittedDNSDomains: []string{"example.internal"}, ExcludedDNSDomains: []string{"secret.example.internal"},
		PermittedIPRanges: []string{"10.0.0.0/8"}, ExcludedIPRanges: []string{"10.9.0.0/16"},
		PermittedEmailAddresses: []string{".example.internal"}, PermittedURIDomains: []string{"example.internal"},
	})
}

func ipNets(v []*net.IPNet) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = n.String()
	}
	return out
}

// An intermediate carries the constraints of the chain above it, so that
// they hold when the chain is passed without its root (chain_pem).
func TestIntermediateInheritsChainConstraints(t *testing.T) {
	root := constrainedRoot(t)
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{})
	c := inter.cert
	if !c.MaxPathLenZero || c.MaxPathLen != 0 {
		t.Errorf("path length %d (zero %v), want 0 inherited from the root's 1", c.MaxPathLen, c.MaxPathLenZero)
	}
	for _, got := range []struct {
		name      string
		got, want []string
	}{
		{"permitted DNS", c.PermittedDNSDomains, []string{"example.internal"}},
		{"excluded DNS", c.ExcludedDNSDomains, []string{"secret.example.internal"}},
		{"permitted IP", ipNets(c.PermittedIPRanges), []string{"10.0.0.0/8"}},
		{"excluded IP", ipNets(c.ExcludedIPRanges), []string{"10.9.0.0/16"}},
		{"permitted email", c.PermittedEmailAddresses, []string{".example.internal"}},
		{"permitted URI", c.PermittedURIDomains, []string{"example.internal"}},
	} {
		if !slices.Equal(got.got, got.want) {
			t.Errorf("%s: %v, want %v", got.name, got.got, got.want)
		}
	}
	if !c.PermittedDNSDomainsCritical {
		t.Error("inherited name constraints are not critical")
	}
	lintCert(t, c)

	// The chain without its root, as chain_pem passes it.
	withoutRoot := inter.issuer()
	key := mustKey(t, ECDSAP256)
	for attr, names := range map[string]Names{
		"dns_names":       {DNSNames: []string{"evil.com"}},
		"ip_addresses":    {IPAddresses: []string{"10.9.1.1"}},
		"email_addresses": {EmailAddresses: []string{"ops@evil.com"}},
		"uris":            {URIs: []string{"spiffe://evil.com/x"}},
	} {
		req := leafRequest(ProfileServer, key.Public(), names)
		req.Names.DNSNames = append(req.Names.DNSNames, "ok.example.internal")
		if got := fieldAttrs(req.Check(withoutRoot)); got != attr {
			t.Errorf("%v: want an error on %s, got %q", names, attr, got)
		}
	}
	sub := &Request{Profile: ProfileIntermediateCA, Subject: Subject{CommonName: "Second level"}, PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
	if errs := sub.Check(withoutRoot); fieldAttrs(errs) != "ca_cert_pem" || errs[0].Summary != "Issuer may not sign CA certificates" {
		t.Errorf("second-level intermediate below the root's path length: %v", errs)
	}

	good := leafRequest(ProfileServer, key.Public(), Names{DNSNames: []string{"web.example.internal"}, IPAddresses: []string{"10.1.2.3"}})
	leaf, err := Issue(good, withoutRoot, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := opensslVerify(t, "sslserver", testNow, root.cert, []*x509.Certificate{inter.cert}, leaf); err != nil {
		t.Fatal(err)
	}
}

// Own constraints narrow the chain's; exclusions add up; deeper CAs inherit
// from the nearest one.
func TestIntermediateNarrowsChainConstraints(t *testing.T) {
	two := 2
	root := newRoot(t, ECDSAP256, CAOptions{MaxPathLength: &two, PermittedDNSDomains: []string{"example.internal"}, ExcludedDNSDomains: []string{"secret.example.internal"}})
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{PermittedDNSDomains: []string{".api.example.internal"}, ExcludedDNSDomains: []string{"old.api.example.internal"}})
	if !slices.Equal(inter.cert.PermittedDNSDomains, []string{".api.example.internal"}) ||
		!slices.Equal(inter.cert.ExcludedDNSDomains, []string{"old.api.example.internal", "secret.example.internal"}) {
		t.Errorf("constraints %v / %v", inter.cert.PermittedDNSDomains, inter.cert.ExcludedDNSDomains)
	}
	if inter.cert.MaxPathLen != 1 {
		t.Errorf("path length %d, want 1", inter.cert.MaxPathLen)
	}
	// A subdomains-only constraint lies within the same one.
	deeper := newIntermediate(t, inter.issuer(root.cert), ECDSAP256, CAOptions{PermittedDNSDomains: []string{".api.example.internal"}})
	if !slices.Equal(deeper.cert.PermittedDNSDomains, []string{".api.example.internal"}) || !deeper.cert.MaxPathLenZero {
		t.Errorf("deeper: %v pathlen %d", deeper.cert.PermittedDNSDomains, deeper.cert.MaxPathLen)
	}
}

// A chain made elsewhere whose CAs disagree: the intermediate carries the
// intersection, and a chain that permits nothing of a type is refused.
func TestChainConstraintsIntersect(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{PermittedDNSDomains: []string{"example.com", "example.org"}, PermittedIPRanges: []string{"10.0.0.0/8"}})
	// Hand-made, past our own check: wider and partly outside the root.
	key := mustKey(t, ECDSAP256)
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: "Elsewhere"}, NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		PermittedDNSDomains: []string{"a.example.com", "org", "example.net"}, PermittedIPRanges: []*net.IPNet{mustCIDR(t, "10.1.0.0/16"), mustCIDR(t, "192.168.0.0/16")},
		PermittedDNSDomainsCritical: true,
	}
	mid, err := testtools.SignCertificate(tmpl, root.cert, root.key, key)
	if err != nil {
		t.Fatal(err)
	}
	n, empty := chainConstraints([]*x509.Certificate{mid, root.cert})
	if len(empty) > 0 || !slices.Equal(n.permittedDNS, []string{"a.example.com", "example.org"}) || !slices.Equal(ipNets(n.permittedIP), []string{"10.1.0.0/16"}) {
		t.Fatalf("intersection %v %v (empty %v)", n.permittedDNS, ipNets(n.permittedIP), empty)
	}
	tmpl.PermittedDNSDomains, tmpl.SerialNumber = []string{"example.net"}, nil
	disjoint, err := testtools.SignCertificate(tmpl, root.cert, root.key, key)
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Profile: ProfileIntermediateCA, Subject: Subject{CommonName: "Below"}, PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
	errs := req.Check(&Issuer{Cert: disjoint, Key: key, Chain: []*x509.Certificate{root.cert}})
	if fieldAttrs(errs) != "ca_cert_pem" || !strings.Contains(errs[0].Detail, "permit no DNS names") {
		t.Fatalf("disjoint chain: %v", errs)
	}
}

func mustCIDR(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConstraintWithin(t *testing.T) {
	for _, tc := range []struct {
		inner, outer string
		want         bool
	}{
		{"example.com", "example.com", true},
		{"api.example.com", "example.com", true},
		{".example.com", "example.com", true},
		{".example.com", ".example.com", true},
		{"api.example.com", ".example.com", true},
		{"example.com", ".example.com", false},
		{"example.com", "api.example.com", false},
		{"badexample.com", "example.com", false},
		{"EXAMPLE.com", "example.COM", true},
	} {
		if got := domainWithin(tc.inner, tc.outer); got != tc.want {
			t.Errorf("domainWithin(%q, %q) = %v", tc.inner, tc.outer, got)
		}
	}
	for _, tc := range []struct {
		inner, outer string
		want         bool
	}{
		{"ops@example.com", "example.com", true},
		{"ops@example.com", "ops@example.com", true},
		{"ops@a.example.com", ".example.com", true},
		{"example.com", "example.com", true},
		{"a.example.com", ".example.com", true},
		{".a.example.com", ".example.com", true},
		{".example.com", ".example.com", true},
		{"example.com", ".example.com", false},
		{".example.com", "example.com", false},
		{"example.com", "ops@example.com", false},
		{"ops@evil.com", "example.com", false},
	} {
		if got := emailWithin(tc.inner, tc.outer); got != tc.want {
			t.Errorf("emailWithin(%q, %q) = %v", tc.inner, tc.outer, got)
		}
	}
	for _, tc := range []struct {
		inner, outer string
		want         bool
	}{
		{"10.1.0.0/16", "10.0.0.0/8", true},
		{"10.0.0.0/8", "10.0.0.0/8", true},
		{"10.0.0.0/8", "10.1.0.0/16", false},
		{"192.168.0.0/16", "10.0.0.0/8", false},
		{"fd00:1::/32", "fd00::/8", true},
		{"::/0", "0.0.0.0/0", false},
	} {
		if got := rangeWithin(mustCIDR(t, tc.inner), mustCIDR(t, tc.outer)); got != tc.want {
			t.Errorf("rangeWithin(%q, %q) = %v", tc.inner, tc.outer, got)
		}
	}
}

// An intermediate's own permitted subtrees must lie inside the chain's, for
// every name type, and the error names the attribute.
func TestIntermediatePermittedInsideIssuer(t *testing.T) {
	root := constrainedRoot(t)
	key := mustKey(t, ECDSAP256)
	for _, tc := range []struct {
		attr string
		opts CAOptions
	}{
		{"", CAOptions{PermittedDNSDomains: []string{"api.example.internal"}, PermittedIPRanges: []string{"10.1.0.0/16"}, PermittedEmailAddresses: []string{"ops@a.example.internal"}, PermittedURIDomains: []string{".example.internal"}}},
		{"permitted_dns_domains", CAOptions{PermittedDNSDomains: []string{"evil.com"}}},
		{"permitted_ip_ranges", CAOptions{PermittedIPRanges: []string{"192.168.0.0/16"}}},
		{"permitted_ip_ranges", CAOptions{PermittedIPRanges: []string{"0.0.0.0/0"}}},
		{"permitted_email_addresses", CAOptions{PermittedEmailAddresses: []string{"example.internal"}}},
		{"permitted_uri_domains", CAOptions{PermittedURIDomains: []string{"evil.com"}}},
	} {
		req := &Request{Profile: ProfileIntermediateCA, Subject: Subject{CommonName: "Sub"}, PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(time.Hour), CA: tc.opts}
		errs := req.Check(root.issuer())
		if got := fieldAttrs(errs); got != tc.attr {
			t.Errorf("%+v: want error on %q, got %q: %v", tc.opts, tc.attr, got, errs)
		}
		if tc.attr != "" && !strings.Contains(errs[0].Detail, "Test Root CA") {
			t.Errorf("the error does not name the CA: %s", errs[0].Detail)
		}
	}
}

// Every certificate with an issuer carries the issuer's key identifier as
// its AKI, also when the issuer has no SKI (computed from its key, RFC 5280
// method 1) and when subject and issuer names are equal (where Go would
// leave it out).
func TestAuthorityKeyIdentifier(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	leaf, err := Issue(leafRequest(ProfileServer, key.Public(), Names{DNSNames: []string{"a.example"}}), inter.issuer(root.cert), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]*x509.Certificate{{inter.cert, root.cert}, {leaf, inter.cert}} {
		if len(pair[0].AuthorityKeyId) == 0 || string(pair[0].AuthorityKeyId) != string(pair[1].SubjectKeyId) {
			t.Errorf("%s: AKI %x, issuer SKI %x", pair[0].Subject, pair[0].AuthorityKeyId, pair[1].SubjectKeyId)
		}
	}

	// A root made by openssl without a subjectKeyIdentifier.
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	out, err := exec.Command(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", dir+"/ca.key", "-out", dir+"/ca.pem", "-subj", "/CN=No SKI Root", "-days", "30",
		"-addext", "subjectKeyIdentifier=none", "-addext", "authorityKeyIdentifier=none").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	certPEM, _ := os.ReadFile(dir + "/ca.pem")
	keyPEM, _ := os.ReadFile(dir + "/ca.key")
	noSKI, errs := NewIssuer(string(certPEM), string(keyPEM), "")
	if errs != nil {
		t.Fatal(errs)
	}
	if len(noSKI.Cert.SubjectKeyId) != 0 {
		t.Fatal("openssl made an SKI after all")
	}
	want, _ := subjectKeyID(noSKI.Cert.PublicKey)
	req := leafRequest(ProfileClient, key.Public(), Names{})
	req.Now = time.Now()
	req.NotBefore, req.NotAfter = Validity(req.Now, 1, 0)
	below, err := Issue(req, noSKI, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(below.AuthorityKeyId) != string(want) {
		t.Errorf("AKI %x below an issuer without SKI, want %x", below.AuthorityKeyId, want)
	}
	// Not -x509_strict, which refuses the root itself for lacking an SKI.
	if err := opensslVerifyArgs(t, []string{"-purpose", "sslclient"}, noSKI.Cert, nil, below); err != nil {
		t.Error(err)
	}

	// Past the plan check, an intermediate named like its issuer still gets
	// its AKI, which Go alone would have left out.
	same := &Request{Profile: ProfileIntermediateCA, Subject: SubjectFromName(root.cert.Subject), PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(365 * 24 * time.Hour)}
	tmpl, err := same.template(root.issuer())
	if err != nil {
		t.Fatal(err)
	}
	c, err := testtools.SignCertificate(tmpl, root.cert, root.key, key)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.AuthorityKeyId) != string(root.cert.SubjectKeyId) {
		t.Errorf("same-subject intermediate: AKI %x, want %x", c.AuthorityKeyId, root.cert.SubjectKeyId)
	}
	// With it OpenSSL does not take the intermediate for a self-signed root.
	leafKey := mustKey(t, ECDSAP256)
	below2, err := Issue(leafRequest(ProfileServer, leafKey.Public(), Names{DNSNames: []string{"a.example"}}), &Issuer{Cert: c, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := opensslVerify(t, "sslserver", testNow, root.cert, []*x509.Certificate{c}, below2); err != nil {
		t.Error(err)
	}
}

// An intermediate named exactly like a CA above it is refused, naming both.
func TestIntermediateWithIssuerSubjectRefused(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	for name, tc := range map[string]struct {
		subject Subject
		issuer  *Issuer
		named   string
	}{
		"issuer's subject":         {SubjectFromName(root.cert.Subject), root.issuer(), root.cert.Subject.String()},
		"differs only in case":     {Subject{CommonName: "TEST ROOT CA", Organization: "mtls  tests"}, root.issuer(), root.cert.Subject.String()},
		"root's, below an inter":   {SubjectFromName(root.cert.Subject), inter.issuer(root.cert), root.cert.Subject.String()},
		"intermediate's, directly": {SubjectFromName(inter.cert.Subject), inter.issuer(root.cert), inter.cert.Subject.String()},
	} {
		t.Run(name, func(t *testing.T) {
			req := &Request{Profile: ProfileIntermediateCA, Subject: tc.subject, PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
			errs := req.Check(tc.issuer)
			if fieldAttrs(errs) != "subject" {
				t.Fatalf("want an error on subject, got %v", errs)
			}
			if !strings.Contains(errs[0].Detail, fmt.Sprintf("%q", tc.subject.Name().String())) || !strings.Contains(errs[0].Detail, fmt.Sprintf("%q", tc.named)) {
				t.Errorf("the error does not name both subjects: %s", errs[0].Detail)
			}
		})
	}
	other := &Request{Profile: ProfileIntermediateCA, Subject: Subject{CommonName: "Test Root CA"}, PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
	if errs := other.Check(root.issuer()); errs != nil {
		t.Errorf("a subject that differs (no O) was refused: %v", errs)
	}
}

// The CA's validity decides the message: expired and not yet valid CAs
// point at ca_cert_pem, a leaf that ends after its CA at
// validity_period_hours, and one whose renewal would outlive the CA warns.
func TestValidityAgainstIssuer(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{}) // testNow-5m .. testNow+10y
	key := mustKey(t, ECDSAP256)
	at := func(now time.Time, hours int64, early time.Duration) *Request {
		req := leafRequest(ProfileServer, key.Public(), Names{DNSNames: []string{"a.example"}})
		req.NotBefore, req.NotAfter = Validity(now, hours, 5)
		req.Now, req.EarlyRenewal = now, early
		return req
	}
	year := 8760 * time.Hour
	for _, tc := range []struct {
		name          string
		req           *Request
		attr, summary string
		warning       bool
		detail        string
	}{
		{"expired CA", at(root.cert.NotAfter.Add(time.Hour), 1, 0), "ca_cert_pem", "Issuing CA has expired", false, "Renew or rotate the CA"},
		{"CA not yet valid", at(root.cert.NotBefore.Add(-time.Hour), 1, 0), "ca_cert_pem", "Issuing CA is not yet valid", false, root.cert.NotBefore.UTC().Format(time.RFC3339)},
		{"outlives CA", at(testNow, 3650*24+1, 0), "validity_period_hours", "Certificate would outlive its CA", false, "Lower validity_period_hours"},
		{"as long as the CA, made in the same second", at(testNow, 3650*24, 0), "validity_period_hours", "Certificate cannot be renewed under this CA", true, "From " + root.cert.NotAfter.Add(-3650*24*time.Hour).UTC().Format(time.RFC3339) + " on"},
		{"renewal after the CA's last chance", at(root.cert.NotAfter.Add(-year-year/2), 8760, 0), "validity_period_hours", "Certificate cannot be renewed under this CA", true, root.cert.NotAfter.Add(-year).UTC().Format(time.RFC3339)},
		{"early renewal in time", at(root.cert.NotAfter.Add(-year-year/2), 8760, year/2), "", "", false, ""},
		{"far from the CA's end", at(testNow, 8760, 0), "", "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.req.Check(root.issuer())
			if got := fieldAttrs(errs); got != tc.attr {
				t.Fatalf("want %q, got %q: %v", tc.attr, got, errs)
			}
			if tc.attr == "" {
				return
			}
			e := errs[0]
			if e.Summary != tc.summary || e.Warning != tc.warning || !strings.Contains(e.Detail, tc.detail) {
				t.Fatalf("got %q (warning %v): %s", e.Summary, e.Warning, e.Detail)
			}
			if strings.Contains(e.Detail, "Lower validity_period_hours") != (tc.summary == "Certificate would outlive its CA") {
				t.Errorf("only a certificate that outlives a valid CA is told to lower its validity: %s", e.Detail)
			}
			if tc.warning {
				if _, err := Issue(tc.req, root.issuer(), nil); err != nil {
					t.Errorf("a warning stopped issuance: %v", err)
				}
			}
		})
	}
}

// Errors point at the attribute at fault and say which certificate is which.
func TestMessagesPointAtTheRightThing(t *testing.T) {
	for _, tc := range []struct {
		opts CAOptions
		attr string
	}{
		{CAOptions{ExcludedDNSDomains: []string{"*.example.com"}}, "excluded_dns_domains"},
		{CAOptions{PermittedDNSDomains: []string{"bad..example"}}, "permitted_dns_domains"},
		{CAOptions{ExcludedIPRanges: []string{"10.0.0.0"}}, "excluded_ip_ranges"},
		{CAOptions{PermittedIPRanges: []string{"10.0.0.0/33"}}, "permitted_ip_ranges"},
		{CAOptions{PermittedDNSDomains: []string{"ok.example"}, ExcludedDNSDomains: []string{"-bad.example"}, ExcludedIPRanges: []string{"x"}}, "excluded_dns_domains,excluded_ip_ranges"},
	} {
		if got := fieldAttrs(checkCAOptions(tc.opts)); got != tc.attr {
			t.Errorf("%+v: errors on %q, want %q", tc.opts, got, tc.attr)
		}
	}

	root := newRoot(t, ECDSAP256, CAOptions{})
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{})
	other := newRoot(t, ECDSAP256, CAOptions{})
	_, errs := NewIssuer(EncodeCertificatesPEM(inter.cert, other.cert), encodeKey(t, inter.key), "")
	want := fmt.Sprintf("In ca_cert_pem, certificate 2 (subject %q) does not sign certificate 1 (subject %q).", other.cert.Subject.String(), inter.cert.Subject.String())
	if fieldAttrs(errs) != "ca_cert_pem" || !strings.HasPrefix(errs[0].Detail, want) {
		t.Errorf("chain order: %v, want %q", errs, want)
	}
	if err := CheckChainOrder([]*x509.Certificate{inter.cert, root.cert}); err != nil {
		t.Errorf("a chain in order: %v", err)
	}
}

// A range with host bits set is refused, with the form to write, rather
// than issued as its network: the certificate would differ from the
// configuration. Canonical ranges, host ranges among them, are kept as
// written.
func TestIPRangeHostBits(t *testing.T) {
	for _, tc := range []struct{ in, want, detail string }{
		{"10.0.0.0/8", "10.0.0.0/8", ""},
		{"10.1.2.3/32", "10.1.2.3/32", ""},
		{"0.0.0.0/0", "0.0.0.0/0", ""},
		{"fd00::/8", "fd00::/8", ""},
		{"2001:db8::1/128", "2001:db8::1/128", ""},
		{"10.1.2.3/8", "", `In permitted_ip_ranges, "10.1.2.3/8" has host bits set: only the first 8 bits name a range, and a certificate carries the range alone. Write "10.0.0.0/8" for the range, or "10.1.2.3/32" for the one address.`},
		{"192.168.1.1/24", "", `"192.168.1.1/24" has host bits set: only the first 24 bits name a range, and a certificate carries the range alone. Write "192.168.1.0/24" for the range, or "192.168.1.1/32"`},
		{"2001:db8::1/32", "", `In permitted_ip_ranges, "2001:db8::1/32" has host bits set: only the first 32 bits name a range, and a certificate carries the range alone. Write "2001:db8::/32" for the range, or "2001:db8::1/128" for the one address.`},
		{"fd00::1:0/112", "fd00::1:0/112", ""},
		{"fd00::1:1/112", "", `Write "fd00::1:0/112" for the range`},
		{"10.0.0.0", "", `"10.0.0.0" is not a CIDR range`},
	} {
		n, err := parseIPRange("permitted_ip_ranges", tc.in)
		switch {
		case tc.detail == "" && (err != nil || n.String() != tc.want):
			t.Errorf("%s: got %v, %v; want %s", tc.in, n, err, tc.want)
		case tc.detail != "" && (err == nil || err.Attribute != "permitted_ip_ranges" || !strings.Contains(err.Detail, tc.detail)):
			t.Errorf("%s: got %v, %v; want an error on permitted_ip_ranges saying %q", tc.in, n, err, tc.detail)
		}
	}

	// Both attributes, on roots and intermediates alike (Request.Check).
	root := newRoot(t, ECDSAP256, CAOptions{})
	for _, tc := range []struct {
		profile Profile
		opts    CAOptions
		attr    string
	}{
		{ProfileRootCA, CAOptions{PermittedIPRanges: []string{"10.1.2.3/8"}}, "permitted_ip_ranges"},
		{ProfileRootCA, CAOptions{ExcludedIPRanges: []string{"2001:db8::1/32"}}, "excluded_ip_ranges"},
		{ProfileIntermediateCA, CAOptions{PermittedIPRanges: []string{"fd00::1/8"}}, "permitted_ip_ranges"},
		{ProfileIntermediateCA, CAOptions{ExcludedIPRanges: []string{"10.9.0.1/16"}}, "excluded_ip_ranges"},
	} {
		key := mustKey(t, ECDSAP256)
		nb, na := Validity(testNow, 24*365, 5)
		req := &Request{Profile: tc.profile, Subject: Subject{CommonName: "Constrained CA"}, PublicKey: key.Public(), NotBefore: nb, NotAfter: na, Now: testNow, CA: tc.opts}
		iss, self := root.issuer(), key
		if tc.profile == ProfileRootCA {
			iss = nil
		} else {
			self = nil
		}
		if got := fieldAttrs(req.Check(iss)); got != tc.attr {
			t.Errorf("%v %+v: errors on %q, want %q", tc.profile, tc.opts, got, tc.attr)
		}
		if _, err := Issue(req, iss, self); err == nil {
			t.Errorf("%v %+v: issued", tc.profile, tc.opts)
		}
	}
}
