"""One module per reason id of the decision catalogue (hazards.md A and B)."""
