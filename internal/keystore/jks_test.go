package keystore

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

func loadJKS(t testing.TB, der []byte, password string) jks.KeyStore {
	t.Helper()
	store := jks.New()
	if err := store.Load(bytes.NewReader(der), []byte(password)); err != nil {
		t.Fatalf("loading JKS: %v", err)
	}
	return store
}

func jksChain(t testing.TB, certs []jks.Certificate) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for _, c := range certs {
		cert, err := x509.ParseCertificate(c.Content)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cert)
	}
	return out
}

func TestJKSKeyStoreRoundTrip(t *testing.T) {
	for _, keyType := range leafKeyTypes {
		t.Run(keyType, func(t *testing.T) {
			p := sharedPKI(t, keyType)
			der, err := EncodeJKSKeyStore(p.leafKey, p.leaf, p.chain(), testPassword, "")
			if err != nil {
				t.Fatal(err)
			}
			store := loadJKS(t, der, testPassword)
			if got := store.Aliases(); !slices.Equal(got, []string{"client leaf"}) {
				t.Fatalf("aliases %q, want [client leaf]", got)
			}
			entry, err := store.GetPrivateKeyEntry("client leaf", []byte(testPassword))
			if err != nil {
				t.Fatal(err)
			}
			key, err := x509.ParsePKCS8PrivateKey(entry.PrivateKey)
			if err != nil {
				t.Fatal(err)
			}
			if !testtools.SamePrivateKey(p.leafKey, key) {
				t.Error("decoded private key differs from the encoded one")
			}
			assertSameCerts(t, jksChain(t, entry.CertificateChain), []*x509.Certificate{p.leaf, p.intermediate, p.root})
			if err := jks.New().Load(bytes.NewReader(der), []byte("wrong")); err == nil {
				t.Error("JKS loaded with a wrong password")
			}
		})
	}
}

func TestJKSTrustStoreRoundTrip(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	der, err := EncodeJKSTrustStore(trustEntries(p), "pässword")
	if err != nil {
		t.Fatal(err)
	}
	// keystore-go takes the Latin-1 bytes of the password, as Java's chars.
	store := loadJKS(t, der, "p\xe4ssword")
	want := map[string]*x509.Certificate{
		"keystore test root ca":   p.root,
		"issuing-ca":              p.intermediate, // JKS lowercases aliases
		"keystore test root ca-2": p.root,
	}
	if len(store.Aliases()) != len(want) {
		t.Fatalf("aliases %q", store.Aliases())
	}
	for alias, cert := range want {
		entry, err := store.GetTrustedCertificateEntry(alias)
		if err != nil {
			t.Fatalf("%s: %v", alias, err)
		}
		if !bytes.Equal(entry.Certificate.Content, cert.Raw) {
			t.Errorf("%s holds the wrong certificate", alias)
		}
	}
}

func TestJKSErrors(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	other := sharedPKI(t, "rsa")
	for _, tc := range []struct {
		name           string
		key            crypto.Signer
		password, want string
	}{
		{"empty password", p.leafKey, "", `JKS needs a non-empty password; for a store without a password use format pkcs12 with encoding "passwordless"`},
		{"non Latin-1 password", p.leafKey, "pw€", "JKS passwords are limited to Latin-1 characters"},
		{"key mismatch", other.leafKey, "pw", "private key does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EncodeJKSKeyStore(tc.key, p.leaf, p.chain(), tc.password, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
