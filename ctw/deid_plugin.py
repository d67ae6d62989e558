"""dbt-duckdb plugin: the pseudonymisation key as a DuckDB session variable, and the warehouse
writer lock for any dbt process.

Named in profiles.yml (``plugins: [{module: ctw.deid_plugin}]``). Every connection and cursor
dbt opens gets ``ctw_deid_key``, which ``macros/omop/deidentify.sql`` reads with
``getvariable``. The key is a bound parameter of a statement dbt neither compiles nor logs.

Before dbt opens the warehouse file, the process takes the writer lock (``ctw.lock``) unless the
``ctw`` command that started it holds it already: a plain ``dbt build`` or an Airflow cosmos task
waits for a running ``ctw`` command, and the other way round.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

from ctw.deid import configured_key
from ctw.lock import hold_until_exit


def _set_key(connection) -> None:
    connection.execute("set variable ctw_deid_key = ?", [configured_key()])


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        configured_key()  # a production run without a real key stops before any connection

    def update_connection_config(self, creds, config: dict) -> None:
        path = str(creds.path or "")
        if path and path != ":memory:" and not path.startswith(("md:", "motherduck:")):
            hold_until_exit(Path(path), "dbt", notify=lambda message: print(message, file=sys.stderr, flush=True))

    def configure_connection(self, conn) -> None:
        _set_key(conn)

    def configure_cursor(self, cursor) -> None:
        _set_key(cursor)
