package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseCertificatesPEM reads every CERTIFICATE block in text, in order. Text
// other than PEM blocks (such as openssl's "subject=" lines) is ignored.
func ParseCertificatesPEM(text string) ([]*x509.Certificate, error) {
	certs, others, err := parsePEMBlocks(text, "CERTIFICATE", "certificate", x509.ParseCertificate)
	if err == nil && len(certs) == 0 {
		err = errors.New("no PEM certificate found: expected -----BEGIN CERTIFICATE-----" + found(others))
	}
	return certs, err
}

// parsePEMBlocks parses every block of blockType in text with parse, in
// order, and names the types of the other blocks it skipped; noun names a
// block that does not parse.
func parsePEMBlocks[T any](text, blockType, noun string, parse func([]byte) (T, error)) ([]T, []string, error) {
	var out []T
	var others []string
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return out, others, nil
		}
		if block.Type != blockType {
			others = append(others, block.Type)
			continue
		}
		v, err := parse(block.Bytes)
		if err != nil {
			return nil, others, fmt.Errorf("%s %d does not parse: %w", noun, len(out)+1, err)
		}
		out = append(out, v)
	}
}

// EncodeCertificatesPEM writes certs as concatenated PEM blocks.
func EncodeCertificatesPEM(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// WithoutRoot drops a trailing self-signed certificate: servers send their
// chain without the root, which the peer must already trust.
func WithoutRoot(certs []*x509.Certificate) []*x509.Certificate {
	if n := len(certs); n > 0 && IsSelfSigned(certs[n-1]) {
		return certs[:n-1]
	}
	return certs
}

// FingerprintSHA256 is the lowercase hex SHA-256 of the certificate's DER.
func FingerprintSHA256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// SerialHex is the serial number in lowercase hex, as used in CRLs and logs.
func SerialHex(c *x509.Certificate) string {
	return fmt.Sprintf("%x", c.SerialNumber)
}

// ParseCSRPEM reads a PKCS#10 request and verifies its self-signature, which
// proves the requester holds the private key.
func ParseCSRPEM(text string) (*x509.CertificateRequest, error) {
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM certificate request found: expected -----BEGIN CERTIFICATE REQUEST-----")
		}
		if block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST" {
			continue
		}
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate request does not parse: %w", err)
		}
		if err := csr.CheckSignature(); err != nil {
			return nil, fmt.Errorf("certificate request signature is invalid, so it does not prove possession of the key: %w", err)
		}
		if _, err := AlgorithmOf(csr.PublicKey); err != nil {
			return nil, err
		}
		return csr, nil
	}
}

// NamesFromCSR returns the subject alternative names a CSR asks for.
func NamesFromCSR(csr *x509.CertificateRequest) Names {
	return namesOf(csr.DNSNames, csr.IPAddresses, csr.URIs, csr.EmailAddresses)
}

// NamesFromCertificate returns the subject alternative names a certificate
// carries, in the form Names takes them (used when adopting certificates).
func NamesFromCertificate(cert *x509.Certificate) Names {
	return namesOf(cert.DNSNames, cert.IPAddresses, cert.URIs, cert.EmailAddresses)
}

func namesOf(dns []string, ips []net.IP, uris []*url.URL, emails []string) Names {
	n := Names{DNSNames: dns, EmailAddresses: emails}
	for _, ip := range ips {
		n.IPAddresses = append(n.IPAddresses, ip.String())
	}
	for _, u := range uris {
		n.URIs = append(n.URIs, u.String())
	}
	return n
}
