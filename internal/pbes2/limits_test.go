package pbes2

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
	"time"
)

// Work factors come with user input: absurd ones are refused at once
// instead of hanging the plan or exhausting memory (a 128 GiB scrypt).
func TestWorkFactorsAreBounded(t *testing.T) {
	alg, data, err := Scheme{Iterations: 1000, SaltLen: 16}.Encrypt([]byte("0123456789"), "pw")
	if err != nil {
		t.Fatal(err)
	}
	var p params
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
		t.Fatal(err)
	}
	with := func(oid asn1.ObjectIdentifier, kdfParams any) pkix.AlgorithmIdentifier {
		kdf, err := algorithmID(oid, kdfParams)
		if err != nil {
			t.Fatal(err)
		}
		p.KeyDerivationFunc = kdf
		out, err := algorithmID(OID, p)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for name, a := range map[string]pkix.AlgorithmIdentifier{
		"scrypt 128 GiB":        with(oidScrypt, scryptParams{Salt: []byte("salt"), N: 1 << 30, R: 8, P: 1}),
		"scrypt N not a power":  with(oidScrypt, scryptParams{Salt: []byte("salt"), N: 1000, R: 8, P: 1}),
		"PBKDF2 2^30 rounds":    with(oidPBKDF2, pbkdf2Params{Salt: []byte("salt"), Iterations: 1 << 30}),
		"PBKDF2 negative count": with(oidPBKDF2, pbkdf2Params{Salt: []byte("salt"), Iterations: -1}),
	} {
		start := time.Now()
		if _, err := Decrypt(a, data, "pw"); err == nil || time.Since(start) > time.Second {
			t.Errorf("%s: %v after %s", name, err, time.Since(start))
		}
	}
	if _, err := Decrypt(alg, data, "pw"); err != nil {
		t.Fatalf("ordinary parameters refused: %v", err)
	}
}
