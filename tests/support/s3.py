"""A real S3-protocol server on loopback for the bucket storage tests.

The URL in REDFED_TEST_S3_URL is used when it is set (CI may run a server of its own); otherwise
moto's standalone server is started in a child process, once per test process, on a port no
outgoing connection takes (ports.port_for_child), and stopped at the end. Each test gets a bucket
of its own. `S3Server.stop()` and `start()` make the bucket go away and come back, for the fault
tests, which start a server of their own for it.
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.session import get_session

from .ports import port_for_child

URL_ENV_VAR = "REDFED_TEST_S3_URL"
ACCESS_KEY_ID = "redfed-test-key"
SECRET_ACCESS_KEY = "redfed-test-secret-never-logged"
REGION = "us-east-1"


class S3Server:
    def __init__(self, url: str, log_path: Path | None = None):
        self.url = url
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @classmethod
    def spawn(cls, folder: Path) -> "S3Server":
        folder.mkdir(parents=True, exist_ok=True)
        server = cls(f"http://127.0.0.1:{port_for_child()}", folder / "moto.log")
        return server.start()

    def start(self, timeout: float = 30) -> "S3Server":
        port = self.url.rpartition(":")[2]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", port], stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}: {self.log_path.read_text()}")
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"moto_server did not start within {timeout:g} s")

    def stop(self) -> None:
        """Kill the server at once, as a bucket that goes away would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def client(self):
        """A plain botocore client, for the tests to look at the bucket directly."""
        return get_session().create_client(
            "s3", endpoint_url=self.url, region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def new_bucket(self) -> str:
        name = f"redfed-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def allow_public_reads(self, bucket: str, prefix: str) -> None:
        """What an operator does for a public base URL: anyone may read objects under `prefix`."""
        statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"}
        policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        self.client().put_bucket_policy(Bucket=bucket, Policy=policy)

    def media_section(self, bucket: str, **extra) -> dict:
        """The [media] settings of an instance that keeps its files in `bucket`."""
        return {
            "storage": "s3", "endpoint_url": self.url, "region": REGION, "bucket": bucket,
            "access_key_id": ACCESS_KEY_ID, "secret_access_key": SECRET_ACCESS_KEY, **extra,
        }

    def keys(self, bucket: str, prefix: str = "") -> dict[str, int]:
        """Every object in `bucket` under `prefix`, with its size."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return {item["Key"]: item["Size"] for page in pages for item in page.get("Contents", [])}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    if os.environ.get(URL_ENV_VAR):
        yield S3Server(os.environ[URL_ENV_VAR].rstrip("/"))
        return
    server = S3Server.spawn(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server) -> str:
    return s3_server.new_bucket()
