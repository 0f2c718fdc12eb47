"""All SQL (layer 2), one package per domain; what several domains share stays here. Functions
take a connection and return models."""
