package keystore

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

const testPassword = "correct horse battery staple"

// passwordFor is the password each encoding is used with in tests.
func passwordFor(enc Encoding) string {
	if enc == EncodingPasswordless {
		return ""
	}
	return testPassword
}

func mustEncodePKCS12(t testing.TB, p *testPKI, enc Encoding, friendlyName string) []byte {
	t.Helper()
	der, err := EncodePKCS12(p.leafKey, p.leaf, p.chain(), passwordFor(enc), PKCS12Options{Encoding: enc, FriendlyName: friendlyName})
	if err != nil {
		t.Fatalf("EncodePKCS12(%s): %v", enc, err)
	}
	return der
}

func assertSameCerts(t testing.TB, got, want []*x509.Certificate) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d certificates, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("certificate %d is %q, want %q", i, got[i].Subject, want[i].Subject)
		}
	}
}

func TestEncodePKCS12RoundTripWithGoPKCS12(t *testing.T) {
	for _, keyType := range leafKeyTypes {
		p := sharedPKI(t, keyType)
		for _, enc := range Encodings() {
			t.Run(keyType+"/"+string(enc), func(t *testing.T) {
				der := mustEncodePKCS12(t, p, enc, "")
				key, leaf, chain, err := gopkcs12.DecodeChain(der, passwordFor(enc))
				if err != nil {
					t.Fatalf("go-pkcs12 DecodeChain: %v", err)
				}
				if !testtools.SamePrivateKey(p.leafKey, key) {
					t.Error("decoded private key differs from the encoded one")
				}
				assertSameCerts(t, append([]*x509.Certificate{leaf}, chain...), []*x509.Certificate{p.leaf, p.intermediate, p.root})
			})
		}
	}
}

func TestEncodePKCS12UnicodePassword(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	// BMP characters beyond Latin-1: PBES2 takes them as UTF-8, the PKCS#12
	// KDF as UCS-2; both must agree with go-pkcs12.
	const password = "pässwörd-€-密码"
	for _, enc := range []Encoding{EncodingModern, EncodingModern2026, EncodingLegacy, EncodingLegacyRC2} {
		t.Run(string(enc), func(t *testing.T) {
			der, err := EncodePKCS12(p.leafKey, p.leaf, nil, password, PKCS12Options{Encoding: enc})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := gopkcs12.DecodeChain(der, password); err != nil {
				t.Fatalf("go-pkcs12 DecodeChain: %v", err)
			}
		})
	}
}

func TestEncodePKCS12WrongPasswordRefused(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	for _, enc := range Encodings() {
		if enc == EncodingPasswordless {
			continue
		}
		t.Run(string(enc), func(t *testing.T) {
			der := mustEncodePKCS12(t, p, enc, "")
			_, _, _, err := gopkcs12.DecodeChain(der, testPassword+"x")
			if !errors.Is(err, gopkcs12.ErrIncorrectPassword) {
				t.Fatalf("decoding with a wrong password: got %v, want ErrIncorrectPassword", err)
			}
		})
	}
}

// TestEncodingAlgorithms pins what each encoding writes, layer by layer.
func TestEncodingAlgorithms(t *testing.T) {
	pbes2 := "PBES2(PBKDF2-HMAC-SHA256,AES-256-CBC,10000)"
	want := map[Encoding]struct{ certs, key, mac string }{
		EncodingModern:       {pbes2, pbes2, "HMAC-SHA256(10000)"},
		EncodingModern2026:   {pbes2, pbes2, "PBMAC1(PBKDF2-HMAC-SHA256,HMAC-SHA256,10000)"},
		EncodingLegacy:       {"PBE-SHA1-3DES(2048)", "PBE-SHA1-3DES(2048)", "HMAC-SHA1(2048)"},
		EncodingLegacyRC2:    {"PBE-SHA1-RC2-40(2048)", "PBE-SHA1-3DES(2048)", "HMAC-SHA1(2048)"},
		EncodingPasswordless: {"", "", ""},
	}
	p := sharedPKI(t, "ecdsa")
	for _, enc := range Encodings() {
		t.Run(string(enc), func(t *testing.T) {
			d := decodePFX(t, mustEncodePKCS12(t, p, enc, ""), passwordFor(enc))
			w := want[enc]
			if d.mac != w.mac {
				t.Errorf("MAC %q, want %q", d.mac, w.mac)
			}
			// OpenSSL's layout: encrypted certificates, then the key in a plain SafeContents.
			if !slices.Equal(d.safeCiphers, []string{w.certs, ""}) {
				t.Errorf("safe contents ciphers %q, want [%q \"\"]", d.safeCiphers, w.certs)
			}
			wantKeyBag := oidShroudedKeyBag
			if enc == EncodingPasswordless {
				wantKeyBag = oidKeyBag
			}
			keys := d.bagsOfType(wantKeyBag)
			if len(keys) != 1 || keys[0].cipher != w.key {
				t.Fatalf("want one %v key bag encrypted with %q, got %+v", wantKeyBag, w.key, keys)
			}
			pkcs8, _ := x509.MarshalPKCS8PrivateKey(p.leafKey)
			if !bytes.Equal(keys[0].content, pkcs8) {
				t.Error("key bag does not hold the PKCS#8 key")
			}
		})
	}
}

