package keystore

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"slices"
	"strings"
	"testing"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Java's trusted-key-usage bag attribute, which keytool writes on a
// trustedCertEntry; its value lists the EKUs the anchor is trusted for.
var (
	oidJavaTrustedKeyUsage = asn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}
	oidAnyExtendedKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
)

// trustEntries has one explicit and two derived aliases.
func trustEntries(p *testPKI) []TrustedEntry {
	return []TrustedEntry{
		{Cert: p.root},
		{Alias: "Issuing-CA", Cert: p.intermediate},
		{Cert: p.root}, // the same anchor under a second, derived alias
	}
}

var wantTrustAliases = []string{"keystore test root ca", "Issuing-CA", "keystore test root ca-2"}

func TestTrustStorePKCS12RoundTrip(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	entries := trustEntries(p)
	anyEKU, _ := asn1.Marshal(oidAnyExtendedKeyUsage)
	for _, enc := range Encodings() {
		t.Run(string(enc), func(t *testing.T) {
			der, err := EncodeTrustStorePKCS12(entries, passwordFor(enc), enc)
			if err != nil {
				t.Fatal(err)
			}
			certs, err := gopkcs12.DecodeTrustStore(der, passwordFor(enc))
			if err != nil {
				t.Fatalf("go-pkcs12 DecodeTrustStore: %v", err)
			}
			assertSameCerts(t, certs, []*x509.Certificate{p.root, p.intermediate, p.root})

			d := decodePFX(t, der, passwordFor(enc))
			if len(d.bags) != len(entries) || len(d.safeCiphers) != 1 {
				t.Fatalf("got %d bags in %d safe contents", len(d.bags), len(d.safeCiphers))
			}
			for i, b := range d.bags {
				if got := b.friendlyName(t); got != wantTrustAliases[i] {
					t.Errorf("bag %d friendlyName %q, want %q", i, got, wantTrustAliases[i])
				}
				if got := b.attrs[oidJavaTrustedKeyUsage.String()]; !bytes.Equal(got, anyEKU) {
					t.Errorf("bag %d Java trusted key usage %x, want anyExtendedKeyUsage", i, got)
				}
				if b.localKeyID(t) != nil {
					t.Errorf("bag %d has a localKeyId; Java would look for a key", i)
				}
			}
			if enc != EncodingPasswordless {
				if _, err := gopkcs12.DecodeTrustStore(der, "wrong"); !errors.Is(err, gopkcs12.ErrIncorrectPassword) {
					t.Errorf("wrong password: got %v, want ErrIncorrectPassword", err)
				}
			}
		})
	}
}

// TestTrustStoreEncodingAlgorithms holds the truststores go-pkcs12 writes to
// the algorithms and iteration counts of this package's keyed archives of
// the same encoding, which TestEncodingAlgorithms pins.
func TestTrustStoreEncodingAlgorithms(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	for _, enc := range Encodings() {
		t.Run(string(enc), func(t *testing.T) {
			der, err := EncodeTrustStorePKCS12(trustEntries(p), passwordFor(enc), enc)
			if err != nil {
				t.Fatal(err)
			}
			trust := decodePFX(t, der, passwordFor(enc))
			keyed := decodePFX(t, mustEncodePKCS12(t, p, enc, ""), passwordFor(enc))
			if trust.mac != keyed.mac || !slices.Equal(trust.safeCiphers, keyed.safeCiphers[:1]) {
				t.Errorf("truststore: certificates under %q, MAC %q; keyed archive: certificates under %q, MAC %q",
					trust.safeCiphers, trust.mac, keyed.safeCiphers[0], keyed.mac)
			}
		})
	}
}

func TestTrustStoreErrors(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	encoders := map[string]func([]TrustedEntry) error{
		"pkcs12": func(e []TrustedEntry) error { _, err := EncodeTrustStorePKCS12(e, "pw", EncodingModern); return err },
		"jks":    func(e []TrustedEntry) error { _, err := EncodeJKSTrustStore(e, "pw"); return err },
	}
	for name, encode := range encoders {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				entries []TrustedEntry
				want    string
			}{
				{nil, "a truststore needs at least one certificate"},
				{[]TrustedEntry{{Alias: "x"}}, "truststore entry 0 has no certificate"},
				{[]TrustedEntry{{Alias: "a", Cert: p.root}, {Alias: "A", Cert: p.intermediate}}, "both use alias"},
			} {
				if err := encode(tc.entries); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got error %v, want one containing %q", err, tc.want)
				}
			}
		})
	}
	if _, err := EncodeTrustStorePKCS12(trustEntries(p), "", EncodingLegacy); err == nil || !strings.Contains(err.Error(), `encoding "legacy" needs a non-empty password`) {
		t.Errorf("empty password with legacy: got %v", err)
	}
}

func TestTrustStorePKCS12AliasOrderIsStable(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	got, err := ResolveAliases(trustEntries(p))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, wantTrustAliases) {
		t.Errorf("ResolveAliases = %q, want %q", got, wantTrustAliases)
	}
}
