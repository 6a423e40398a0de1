"""No cross-agency oracle or leak through photo hashes: whether a photo is
missing, how far its upload got, whether a record is complete and who may
view a photo are all answered for the asking team's own uploads. A hash
cited without the bytes shows nothing; a team that really has the bytes
proves it by sending them."""
from __future__ import annotations

import hashlib
import os

from sqlalchemy import select

from sync.server.blobs.models import BlobHolder
from sync.server.records.models import Record
from tests.sync.route_table import console_sign_in
from tests.sync.test_record_ownership import SIG, _amendment_body
from tests.sync.visits import push_body, upload, world_visit


def _patch(c, data: bytes, offset: int = 0, length: int | None = None, sha: str | None = None):
    sha = sha or hashlib.sha256(data).hexdigest()
    return c.patch(f"/v1/blobs/{sha}", content=data[offset:],
                   headers={"Upload-Offset": str(offset), "Upload-Length": str(length or len(data))})


def test_another_agency_learns_nothing_of_a_photo_and_cannot_borrow_it(live):
    w = live.world
    v, blobs = world_visit(w, "a1_petrol", "gas1")
    photo = sorted(e.sha256 for e in v.evidence)[0]
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=w.keys["s_a1"])).status_code == 201
        upload(c, blobs)
    half = os.urandom(50_000)                      # agency A's upload in progress
    half_sha = hashlib.sha256(half).hexdigest()
    with live.client("s_a1") as c:
        assert _patch(c, half[:20_000], length=len(half), sha=half_sha).json()["offset"] == 20_000
    for outsider in ("s_b1", "s_a2"):              # another agency; another team of the same agency
        with live.client(outsider) as c:
            assert c.post("/v1/blobs/missing", json={"hashes": [photo, half_sha]}).json()["missing"] == sorted(
                [photo, half_sha])
            for sha, n in ((photo, len(blobs[photo])), (half_sha, len(half))):
                st = c.get(f"/v1/blobs/{sha}/upload", params={"length": n}).json()
                assert st["offset"] == 0 and not st["complete"], (outsider, st)
            # Claiming the upload with no bytes does not make it complete.
            r = c.patch(f"/v1/blobs/{photo}", content=b"",
                        headers={"Upload-Offset": "0", "Upload-Length": str(len(blobs[photo]))})
            assert r.status_code == 200 and not r.json()["complete"] and r.json()["offset"] == 0
            # Nor does a partial upload of A's: it is A's own (no 409 at its offset, no 423).
            assert _patch(c, half[:10_000], length=len(half), sha=half_sha).json()["offset"] == 10_000
            assert c.get(f"/v1/blobs/{photo}").status_code == 404
    # Agency B cites A's photo in its own record: it is missing for B, and
    # neither B's admin nor its lab may see it.
    b, b_blobs = world_visit(w, "b1_petrol", "gasB")
    b.evidence[0].sha256 = photo
    from app.domain.record import record_hash
    b.record_hash = record_hash(b)
    with live.client("s_b1") as c:
        r = c.post("/v1/records", json=push_body(b, key=w.keys["s_b1"]))
        assert r.status_code == 201 and photo in r.json()["missing_photos"] and not r.json()["complete"]
        upload(c, {sha: data for sha, data in b_blobs.items() if sha != b.evidence[0].sha256 and sha in
                   set(r.json()["missing_photos"])})
        st = c.get(f"/v1/records/{push_body(b)['client_id']}").json()
        assert st["missing_photos"] == [photo] and not st["complete"]
    for who in ("adm_b", "lab_b"):
        with live.client(who) as c:
            assert c.get(f"/v1/blobs/{photo}").status_code == 404
    with live.client() as c:                        # nor in the web console, photo or record page
        console_sign_in(c, "adm_b")
        assert c.get(f"/console/blobs/{photo}").status_code == 404
        with live.db.session() as s:
            b_id = s.scalar(select(Record.id).where(Record.visit_id == b.id))
        page = c.get(f"/console/records/{b_id}")
        assert page.status_code == 200 and f"/console/blobs/{photo}" not in page.text
    with live.client("adm_b") as c:
        rows = c.get("/v1/progress", params={"plan_id": "2022-4"}).json()["rows"]
        assert sum(r["sampled"] for r in rows) == 1 and sum(r["synced"] for r in rows) == 0
    with live.client("adm_a") as c:                 # A's own record and photo are unaffected
        assert c.get(f"/v1/blobs/{photo}").content == blobs[photo]
        rows = c.get("/v1/progress", params={"plan_id": "2022-4"}).json()["rows"]
        assert sum(r["synced"] for r in rows) == 1
    # A team that really has the bytes proves it by sending them all.
    with live.client("s_b1") as c:
        done = _patch(c, blobs[photo])
        assert done.status_code == 200 and done.json()["complete"]
        assert c.get(f"/v1/records/{push_body(b)['client_id']}").json()["complete"]
    with live.client("lab_b") as c:
        assert c.get(f"/v1/blobs/{photo}").content == blobs[photo]
    assert len(list((live.data_dir / "blobs" / "objects").rglob(photo))) == 1      # stored once


def test_a_team_shares_what_any_of_its_devices_uploaded(live):
    w = live.world
    v, blobs = world_visit(w, "a1_petrol", "gas1")
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=w.keys["s_a1"])).status_code == 201
        upload(c, blobs)
    photo = sorted(blobs)[0]
    with live.client("s_a1b") as c:                 # the team's other laptop
        assert c.post("/v1/blobs/missing", json={"hashes": list(blobs)}).json()["missing"] == []
        r = c.patch(f"/v1/blobs/{photo}", content=b"",
                    headers={"Upload-Offset": "0", "Upload-Length": str(len(blobs[photo]))})
        assert r.json()["complete"]
        assert c.get(f"/v1/blobs/{photo}").content == blobs[photo]
    with live.db.session() as s:
        holders = set(s.scalars(select(BlobHolder.device_id).where(BlobHolder.sha256 == photo)))
    assert holders == {w.devices["s_a1"]}           # only the device that sent the bytes holds them


def test_an_amendments_signature_image_is_shown_like_the_records_photos(live):
    w = live.world
    v, _ = world_visit(w, "a1_petrol", "gas1")
    sig_png = b"party signature"                    # SIG is its hash
    assert hashlib.sha256(sig_png).hexdigest() == SIG
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=w.keys["s_a1"])).status_code == 201
        am = _amendment_body(v, v.record_hash, client_id="sig-amend-1", key=w.keys["s_a1"])
        assert c.post("/v1/records", json=am).json()["missing_photos"] == [SIG]
    with live.client("adm_a") as c:
        assert c.get(f"/v1/blobs/{SIG}").status_code == 404            # not uploaded yet
    with live.client("s_a1") as c:
        upload(c, {SIG: sig_png})
        assert c.get("/v1/records/sig-amend-1").json()["complete"]
    for who, status in (("adm_a", 200), ("lab_a", 200), ("prov", 200), ("adm_b", 404), ("lab_b", 404)):
        with live.client(who) as c:
            assert c.get(f"/v1/blobs/{SIG}").status_code == status, who
