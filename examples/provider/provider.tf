terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
  }
}

# The provider has no settings: everything happens locally.
provider "mtls" {}
