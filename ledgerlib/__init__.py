"""credit-ledger: parse, validate and report on work ledgers (台账)."""
