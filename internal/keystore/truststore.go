package keystore

import (
	"encoding/asn1"
	"errors"
	"fmt"
)

// EncodeTrustStorePKCS12 builds a PKCS#12 truststore in the form Java's
// keytool writes one: a single SafeContents of certificate bags, each with a
// friendlyName (the alias) and Java's trusted-key-usage attribute set to
// anyExtendedKeyUsage, which is what makes Java load it as a
// trustedCertEntry. No key bags and no localKeyId are written.
func EncodeTrustStorePKCS12(entries []TrustedEntry, password string, enc Encoding) ([]byte, error) {
	p, err := profileFor(enc, password)
	if err != nil {
		return nil, err
	}
	aliases, err := resolveTrustStore(entries)
	if err != nil {
		return nil, err
	}
	anyEKU, err := asn1.Marshal(oidAnyExtendedKeyUsage)
	if err != nil {
		return nil, err
	}
	trusted := bagAttribute{ID: oidJavaTrustedKeyUsage, Values: setOf(anyEKU)}

	bags := make([]safeBag, len(entries))
	for i, e := range entries {
		name, err := friendlyNameAttribute(aliases[i])
		if err != nil {
			return nil, fmt.Errorf("alias of truststore entry %d: %w", i, err)
		}
		if bags[i], err = newCertBag(e.Cert, []bagAttribute{name, trusted}); err != nil {
			return nil, err
		}
	}
	safe, err := newSafeContents(bags, p.certCipher, password)
	if err != nil {
		return nil, err
	}
	return newPFX([]contentInfo{safe}, p.mac, password)
}

// resolveTrustStore checks the entries shared by both truststore formats and
// returns their aliases.
func resolveTrustStore(entries []TrustedEntry) ([]string, error) {
	if len(entries) == 0 {
		return nil, errors.New("a truststore needs at least one certificate")
	}
	return ResolveAliases(entries)
}
