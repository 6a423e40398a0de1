"""`field-sampler-server`: set up, run and administer the provincial server."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

DEFAULT_DATA = os.environ.get("FIELD_SAMPLER_SERVER_DATA", "server-data")


def _db(args):
    from sync.server.config import settings_for
    from sync.server.db import Database
    blob = {k: v for k, v in (("blob_url", getattr(args, "blob_url", None)),
                              ("s3_endpoint", getattr(args, "s3_endpoint", "")),
                              ("s3_region", getattr(args, "s3_region", "")),
                              ("s3_credentials_file", getattr(args, "s3_credentials_file", ""))) if v}
    settings = settings_for(args.data, args.database_url, **blob)
    return settings, Database(settings.db_url)


def _where_blobs(settings, db) -> str:
    from sync.server.blobs.backends import open_store
    return repr(open_store(settings, db)) if settings.blob_url or _recorded(db) else str(settings.blob_dir)


def _recorded(db) -> str:
    from sync.server.blobs.backends import recorded_url
    return recorded_url(db)


def cmd_init(args) -> int:
    settings, db = _db(args)
    print(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}; "
          f"blobs in {_where_blobs(settings, db)}")
    return 0


def cmd_gc(args) -> int:
    from sync.server.blobs import gc
    from sync.server.blobs.backends import open_store
    settings, db = _db(args)
    report = gc.run_once(db, open_store(settings, db), settings)
    print(f"gc: {report.line()}" if report else "gc: another server is collecting now; nothing done")
    return 0


def cmd_blobs_migrate(args) -> int:
    from sync.server.blobs import s3config
    from sync.server.blobs.backends import open_store, recorded_url
    from sync.server.blobs.migrate import migrate
    from sync.server.blobs.store import DiskBlobStore
    if not s3config.is_s3(args.to):
        print("blobs migrate --to needs s3://BUCKET/PREFIX", file=sys.stderr)
        return 2
    settings, db = _db(args)
    if recorded_url(db) == args.to:
        print(f"already switched to {args.to}; copying what is still on disk")
    target = open_store(settings, db, url=args.to)
    report = migrate(db=db, source=DiskBlobStore(settings.blob_dir), target=target, url=args.to,
                     progress=lambda text: print(text, flush=True))
    print(f"{report.copied} blobs copied ({report.bytes_copied} bytes), {report.already_there} already there "
          f"and verified, {len(report.bad)} could not be copied intact, {len(report.missing_on_disk)} "
          f"registered but missing on disk")
    for sha in report.bad[:20]:
        print(f"  not copied intact: {sha}", file=sys.stderr)
    for sha in report.missing_on_disk[:20]:
        print(f"  registered, no file in {settings.blob_dir}: {sha}", file=sys.stderr)
    if not report.switched:
        print("not switched over: the server still uses the disk; fix the above and run again", file=sys.stderr)
        return 1
    print(f"switched over: every server now uses {target!r} (restart them)")
    return 0


def cmd_serve(args) -> int:
    from dataclasses import replace

    from sync.server.app import create_app
    from sync.server.deps import parse_proxies
    from sync.server.runner import serve_forever
    settings, db = _db(args)
    proxies = ",".join(args.trusted_proxy)
    try:
        parse_proxies(proxies)
    except ValueError as e:
        print(f"--trusted-proxy: {e}", file=sys.stderr)
        return 2
    public = args.public_url.strip().rstrip("/")
    if public and not _is_address(public):
        from app.domain.i18n import bilingual
        print(f"--public-url: {bilingual('服务器地址应以 http:// 或 https:// 开头，例如 https://cj.example.gov.cn')}",
              file=sys.stderr)
        return 2
    settings = replace(settings, trusted_proxies=proxies, public_url=public,
                       enroll_requires_code=not args.allow_password_enrollment)
    app = create_app(settings, db)
    getattr(app.state.blobs, "check", lambda: None)()      # an object store: reachable, bucket there
    serve_forever(app, args.host, args.port, workers=_workers(args, db))
    return 0


def _is_address(url: str) -> bool:
    """An http(s) address with a host (and a valid port, if any)."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    try:
        parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url and not parts.query


def _workers(args, db) -> int:
    """--workers, or by default one per CPU on PostgreSQL (SQLite has one
    writer anyway: one process)."""
    if args.workers:
        return args.workers
    return min(os.cpu_count() or 1, 8) if db.engine.dialect.name == "postgresql" else 1


