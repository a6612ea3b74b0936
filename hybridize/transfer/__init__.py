"""The abstract interpreter (design §5): transfer functions, fixpoints, summaries."""
