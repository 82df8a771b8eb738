package pki

import (
	"fmt"
	"testing"
)

// BenchmarkIssueLeaf measures signing one server certificate (key generation
// included) under an intermediate, per key algorithm of the leaf and CA.
func BenchmarkIssueLeaf(b *testing.B) {
	for _, alg := range KeyAlgorithms() {
		b.Run(string(alg), func(b *testing.B) {
			root := newRoot(b, alg, CAOptions{})
			inter := newIntermediate(b, root.issuer(), alg, CAOptions{})
			iss := inter.issuer(root.cert)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				key := mustKey(b, alg)
				req := leafRequest(ProfileServer, key.Public(), Names{DNSNames: []string{fmt.Sprintf("host-%d.example.com", i)}})
				if _, err := Issue(req, iss, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
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
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, errs := NewIssuer(chain, enc.PKCS8PEM, ""); errs != nil {
			b.Fatal(errs)
		}
	}
}
