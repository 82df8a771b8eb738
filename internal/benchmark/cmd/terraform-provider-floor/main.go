// Command terraform-provider-floor serves the benchmark floor provider
// (internal/benchmark/floorprovider) to Terraform; tfbench builds and runs it.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/mtlsforge/terraform-provider-mtls/internal/benchmark/floorprovider"
	"github.com/mtlsforge/terraform-provider-mtls/internal/sdklogs"
)

func main() {
	// Quiet like the mtls provider: the floor is what a provider cannot
	// avoid paying, and the SDK's trace logs can be avoided.
	if err := sdklogs.QuietUnlessAsked("floor"); err != nil {
		log.Fatal(err)
	}
	// Protocol 6, like the mtls provider, so both pay the same protocol.
	err := providerserver.Serve(context.Background(), floorprovider.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/mtlsforge/floor",
	})
	if err != nil {
		log.Fatal(err)
	}
}
