package keystore

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// TestRC2Vectors uses the test vectors of RFC 2268 section 5.
func TestRC2Vectors(t *testing.T) {
	for _, tc := range []struct {
		key, plain, cipher string
		effectiveBits      int
	}{
		{"0000000000000000", "0000000000000000", "ebb773f993278eff", 63},
		{"ffffffffffffffff", "ffffffffffffffff", "278b27e42e2f0d49", 64},
		{"3000000000000000", "1000000000000001", "30649edf9be7d2c2", 64},
		{"88", "0000000000000000", "61a8a244adacccf0", 64},
		{"88bca90e90875a", "0000000000000000", "6ccf4308974c267f", 64},
		{"88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "1a807d272bbe5db1", 64},
		{"88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "2269552ab0f85ca6", 128},
		{"88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", "0000000000000000", "5b78d3a43dfff1f1", 129},
	} {
		key, _ := hex.DecodeString(tc.key)
		plain, _ := hex.DecodeString(tc.plain)
		want, _ := hex.DecodeString(tc.cipher)
		block, err := newRC2(key, tc.effectiveBits)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, rc2BlockSize)
		block.Encrypt(got, plain)
		if !bytes.Equal(got, want) {
			t.Errorf("RC2(%s, %d) = %x, want %x", tc.key, tc.effectiveBits, got, want)
		}
		block.Decrypt(got, got)
		if !bytes.Equal(got, plain) {
			t.Errorf("RC2 decrypt(%s, %d) = %x, want %x", tc.key, tc.effectiveBits, got, plain)
		}
	}
}

func TestRC2RejectsBadParameters(t *testing.T) {
	if _, err := newRC2(nil, 40); err == nil {
		t.Error("empty key accepted")
	}
	if _, err := newRC2([]byte{1}, 0); err == nil {
		t.Error("zero effective key length accepted")
	}
}