def cmd_demo(args) -> int:
    from sync.server import demo
    from sync.server.app import create_app
    from sync.server.runner import serve_forever
    settings, db = _db(args)
    with db.session() as session:
        info = demo.seed(session=session)
        demo.seed_history(data_dir=settings.data_dir, session=session, info=info)
    app = create_app(settings, db)
    serve_forever(app, args.host, args.port, banner=lambda url: demo.banner(info, url))
    return 0


def cmd_add_agency(args) -> int:
    from sync.server.auth import service
    _, db = _db(args)
    with db.session() as s:
        service.add_agency(session=s, id=args.id, name=args.name, address=args.address, phone=args.phone)
        if args.team:
            service.add_team(session=s, id=args.team, agency_id=args.id, name=args.team_name or args.team)
    print(f"agency {args.id} saved" + (f", team {args.team}" if args.team else ""))
    return 0


def cmd_add_team(args) -> int:
    from sync.server.auth import service
    _, db = _db(args)
    with db.session() as s:
        service.add_team(session=s, id=args.id, agency_id=args.agency, name=args.name or args.id)
    print(f"team {args.id} saved")
    return 0


def cmd_add_user(args) -> int:
    from sync.server.auth import service
    from sync.server.auth.passwords import generate_password
    password = args.password
    generated = False
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass(f"Password for {args.username} (empty: generate one): ")
        if not password:
            password, generated = generate_password(), True
    _, db = _db(args)
    with db.session() as s:
        user = service.add_user(session=s, username=args.username, password=password, role=args.role,
                                name=args.name or args.username, agency_id=args.agency, team_id=args.team,
                                certificate_no=args.certificate_no)
    print(f"user {user.username} ({user.role}) added" + (f"; password: {password}" if generated else ""))
    return 0


def cmd_import_plan(args) -> int:
    from app.domain.reference_data import ReferenceDataError
    from sync.server.plan import service
    _, db = _db(args)
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    try:
        rules = _rules(args.rules) if args.rules else []
    except ReferenceDataError as e:     # names the file and the bad entry
        print(e, file=sys.stderr)
        return 2
    with db.session() as s:
        plan = service.import_plan(session=s, data=data)
        n = service.import_rules(session=s, rules=rules) if rules else 0
    print(f"plan {plan.id}: {len(data['items'])} items, {sum(i['batches'] for i in data['items'])} batches"
          + (f"; {n} sampling rules" if n else ""))
    return 0


def _rules(path: str) -> list[dict]:
    """A sampling-rules file (as resources/sampling_rules.json), checked as
    the app checks it, each rule as the laptops get it."""
    from app.domain.plain import to_plain
    from app.domain.reference_data import load_sampling_rules
    return [to_plain(r) for r in load_sampling_rules(path).values()]


