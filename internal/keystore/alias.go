package keystore

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// TrustedEntry is one trust anchor of a truststore. An empty Alias is derived
// from the certificate (see DefaultAliases).
type TrustedEntry struct {
	Alias string
	Cert  *x509.Certificate
}

// fallbackAlias names a certificate that has neither a subject CN nor a DNS
// SAN to derive an alias from.
const fallbackAlias = "cert"

// DefaultAliases derives one alias per certificate: the subject common name
// (else the first DNS SAN, else "cert"), lowercased because Java folds aliases
// to lower case anyway. Repeats get "-2", "-3", ... in input order, so the
// result is deterministic and unique even case-insensitively.
func DefaultAliases(certs []*x509.Certificate) []string {
	entries := make([]TrustedEntry, len(certs))
	for i, c := range certs {
		entries[i].Cert = c
	}
	// Without explicit aliases nothing can collide or be invalid.
	aliases, _ := assignAliases(entries)
	return aliases
}

// ResolveAliases returns the alias every entry gets in a truststore: explicit
// aliases unchanged (they must be unique ignoring case, since Java compares
// them that way), empty ones derived as in DefaultAliases without colliding
// with any explicit one.
func ResolveAliases(entries []TrustedEntry) ([]string, error) {
	for i, e := range entries {
		if e.Cert == nil {
			return nil, fmt.Errorf("truststore entry %d has no certificate", i)
		}
	}
	return assignAliases(entries)
}

func assignAliases(entries []TrustedEntry) ([]string, error) {
	aliases := make([]string, len(entries))
	used := map[string]int{} // lowercased alias -> entry index
	for i, e := range entries {
		if e.Alias == "" {
			continue
		}
		if err := checkName(e.Alias); err != nil {
			return nil, fmt.Errorf("alias of truststore entry %d: %w", i, err)
		}
		folded := strings.ToLower(e.Alias)
		if j, dup := used[folded]; dup {
			return nil, fmt.Errorf("truststore entries %d and %d both use alias %q; Java compares aliases ignoring case, so they must differ", j, i, e.Alias)
		}
		used[folded] = i
		aliases[i] = e.Alias
	}
	// Natural names are claimed first, in order, so a certificate whose CN is
	// literally "x-2" keeps it even when an earlier repeat of "x" needs a
	// suffix; repeats then take the smallest free "-n".
	var repeats []int
	for i, e := range entries {
		if e.Alias != "" {
			continue
		}
		base := derivedAlias(e.Cert)
		if _, taken := used[base]; taken {
			repeats = append(repeats, i)
			continue
		}
		used[base] = i
		aliases[i] = base
	}
	for _, i := range repeats {
		base := derivedAlias(entries[i].Cert)
		var alias string
		for n := 2; ; n++ {
			alias = fmt.Sprintf("%s-%d", base, n)
			if _, taken := used[alias]; !taken {
				break
			}
		}
		used[alias] = i
		aliases[i] = alias
	}
	return aliases, nil
}

func derivedAlias(cert *x509.Certificate) string {
	if cert == nil {
		return fallbackAlias
	}
	candidates := append([]string{cert.Subject.CommonName}, cert.DNSNames...)
	for _, c := range candidates {
		if alias := strings.ToLower(strings.TrimSpace(strings.Map(keepNameRune, c))); alias != "" {
			return alias
		}
	}
	return fallbackAlias
}

// keepNameRune drops what checkName would refuse, so derived names are
// always valid.
func keepNameRune(r rune) rune {
	if unicode.IsControl(r) || r > 0xFFFF || unicode.Is(unicode.Cs, r) {
		return -1
	}
	return r
}

// checkName validates an alias or friendly name: non-empty, printable, and
// representable as a BMPString (PKCS#12) and in Java's modified UTF-8 (JKS).
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("must not be empty or only spaces")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%q contains control characters", name)
		}
	}
	_, err := bmpString(name)
	return err
}
