"""Stored files (layer 2): one interface over the local disk and an S3-compatible bucket, for
uploaded media and account archives. Nothing here knows what a file means; services decide."""