// TestGoPKCS12Differences records why keyed archives have their own writer:
// none of go-pkcs12's encoders writes a friendlyName on them. (Its LegacyDES
// also uses a single MAC iteration unless WithIterations says otherwise, as
// it does for the truststores.)
func TestGoPKCS12Differences(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	der, err := gopkcs12.LegacyDES.Encode(p.leafKey, p.leaf, p.chain(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	d := decodePFX(t, der, testPassword)
	if got := []string{d.safeCiphers[0], d.bagsOfType(oidShroudedKeyBag)[0].cipher, d.mac}; !slices.Equal(got, []string{"PBE-SHA1-3DES(2048)", "PBE-SHA1-3DES(2048)", "HMAC-SHA1(1)"}) {
		t.Errorf("go-pkcs12 LegacyDES writes %q", got)
	}
	for _, b := range d.bags {
		if _, ok := b.attrs[oidFriendlyName.String()]; ok {
			t.Errorf("go-pkcs12 now writes friendlyName on %v; reconsider using it", b.typ)
		}
	}
}

func TestEncodePKCS12FriendlyNameAndLocalKeyID(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	for _, tc := range []struct{ given, want string }{
		{"Client Leaf for Prod (ü)", "Client Leaf for Prod (ü)"},
		{"", "client leaf"}, // derived from the subject CN
	} {
		for _, enc := range Encodings() {
			t.Run(string(enc)+"/"+tc.want, func(t *testing.T) {
				d := decodePFX(t, mustEncodePKCS12(t, p, enc, tc.given), passwordFor(enc))
				certs := d.bagsOfType(oidCertBag)
				keys := append(d.bagsOfType(oidShroudedKeyBag), d.bagsOfType(oidKeyBag)...)
				if len(certs) != 3 || len(keys) != 1 {
					t.Fatalf("got %d cert bags and %d key bags", len(certs), len(keys))
				}
				wantID := sha1.Sum(p.leaf.Raw)
				for _, b := range []decodedBag{keys[0], certs[0]} {
					if got := b.friendlyName(t); got != tc.want {
						t.Errorf("%v friendlyName %q, want %q", b.typ, got, tc.want)
					}
					if got := b.localKeyID(t); !bytes.Equal(got, wantID[:]) {
						t.Errorf("%v localKeyId %x, want %x", b.typ, got, wantID)
					}
				}
				if !bytes.Equal(certs[0].content, p.leaf.Raw) {
					t.Error("first certificate bag is not the leaf")
				}
				for _, ca := range certs[1:] {
					if len(ca.attrs) != 0 {
						t.Errorf("CA certificate bag has attributes %v", ca.attrs)
					}
				}
			})
		}
	}
}

func TestEncodePKCS12DropsDuplicateCertificates(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	chain := []*x509.Certificate{p.intermediate, p.leaf, p.root, p.intermediate}
	der, err := EncodePKCS12(p.leafKey, p.leaf, chain, testPassword, PKCS12Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, leaf, cas, err := gopkcs12.DecodeChain(der, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	assertSameCerts(t, append([]*x509.Certificate{leaf}, cas...), []*x509.Certificate{p.leaf, p.intermediate, p.root})
}

func TestEncodePKCS12Errors(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	other := sharedPKI(t, "rsa")
	for _, tc := range []struct {
		name     string
		key      crypto.Signer
		leaf     *x509.Certificate
		chain    []*x509.Certificate
		password string
		opts     PKCS12Options
		want     string
	}{
		{"empty password", p.leafKey, p.leaf, nil, "", PKCS12Options{Encoding: EncodingModern}, `encoding "modern" needs a non-empty password; set a password, or use encoding "passwordless"`},
		{"empty password default encoding", p.leafKey, p.leaf, nil, "", PKCS12Options{}, `encoding "modern" needs a non-empty password`},
		{"password with passwordless", p.leafKey, p.leaf, nil, "x", PKCS12Options{Encoding: EncodingPasswordless}, `so the password must be empty; use encoding "modern"`},
		{"unknown encoding", p.leafKey, p.leaf, nil, "x", PKCS12Options{Encoding: "aes"}, `unsupported PKCS#12 encoding "aes"; use one of modern, modern2026, legacy, legacy_rc2, passwordless`},
		{"emoji password", p.leafKey, p.leaf, nil, "pw🔑", PKCS12Options{}, "password: character 3 is outside the Unicode Basic Multilingual Plane"},
		{"key mismatch", other.leafKey, p.leaf, nil, "x", PKCS12Options{}, `private key does not match the public key of certificate "CN=Client Leaf"`},
		{"missing key", nil, p.leaf, nil, "x", PKCS12Options{}, "private key is missing"},
		{"missing leaf", p.leafKey, nil, nil, "x", PKCS12Options{}, "leaf certificate is missing"},
		{"missing chain cert", p.leafKey, p.leaf, []*x509.Certificate{p.intermediate, nil}, "x", PKCS12Options{}, "chain certificate 1 is missing"},
		{"emoji friendly name", p.leafKey, p.leaf, nil, "x", PKCS12Options{FriendlyName: "🔑"}, "friendly_name: character 1 is outside"},
		{"control friendly name", p.leafKey, p.leaf, nil, "x", PKCS12Options{FriendlyName: "a\nb"}, "friendly_name: \"a\\nb\" contains control characters"},
		{"blank friendly name", p.leafKey, p.leaf, nil, "x", PKCS12Options{FriendlyName: "  "}, "friendly_name: must not be empty or only spaces"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EncodePKCS12(tc.key, tc.leaf, tc.chain, tc.password, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			// Errors reach Terraform's output: a password must never be in them.
			if len(tc.password) > 1 && strings.Contains(err.Error(), tc.password) {
				t.Fatalf("error %q repeats the password", err)
			}
		})
	}
}

func TestEncodingsList(t *testing.T) {
	if len(Encodings()) != len(profiles) {
		t.Fatalf("Encodings() lists %d encodings, profiles define %d", len(Encodings()), len(profiles))
	}
	for _, e := range Encodings() {
		if _, ok := profiles[e]; !ok {
			t.Errorf("encoding %q has no profile", e)
		}
	}
	if !slices.Contains(Encodings(), DefaultEncoding) {
		t.Errorf("DefaultEncoding %q is not listed", DefaultEncoding)
	}
	if got := strings.Join(EncodingStrings(), ","); got != "modern,modern2026,legacy,legacy_rc2,passwordless" {
		t.Errorf("EncodingStrings() = %s", got)
	}
}

func TestPKCS12KDFVectors(t *testing.T) {
	// Vectors from go-pkcs12's tests; the second has a leading zero in I_j.
	for _, tc := range []struct {
		salt, password []byte
		want           string
	}{
		{[]byte("\xff\xff\xff\xff\xff\xff\xff\xff"), mustKDFPassword(t, "sesame"), "7cd9fd3e2b3be7691a44e3bef0f9ea0fb9b897d4e325d9d1"},
		{[]byte("\xf3\x7e\x05\xb5\x18\x32\x4b\x4b"), []byte{0, 0}, "00f759ff47d14dd03665d5943cb3c4a39a2555c02aed66e1"},
	} {
		got := pkcs12KDF(crypto.SHA1, kdfKeyMaterial, tc.password, tc.salt, 2048, 24)
		if h := hexString(got); h != tc.want {
			t.Errorf("pkcs12KDF = %s, want %s", h, tc.want)
		}
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}

// TestPBMAC1AgainstRFC9579 checks the PBMAC1 core on the RFC 9579 appendix
// A.1 archive (PBKDF2-HMAC-SHA256, HMAC-SHA256, password "1234"): the only
// independent PBMAC1 reference available without OpenSSL 3.4 or Java 26.
func TestPBMAC1AgainstRFC9579(t *testing.T) {
	b64, err := os.ReadFile("testdata/rfc9579-a1.p12.b64")
	if err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(string(b64))
	if err != nil {
		t.Fatal(err)
	}
	var pfx pfxPDU
	mustUnmarshal(t, der, &pfx)
	var authSafe []byte
	mustUnmarshal(t, pfx.AuthSafe.Content.Bytes, &authSafe)
	for password, wantMatch := range map[string]bool{"1234": true, "1235": false} {
		if got := recomputeMAC(t, pfx.MacData, authSafe, password); hmac.Equal(got, pfx.MacData.Mac.Digest) != wantMatch {
			t.Errorf("password %q: MAC match = %v, want %v", password, !wantMatch, wantMatch)
		}
	}
	if d := decodePFX(t, der, "1234"); d.mac != "PBMAC1(PBKDF2-HMAC-SHA256,HMAC-SHA256,2048)" {
		t.Errorf("unexpected MAC %q", d.mac)
	}
}
