"""Helpers for import tests: upload a file to /api/v1/imports as multipart form data, and wait for
the job to finish (the job runs in the instance's loop; the test polls its state, as a client does)."""

import time
import uuid

from ..support.http import request


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(instance, token: str, kind: str, data: bytes, mode: str = "merge", filename: str = "data.csv"):
    body, content_type = multipart({"type": kind, "mode": mode}, {"data": (filename, data)})
    headers = {**auth(token), "Content-Type": content_type}
    return request("POST", instance.url("/api/v1/imports"), headers=headers, body=body, timeout=120)


def finished(instance, token: str, job_id: str) -> dict:
    deadline = time.monotonic() + 90
    while True:
        job = request("GET", instance.url(f"/api/v1/imports/{job_id}"), headers=auth(token)).json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def import_and_wait(instance, token: str, kind: str, data: bytes, mode: str = "merge", filename: str = "data.csv") -> dict:
    started = upload(instance, token, kind, data, mode, filename)
    assert started.status == 202, started.body
    return finished(instance, token, started.json()["id"])
