package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/mtlsforge/terraform-provider-mtls/internal/provider"
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

	for name, level := range quietSDKLogs(os.Getenv) {
		if err := os.Setenv(name, level); err != nil {
			log.Fatal(err.Error())
		}
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/mtlsforge/mtls",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// sdkLogVariables are the variables through which the plugin SDK's loggers
// (terraform-plugin-go's protocol logger and the framework's) take their
// level.
var sdkLogVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// askedForProviderLogs are the variables with which a user asks Terraform or
// OpenTofu for provider logs; both pass their environment to the provider.
var askedForProviderLogs = append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_MTLS"}, sdkLogVariables...)

// quietSDKLogs gives the SDK loggers' levels to set when nobody asked for
// provider logs. Unset, the SDK logs at trace: a JSON line per attribute per
// RPC that the CLI parses and then drops. At a few thousand certificates
// that was 40% of the CPU time of a plan (BENCHMARKS.md). When any of
// askedForProviderLogs is set, everything stays as the SDK has it.
func quietSDKLogs(getenv func(string) string) map[string]string {
	for _, name := range askedForProviderLogs {
		if getenv(name) != "" {
			return nil
		}
	}
	levels := map[string]string{}
	for _, name := range sdkLogVariables {
		levels[name] = "off"
	}
	return levels
}
