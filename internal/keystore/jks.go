package keystore

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"
)

// JKS is Java's proprietary pre-9 keystore format. Java 9+ defaults to
// PKCS12 and keytool warns about JKS, but JKS remains the only format some
// old Java stacks (and tools that hard-code "JKS") accept.

// EncodeJKSKeyStore builds a JKS keystore with one PrivateKeyEntry under
// alias ("" means DefaultAliases of the leaf) holding the leaf followed by
// the chain; JKS stores the alias in lower case. The key is protected with
// the store password, because that is what Java's default KeyManagerFactory
// and keytool assume.
func EncodeJKSKeyStore(key crypto.Signer, leaf *x509.Certificate, chain []*x509.Certificate, password, alias string) ([]byte, error) {
	pw, err := jksPassword(password)
	if err != nil {
		return nil, err
	}
	if err := checkIdentity(key, leaf, chain); err != nil {
		return nil, err
	}
	if alias == "" {
		alias = DefaultAliases([]*x509.Certificate{leaf})[0]
	}
	if err := checkName(alias); err != nil {
		return nil, fmt.Errorf("alias: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding private key as PKCS#8: %w", err)
	}
	certs := certificatePath(leaf, chain)
	entry := jks.PrivateKeyEntry{CreationTime: time.Now(), PrivateKey: pkcs8}
	for _, c := range certs {
		entry.CertificateChain = append(entry.CertificateChain, jksCertificate(c))
	}
	store := newJKS()
	if err := store.SetPrivateKeyEntry(alias, entry, pw); err != nil {
		return nil, fmt.Errorf("adding private key entry: %w", err)
	}
	return storeJKS(store, pw)
}

// EncodeJKSTrustStore builds a JKS truststore with one trustedCertEntry per
// entry. JKS stores aliases in lower case.
func EncodeJKSTrustStore(entries []TrustedEntry, password string) ([]byte, error) {
	pw, err := jksPassword(password)
	if err != nil {
		return nil, err
	}
	aliases, err := resolveTrustStore(entries)
	if err != nil {
		return nil, err
	}
	store := newJKS()
	now := time.Now()
	for i, e := range entries {
		trusted := jks.TrustedCertificateEntry{CreationTime: now, Certificate: jksCertificate(e.Cert)}
		if err := store.SetTrustedCertificateEntry(aliases[i], trusted); err != nil {
			return nil, fmt.Errorf("adding trusted certificate %q: %w", aliases[i], err)
		}
	}
	return storeJKS(store, pw)
}

// newJKS orders entries by alias so the output does not depend on map order.
func newJKS() jks.KeyStore {
	return jks.New(jks.WithOrderedAliases())
}

func storeJKS(store jks.KeyStore, password []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := store.Store(&buf, password); err != nil {
		return nil, fmt.Errorf("writing JKS: %w", err)
	}
	return buf.Bytes(), nil
}

func jksCertificate(c *x509.Certificate) jks.Certificate {
	return jks.Certificate{Type: "X.509", Content: c.Raw}
}

// jksPassword converts the password to the bytes keystore-go expects. JKS
// hashes each Java char as two bytes, and keystore-go widens single bytes, so
// only characters up to U+00FF (Latin-1) round-trip; anything else would
// silently produce a store Java cannot open.
func jksPassword(password string) ([]byte, error) {
	if password == "" {
		return nil, errors.New("JKS needs a non-empty password; for a store without a password use format pkcs12 with encoding \"passwordless\"")
	}
	out := make([]byte, 0, len(password))
	for i, r := range []rune(password) {
		if r > 0xFF {
			return nil, fmt.Errorf("JKS passwords are limited to Latin-1 characters and character %d of this one is not; use format pkcs12, which supports any Unicode BMP character", i+1)
		}
		out = append(out, byte(r))
	}
	return out, nil
}
