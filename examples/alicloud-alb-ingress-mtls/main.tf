# HTTPS mutual authentication on an Alibaba Cloud Application Load Balancer
# (ALB), as Alibaba's guide for ALB Ingress on ACK sets it up by hand: a
# self-signed root CA (ca.crt, ca.key), a client certificate signed by it
# (client.crt, client.key), an AlbConfig whose HTTPS listener has caEnabled
# and the CA's certificate ID in caCertificates, and an Ingress in front of a
# test service. Then, with the ALB's address for the host in /etc/hosts:
#
#   curl https://alb.ingress.alibaba.com/ --cert client.crt --key client.key --cacert ca.crt
#
# Two ways to the same listener, pick one:
#   * Way 1 (the guide): ALB Ingress on an ACK cluster, through
#     kubernetes_manifest (an AlbConfig, an IngressClass, the test Deployment,
#     Service and Ingress). Needs the ALB Ingress controller installed and the
#     kubernetes provider pointed at the cluster. Set var.ingress = false to
#     leave it out.
#   * Way 2: an ALB that Terraform manages without Kubernetes: the
#     alicloud_alb_listener below, made when var.alb_load_balancer_id is set.
#
# The CA certificate: the listener takes the ID that Certificate Management
# Service gives the CA, and no alicloud resource uploads a CA certificate of
# your own there. In the provider's source (v1.289.0):
# alicloud_ssl_certificates_service_certificate uploads a certificate with its
# key (UploadUserCertificate), which is how the server certificate gets there
# below; alicloud_ssl_certificates_service_pca_certificate creates a new CA
# inside Alibaba's Private CA service (its key never leaves it, so mtls cannot
# issue from it); alicloud_slb_ca_certificate uploads to the classic SLB's own
# store, which ALB does not read. So, as the guide's step 1 does:
#
#   1. terraform apply -target=local_file.ca_cert -target=local_sensitive_file.ca_key
#      writes ca.crt and ca.key here (nothing on Alibaba Cloud yet);
#   2. Certificate Management Service console > Certificate Application
#      Repository > Create Repository (data source: Uploaded Certificates) >
#      Uploaded Certificates: upload ca.crt and ca.key; Details shows the
#      certificate ID: put it in var.ca_certificate_id;
#   3. terraform apply.
#
# The tests init, validate and apply the mtls resources; the alicloud,
# kubernetes and local blocks are checked against the providers' schemas
# (internal/provider/testdata/provider-schemas). kubernetes_manifest checks
# the manifests themselves against the cluster's CRDs at plan time.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    alicloud = {
      source  = "aliyun/alicloud"
      version = "~> 1.289"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.2"
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

provider "kubernetes" {
  config_path = var.kubeconfig
}

variable "region" {
  description = "The ALB's region; certificate IDs on listeners end in it."
  type        = string
  default     = "cn-hangzhou"
}

variable "kubeconfig" {
  description = "The ACK cluster's kubeconfig (way 1)."
  type        = string
  default     = "~/.kube/config"
}

variable "ingress" {
  description = "Way 1: configure the listener through ALB Ingress on the cluster."
  type        = bool
  default     = true
}

variable "vswitch_ids" {
  description = "Way 1: vSwitches in at least two zones that ALB supports, in the cluster's VPC (the defaults are placeholders)."
  type        = list(string)
  default     = ["vsw-zone-a", "vsw-zone-b"]
}

variable "alb_load_balancer_id" {
  description = "Way 2: an existing ALB instance; null leaves way 2 out."
  type        = string
  default     = null
}

variable "alb_server_group_id" {
  description = "Way 2: the server group the listener forwards to."
  type        = string
  default     = null
}

variable "ca_certificate_id" {
  description = "The ID Certificate Management Service gave ca.crt (step 2 above)."
  type        = string
}

variable "host" {
  description = "The host clients ask for; add a DNS record (or a hosts entry) for it."
  type        = string
  default     = "alb.ingress.alibaba.com"
}

