"""Every route x every caller against the one table of expected answers
(tests/sync/route_table.py), on a real server; the table covers every
route of the app and every role."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sync.protocol.roles import Role
from sync.server.app import create_app
from sync.server.config import settings_for
from app.domain.visit import VisitStatus
from sync.server.auth import service as accounts
from sync.server.auth.models import User
from sync.server.blobs.store import DiskBlobStore
from sync.server.devices import service as devices
from sync.server.enrollment import service as enrollment
from sync.server.followups import service as followups
from sync.server.records.models import Record
from sync.server.tasks import draw as draws
from tests.lab.routes import route_keys as lab_route_keys
from tests.sync.route_table import CALLERS, COLUMNS, ROUTES, Scene, app_routes, console_sign_in
from tests.sync.visits import push_body, upload, world_visit
from tests.sync.world import PASSWORD, add_big_tasks, public_key


def test_every_route_of_the_app_is_in_the_table(tmp_path):
    app = create_app(settings_for(tmp_path))
    routes = app_routes(app)
    assert len(routes) >= 20          # the walk sees the routers' routes, not only the app's own
    lab_pages = lab_route_keys()      # their own table: tests/lab/routes.py (tests/lab/test_roles.py walks it)
    assert lab_pages <= routes, f"lab rows for routes the app does not have: {sorted(lab_pages - routes)}"
    missing, stale = routes - set(ROUTES) - lab_pages, set(ROUTES) - routes
    assert not missing, f"routes with no row in tests/sync/route_table.py: {sorted(missing)}"
    assert not stale, f"rows for routes the app does not have: {sorted(stale)}"
    for key, row in ROUTES.items():
        assert set(row.expected()) == set(COLUMNS), key
    app.state.db.close()


def test_every_role_has_a_column():
    assert set(COLUMNS) == set(CALLERS)
    assert {role for role, _, _ in CALLERS.values() if role} == set(Role)


def _scene(live) -> Scene:
    w = live.world
    scene = Scene(world=w)
    v, blobs = world_visit(w, "a1_petrol", "gas1")
    body = push_body(v, key=w.keys["s_a1"])
    refusal, _ = world_visit(w, "a1_down", "shop1", "羽绒服装", "2022-4-18", scope="seller", status=VisitStatus.REFUSED)
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=body).status_code == 201
        upload(c, blobs)
        assert c.post("/v1/records", json=push_body(refusal, key=w.keys["s_a1"])).status_code == 201
    scene.record_client_id = body["client_id"]
    scene.record_photo = sorted(v.evidence, key=lambda e: e.sha256)[0].sha256
    scene.new_record = push_body(world_visit(w, "a1_diesel", "gas1", "车用柴油", "2022-4-10")[0])   # signed per caller
    with live.db.session() as s:        # agency A's objects for the console rows, none used by another row
        by_visit = {r.visit_id: r for r in s.scalars(select(Record))}
        rec, ref = by_visit[v.id], by_visit[refusal.id]
        f = followups.attach(session=s, store=DiskBlobStore(live.data_dir / "blobs"), record=ref,
                             filename="认定书.pdf", media="application/pdf", data=b"%PDF-1.4 scene", actor="adm_a")
        draw, _ = draws.draw_recorded(session=s, plan_item_id="T-fuel", count=1, agency_id="agency-a", seed=3,
                                      actor="adm_a")
        team_a2 = s.scalar(select(User).where(User.username == "s_a2"))
        device, _ = devices.issue_token(session=s, user=team_a2, kind="device", ttl=timedelta(days=1),
                                        public_key=public_key())
        spare = accounts.add_user(session=s, username="spare_a", password=PASSWORD, role="sampler",
                                  agency_id="agency-a", team_id="team-a1")
        cancel, move = add_big_tasks(s, 2, prefix="table-")
        _, enroll_code = enrollment.create_code(session=s, username="s_a1", actor="adm_a")    # redeemed
        spare_code, _ = enrollment.create_code(session=s, username="spare_a", actor="adm_a")  # cancelled
        scene.ids = {"visit": v.id, "enroll_code": enroll_code, "spare_code": spare_code.id, "record": rec.id, "refusal": ref.id, "file": f.id, "draw": draw.id, "device": device.id,
                     "user": spare.id, "s_a2": team_a2.id, "task_cancel": cancel, "task_move": move}
    return scene


def _client(live, column: str):
    """The caller's client: its bearer token for the API, and a console
    session cookie (it signs in there with its password) for the console."""
    _role, user, kind = CALLERS[column]
    if user is None:
        return live.client(), "x"
    c = live.client(token=live.world.sessions[user] if kind == "session" and user in live.world.sessions
                    else live.world.tokens[user])
    return c, console_sign_in(c, user)


@pytest.mark.parametrize("column", COLUMNS)
def test_each_caller_gets_the_tables_answer_from_every_route(live_sqlite, column):
    scene = _scene(live_sqlite)
    scene.caller = CALLERS[column][1]
    wrong = []
    c, scene.csrf = _client(live_sqlite, column)
    scene.client = c
    try:
        for (method, path), row in ROUTES.items():
            req = row.call(scene)
            assert req.method == method, (method, path)
            r = c.request(req.method, req.path, json=req.json, content=req.content, data=req.data, files=req.files,
                          headers=req.headers, params=req.params)
            want = row.expected()[column]
            if r.status_code != want:
                wrong.append(f"{method} {path}: {r.status_code} (table: {want}) {r.text[:160]}")
            elif r.status_code >= 400 and path.startswith("/v1/"):      # a refusal says why, in the protocol's body
                body = r.json()
                said = body["error"] if "error" in body else body["problems"][0]
                assert said["zh"] and said["zh"] != said["code"], (method, path, said)   # in the catalogue
            elif r.status_code == 303 and path != "/console/signout" and want != 303:
                wrong.append(f"{method} {path}: redirected to {r.headers['location']}")
    finally:
        c.close()
    assert not wrong, f"{column}:\n" + "\n".join(wrong)
