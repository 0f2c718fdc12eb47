"""All SQL (layer 2): one module per table group; functions take a connection and return models."""
