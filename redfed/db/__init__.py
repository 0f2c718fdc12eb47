"""Database plumbing (layer 2): connections, transactions and migrations."""
