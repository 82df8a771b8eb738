package testtools

import "regexp"

var keytoolEntry = regexp.MustCompile(`(?m)^Alias name: (.*)\n(?:.*\n)*?Entry type: (\w+)`)

// KeytoolEntries maps each alias in `keytool -list -v` output to its entry
// type (PrivateKeyEntry, trustedCertEntry).
func KeytoolEntries(out string) map[string]string {
	entries := map[string]string{}
	for _, m := range keytoolEntry.FindAllStringSubmatch(out, -1) {
		entries[m[1]] = m[2]
	}
	return entries
}
