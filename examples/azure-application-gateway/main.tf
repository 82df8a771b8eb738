# Scenario: Azure Application Gateway terminating mutual TLS.
#
# The gateway presents a server certificate uploaded as a PFX, and requires
# clients to present a certificate issued by the intermediate CA below.
# This file is a scenario to read and adapt, not a module to apply as is:
# it needs an existing resource group, subnet and public IP (variables), and
# the azurerm provider with credentials. The tests init, validate and apply
# its mtls resources; the azurerm and random blocks are checked against the
# providers' schemas (internal/provider/testdata/provider-schemas: azurerm
# 5.2.0, read from internal/services/network/application_gateway_resource.go,
# where 5.0 removed ssl_profile.verify_client_cert_issuer_dn in favour of
# verify_client_certificate_issuer_dn).

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 5.2"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "azurerm" {
  features {}
}

resource "mtls_root_ca" "root" {
  subject         = { common_name = "Example Root CA" }
  max_path_length = 1
}

resource "mtls_intermediate_ca" "clients" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Example Client CA" }
  max_path_length    = 0
}

resource "mtls_server_cert" "gateway" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = var.hostname }
  dns_names          = [var.hostname]
}

resource "mtls_client_cert" "partner" {
  ca_cert_pem        = mtls_intermediate_ca.clients.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.clients.private_key_pem
  subject            = { common_name = "partner-app" }
  dns_names          = ["partner-app.example.net"]
}

resource "random_password" "pfx" {
  length  = 32
  special = false
}

# Application Gateway documents PFX files with 3DES and a SHA-1 MAC, so the
# legacy encoding; protect the password and the state accordingly.
resource "mtls_pkcs12" "gateway" {
  cert_pem        = mtls_server_cert.gateway.fullchain_pem
  private_key_pem = mtls_server_cert.gateway.private_key_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  include_root    = false
  password        = random_password.pfx.result
  encoding        = "legacy"
}

resource "azurerm_application_gateway" "mtls" {
  name                = "mtls-gateway"
  resource_group_name = var.resource_group_name
  location            = var.location

  sku {
    name     = "Standard_v2"
    tier     = "Standard_v2"
    capacity = 1
  }

  gateway_ip_configuration {
    name      = "gateway"
    subnet_id = var.subnet_id
  }

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = var.public_ip_address_id
  }

  frontend_port {
    name = "https"
    port = 443
  }

  # The server certificate and key, as the PFX built above.
  ssl_certificate {
    name     = "gateway"
    data     = mtls_pkcs12.gateway.pkcs12_base64
    password = random_password.pfx.result
  }

  # The CAs clients must chain to: the issuing intermediate and the root, as
  # base64 of their PEM. No key is involved, so no PFX either.
  trusted_client_certificate {
    name = "client-ca"
    data = base64encode("${mtls_intermediate_ca.clients.cert_pem}${mtls_root_ca.root.cert_pem}")
  }

  ssl_profile {
    name                                = "mtls"
    trusted_client_certificate_names    = ["client-ca"]
    verify_client_certificate_issuer_dn = true
  }

  http_listener {
    name                           = "https"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "https"
    protocol                       = "Https"
    host_name                      = var.hostname
    ssl_certificate_name           = "gateway"
    ssl_profile_name               = "mtls"
  }

  backend_address_pool {
    name  = "app"
    fqdns = [var.backend_fqdn]
  }

  backend_http_settings {
    name                  = "app"
    cookie_based_affinity = "Disabled"
    port                  = 443
    protocol              = "Https"
    request_timeout       = 30
  }

  request_routing_rule {
    name                       = "app"
    priority                   = 100
    rule_type                  = "Basic"
    http_listener_name         = "https"
    backend_address_pool_name  = "app"
    backend_http_settings_name = "app"
  }
}

# What the partner installs: its certificate and key as a PKCS#12 file.
resource "mtls_pkcs12" "partner" {
  cert_pem        = mtls_client_cert.partner.fullchain_pem
  private_key_pem = mtls_client_cert.partner.private_key_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  password        = var.partner_pfx_password
}

output "partner_pfx_base64" {
  value     = mtls_pkcs12.partner.pkcs12_base64
  sensitive = true
}

variable "hostname" {
  type    = string
  default = "api.example.com"
}

variable "backend_fqdn" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "location" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "public_ip_address_id" {
  type = string
}

variable "partner_pfx_password" {
  type      = string
  sensitive = true
}
