"""Reading an office's task documents into the ledger (台账), and later exporting it."""
