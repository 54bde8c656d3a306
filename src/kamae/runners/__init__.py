"""Where replications run: local processes (default); distributed backends come later."""
