"""Argument parser of `field-sampler-server` (kept apart from the commands)."""
from __future__ import annotations

import argparse
from datetime import date



def iso_date(text: str) -> str:
    """--due: a real date, YYYY-MM-DD (the task's column holds ten characters)."""
    try:
        if len(text) == 10:
            date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")

from sync.protocol.roles import Role


def add_blob_args(p: argparse.ArgumentParser, *, url: bool = True) -> None:
    """Where the blobs live. Credentials are never options: see
    sync/server/blobs/s3config.py (environment, or a file only the service reads)."""
    if url:
        p.add_argument("--blob-url", default=None, metavar="s3://BUCKET/PREFIX",
                       help="an S3-compatible object store (default: --data/blobs, or where `blobs migrate` "
                            "switched to)")
    p.add_argument("--s3-endpoint", default="", help="e.g. https://minio.example:9000 (default: "
                                                     "$FIELD_SAMPLER_S3_ENDPOINT, else AWS)")
    p.add_argument("--s3-region", default="", help="default: $FIELD_SAMPLER_S3_REGION, else us-east-1")
    p.add_argument("--s3-credentials-file", default="",
                   help="file with access_key_id = / secret_access_key = lines, mode 600 (default: "
                        "$FIELD_SAMPLER_S3_CREDENTIALS_FILE, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")


def build_parser(cmds, default_data: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="field-sampler-server",
                                     description="抽样助手 provincial server (Field Sampler)")  # i18n: name
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, fn, help_text: str, into=sub) -> argparse.ArgumentParser:
        p = into.add_parser(name, help=help_text)
        p.add_argument("--data", default=default_data, help="folder of the database and blobs")
        p.add_argument("--database-url", default=None,
                       help="e.g. postgresql://user@host/db (default: SQLite in --data)")
        p.set_defaults(func=fn)
        return p

    add_blob_args(add("init", cmds.cmd_init, "create or upgrade the database"))
    for name, fn, port in (("serve", cmds.cmd_serve, 8765), ("demo", cmds.cmd_demo, 8765)):
        p = add(name, fn, "run the server" if name == "serve" else "seed a demo server and run it")
        add_blob_args(p)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=port, help="0: any free port (printed)")
        if name == "serve":
            p.add_argument("--workers", type=int, default=0,
                           help="server processes (default: one per CPU on PostgreSQL, 1 on SQLite)")
            p.add_argument("--allow-password-enrollment", action="store_true",
                           help="let a laptop enroll with a password alone (default: a one-time code "
                                "from enroll-code is required too)")
            p.add_argument("--trusted-proxy", action="append", default=[], metavar="IP_OR_CIDR",
                           help="a reverse proxy whose X-Forwarded-For is believed (repeatable; default: none)")
            p.add_argument("--public-url", default="", metavar="URL",
                           help="the address laptops reach this server at, printed in enrollment QR codes "
                                "(default: the address the admin's browser used)")
    p = add("add-agency", cmds.cmd_add_agency, "add or update an inspection agency (承检机构)")  # i18n: glossary
    p.add_argument("id")
    p.add_argument("--name", required=True)
    p.add_argument("--address", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--team", help="also add a team with this id")
    p.add_argument("--team-name")
    p = add("add-team", cmds.cmd_add_team, "add a sampling team to an agency")
    p.add_argument("id")
    p.add_argument("--agency", required=True)
    p.add_argument("--name")
    p = add("add-user", cmds.cmd_add_user, "add a user account")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--name")
    p.add_argument("--agency")
    p.add_argument("--team")
    p.add_argument("--certificate-no", default="")
    p.add_argument("--password", help="default: ask, or generate and print one")
    p = add("import-plan", cmds.cmd_import_plan, "import the plan JSON (and sampling rules)")
    p.add_argument("file")
    p.add_argument("--rules", help="sampling rules JSON")
    p = add("import-parties", cmds.cmd_import_parties, "import inspected parties from CSV")
    p.add_argument("file")
    p = add("assign", cmds.cmd_assign, "assign tasks, or draw them at random (双随机)")  # i18n: glossary
    p.add_argument("--plan-item", required=True)
    p.add_argument("--party")
    p.add_argument("--team")
    p.add_argument("--due", type=iso_date, help="due date YYYY-MM-DD")
    p.add_argument("--draw", action="store_true", help="draw parties and teams at random")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--agency", help="draw only teams of this agency")
    p.add_argument("--seed", type=int)
    p = add("cancel-task", cmds.cmd_cancel_task, "cancel a task")
    p.add_argument("task_id")
    p.add_argument("--reason", required=True)
    p = add("reassign-task", cmds.cmd_reassign_task, "reassign a task to another team (改派)")  # i18n: glossary
    p.add_argument("task_id")
    p.add_argument("--team", required=True, help="id of the team that takes the task over")
    p.add_argument("--reason", required=True)
    p = add("revoke-device", cmds.cmd_revoke_device, "revoke a device (or all of a user's)")
    p.add_argument("device_id", nargs="?")
    p.add_argument("--user")
    p = add("export-keys", cmds.cmd_export_keys,
            "write the enrolled devices' public keys (for verify-seal --keys at the lab)")
    p.add_argument("--agency", help="only this agency's devices")
    p.add_argument("--out", help="file to write (default: standard output)")
    add_blob_args(add("gc", cmds.cmd_gc, "remove expired uploads and blobs no record cites (serve does it hourly)"))
    blobs = sub.add_parser("blobs", help="blob store administration").add_subparsers(dest="blobs_command",
                                                                                      required=True)
    p = add("migrate", cmds.cmd_blobs_migrate, "copy every blob from --data to an object store, verify, "
            "then switch the server over", into=blobs)
    p.add_argument("--to", required=True, metavar="s3://BUCKET/PREFIX")
    add_blob_args(p, url=False)
    p = add("enroll-code", cmds.cmd_enroll_code,
            "make a one-time enrollment code for a sampler's laptop (cancels the sampler's unused ones)")
    p.add_argument("--user", required=True, help="the sampler's user name")
    p.add_argument("--hours", type=int, default=72, help="valid for this many hours (1-720, default 72)")
    p.add_argument("--server-url", default="",
                   help="the server address laptops use (put in the QR text; default: none)")
    p = add("set-app-version", cmds.cmd_set_app_version,
            "publish the app version samplers should run and where to download it")
    p.add_argument("version", help="e.g. 1.2.0")
    p.add_argument("--url", required=True, help="download location of the installer")
    p.add_argument("--notes", default="")
    p = add("export-summary", cmds.cmd_export_summary, "write the plan's summary sheet (.xlsx, or .csv)")
    p.add_argument("--plan", default="2022-4")
    p.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
    p.add_argument("--agency", help="only this agency's samples")
    p = add("progress", cmds.cmd_progress, "progress per plan item")
    p.add_argument("--plan", default="2022-4")
    p.add_argument("--agency")
    p.add_argument("--json", action="store_true")
    return parser
