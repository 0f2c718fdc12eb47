"""Test support: live redfed instances on loopback and a small HTTP client for tests."""
