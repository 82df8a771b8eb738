# What ephemeral-resource.tf refers to, so that this directory is a whole
# configuration (terraform init && terraform validate pass here). The docs
# show only ephemeral-resource.tf. Ephemeral resources need Terraform 1.10+
# or OpenTofu 1.11+, write-only arguments Terraform 1.11+.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

resource "mtls_root_ca" "root" {
  subject         = { common_name = "Example Root CA" }
  max_path_length = 0
}
