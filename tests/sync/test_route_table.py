"""Every route x every caller against the one table of expected answers
(tests/sync/route_table.py), on a real server; the table covers every
route of the app and every role."""
from __future__ import annotations

import pytest

from sync.protocol.roles import Role
from sync.server.app import create_app
from sync.server.config import settings_for
from tests.sync.route_table import CALLERS, COLUMNS, ROUTES, Scene, app_routes
from tests.sync.visits import push_body, upload, world_visit


def test_every_route_of_the_app_is_in_the_table(tmp_path):
    app = create_app(settings_for(tmp_path))
    routes = app_routes(app)
    assert len(routes) >= 20          # the walk sees the routers' routes, not only the app's own
    missing, stale = routes - set(ROUTES), set(ROUTES) - routes
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
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=body).status_code == 201
        upload(c, blobs)
    scene.record_client_id = body["client_id"]
    scene.record_photo = sorted(v.evidence, key=lambda e: e.sha256)[0].sha256
    scene.new_record = push_body(world_visit(w, "a1_diesel", "gas1", "车用柴油", "2022-4-10")[0])   # signed per caller
    return scene


def _client(live, column: str):
    _role, user, kind = CALLERS[column]
    if user is None:
        return live.client()
    return live.client(token=live.world.sessions[user] if kind == "session" and user in live.world.sessions
                       else live.world.tokens[user])


@pytest.mark.parametrize("column", COLUMNS)
def test_each_caller_gets_the_tables_answer_from_every_route(live_sqlite, column):
    scene = _scene(live_sqlite)
    scene.caller = CALLERS[column][1]
    wrong = []
    with _client(live_sqlite, column) as c:
        for (method, path), row in ROUTES.items():
            req = row.call(scene)
            assert req.method == method, (method, path)
            r = c.request(req.method, req.path, json=req.json, content=req.content, headers=req.headers,
                          params=req.params)
            want = row.expected()[column]
            if r.status_code != want:
                wrong.append(f"{method} {path}: {r.status_code} (table: {want}) {r.text[:160]}")
            elif r.status_code >= 400:      # a refusal says why, in the protocol's body
                body = r.json()
                said = body["error"] if "error" in body else body["problems"][0]
                assert said["zh"] and said["zh"] != said["code"], (method, path, said)   # in the catalogue
    assert not wrong, f"{column}:\n" + "\n".join(wrong)
