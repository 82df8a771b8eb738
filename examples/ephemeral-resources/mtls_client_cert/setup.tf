# What ephemeral-resource.tf refers to, so that this directory is a whole
# configuration (terraform init && terraform validate pass here). The docs
# show only ephemeral-resource.tf. Ephemeral resources need Terraform 1.10+
# or OpenTofu 1.11+.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.2"
    }
  }
}

# The CA the API server trusts for client certificates.
resource "mtls_root_ca" "cluster" {
  subject         = { common_name = "Example Cluster Client CA" }
  max_path_length = 0
}

variable "kube_api_server" {
  type    = string
  default = "https://kubernetes.example.internal:6443"
}

# The CA that issued the API server's own certificate.
variable "kube_server_ca_pem" {
  type = string
}
