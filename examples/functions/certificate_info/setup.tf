# What function.tf refers to, so that this directory is a whole configuration
# (terraform init && terraform validate pass here). The docs show only
# function.tf. Provider functions need Terraform 1.8 or later (OpenTofu 1.7).

terraform {
  required_version = ">= 1.8"
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
  }
}
