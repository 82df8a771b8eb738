package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/mtlsforge/terraform-provider-mtls/internal/provider"
	"github.com/mtlsforge/terraform-provider-mtls/internal/sdklogs"
)

// OpenTofu formats the examples and reads the schema: Terraform 1.5 knows no
// provider functions (provider::mtls::...).
//go:generate .bin/tofu fmt -recursive ./examples/
//go:generate scripts/providers-schema.sh
// tfplugindocs lives in the tools module (tools/go.mod), apart from the provider's dependencies.
//go:generate go run -C tools github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name mtls --providers-schema ../.bin/providers-schema.json

// version is set by goreleaser.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if err := sdklogs.QuietUnlessAsked("mtls"); err != nil {
		log.Fatal(err.Error())
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/mtlsforge/mtls",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
