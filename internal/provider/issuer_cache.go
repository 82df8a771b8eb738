package provider

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// issuerCache holds the CAs that pki.NewIssuer has parsed and checked, by a
// hash of their inputs: a configuration of a thousand certificates under one
// CA then parses the CA's chain and key once per provider process instead of
// at every plan and apply of every certificate. Only CAs that passed every
// check are kept; an Issuer is never modified after NewIssuer, so one is
// shared by concurrent RPCs. The key is a SHA-256 of the inputs, passphrase
// included, so no secret is kept beyond the Issuer's own key.
type issuerCache struct {
	mu      sync.Mutex
	issuers map[[sha256.Size]byte]*pki.Issuer
}

// maxCachedIssuers bounds the cache: a configuration has few CAs, and a
// provider process lives for one command.
const maxCachedIssuers = 64

var issuers = &issuerCache{}

// issuer returns the CA for these inputs, parsing and checking it on first
// use.
func (c *issuerCache) issuer(certPEM, keyPEM, passphrase string) (*pki.Issuer, []*pki.FieldError) {
	key := issuerCacheKey(certPEM, keyPEM, passphrase)
	c.mu.Lock()
	iss, ok := c.issuers[key]
	c.mu.Unlock()
	if ok {
		return iss, nil
	}
	iss, errs := pki.NewIssuer(certPEM, keyPEM, passphrase)
	if iss == nil || len(errs) > 0 {
		return iss, errs
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.issuers == nil || len(c.issuers) >= maxCachedIssuers {
		c.issuers = map[[sha256.Size]byte]*pki.Issuer{}
	}
	c.issuers[key] = iss
	return iss, nil
}

// issuerCacheKey hashes the inputs length-prefixed, so that no two
// different inputs run together into the same bytes.
func issuerCacheKey(parts ...string) [sha256.Size]byte {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
