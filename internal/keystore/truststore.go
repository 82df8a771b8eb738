package keystore

import (
	"errors"
	"fmt"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// EncodeTrustStorePKCS12 builds a PKCS#12 truststore in the form Java's
// keytool writes one, with go-pkcs12: a single SafeContents of certificate
// bags, each with a friendlyName (the alias) and Java's trusted-key-usage
// attribute set to anyExtendedKeyUsage, which is what makes Java load it as
// a trustedCertEntry. No key bags and no localKeyId are written.
func EncodeTrustStorePKCS12(entries []TrustedEntry, password string, enc Encoding) ([]byte, error) {
	p, err := profileFor(enc, password)
	if err != nil {
		return nil, err
	}
	aliases, err := resolveTrustStore(entries)
	if err != nil {
		return nil, err
	}
	named := make([]gopkcs12.TrustStoreEntry, len(entries))
	for i, e := range entries {
		named[i] = gopkcs12.TrustStoreEntry{Cert: e.Cert, FriendlyName: aliases[i]}
	}
	der, err := p.trustStore.EncodeTrustStoreEntries(named, password)
	if err != nil {
		return nil, fmt.Errorf("encoding PKCS#12 truststore: %w", err)
	}
	return der, nil
}

// resolveTrustStore checks the entries shared by both truststore formats and
// returns their aliases, every one valid as a friendlyName (see checkName).
func resolveTrustStore(entries []TrustedEntry) ([]string, error) {
	if len(entries) == 0 {
		return nil, errors.New("a truststore needs at least one certificate")
	}
	return ResolveAliases(entries)
}
