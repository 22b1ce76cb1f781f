"""Accreditation: eligibility, approval, signed credentials, status, the ledger and certificates."""
