package keystore

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
)

// PKCS12Options are the choices of EncodePKCS12 beyond its inputs.
type PKCS12Options struct {
	// Encoding selects the algorithms; "" means DefaultEncoding.
	Encoding Encoding
	// FriendlyName is written on the key bag and the leaf certificate bag.
	// Java uses it as the alias, NSS and Firefox as the nickname, Windows as
	// the friendly name. "" means DefaultAliases of the leaf (its lowercased
	// subject CN).
	FriendlyName string
}

// EncodePKCS12 builds a PKCS#12 archive holding one identity: key, its leaf
// certificate and the CA chain in the given order (exact duplicates dropped).
// The layout is OpenSSL's: one SafeContents with the certificates, encrypted
// with the encoding's certificate cipher, then one with the shrouded key. The
// key bag and the leaf certificate bag carry the same friendlyName and
// localKeyId (SHA-1 of the leaf), which is how Java, NSS and Windows pair a
// key with its certificate.
func EncodePKCS12(key crypto.Signer, leaf *x509.Certificate, chain []*x509.Certificate, password string, opts PKCS12Options) ([]byte, error) {
	p, err := profileFor(opts.Encoding, password)
	if err != nil {
		return nil, err
	}
	if err := checkIdentity(key, leaf, chain); err != nil {
		return nil, err
	}
	friendlyName := opts.FriendlyName
	if friendlyName == "" {
		friendlyName = DefaultAliases([]*x509.Certificate{leaf})[0]
	}
	leafAttrs, err := identityAttributes(friendlyName, leaf)
	if err != nil {
		return nil, fmt.Errorf("friendly_name: %w", err)
	}

	certs := certificatePath(leaf, chain)
	certBags := make([]safeBag, len(certs))
	for i, cert := range certs {
		var attrs []bagAttribute
		if i == 0 {
			attrs = leafAttrs
		}
		if certBags[i], err = newCertBag(cert, attrs); err != nil {
			return nil, err
		}
	}
	keyBag, err := newKeyBag(key, p.keyCipher, password, leafAttrs)
	if err != nil {
		return nil, err
	}

	certSafe, err := newSafeContents(certBags, p.certCipher, password)
	if err != nil {
		return nil, err
	}
	keySafe, err := newSafeContents([]safeBag{keyBag}, nil, password)
	if err != nil {
		return nil, err
	}
	return newPFX([]contentInfo{certSafe, keySafe}, p.mac, password)
}

// checkIdentity refuses inputs that would produce an archive no consumer can
// use, before anything is encrypted.
func checkIdentity(key crypto.Signer, leaf *x509.Certificate, chain []*x509.Certificate) error {
	if key == nil {
		return errors.New("private key is missing")
	}
	if leaf == nil {
		return errors.New("leaf certificate is missing")
	}
	for i, c := range chain {
		if c == nil {
			return fmt.Errorf("chain certificate %d is missing", i)
		}
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return fmt.Errorf("private key does not match the public key of certificate %q; pass the key the certificate was issued for", leaf.Subject)
	}
	return nil
}

// certificatePath is the leaf followed by its chain, with repeats dropped
// (first occurrence kept) so a root given both in the chain and as an extra
// CA is written once.
func certificatePath(leaf *x509.Certificate, chain []*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range append([]*x509.Certificate{leaf}, chain...) {
		seen := false
		for _, o := range out {
			if bytes.Equal(o.Raw, c.Raw) {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, c)
		}
	}
	return out
}

// identityAttributes are the friendlyName and localKeyId shared by the key bag
// and the leaf certificate bag.
func identityAttributes(friendlyName string, leaf *x509.Certificate) ([]bagAttribute, error) {
	name, err := friendlyNameAttribute(friendlyName)
	if err != nil {
		return nil, err
	}
	keyID, err := asn1.Marshal(sha1Fingerprint(leaf.Raw))
	if err != nil {
		return nil, err
	}
	return []bagAttribute{name, {ID: oidLocalKeyID, Values: setOf(keyID)}}, nil
}

func friendlyNameAttribute(name string) (bagAttribute, error) {
	if err := checkName(name); err != nil {
		return bagAttribute{}, err
	}
	der, err := marshalBMPString(name)
	if err != nil {
		return bagAttribute{}, err
	}
	return bagAttribute{ID: oidFriendlyName, Values: setOf(der)}, nil
}

func newCertBag(cert *x509.Certificate, attrs []bagAttribute) (safeBag, error) {
	der, err := asn1.Marshal(certBag{ID: oidX509CertificateBag, Data: cert.Raw})
	if err != nil {
		return safeBag{}, fmt.Errorf("encoding certificate bag: %w", err)
	}
	return safeBag{ID: oidCertBag, Value: explicitTag(der), Attributes: attrs}, nil
}

// newKeyBag writes a PKCS#8ShroudedKeyBag, or a plain KeyBag when the
// encoding has no key cipher.
func newKeyBag(key crypto.Signer, scheme encryptionScheme, password string, attrs []bagAttribute) (safeBag, error) {
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return safeBag{}, fmt.Errorf("encoding private key as PKCS#8: %w", err)
	}
	if scheme == nil {
		return safeBag{ID: oidKeyBag, Value: explicitTag(pkcs8), Attributes: attrs}, nil
	}
	alg, ciphertext, err := scheme.Encrypt(pkcs8, password)
	if err != nil {
		return safeBag{}, fmt.Errorf("encrypting private key: %w", err)
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: alg, EncryptedData: ciphertext})
	if err != nil {
		return safeBag{}, err
	}
	return safeBag{ID: oidShroudedKeyBag, Value: explicitTag(der), Attributes: attrs}, nil
}

// newSafeContents wraps bags in a data ContentInfo, or in an encryptedData
// ContentInfo when scheme is not nil.
func newSafeContents(bags []safeBag, scheme encryptionScheme, password string) (contentInfo, error) {
	der, err := asn1.Marshal(bags)
	if err != nil {
		return contentInfo{}, fmt.Errorf("encoding safe contents: %w", err)
	}
	if scheme == nil {
		return dataContentInfo(der)
	}
	alg, ciphertext, err := scheme.Encrypt(der, password)
	if err != nil {
		return contentInfo{}, fmt.Errorf("encrypting certificates: %w", err)
	}
	enc, err := asn1.Marshal(encryptedData{
		Version: 0,
		EncryptedContentInfo: encryptedContentInfo{
			ContentType:                oidData,
			ContentEncryptionAlgorithm: alg,
			EncryptedContent:           ciphertext,
		},
	})
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{ContentType: oidEncryptedData, Content: explicitTag(enc)}, nil
}

func dataContentInfo(content []byte) (contentInfo, error) {
	octets, err := asn1.Marshal(content)
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{ContentType: oidData, Content: explicitTag(octets)}, nil
}

// newPFX assembles the AuthenticatedSafe and, when mac is not nil, its MAC.
func newPFX(safes []contentInfo, mac macScheme, password string) ([]byte, error) {
	authSafe, err := asn1.Marshal(safes)
	if err != nil {
		return nil, fmt.Errorf("encoding authenticated safe: %w", err)
	}
	pfx := pfxPDU{Version: 3}
	if pfx.AuthSafe, err = dataContentInfo(authSafe); err != nil {
		return nil, err
	}
	if mac != nil {
		if pfx.MacData, err = mac.sign(authSafe, password); err != nil {
			return nil, fmt.Errorf("computing MAC: %w", err)
		}
	}
	der, err := asn1.Marshal(pfx)
	if err != nil {
		return nil, fmt.Errorf("encoding PFX: %w", err)
	}
	return der, nil
}
