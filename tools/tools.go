//go:build tools

// Package tools pins the development tools (documentation generator and
// linter) in a module of their own, so that the provider's go.mod lists only
// what the provider runs on. `make docs` and `make lint` build them from here.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
