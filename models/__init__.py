"""The ledger's data: tables, engine and sessions, and the query functions (the only SQL)."""
