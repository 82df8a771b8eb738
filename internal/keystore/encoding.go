package keystore

import (
	"crypto"
	"fmt"
	"strings"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pbes2"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Encoding names the set of algorithms a PKCS#12 archive is protected with.
// The string values are the public interface of the provider's encoding
// attribute.
type Encoding string

const (
	// EncodingModern: PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) for keys and
	// certificates, HMAC-SHA-256 MAC. OpenSSL 3's own default.
	EncodingModern Encoding = "modern"
	// EncodingModern2026: as EncodingModern, but integrity is PBMAC1
	// (RFC 9579) instead of the PKCS#12 KDF based MAC.
	EncodingModern2026 Encoding = "modern2026"
	// EncodingLegacy: pbeWithSHAAnd3-KeyTripleDES-CBC for keys and
	// certificates, HMAC-SHA-1 MAC (`openssl pkcs12 -export -legacy -descert`).
	EncodingLegacy Encoding = "legacy"
	// EncodingLegacyRC2: 3DES for the key, pbeWithSHAAnd40BitRC2-CBC for the
	// certificates, HMAC-SHA-1 MAC (`openssl pkcs12 -export -legacy`,
	// OpenSSL 1.1's default).
	EncodingLegacyRC2 Encoding = "legacy_rc2"
	// EncodingPasswordless: no encryption and no MAC. Fit for truststores
	// (Java, Go, OpenSSL); keyed archives are only read by OpenSSL and Go.
	EncodingPasswordless Encoding = "passwordless"

	// DefaultEncoding is the strongest encoding that current OpenSSL (1.1.1+),
	// Java (12+, 8u301, 11.0.12), NSS and Windows (10 1709+, Server 2019) all
	// read. modern2026 is stronger on paper, but OpenSSL before 3.4 and Java
	// before 26 cannot verify its MAC; the legacy encodings rest on SHA-1 and
	// 3DES or 40-bit RC2, which are cheap to brute-force.
	DefaultEncoding = EncodingModern
)

// Encodings lists every supported encoding in documentation order; it is the
// single source for validators and docs.
func Encodings() []Encoding {
	return []Encoding{EncodingModern, EncodingModern2026, EncodingLegacy, EncodingLegacyRC2, EncodingPasswordless}
}

// EncodingStrings is Encodings as strings, for schema validators.
func EncodingStrings() []string {
	encs := Encodings()
	out := make([]string, len(encs))
	for i, e := range encs {
		out[i] = string(e)
	}
	return out
}

// Iteration counts and salt sizes. Modern encodings use Java's defaults
// (10000): far stronger than OpenSSL's 2048, while the three derivations of
// one archive stay well under the 600000 total that .NET accepts on import.
// Legacy encodings copy OpenSSL's PKCS12_DEFAULT_ITER and 8-byte salts, so
// their output is what old consumers have been tested against for decades.
const (
	modernIterations = 10000
	modernSaltLen    = 16
	legacyIterations = 2048
	legacySaltLen    = 8
)

// profile is the algorithm choice behind one Encoding. A nil field means that
// layer is absent: certificates in the clear, a plain KeyBag, or no MAC.
// trustStore is go-pkcs12's encoder with the same certificate cipher, MAC,
// iteration counts and salt sizes, which writes the truststores
// (TestTrustStoreEncodingAlgorithms holds the two to the same parameters).
type profile struct {
	certCipher encryptionScheme
	keyCipher  encryptionScheme
	mac        macScheme
	trustStore *gopkcs12.Encoder
}

var (
	modernCipher = pbes2.Scheme{Iterations: modernIterations, SaltLen: modernSaltLen}
	tripleDES    = pkcs12PBE{cipher: pbeTripleDES, iterations: legacyIterations, saltLen: legacySaltLen}
	rc2With40Bit = pkcs12PBE{cipher: pbeRC2With40Bit, iterations: legacyIterations, saltLen: legacySaltLen}
	legacyMAC    = pkcs12HMAC{hash: crypto.SHA1, iterations: legacyIterations, saltLen: legacySaltLen}
)

// go-pkcs12's encoders have the salt sizes above; WithIterations sets both
// the encryption and the MAC iterations (LegacyDES and LegacyRC2 would
// otherwise use one MAC iteration).
var profiles = map[Encoding]profile{
	EncodingModern: {
		certCipher: modernCipher,
		keyCipher:  modernCipher,
		mac:        pkcs12HMAC{hash: crypto.SHA256, iterations: modernIterations, saltLen: modernSaltLen},
		trustStore: gopkcs12.Modern2023.WithIterations(modernIterations),
	},
	EncodingModern2026: {
		certCipher: modernCipher,
		keyCipher:  modernCipher,
		mac:        pbmac1{iterations: modernIterations, saltLen: modernSaltLen},
		trustStore: gopkcs12.Modern2026.WithIterations(modernIterations),
	},
	EncodingLegacy: {
		certCipher: tripleDES,
		keyCipher:  tripleDES,
		mac:        legacyMAC,
		trustStore: gopkcs12.LegacyDES.WithIterations(legacyIterations),
	},
	EncodingLegacyRC2: {
		certCipher: rc2With40Bit,
		keyCipher:  tripleDES,
		mac:        legacyMAC,
		trustStore: gopkcs12.LegacyRC2.WithIterations(legacyIterations),
	},
	EncodingPasswordless: {trustStore: gopkcs12.Passwordless},
}

// profileFor resolves an encoding ("" means DefaultEncoding) and checks that
// the password suits it, so every misuse is reported before any work is done.
func profileFor(enc Encoding, password string) (profile, error) {
	if enc == "" {
		enc = DefaultEncoding
	}
	p, ok := profiles[enc]
	if !ok {
		return profile{}, fmt.Errorf("unsupported PKCS#12 encoding %q; use one of %s", enc, strings.Join(EncodingStrings(), ", "))
	}
	protected := p.mac != nil
	switch {
	case protected && password == "":
		return profile{}, fmt.Errorf("encoding %q needs a non-empty password; set a password, or use encoding %q for an archive without encryption or integrity protection", enc, EncodingPasswordless)
	case !protected && password != "":
		return profile{}, fmt.Errorf("encoding %q writes no encryption and no MAC, so the password must be empty; use encoding %q to protect the archive with the password", enc, DefaultEncoding)
	}
	if _, err := bmpString(password); err != nil {
		return profile{}, fmt.Errorf("password: %w", err)
	}
	return p, nil
}
