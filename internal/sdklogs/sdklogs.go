// Package sdklogs keeps the plugin SDK's loggers quiet unless someone asked
// Terraform or OpenTofu for provider logs. Left alone, terraform-plugin-go
// and the framework log at trace: a JSON line per attribute per RPC that the
// provider formats and the CLI parses, only to drop it when TF_LOG is unset.
// At a few thousand certificates that was 40% of the CPU time of a plan
// (BENCHMARKS.md). The mtls provider and the benchmark's floor provider both
// call it, so that the floor is not charged for logs the provider skips.
package sdklogs

import (
	"os"
	"strings"
)

// sdkLogVariables are the variables through which the SDK's loggers
// (terraform-plugin-go's protocol logger and the framework's) take their
// level.
var sdkLogVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// Levels gives the SDK loggers' levels to set for the provider of local
// name providerName (as in TF_LOG_PROVIDER_<NAME>) when nobody asked for
// provider logs. When TF_LOG, TF_LOG_PROVIDER, that provider's own variable
// or any SDK variable is set, it gives none: everything stays as the SDK has
// it.
func Levels(getenv func(string) string, providerName string) map[string]string {
	asked := append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_" + strings.ToUpper(providerName)}, sdkLogVariables...)
	for _, name := range asked {
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

// QuietUnlessAsked sets Levels in the process's environment, before the
// provider is served: the SDK reads them when it starts its loggers.
func QuietUnlessAsked(providerName string) error {
	for name, level := range Levels(os.Getenv, providerName) {
		if err := os.Setenv(name, level); err != nil {
			return err
		}
	}
	return nil
}
