package provider

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// leafTemplate describes a server certificate for the given DNS names, made
// with crypto/x509 alone (testtools), so these checks do not depend on the
// issuing code they run next to.
func leafTemplate(cn string, dnsNames ...string) *x509.Certificate {
	template := testtools.LeafTemplate(cn, x509.ExtKeyUsageServerAuth)
	template.DNSNames = dnsNames
	return template
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
	root := testtools.Issue(t, testtools.CATemplate("Root"), nil)
	inter := testtools.Issue(t, testtools.CATemplate("Intermediate"), &root)
	other := testtools.Issue(t, testtools.CATemplate("Other Root"), nil)
	otherInter := testtools.Issue(t, testtools.CATemplate("Other Intermediate"), &other)
	otherSub := testtools.Issue(t, testtools.CATemplate("Other Sub"), &otherInter)
	cnOnly := testtools.Issue(t, leafTemplate("legacy-client"), nil)
	attr := path.Root("client_ca_pem")

	cases := map[string]struct {
		bundle       string
		wantDepth    int
		wantUnrooted []string
		want         []string
	}{
		"issuing CA first": {bundle: string(inter.CertPEM()) + string(root.CertPEM()), wantDepth: 2},
		"root first":       {bundle: string(root.CertPEM()) + string(inter.CertPEM()), wantDepth: 2},
		"root alone":       {bundle: string(root.CertPEM()), wantDepth: 1},
		"no root":          {bundle: string(inter.CertPEM()), wantDepth: 2, wantUnrooted: []string{"Intermediate"}},
		// A CA rotation trusts both roots; the longest chain sets the depth.
		"two roots":            {bundle: string(root.CertPEM()) + string(other.CertPEM()), wantDepth: 1},
		"chain then a root":    {bundle: string(inter.CertPEM()) + string(root.CertPEM()) + string(other.CertPEM()), wantDepth: 2},
		"rotation with chains": {bundle: string(inter.CertPEM()) + string(root.CertPEM()) + string(otherSub.CertPEM()) + string(otherInter.CertPEM()) + string(other.CertPEM()), wantDepth: 3},
		"one chain lacks its root": {bundle: string(inter.CertPEM()) + string(root.CertPEM()) + string(otherSub.CertPEM()) + string(otherInter.CertPEM()), wantDepth: 3,
			wantUnrooted: []string{"Other Intermediate"}},
		"CN-only leaf": {bundle: string(cnOnly.CertPEM()), want: []string{"error: Not a CA certificate"}},
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
		inspectClientCABundle(attr, string(cnOnly.CertPEM()), &diags)
		if detail := diags[0].Detail(); !strings.Contains(detail, "CN-only certificate") {
			t.Errorf("detail does not say the certificate is CN-only: %s", detail)
		}
	})
}

func TestInspectServerChain(t *testing.T) {
	root := testtools.Issue(t, testtools.CATemplate("Root"), nil)
	inter := testtools.Issue(t, testtools.CATemplate("Intermediate"), &root)
	server := testtools.Issue(t, leafTemplate("web", "web.example.com"), &inter)
	cnOnly := testtools.Issue(t, leafTemplate("web.example.com"), &inter)
	rootIssued := testtools.Issue(t, leafTemplate("web", "web.example.com"), &root)
	clientCAs := []*x509.Certificate{inter.Cert, root.Cert}

	cases := map[string]struct {
		bundle string
		want   []string
	}{
		"full chain":          {bundle: string(server.CertPEM()) + string(inter.CertPEM())},
		"issued by the root":  {bundle: string(rootIssued.CertPEM())},
		"missing chain":       {bundle: string(server.CertPEM()), want: []string{"warning: Certificate chain is incomplete"}},
		"CN-only certificate": {bundle: string(cnOnly.CertPEM()) + string(inter.CertPEM()), want: []string{"warning: Certificate has no subject alternative names"}},
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
	inspectServerChain(path.Root("tls_cert_pem"), string(server.CertPEM()), nil, &diags)
	if len(diags) != 0 {
		t.Errorf("unexpected diagnostics for an unknown issuer: %q", summaries(diags))
	}
}
