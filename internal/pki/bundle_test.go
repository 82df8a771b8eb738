package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"slices"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// bundleCA signs a CA certificate named cn for key with the parent's key,
// or self-signs it when parent is nil.
func bundleCA(t *testing.T, cn string, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	template := &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             testNow.Add(-time.Hour),
		NotAfter:              testNow.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if parent == nil {
		parentKey = key
	}
	cert, err := testtools.SignCertificate(template, parent, parentKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestBundleChains(t *testing.T) {
	g1Key, g2Key, issuingKey, subKey := mustKey(t, ECDSAP256), mustKey(t, ECDSAP256), mustKey(t, ECDSAP256), mustKey(t, ECDSAP256)
	g1 := bundleCA(t, "G1 Root", g1Key, nil, nil)
	g2 := bundleCA(t, "G2 Root", g2Key, nil, nil)
	issuing := bundleCA(t, "G2 Issuing", issuingKey, g2, g2Key)
	sub := bundleCA(t, "G2 Sub", subKey, issuing, issuingKey)
	// G2 cross-signed by G1: the same name and key as the G2 root.
	g2Cross := bundleCA(t, "G2 Root", g2Key, g1, g1Key)
	// A CA issued by another "G1 Root", whose signature G1's key does not verify.
	fakeG1Key := mustKey(t, ECDSAP256)
	impostor := bundleCA(t, "Impostor", mustKey(t, ECDSAP256), bundleCA(t, "G1 Root", fakeG1Key, nil, nil), fakeG1Key)

	cases := []struct {
		name     string
		certs    []*x509.Certificate
		depth    int
		unrooted []*x509.Certificate
	}{
		{"one root", []*x509.Certificate{g1}, 1, nil},
		{"chain issuing first", []*x509.Certificate{issuing, g2}, 2, nil},
		{"chain root first", []*x509.Certificate{g2, issuing}, 2, nil},
		{"rotation: two roots side by side", []*x509.Certificate{g1, g2}, 1, nil},
		{"rotation: the longest chain sets the depth", []*x509.Certificate{g1, sub, g2, issuing}, 3, nil},
		{"intermediate without its root", []*x509.Certificate{issuing}, 2, []*x509.Certificate{issuing}},
		{"chain without its root", []*x509.Certificate{sub, issuing}, 3, []*x509.Certificate{issuing}},
		{"root of another chain does not complete it", []*x509.Certificate{issuing, g1}, 2, []*x509.Certificate{issuing}},
		{"a name match alone is no issuer", []*x509.Certificate{impostor, g1}, 2, []*x509.Certificate{impostor}},
		// issuing -> g2Cross -> g1 is the longest path; issuing -> g2 is rooted too.
		{"cross-signed root", []*x509.Certificate{issuing, g2, g2Cross, g1}, 3, nil},
		{"cross-signed root without the other root", []*x509.Certificate{issuing, g2Cross}, 3, []*x509.Certificate{g2Cross}},
		{"duplicates", []*x509.Certificate{issuing, issuing, g2, g2}, 2, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			depth, unrooted := BundleChains(tc.certs)
			if depth != tc.depth {
				t.Errorf("depth %d, want %d", depth, tc.depth)
			}
			if !slices.Equal(unrooted, tc.unrooted) {
				t.Errorf("unrooted %v, want %v", subjects(unrooted), subjects(tc.unrooted))
			}
		})
	}
}

func subjects(certs []*x509.Certificate) []string {
	var names []string
	for _, c := range certs {
		names = append(names, c.Subject.CommonName)
	}
	return names
}
