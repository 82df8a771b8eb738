//go:build tools

package main

// Pins the documentation generator in go.mod so `go generate` runs it offline.
import _ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
