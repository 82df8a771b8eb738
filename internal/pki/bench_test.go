package pki

import (
	"fmt"
	"math/big"
	"testing"
	"time"
)

// The benchmarks name their cases key=value (alg=ECDSA_P256), which
// benchstat can group and compare by.

// BenchmarkGenerateKey measures making one private key, per key algorithm.
func BenchmarkGenerateKey(b *testing.B) {
	for _, alg := range KeyAlgorithms() {
		b.Run("alg="+string(alg), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := GenerateKey(alg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIssueLeaf measures signing one leaf certificate under an
// intermediate of the same key algorithm, checks and verification included;
// the leaf's key exists already (BenchmarkGenerateKey measures making it).
// Client certificates are named by CN alone, as in a fleet; server
// certificates carry a DNS name.
func BenchmarkIssueLeaf(b *testing.B) {
	for _, alg := range []KeyAlgorithm{ECDSAP256, RSA2048} {
		root := newRoot(b, alg, CAOptions{})
		inter := newIntermediate(b, root.issuer(), alg, CAOptions{})
		iss := inter.issuer(root.cert)
		key := mustKey(b, alg)
		for _, profile := range []struct {
			name    string
			profile Profile
			names   func(i int) Names
		}{
			{"client", ProfileClient, func(int) Names { return Names{} }},
			{"server", ProfileServer, func(i int) Names { return Names{DNSNames: []string{fmt.Sprintf("host-%d.example.com", i)}} }},
		} {
			b.Run(fmt.Sprintf("alg=%s/profile=%s", alg, profile.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					req := leafRequest(profile.profile, key.Public(), profile.names(i))
					req.Subject.CommonName = fmt.Sprintf("client-%d", i)
					if _, err := Issue(req, iss, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkNewIssuer measures parsing and checking the CA inputs, which every
// signed resource does at plan and at apply.
func BenchmarkNewIssuer(b *testing.B) {
	root := newRoot(b, ECDSAP256, CAOptions{})
	inter := newIntermediate(b, root.issuer(), ECDSAP256, CAOptions{})
	enc, err := EncodeKey(inter.key)
	if err != nil {
		b.Fatal(err)
	}
	chain := EncodeCertificatesPEM(inter.cert, root.cert)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, errs := NewIssuer(chain, enc.PKCS8PEM, ""); errs != nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkIssueCRL measures signing a CRL, sorting, encoding, parsing it
// back and checking its signature, by its number of entries.
func BenchmarkIssueCRL(b *testing.B) {
	root := newRoot(b, ECDSAP256, CAOptions{})
	inter := newIntermediate(b, root.issuer(), ECDSAP256, CAOptions{})
	signer := inter.issuer(root.cert)
	for _, entries := range []int{10_000} {
		revoked := make([]Revocation, entries)
		for i := range revoked {
			serial, err := NewSerialNumber()
			if err != nil {
				b.Fatal(err)
			}
			revoked[i] = Revocation{SerialNumber: serial, Reason: i % 6, RevokedAt: testNow.Add(-time.Duration(i) * time.Minute)}
		}
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req := &CRLRequest{Number: big.NewInt(int64(i + 1)), ThisUpdate: testNow, NextUpdate: testNow.Add(7 * 24 * time.Hour), Revoked: revoked}
				if _, err := IssueCRL(req, signer); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
