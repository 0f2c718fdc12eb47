"""Business rules (layer 4), one package per domain; what several domains share stays here.
Services take plain arguments, own their transactions, return models."""
