"""Keeping the ledger in chat: /unassigned, a task's edit card with its pickers (``cards``),
and the conversation that confirms changes, typed deadlines and new tasks (``flow``)."""
