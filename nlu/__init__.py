"""Understanding Chinese text: deadlines, numbers, quantitative targets (and later intents)."""
