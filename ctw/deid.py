"""The pseudonymisation key: read from the environment at run time, never rendered into SQL.

``CTW_DEID_KEY`` reaches the engines without passing through dbt's templating (see
``macros/omop/deidentify.sql``): the dbt-duckdb plugin ``ctw.deid_plugin`` sets it as a DuckDB
session variable on every connection, and Spark substitutes ``${env:CTW_DEID_KEY}`` itself.
Production (``CTW_ENV=prod``) refuses a missing key and the published dev-only key.
"""

from __future__ import annotations

import hashlib
import os
import re

DEV_ONLY_KEY = "ctw-dev-only-deid-key-not-a-secret"
KEY_VARIABLE = "CTW_DEID_KEY"
# Letters, digits and the punctuation of base64, hex and passphrase generators: a key never needs
# quoting inside a SQL string (Spark substitutes it into one).
KEY_PATTERN = re.compile(r"[A-Za-z0-9._~+/=:-]+")


class DeidKeyRefused(RuntimeError):
    """The pseudonymisation key is missing, the dev-only key in production, or malformed."""


def configured_key() -> str:
    """The key to pseudonymise with (the dev-only key when none is set outside production)."""
    key = os.environ.get(KEY_VARIABLE, "")
    production = os.environ.get("CTW_ENV", "dev") == "prod"
    if production and key in {"", DEV_ONLY_KEY}:
        problem = "is not set" if key == "" else "is the published dev-only key"
        raise DeidKeyRefused(
            f"{KEY_VARIABLE} {problem}: CTW_ENV=prod needs the production pseudonymisation key"
        )
    if key and not KEY_PATTERN.fullmatch(key):
        raise DeidKeyRefused(
            f"{KEY_VARIABLE} may hold only letters, digits and . _ ~ + / = : - (base64 or hex keys qualify)"
        )
    return key or DEV_ONLY_KEY


def fingerprint(key: str) -> str:
    """The key's fingerprint as the warehouse records it (``deid_key_fingerprint()`` in SQL)."""
    return hashlib.sha256(f"{key}|key_fingerprint|ctw".encode()).hexdigest()[:16]