# ca.crt and ca.key: the guide's self-signed root, with the subject its
# openssl prompts give.
resource "mtls_root_ca" "ca" {
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

resource "local_file" "ca_cert" {
  filename = "${path.module}/ca.crt"
  content  = mtls_root_ca.ca.cert_pem
}

resource "local_sensitive_file" "ca_key" {
  filename        = "${path.module}/ca.key"
  content         = mtls_root_ca.ca.private_key_pem
  file_permission = "0600"
}

# client.crt and client.key (step 2 of the guide).
resource "mtls_client_cert" "client" {
  ca_cert_pem        = mtls_root_ca.ca.cert_pem
  ca_private_key_pem = mtls_root_ca.ca.private_key_pem
  key_algorithm      = "RSA_4096"
  subject = {
    common_name         = "client"
    organization        = "alibaba"
    organizational_unit = "test"
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

# The listener's server certificate, which the guide takes as given. Here the
# same CA signs it, so curl --cacert ca.crt trusts it; a publicly trusted
# certificate serves browsers better.
resource "mtls_server_cert" "server" {
  ca_cert_pem        = mtls_root_ca.ca.cert_pem
  ca_private_key_pem = mtls_root_ca.ca.private_key_pem
  subject            = { common_name = var.host }
  dns_names          = [var.host]
}

resource "alicloud_ssl_certificates_service_certificate" "server" {
  certificate_name = "alb-mtls-server"
  cert             = mtls_server_cert.server.fullchain_pem
  key              = mtls_server_cert.server.private_key_pem
}

locals {
  # Listeners name a certificate by its ID followed by "-" and the region.
  server_certificate_id = "${alicloud_ssl_certificates_service_certificate.server.id}-${var.region}"
}

# Way 1, step 3 of the guide: the AlbConfig. Its field names are the CRD's
# (caEnabled, caCertificates, CertificateId, IsDefault), not Terraform's.
resource "kubernetes_manifest" "alb_config" {
  count = var.ingress ? 1 : 0

  manifest = {
    apiVersion = "alibabacloud.com/v1"
    kind       = "AlbConfig"
    metadata   = { name = "alb-demo" }
    spec = {
      config = {
        name         = "alb-test"
        addressType  = "Intranet"
        zoneMappings = [for id in var.vswitch_ids : { vSwitchId = id }]
      }
      listeners = [{
        port           = 443
        protocol       = "HTTPS"
        caEnabled      = true
        caCertificates = [{ CertificateId = var.ca_certificate_id }]
        certificates   = [{ CertificateId = local.server_certificate_id, IsDefault = true }]
      }]
    }
  }
}

# ingressClassName "alb" in the Ingress names this class, which points the
# ALB Ingress controller at the AlbConfig.
resource "kubernetes_manifest" "ingress_class" {
  count = var.ingress ? 1 : 0

  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "IngressClass"
    metadata   = { name = "alb" }
    spec = {
      controller = "ingress.k8s.alibabacloud/alb"
      parameters = {
        apiGroup = "alibabacloud.com"
        kind     = "AlbConfig"
        name     = kubernetes_manifest.alb_config[0].manifest.metadata.name
      }
    }
  }
}

# Step 4 of the guide: coffee.yaml, the test service behind the listener.
resource "kubernetes_manifest" "coffee_deployment" {
  count = var.ingress ? 1 : 0

  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = "coffee", namespace = "default" }
    spec = {
      replicas = 2
      selector = { matchLabels = { app = "coffee" } }
      template = {
        metadata = { labels = { app = "coffee" } }
        spec = {
          containers = [{
            name  = "coffee"
            image = "registry.cn-hangzhou.aliyuncs.com/acs-sample/nginxdemos:latest"
            ports = [{ containerPort = 80 }]
          }]
        }
      }
    }
  }
}

resource "kubernetes_manifest" "coffee_service" {
  count = var.ingress ? 1 : 0

  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = "coffee-svc", namespace = "default" }
    spec = {
      ports    = [{ port = 80, targetPort = 80, protocol = "TCP" }]
      selector = { app = "coffee" }
    }
  }
}

resource "kubernetes_manifest" "coffee_ingress" {
  count = var.ingress ? 1 : 0

  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "Ingress"
    metadata = {
      name      = "alb-ingress"
      namespace = "default"
      annotations = {
        "alb.ingress.kubernetes.io/listen-ports" = jsonencode([{ HTTPS = 443 }])
      }
    }
    spec = {
      ingressClassName = kubernetes_manifest.ingress_class[0].manifest.metadata.name
      rules = [{
        host = var.host
        http = {
          paths = [{
            path     = "/"
            pathType = "Prefix"
            backend = {
              service = {
                name = kubernetes_manifest.coffee_service[0].manifest.metadata.name
                port = { number = 80 }
              }
            }
          }]
        }
      }]
    }
  }
}

# Way 2: the same HTTPS listener on an ALB without Kubernetes.
resource "alicloud_alb_listener" "https" {
  count = var.alb_load_balancer_id == null ? 0 : 1

  load_balancer_id     = var.alb_load_balancer_id
  listener_protocol    = "HTTPS"
  listener_port        = 443
  listener_description = "mtls"

  certificates {
    certificate_id = local.server_certificate_id
  }

  ca_enabled = true
  ca_certificates {
    certificate_id = var.ca_certificate_id
  }

  default_actions {
    type = "ForwardGroup"
    forward_group_config {
      server_group_tuples {
        server_group_id = var.alb_server_group_id
      }
    }
  }

  # Tell the backends who the client was: its certificate's subject,
  # issuer and fingerprint, and whether it verified, in request headers (the
  # *_alias attributes name them).
  x_forwarded_for_config {
    x_forwarded_for_client_cert_subject_dn_enabled    = true
    x_forwarded_for_client_cert_issuer_dn_enabled     = true
    x_forwarded_for_client_cert_finger_print_enabled  = true
    x_forwarded_for_client_cert_client_verify_enabled = true
  }
}
