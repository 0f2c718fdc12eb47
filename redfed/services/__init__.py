"""Business rules (layer 4). Services take plain arguments, own their transactions, return models."""
