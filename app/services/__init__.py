"""Services compose core (ML) and storage (persistence); pages and the CLI call only these."""
