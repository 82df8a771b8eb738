# Mutual TLS on a Google Cloud global external Application Load Balancer:
# Certificate Manager holds the client CAs in a trust config, a server TLS
# policy requires client certificates that chain to them, and the target
# HTTPS proxy applies the policy. The same scenario as aws-alb-mtls and
# azure-application-gateway, on Google Cloud: a root CA, an intermediate that
# issues client certificates, and a server certificate for the proxy.
#
# A trust config takes one PEM certificate per block: the root goes in a
# trust_anchors block, the intermediate in an intermediate_cas block; more
# CAs are more blocks, not a bundle in one pem_certificate. The backends
# learn about the client certificate from the mTLS variables
# ({client_cert_present}, {client_cert_chain_verified},
# {client_cert_sha256_fingerprint}, ...) when the backend service's custom
# request headers name them.
#
# It needs an existing URL map (var.url_map) and credentials for the google
# provider. The tests init, validate and apply the mtls resources; the google
# blocks are checked against the provider's schema
# (internal/provider/testdata/provider-schemas).

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 7.45"
    }
  }
}

provider "google" {
  project = var.project
}

variable "project" {
  type = string
}

variable "url_map" {
  description = "The self link or ID of the load balancer's existing URL map."
  type        = string
}

variable "host_name" {
  type    = string
  default = "api.example.com"
}

resource "mtls_root_ca" "root" {
  subject               = { common_name = "Example Client Root CA" }
  validity_period_hours = 10 * 8760
}

resource "mtls_intermediate_ca" "clients" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  subject               = { common_name = "Example Client Issuing CA" }
  max_path_length       = 0
  validity_period_hours = 5 * 8760
}

resource "mtls_client_cert" "partner" {
  ca_cert_pem        = mtls_intermediate_ca.clients.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.clients.private_key_pem
  subject            = { common_name = "partner-a" }
  uris               = ["spiffe://example.com/partner/a"]
}

# The proxy's server certificate. Browsers and other clients must trust its
# issuer: a publicly trusted one (a Google-managed Certificate Manager
# certificate) serves them better; this one suits clients given the root.
resource "mtls_server_cert" "proxy" {
  ca_cert_pem        = mtls_intermediate_ca.clients.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.clients.private_key_pem
  key_algorithm      = "RSA_2048"
  dns_names          = [var.host_name]
}

resource "google_compute_ssl_certificate" "proxy" {
  name_prefix = "mtls-proxy-"
  certificate = mtls_server_cert.proxy.fullchain_pem
  private_key = mtls_server_cert.proxy.private_key_pem

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_certificate_manager_trust_config" "clients" {
  name        = "example-clients"
  location    = "global"
  description = "CAs that issue client certificates"

  trust_stores {
    trust_anchors {
      pem_certificate = mtls_root_ca.root.cert_pem
    }
    intermediate_cas {
      pem_certificate = mtls_intermediate_ca.clients.cert_pem
    }
  }
}

resource "google_network_security_server_tls_policy" "mtls" {
  name        = "example-mtls"
  location    = "global"
  description = "Require a client certificate from the example client CAs"
  # false: a connection without a valid client certificate is refused, not
  # let through unauthenticated.
  allow_open = false

  mtls_policy {
    # REJECT_INVALID refuses a missing or unverifiable client certificate;
    # ALLOW_INVALID_OR_MISSING_CLIENT_CERT would pass it on, flagged in the
    # mTLS headers, for the backend to decide.
    client_validation_mode         = "REJECT_INVALID"
    client_validation_trust_config = google_certificate_manager_trust_config.clients.id
  }
}

resource "google_compute_target_https_proxy" "mtls" {
  name              = "example-mtls"
  url_map           = var.url_map
  ssl_certificates  = [google_compute_ssl_certificate.proxy.id]
  server_tls_policy = google_network_security_server_tls_policy.mtls.id
}

# Hand these to the partner.
output "partner_cert_pem" {
  value = mtls_client_cert.partner.fullchain_pem
}

output "partner_key_pem" {
  value     = mtls_client_cert.partner.private_key_pem
  sensitive = true
}
