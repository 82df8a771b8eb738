package provider

// What the import of every certificate resource shares: an import ID names
// PEM files, never key material, and the adopted certificate is marked in
// private state.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// importPassphraseEnv names the environment variable that holds the
// passphrase of an encrypted key being imported; an import ID is logged, so
// it must never carry secrets.
const importPassphraseEnv = "MTLS_IMPORT_KEY_PASSPHRASE"

// importedStateKey marks, in private state, a certificate adopted by import
// or a moved block (certificate_adopt.go): its
// backdate cannot be read from the certificate (backdateIgnoredAfterImport).
// A replacement starts with empty private state, so the mark goes with it.
const importedStateKey = "imported"

// isImported reads the mark from the private state a plan modifier gets.
func isImported(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) bool {
	v, _ := private.GetKey(ctx, importedStateKey)
	return string(v) == "true"
}

// splitImportID splits an import ID of n comma-separated paths; form says
// what the ID should look like.
func splitImportID(id string, n int, form string) (parts []string, diags diag.Diagnostics) {
	parts = strings.Split(id, ",")
	empty := false
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
		empty = empty || parts[i] == ""
	}
	switch {
	case len(parts) > n:
		// Not echoed: a further part may well be a passphrase.
		diags.AddError("Invalid import ID", fmt.Sprintf("The ID has %d commas; it takes exactly %s. %s A path that contains a comma needs a link or a copy without one.", len(parts)-1, commaCount(n-1), form))
		return nil, diags
	case len(parts) < n || empty:
		diags.AddError("Invalid import ID", fmt.Sprintf("Got %q. %s", id, form))
		return nil, diags
	}
	return parts, nil
}

func commaCount(n int) string {
	if words := []string{"none", "one", "two", "three"}; n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}

func readImportFile(path, what, form string, diags *diag.Diagnostics) string {
	data, err := os.ReadFile(path)
	if err != nil {
		hint := ""
		if errors.Is(err, fs.ErrNotExist) {
			hint = " Relative paths start from the directory Terraform runs in."
		}
		diags.AddError("Cannot read the "+what+" file", fmt.Sprintf("%s.%s %s", err, hint, form))
	}
	return string(data)
}
