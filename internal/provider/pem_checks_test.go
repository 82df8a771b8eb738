package provider

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// testCert is a certificate made with crypto/x509 alone, so these checks do
// not depend on the issuing code they run next to.
type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func (c testCert) pem() string { return pki.EncodeCertificatesPEM(c.cert) }

// newTestCert signs template with parent, or self-signs when parent is nil.
func newTestCert(t *testing.T, template *x509.Certificate, parent *testCert) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	var issuer *x509.Certificate
	issuerKey := crypto.Signer(key)
	if parent != nil {
		issuer, issuerKey = parent.cert, parent.key
	}
	cert, err := testtools.SignCertificate(template, issuer, issuerKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{cert: cert, key: key}
}

func caTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

func leafTemplate(cn string, dnsNames ...string) *x509.Certificate {
	return &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, DNSNames: dnsNames, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

// summaries lists "warning: summary" and "error: summary" for each diagnostic.
func summaries(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, strings.ToLower(d.Severity().String())+": "+d.Summary())
	}
	return out
}

func TestInspectCABundle(t *testing.T) {
	root := newTestCert(t, caTemplate("Root"), nil)
	inter := newTestCert(t, caTemplate("Intermediate"), &root)
	other := newTestCert(t, caTemplate("Other Root"), nil)
	otherInter := newTestCert(t, caTemplate("Other Intermediate"), &other)
	otherSub := newTestCert(t, caTemplate("Other Sub"), &otherInter)
	cnOnly := newTestCert(t, leafTemplate("legacy-client"), nil)
	attr := path.Root("client_ca_pem")

	cases := map[string]struct {
		bundle       string
		wantDepth    int
		wantUnrooted []string
		want         []string
	}{
		"issuing CA first": {bundle: inter.pem() + root.pem(), wantDepth: 2},
		"root first":       {bundle: root.pem() + inter.pem(), wantDepth: 2},
		"root alone":       {bundle: root.pem(), wantDepth: 1},
		"no root":          {bundle: inter.pem(), wantDepth: 2, wantUnrooted: []string{"Intermediate"}},
		// A CA rotation trusts both roots; the longest chain sets the depth.
		"two roots":            {bundle: root.pem() + other.pem(), wantDepth: 1},
		"chain then a root":    {bundle: inter.pem() + root.pem() + other.pem(), wantDepth: 2},
		"rotation with chains": {bundle: inter.pem() + root.pem() + otherSub.pem() + otherInter.pem() + other.pem(), wantDepth: 3},
		"one chain lacks its root": {bundle: inter.pem() + root.pem() + otherSub.pem() + otherInter.pem(), wantDepth: 3,
			wantUnrooted: []string{"Other Intermediate"}},
		"CN-only leaf": {bundle: cnOnly.pem(), want: []string{"error: Not a CA certificate"}},
		"not PEM":      {bundle: "ca.pem", want: []string{"error: Invalid CA chain"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			_, depth, unrooted := inspectClientCABundle(attr, tc.bundle, &diags)
			if got := summaries(diags); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("diagnostics = %q, want %q", got, tc.want)
			}
			if depth != tc.wantDepth {
				t.Errorf("depth %d, want %d", depth, tc.wantDepth)
			}
			var names []string
			for _, c := range unrooted {
				names = append(names, c.Subject.CommonName)
			}
			if strings.Join(names, "|") != strings.Join(tc.wantUnrooted, "|") {
				t.Errorf("unrooted %q, want %q", names, tc.wantUnrooted)
			}
			for _, d := range diags {
				if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(attr) {
					t.Errorf("diagnostic %q is not on client_ca_pem", d.Summary())
				}
			}
		})
	}
	t.Run("CN-only leaf is named", func(t *testing.T) {
		var diags diag.Diagnostics
		inspectClientCABundle(attr, cnOnly.pem(), &diags)
		if detail := diags[0].Detail(); !strings.Contains(detail, "CN-only certificate") {
			t.Errorf("detail does not say the certificate is CN-only: %s", detail)
		}
	})
}

func TestInspectServerChain(t *testing.T) {
	root := newTestCert(t, caTemplate("Root"), nil)
	inter := newTestCert(t, caTemplate("Intermediate"), &root)
	server := newTestCert(t, leafTemplate("web", "web.example.com"), &inter)
	cnOnly := newTestCert(t, leafTemplate("web.example.com"), &inter)
	rootIssued := newTestCert(t, leafTemplate("web", "web.example.com"), &root)
	clientCAs := []*x509.Certificate{inter.cert, root.cert}

	cases := map[string]struct {
		bundle string
		want   []string
	}{
		"full chain":          {bundle: server.pem() + inter.pem()},
		"issued by the root":  {bundle: rootIssued.pem()},
		"missing chain":       {bundle: server.pem(), want: []string{"warning: Certificate chain is incomplete"}},
		"CN-only certificate": {bundle: cnOnly.pem() + inter.pem(), want: []string{"warning: Certificate has no subject alternative names"}},
		"not a certificate":   {bundle: "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", want: []string{"error: Invalid certificate"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			inspectServerChain(path.Root("tls_cert_pem"), tc.bundle, clientCAs, &diags)
			if got := summaries(diags); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("diagnostics = %q, want %q", got, tc.want)
			}
		})
	}
	// Without the issuer among the known CAs nothing can be said.
	var diags diag.Diagnostics
	inspectServerChain(path.Root("tls_cert_pem"), server.pem(), nil, &diags)
	if len(diags) != 0 {
		t.Errorf("unexpected diagnostics for an unknown issuer: %q", summaries(diags))
	}
}
