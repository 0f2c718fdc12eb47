"""redfed: a self-hostable federated social server for creators."""

__version__ = "0.1.0"
