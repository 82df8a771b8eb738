# What resource.tf refers to, so that this directory is a whole configuration
# (terraform init && terraform validate pass here). The docs show only
# resource.tf.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

resource "mtls_root_ca" "root" {
  subject = { common_name = "Example Root CA" }
}
