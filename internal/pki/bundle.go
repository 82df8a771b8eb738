package pki

import (
	"bytes"
	"crypto/x509"
)

// BundleChains looks at a bundle of trusted CA certificates, such as a
// server's client CA file: one or more chains side by side (a CA rotation
// trusts the old and the new root together), in any order. depth is the
// number of CA certificates on the longest issuer path within the bundle,
// counting one more for a path whose top is not a self-signed root (a
// server counts that root too). unrooted lists, in bundle order, the
// certificates from which no path reaches a self-signed root of the bundle
// and that have no issuer in it: the places where a root is missing. An
// issuer is a bundle certificate whose subject is the issuer name and whose
// key verifies the signature, so a cross-signed CA opens a path of its own.
func BundleChains(certs []*x509.Certificate) (depth int, unrooted []*x509.Certificate) {
	issuers := make([][]int, len(certs))
	for i, c := range certs {
		if IsSelfSigned(c) {
			continue
		}
		for j, issuer := range certs {
			if !bytes.Equal(c.Raw, issuer.Raw) && bytes.Equal(c.RawIssuer, issuer.RawSubject) && c.CheckSignatureFrom(issuer) == nil {
				issuers[i] = append(issuers[i], j)
			}
		}
	}
	// longest[i] is the depth of the longest path up from certs[i], rooted[i]
	// whether some path reaches a root; onPath breaks cycles of
	// cross-signatures.
	longest, rooted := make([]int, len(certs)), make([]bool, len(certs))
	done, onPath := make([]bool, len(certs)), make([]bool, len(certs))
	var walk func(i int)
	walk = func(i int) {
		if done[i] {
			return
		}
		onPath[i] = true
		// Alone, a root counts itself; another CA itself and its missing root.
		longest[i], rooted[i] = 2, false
		if IsSelfSigned(certs[i]) {
			longest[i], rooted[i] = 1, true
		}
		for _, j := range issuers[i] {
			if onPath[j] {
				continue
			}
			walk(j)
			longest[i] = max(longest[i], longest[j]+1)
			rooted[i] = rooted[i] || rooted[j]
		}
		onPath[i], done[i] = false, true
	}
	var unreachable []*x509.Certificate
	for i, c := range certs {
		walk(i)
		depth = max(depth, longest[i])
		if !rooted[i] {
			unreachable = append(unreachable, c)
			if len(issuers[i]) == 0 {
				unrooted = append(unrooted, c)
			}
		}
	}
	if len(unrooted) == 0 {
		unrooted = unreachable // CAs that only sign each other
	}
	return depth, unrooted
}
