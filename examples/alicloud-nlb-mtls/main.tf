# Mutual authentication on an Alibaba Cloud Network Load Balancer (NLB)
# listener over SSL over TCP (TCPSSL), as Alibaba's guide "Configure mutual
# authentication on an NLB listener" sets it up by hand: a CA (root.crt and
# root.key), a server certificate for www.example.com signed by it and
# uploaded to Certificate Management Service, a client certificate and a
# PKCS#12 (client.p12) for browsers, and a TCPSSL listener on port 443 with
# mutual authentication on. Then, from a client:
#
#   curl --cert client.crt --key client.key --cacert root.crt https://www.example.com
#
# The CA certificate: the listener takes the ID that Certificate Management
# Service gives a CA certificate (ca_certificate_ids), and no alicloud
# resource uploads a CA certificate of your own there. In the provider's
# source (v1.289.0): alicloud_ssl_certificates_service_certificate uploads a
# certificate with its key (UploadUserCertificate), which is how the server
# certificate gets there below; alicloud_ssl_certificates_service_pca_certificate
# creates a new CA inside Alibaba's Private CA service (its key never leaves
# it, so mtls cannot issue from it); alicloud_slb_ca_certificate uploads to
# the classic SLB's own store, which NLB does not read. So:
#
#   1. terraform apply -target=local_file.root_cert -target=local_sensitive_file.root_key
#      writes root.crt and root.key here (nothing on Alibaba Cloud yet);
#   2. in the Certificate Management Service console, upload root.crt (and
#      root.key, which the console asks for) as a CA certificate and copy its
#      ID into var.ca_certificate_id;
#   3. terraform apply.
#
# Or follow the guide's other path: buy a private CA in Certificate
# Management Service, set var.ca_certificate_id to its ID, and issue client
# certificates there; mtls then only makes the server certificate.
#
# The tests init, validate and apply the mtls resources; the alicloud and
# local blocks are checked against the providers' schemas
# (internal/provider/testdata/provider-schemas).

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    alicloud = {
      source  = "aliyun/alicloud"
      version = "~> 1.289"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

provider "alicloud" {
  region = var.region
}

variable "region" {
  description = "The NLB instance's region; certificate IDs on listeners end in it."
  type        = string
  default     = "cn-hangzhou"
}

variable "nlb_load_balancer_id" {
  description = "An existing NLB instance."
  type        = string
}

variable "nlb_server_group_id" {
  description = "An existing TCP server group with the backends (ECS01 and ECS02 in the guide)."
  type        = string
}

variable "ca_certificate_id" {
  description = "The ID Certificate Management Service gave root.crt (step 2 above)."
  type        = string
}

variable "domain_name" {
  description = "The name clients connect to; a DNS record must point it at the NLB."
  type        = string
  default     = "www.example.com"
}

variable "client_p12_password" {
  description = "Protects client.p12, as the guide's openssl pkcs12 -export asks."
  type        = string
  sensitive   = true
}

# root.crt and root.key: the guide's CA (its attributes, as in its prompts).
resource "mtls_root_ca" "root" {
  key_algorithm = "RSA_4096"
  subject = {
    common_name         = "root"
    organization        = "alibaba"
    organizational_unit = "test"
    country             = "CN"
    province            = "bj"
    locality            = "bj"
  }
  validity_period_hours = 10 * 8760
  max_path_length       = 0
}

resource "local_file" "root_cert" {
  filename = "${path.module}/root.crt"
  content  = mtls_root_ca.root.cert_pem
}

resource "local_sensitive_file" "root_key" {
  filename        = "${path.module}/root.key"
  content         = mtls_root_ca.root.private_key_pem
  file_permission = "0600"
}

# server.crt and server.key, with the domain name as common name and, as
# clients check, subject alternative name.
resource "mtls_server_cert" "server" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  key_algorithm      = "RSA_4096"
  subject = {
    common_name  = var.domain_name
    organization = "alibaba"
  }
  dns_names             = [var.domain_name]
  validity_period_hours = 825 * 24
  early_renewal_hours   = 30 * 24
}

# The guide's "Upload Certificate" step: the server certificate and key in
# Certificate Management Service. A renewed certificate is a new upload.
resource "alicloud_ssl_certificates_service_certificate" "server" {
  certificate_name = "nlb-mtls-server"
  cert             = mtls_server_cert.server.cert_pem
  key              = mtls_server_cert.server.private_key_pem
}

# client.crt and client.key.
resource "mtls_client_cert" "client" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  key_algorithm      = "RSA_4096"
  subject = {
    common_name  = var.domain_name
    organization = "alibaba"
  }
}

resource "local_file" "client_cert" {
  filename = "${path.module}/client.crt"
  content  = mtls_client_cert.client.cert_pem
}

resource "local_sensitive_file" "client_key" {
  filename        = "${path.module}/client.key"
  content         = mtls_client_cert.client.private_key_pem
  file_permission = "0600"
}

# client.p12 for the browser (Edge: Settings > Privacy, search, and services
# > Manage certificates > Import).
resource "mtls_pkcs12" "client" {
  cert_pem        = mtls_client_cert.client.cert_pem
  private_key_pem = mtls_client_cert.client.private_key_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  password        = var.client_p12_password
}

resource "local_sensitive_file" "client_p12" {
  filename       = "${path.module}/client.p12"
  content_base64 = mtls_pkcs12.client.pkcs12_base64
}

# The guide's step 5: a TCPSSL listener on 443 with the server certificate
# and mutual authentication against the CA. Listeners name a certificate by
# its ID followed by "-" and the region.
resource "alicloud_nlb_listener" "tcpssl" {
  load_balancer_id     = var.nlb_load_balancer_id
  server_group_id      = var.nlb_server_group_id
  listener_protocol    = "TCPSSL"
  listener_port        = 443
  listener_description = "mtls"
  certificate_ids      = ["${alicloud_ssl_certificates_service_certificate.server.id}-${var.region}"]
  ca_enabled           = true
  ca_certificate_ids   = [var.ca_certificate_id]
}
