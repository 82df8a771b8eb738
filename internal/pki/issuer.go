package pki

// The CA that signs: its inputs checked, its chain, its limits.

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
)

// Issuer is a CA that signs: its certificate, its key and the rest of its
// chain as the user supplied it (issuer's issuer first, root last if given).
type Issuer struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Certs returns the issuer followed by its chain.
func (i *Issuer) Certs() []*x509.Certificate {
	return append([]*x509.Certificate{i.Cert}, i.Chain...)
}

// Root returns the self-signed certificate at the end of the chain, or nil
// when the user supplied the chain without its root.
func (i *Issuer) Root() *x509.Certificate {
	certs := i.Certs()
	if last := certs[len(certs)-1]; IsSelfSigned(last) {
		return last
	}
	return nil
}

// NewIssuer parses the CA inputs of a signed resource and checks that they
// describe a CA able to sign: a chain in order, a CA certificate allowed to
// sign certificates, and the matching private key.
func NewIssuer(certPEM, keyPEM, passphrase string) (*Issuer, []*FieldError) {
	return newSigner(certPEM, keyPEM, passphrase, func(c *x509.Certificate) *FieldError {
		if err := CheckCanSign(c); err != nil {
			return fieldErr("ca_cert_pem", "Certificate cannot issue certificates", "%s.", err)
		}
		return nil
	})
}

// newSigner parses a CA certificate (and chain) and its key; canSign decides
// whether the CA may sign what the caller makes (certificates or CRLs).
func newSigner(certPEM, keyPEM, passphrase string, canSign func(*x509.Certificate) *FieldError) (*Issuer, []*FieldError) {
	certs, err := ParseCertificatesPEM(certPEM)
	if err != nil {
		return nil, []*FieldError{fieldErr("ca_cert_pem", "Invalid CA certificate", "%s.", err)}
	}
	iss := &Issuer{Cert: certs[0], Chain: certs[1:]}
	var errs []*FieldError
	if err := CheckChainOrder(certs); err != nil {
		errs = append(errs, fieldErr("ca_cert_pem", "CA chain out of order", "In ca_cert_pem, %s. Give the issuing CA first, then each issuer in turn, each certificate followed by the one that signed it (an intermediate's chain_pem or ca_chain_pem is in this order).", err))
	}
	if e := canSign(iss.Cert); e != nil {
		errs = append(errs, e)
	}
	key, err := ParsePrivateKeyPEM(keyPEM, passphrase)
	switch {
	case errors.Is(err, ErrEncryptedKey):
		errs = append(errs, fieldErr("ca_private_key_pem", "Encrypted CA private key", "The CA private key is encrypted: set ca_private_key_passphrase, or give the key unencrypted."))
	case errors.Is(err, ErrWrongPassphrase):
		errs = append(errs, fieldErr("ca_private_key_passphrase", "Wrong CA private key passphrase", "ca_private_key_pem does not decrypt with ca_private_key_passphrase: %s. Give the passphrase the key was encrypted with.", err))
	case err != nil:
		errs = append(errs, fieldErr("ca_private_key_pem", "Invalid CA private key", "%s.", err))
	case !PublicKeysEqual(key.Public(), iss.Cert.PublicKey):
		errs = append(errs, fieldErr("ca_private_key_pem", "CA private key does not match the CA certificate", "The key in ca_private_key_pem belongs to another certificate than the first one in ca_cert_pem (subject %q). Pass the key that was generated with that CA.", iss.Cert.Subject.String()))
	default:
		iss.Key = key
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return iss, nil
}

// CheckCanSign tells whether cert is a CA certificate allowed to sign
// certificates. A CA without a keyUsage extension (as `openssl req -x509`
// makes) may sign, per RFC 5280 section 4.2.1.3.
func CheckCanSign(cert *x509.Certificate) error {
	if err := checkIsCA(cert); err != nil {
		return err
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return fmt.Errorf("%q has a keyUsage extension without keyCertSign, so it may not sign certificates", cert.Subject.String())
	}
	return nil
}

func checkIsCA(cert *x509.Certificate) error {
	if !cert.BasicConstraintsValid || !cert.IsCA {
		return fmt.Errorf("%q is not a CA certificate (basicConstraints CA:TRUE is missing); pass the certificate of a CA, not of a leaf", cert.Subject.String())
	}
	return nil
}

// CheckChainOrder checks that each certificate is signed by the next one.
// The error numbers the certificates from 1 in the order given.
func CheckChainOrder(certs []*x509.Certificate) error {
	if i := ChainBreak(certs); i >= 0 {
		return NotSignedError(certs, i+1, i)
	}
	return nil
}

// ChainBreak returns the index of the first certificate that is not signed
// by the one after it, or -1 when each is.
func ChainBreak(certs []*x509.Certificate) int {
	for i := 0; i+1 < len(certs); i++ {
		if certs[i].CheckSignatureFrom(certs[i+1]) != nil {
			return i
		}
	}
	return -1
}

// NotSignedError says that certs[signer] does not sign certs[signed],
// numbering them from 1 in the order of certs, issuer first.
func NotSignedError(certs []*x509.Certificate, signer, signed int) error {
	return fmt.Errorf("certificate %d (subject %q) does not sign certificate %d (subject %q)",
		signer+1, certs[signer].Subject.String(), signed+1, certs[signed].Subject.String())
}

// IsSelfSigned reports whether cert is self-issued and verifies with its own key.
func IsSelfSigned(cert *x509.Certificate) bool {
	return string(cert.RawIssuer) == string(cert.RawSubject) && cert.CheckSignatureFrom(cert) == nil
}

// sameName compares a distinguished name with an encoded one as verifiers
// match names (RFC 5280 section 7.1, as OpenSSL canonicalises them): the same
// attributes in the same order, values equal up to case and spaces.
func sameName(name pkix.RDNSequence, raw []byte) bool {
	var other pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &other); err != nil || len(rest) > 0 || len(name) != len(other) {
		return false
	}
	canon := func(v any) string { return strings.ToLower(strings.Join(strings.Fields(fmt.Sprint(v)), " ")) }
	for i := range name {
		if len(name[i]) != len(other[i]) {
			return false
		}
		for j := range name[i] {
			if !name[i][j].Type.Equal(other[i][j].Type) || canon(name[i][j].Value) != canon(other[i][j].Value) {
				return false
			}
		}
	}
	return true
}

// RemainingPathLength returns how many more CA certificates may follow the
// first one in certs (issuer first, then its chain), and whether any
// certificate in the chain limits it at all.
func RemainingPathLength(certs []*x509.Certificate) (int, bool) {
	remaining, limited := 0, false
	for i, c := range certs {
		if !c.BasicConstraintsValid || (c.MaxPathLen < 0) || (c.MaxPathLen == 0 && !c.MaxPathLenZero) {
			continue
		}
		// Certificate i already has i intermediates below it in this path.
		if r := c.MaxPathLen - i; !limited || r < remaining {
			remaining, limited = r, true
		}
	}
	return remaining, limited
}
