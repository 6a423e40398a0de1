"""Where the S3-compatible store is and how to sign in to it.

The bucket and prefix come from `--blob-url s3://bucket/prefix`, the
endpoint from `--s3-endpoint` (or FIELD_SAMPLER_S3_ENDPOINT), neither of
them secret. The keys never come from the command line or a settings file
that others may read: either

- a credentials file readable only by the service's user (mode 600), named by
  `--s3-credentials-file` or FIELD_SAMPLER_S3_CREDENTIALS_FILE, with lines
  `access_key_id = ...` and `secret_access_key = ...`; or
- the environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (boto3's own
  chain, which also finds a cloud machine's instance role).

The keys are handed to boto3 and kept nowhere else: not in Settings (which
are passed to worker processes in the environment), not in any log line."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENDPOINT_ENV = "FIELD_SAMPLER_S3_ENDPOINT"
REGION_ENV = "FIELD_SAMPLER_S3_REGION"
CREDENTIALS_ENV = "FIELD_SAMPLER_S3_CREDENTIALS_FILE"


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str             # "" or "a/b/" (always ends with /)
    endpoint: str           # "" = AWS itself
    region: str

    def __repr__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix} at {self.endpoint or 'AWS'}"


def is_s3(url: str) -> bool:
    return url.startswith("s3://")


def parse(url: str, endpoint: str = "", region: str = "") -> S3Location:
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"blob URL must be s3://bucket/prefix, not {url!r}")
    if parts.username or parts.password or parts.query:
        raise ValueError("put no keys or options in the blob URL: credentials come from the environment "
                         f"or from the file named by {CREDENTIALS_ENV}")
    prefix = parts.path.strip("/")
    return S3Location(bucket=parts.netloc, prefix=f"{prefix}/" if prefix else "",
                      endpoint=endpoint or os.environ.get(ENDPOINT_ENV, ""),
                      region=region or os.environ.get(REGION_ENV, "") or "us-east-1")


def read_credentials_file(path: str | Path) -> tuple[str, str]:
    """(access key id, secret). Refuses a file that group or others may read."""
    p = Path(path)
    st = p.stat()
    if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(f"{p}: credentials file must be readable only by the service (chmod 600)")
    values: dict[str, str] = {}
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("["):
            continue
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    key_id = values.get("access_key_id") or values.get("aws_access_key_id")
    secret = values.get("secret_access_key") or values.get("aws_secret_access_key")
    if not key_id or not secret:
        raise ValueError(f"{p}: needs access_key_id = ... and secret_access_key = ... lines")
    return key_id, secret


def credentials(credentials_file: str = "") -> tuple[str, str] | None:
    """From the file if one is named, else None: boto3 then looks in the
    environment (AWS_ACCESS_KEY_ID, ...) and its usual places."""
    path = credentials_file or os.environ.get(CREDENTIALS_ENV, "")
    return read_credentials_file(path) if path else None
