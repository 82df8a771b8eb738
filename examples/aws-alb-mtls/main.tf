# Mutual TLS on an AWS Application Load Balancer in verify mode: the ALB
# checks client certificates against a trust store made from a CA bundle in
# S3 and the CRLs of its CAs, and passes the verified certificate to the
# targets in the X-Amzn-Mtls-Clientcert-* headers. It works on any existing
# bucket, with or without versioning. The tests init, validate and apply its
# mtls resources; the aws blocks are checked against the aws provider's 6.0.0
# schema (internal/provider/testdata/provider-schemas).

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

variable "load_balancer_arn" {
  type = string
}

variable "target_group_arn" {
  type = string
}

variable "trust_store_bucket" {
  description = "An existing S3 bucket the load balancer service may read."
  type        = string
}

variable "host_name" {
  type    = string
  default = "api.example.com"
}

variable "revoked_client_serials" {
  description = "Serial numbers (hex, as serial_number outputs them) of client certificates to refuse."
  type        = list(string)
  default     = []
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

# The listener's server certificate. A publicly trusted one from ACM works
# as well; browsers and other clients must trust its issuer.
resource "mtls_server_cert" "listener" {
  ca_cert_pem        = mtls_intermediate_ca.clients.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.clients.private_key_pem
  key_algorithm      = "RSA_2048"
  dns_names          = [var.host_name]
}

resource "aws_acm_certificate" "listener" {
  certificate_body  = mtls_server_cert.listener.cert_pem
  private_key       = mtls_server_cert.listener.private_key_pem
  certificate_chain = mtls_server_cert.listener.ca_chain_pem
}

locals {
  # The trust store needs the whole chain: the issuing CA and the root.
  client_ca_bundle = "${mtls_intermediate_ca.clients.chain_pem}${mtls_root_ca.root.cert_pem}"
}

# The key names the bundle's content, so a new bundle (a renewed or added CA)
# is a new object and the trust store is modified in place to read it. Not
# ca_certificates_bundle_s3_object_version = aws_s3_object.x.version_id: on a
# bucket without versioning version_id is empty, which the trust store refuses
# ("must not be zero") when it applies.
resource "aws_s3_object" "client_ca_bundle" {
  bucket       = var.trust_store_bucket
  key          = "mtls/client-ca-bundle-${substr(sha256(local.client_ca_bundle), 0, 16)}.pem"
  content      = local.client_ca_bundle
  content_type = "application/x-pem-file"
}

resource "aws_lb_trust_store" "clients" {
  name                             = "example-clients"
  ca_certificates_bundle_s3_bucket = aws_s3_object.client_ca_bundle.bucket
  ca_certificates_bundle_s3_key    = aws_s3_object.client_ca_bundle.key
}

# Revocation: a CRL for each CA, as PEM in S3. The load balancer reads a CRL
# once, when the revocation is added; a new CRL (after a revocation, or the
# regular renewal before next_update) is a new object, named by its content
# like the CA bundle, which replaces the revocation so that it is read again.
# Run terraform apply on a schedule so that renewals happen.
resource "mtls_crl" "clients" {
  ca_cert_pem        = mtls_intermediate_ca.clients.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.clients.private_key_pem
  revoked = [for serial in var.revoked_client_serials : {
    serial_number = serial
    reason        = "key_compromise"
  }]
}

# The root revokes only intermediates; its CRL rarely changes.
resource "mtls_crl" "root" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  validity_period_hours = 30 * 24
}

resource "aws_s3_object" "crl" {
  for_each = {
    clients = mtls_crl.clients.crl_pem
    root    = mtls_crl.root.crl_pem
  }
  bucket       = var.trust_store_bucket
  key          = "mtls/crl/${each.key}-${substr(sha256(each.value), 0, 16)}.pem"
  content      = each.value
  content_type = "application/x-pem-file"
}

resource "aws_lb_trust_store_revocation" "crl" {
  for_each              = aws_s3_object.crl
  trust_store_arn       = aws_lb_trust_store.clients.arn
  revocations_s3_bucket = each.value.bucket
  revocations_s3_key    = each.value.key
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = var.load_balancer_arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate.listener.arn

  mutual_authentication {
    mode            = "verify"
    trust_store_arn = aws_lb_trust_store.clients.arn
  }

  default_action {
    type             = "forward"
    target_group_arn = var.target_group_arn
  }
}

# Hand these to the partner.
output "partner_cert_pem" {
  value = mtls_client_cert.partner.fullchain_pem
}

output "partner_key_pem" {
  value     = mtls_client_cert.partner.private_key_pem
  sensitive = true
}
