package pki

import (
	"crypto"
	"crypto/rand"
	"io"
	"strings"
	"testing"
)

func nil2rand() io.Reader { return rand.Reader }

func encodeKey(t *testing.T, key crypto.Signer) string {
	t.Helper()
	enc, err := EncodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return enc.PKCS8PEM
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q not found in %q", sub, s)
	}
}
