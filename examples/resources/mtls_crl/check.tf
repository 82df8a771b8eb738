# Reports the CRL once it is within its renewal window, e.g. when the
# scheduled apply that renews it has stopped running.
check "issuing_crl_fresh" {
  assert {
    condition     = !mtls_crl.issuing.ready_for_renewal
    error_message = "The issuing CA's CRL (number ${mtls_crl.issuing.crl_number}) is due for renewal and expires at ${mtls_crl.issuing.next_update}: apply to renew it, or servers will refuse every client."
  }
}
