"""Driver for the migration kill sweep (tests/store/test_migration_kills.py).

Run as `python migration_killer.py TEMPLATE OUTDIR` in a fresh process: for
k = 0, 1, 2, ... it copies TEMPLATE (a store at some revision, or a missing
file for a first start) to OUTDIR/k.sqlite and forks a child that opens the
store the way the app does (Database(), which migrates to head) and SIGKILLs
itself just before the k-th SQL statement. It stops at the first k whose
child finishes without reaching its kill point, and prints that count.

The fork happens in this small single-threaded process, so each kill point
costs a fork, not a Python start-up; the statements counted are the ones the
driver sends (SQLAlchemy's before_cursor_execute), which is every statement
of the migrations."""
from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.store import db as store_db


def _child(path: Path, kill_at: int) -> None:
    seen = 0

    def before(*_args, **_kw):
        nonlocal seen
        if seen == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        seen += 1

    event.listen(Engine, "before_cursor_execute", before)
    database = store_db.Database(path)
    database.close()
    os._exit(0)


def _warm(outdir: Path) -> None:
    """Open one throwaway store to head here, before any fork: the children
    then inherit alembic, the dialect and the migration code already
    imported (~0.4 s a child otherwise, 67 children for a first start)."""
    warm = outdir / "warm.sqlite"
    store_db.Database(warm).close()
    for f in outdir.glob("warm.sqlite*"):
        f.unlink()


def main(template: str, outdir: str) -> None:
    out = Path(outdir)
    _warm(out)
    k = 0
    while True:
        target = out / f"{k}.sqlite"
        if Path(template).exists():
            shutil.copyfile(template, target)
        pid = os.fork()
        if pid == 0:
            try:
                _child(target, k)
            except BaseException:            # a crash is not a kill: report it as such
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            k += 1
            continue
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
        if code != 0:
            print(f"child crashed at kill point {k} (exit {code})", file=sys.stderr)
            sys.exit(2)
        target.unlink(missing_ok=True)       # the run that completed: nothing to check
        print(k)
        return


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
