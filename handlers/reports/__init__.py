"""Reporting by message, one chat feature in three modules: the report conversation (flow),
the lead leader's decisions (review) and what both share (steps)."""