def cmd_import_parties(args) -> int:
    from sync.server.parties import service
    _, db = _db(args)
    text = Path(args.file).read_text(encoding="utf-8-sig")
    with db.session() as s:
        report = service.import_csv(session=s, text=text)
    print(f"parties: {report.added} added, {report.updated} updated, {len(report.errors)} rows refused")
    for line, message in report.errors:
        print(f"  line {line}: {message}", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_assign(args) -> int:
    from sync.server.errors import ApiError
    from sync.server.tasks import draw, service
    _, db = _db(args)
    try:
        with db.session() as s:
            if args.draw:
                made = draw.draw(session=s, plan_item_id=args.plan_item, count=args.count, agency_id=args.agency,
                                 due_date=args.due or "", seed=args.seed)
            else:
                if not (args.party and args.team):
                    print("assign needs --party and --team (or --draw --count N)", file=sys.stderr)
                    return 2
                made = [service.create_task(session=s, plan_item_id=args.plan_item, party_id=args.party,
                                            team_id=args.team, due_date=args.due or "")]
            for t in made:
                print(f"task {t.id}: item {t.plan_item_id} party {t.party_id} team {t.team_id} due {t.due_date}")
    except ApiError as e:
        print(f"refused: {e.error.zh} ({e.error.en})", file=sys.stderr)
        return 1
    return 0


def cmd_cancel_task(args) -> int:
    from sync.server.errors import ApiError
    from sync.server.tasks import service
    _, db = _db(args)
    try:
        with db.session() as s:
            t = service.cancel_task(session=s, task_id=args.task_id, reason=args.reason)
    except ApiError as e:
        print(f"refused: {e.error.zh} ({e.error.en})", file=sys.stderr)
        return 1
    print(f"task {t.id} cancelled: {t.cancel_reason}")
    return 0


def cmd_reassign_task(args) -> int:
    from sync.server.errors import ApiError
    from sync.server.tasks import service
    _, db = _db(args)
    try:
        with db.session() as s:
            t = service.reassign_task(session=s, task_id=args.task_id, team_id=args.team, reason=args.reason)
            line = f"task {t.id} reassigned to team {t.team_id}: {args.reason.strip()}"
    except ApiError as e:
        print(f"refused: {e.error.zh} ({e.error.en})", file=sys.stderr)
        return 1
    print(line)
    return 0


def cmd_export_keys(args) -> int:
    """The registry of device public keys a lab gives to `field-sampler
    verify-seal --keys FILE`."""
    from sync.protocol.schemas import KeyRegistry
    from sync.server.devices import service
    _, db = _db(args)
    with db.session() as s:
        registry = KeyRegistry(devices=service.key_registry(session=s, agency_id=args.agency))
    text = registry.model_dump_json(indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"{len(registry.devices)} device keys written to {args.out}")
    else:
        print(text)
    return 0


def cmd_revoke_device(args) -> int:
    from sqlalchemy import select
    from sync.server.auth.models import User
    from sync.server.devices import service
    from sync.server.devices.models import Device
    _, db = _db(args)
    with db.session() as s:
        if args.user:
            user = s.scalar(select(User).where(User.username == args.user))
            ids = [d.id for d in s.scalars(select(Device).where(Device.user_id == (user.id if user else "")))]
        else:
            ids = [args.device_id]
        for device_id in ids:
            service.revoke(session=s, device_id=device_id, actor="cli")
    print(f"revoked: {', '.join(ids) or 'nothing'}")
    return 0


def cmd_enroll_code(args) -> int:
    from sync.protocol.enrollment import qr_text
    from sync.server.enrollment import service
    from sync.server.errors import ApiError
    _, db = _db(args)
    try:
        with db.session() as s:
            row, code = service.create_code(session=s, username=args.user, hours=args.hours, actor="cli")
    except ApiError as e:
        print(f"{e.error.zh} ({e.error.en})", file=sys.stderr)
        return 1
    print(f"enrollment code for {args.user}: {code}")
    print(f"valid until {row.expires_at.isoformat(timespec='minutes')} (UTC), single use")
    if args.server_url:
        print(f"QR text: {qr_text(args.server_url.rstrip('/'), code, args.user)}")
    return 0


def cmd_set_app_version(args) -> int:
    from sync.server.errors import ApiError
    from sync.server.releases import service
    _, db = _db(args)
    try:
        with db.session() as s:
            row = service.publish(session=s, version=args.version, download_url=args.url, notes=args.notes,
                                  actor="cli")
    except ApiError as e:
        print(f"{e.error.zh} ({e.error.en})", file=sys.stderr)
        return 1
    print(f"published app version {row.version}: {row.download_url}")
    return 0


def cmd_export_summary(args) -> int:
    """检验情况汇总表 as .xlsx (or .csv by the file's extension)."""
    from sync.server.audit import service as audit
    from sync.server.exports import summary
    from sync.server.plan.models import Plan
    _, db = _db(args)
    out = Path(args.out)
    fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    with db.session() as s:
        if s.get(Plan, args.plan) is None:
            print(f"error: no plan {args.plan}", file=sys.stderr)
            return 1
        data, rows = (summary.csv_bytes if fmt == "csv" else summary.xlsx_bytes)(
            session=s, plan_id=args.plan, agency_id=args.agency)
        audit.log(session=s, actor="cli", action="export.summary", target=args.plan,
                  detail={"format": fmt, "rows": rows, "agency": args.agency or "all", "file": str(out)})
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"{rows} rows written to {out}")
    return 0


def cmd_progress(args) -> int:
    from sync.server.records import progress
    _, db = _db(args)
    with db.session() as s:
        rows = progress.progress(session=s, plan_id=args.plan, agency_id=args.agency)
    if args.json:
        print(json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(progress.format_table(rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    from sync.server.cli_parser import build_parser
    args = build_parser(sys.modules[__name__], DEFAULT_DATA).parse_args(argv)
    if args.command == "revoke-device" and not (args.device_id or args.user):
        print("revoke-device needs a device id or --user", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
