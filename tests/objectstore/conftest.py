"""The bucket storage tests share one S3-protocol server per test process (tests/support/s3.py)."""

from ..support.s3 import bucket, s3_server  # noqa: F401 - fixtures
