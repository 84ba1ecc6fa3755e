"""The pure ledger core: RFC 9162 Merkle trees, record commitments and signed checkpoints."""
