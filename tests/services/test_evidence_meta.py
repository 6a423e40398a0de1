"""Issue 13.11: evidence that proves itself. On import the capture time and
GPS position are read from the file (JPEGs written here with known EXIF, an
MP4 with a known creation time), kept with the evidence item, and photos
taken before the visit / hours earlier / without time / far from the
party are flagged — in the record that is synced. The original bytes are
stored untouched."""
from __future__ import annotations

import hashlib
import io
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from app.domain.record import record_document, record_hash
from app.domain.visit import EvidenceCategory as C
from app.services import evidence, steps, visits

UTC = timezone.utc
CHINA = timezone(timedelta(hours=8))
STATION = ("37.780120", "112.560340")         # the party's position from the province's data


def dms(value: float):
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60 * 100)
    return IFDRational(d), IFDRational(m), IFDRational(s, 100)


def exif_jpeg(path: Path, taken: str | None = None, offset: str | None = None,
              position: tuple[float, float] | None = None) -> Path:
    """A real JPEG with the EXIF a phone writes."""
    img = Image.new("RGB", (320, 240), (40, 120, 200))
    exif = Image.Exif()
    if taken:
        sub = exif.get_ifd(0x8769)
        sub[36867] = taken                        # DateTimeOriginal
        if offset:
            sub[36881] = offset                   # OffsetTimeOriginal
    if position:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", dms(position[0])
        gps[3], gps[4] = "E", dms(position[1])
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    path.write_bytes(buf.getvalue())
    return path


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(path: Path, created: datetime, position: str = "") -> Path:
    """A minimal MP4: ftyp, mdat, and moov with mvhd (+ udta/©xyz) at the end,
    where phones put it."""
    seconds = int((created - datetime(1904, 1, 1, tzinfo=UTC)).total_seconds())
    mvhd = box(b"mvhd", bytes([0, 0, 0, 0]) + struct.pack(">IIII", seconds, seconds, 1000, 5000) + bytes(80))
    udta = box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(position), 0x15c7) + position.encode())) \
        if position else b""
    path.write_bytes(box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + box(b"mdat", bytes(2048))
                     + box(b"moov", mvhd + udta))
    return path


def _checks():
    from app.domain import evidence_checks
    return evidence_checks


def start(ws, *, party_position=STATION):
    v = visits.start_visit(ws, "t-gas-1")
    steps.record_party(ws, v.id, latitude=party_position[0], longitude=party_position[1])
    return v


def add(ws, vid, path):
    item = evidence.attach(ws, vid, C.SITE, evidence.ingest(ws, path), name=path.name)
    return next(e for e in visits.load(ws, vid).evidence if e.id == item.id)


def test_capture_time_and_position_are_kept_and_the_bytes_untouched(seeded, tmp_path, clock):
    v = start(seeded)                                 # started 2022-11-15 10:30 China time
    clock.now += timedelta(minutes=20)
    path = exif_jpeg(tmp_path / "ok.jpg", "2022:11:15 10:41:05", "+08:00", (37.7803, 112.5601))
    item = add(seeded, v.id, path)
    assert item.taken_at == datetime(2022, 11, 15, 10, 41, 5, tzinfo=CHINA)
    assert (item.latitude, item.longitude) == ("37.780300", "112.560100")
    assert item.distance_m is not None and item.distance_m < 50
    assert item.flags == []
    stored = seeded.evidence.path(item.sha256)
    assert stored.read_bytes() == path.read_bytes()
    assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_photos_that_do_not_fit_the_visit_are_flagged(seeded, tmp_path, clock):
    v = start(seeded)
    clock.now += timedelta(minutes=30)                    # imported at 11:00 China time
    # an old photo from a previous day, taken elsewhere (Beijing); no offset: China time
    old = add(seeded, v.id, exif_jpeg(tmp_path / "old.jpg", "2022:11:10 15:00:00", None, (39.9042, 116.4074)))
    checks = _checks()
    assert old.flags == [checks.BEFORE_VISIT, checks.STALE, checks.FAR]
    assert 400_000 < old.distance_m < 500_000
    # no EXIF at all (a screenshot, a photo passed through a chat app)
    bare = add(seeded, v.id, exif_jpeg(tmp_path / "bare.jpg"))
    assert bare.flags == [checks.NO_TIME] and bare.taken_at is None
    # taken this morning before the visit started, at the station
    early = add(seeded, v.id, exif_jpeg(tmp_path / "early.jpg", "2022:11:15 09:00:00", "+08:00"))
    assert early.flags == [checks.BEFORE_VISIT]
    # a camera clock a day ahead
    ahead = add(seeded, v.id, exif_jpeg(tmp_path / "ahead.jpg", "2022:11:16 11:00:00", "+08:00"))
    assert ahead.flags == [checks.CLOCK_AHEAD]
    texts = [checks.flag_text(f, taken_at=old.taken_at, distance=old.distance_m) for f in old.flags]
    assert texts[0] == "拍摄于本次抽样开始之前（2022-11-10 15:00）" and "公里" in texts[2]
    assert "km" in checks.flag_text(checks.FAR, taken_at=None, distance=old.distance_m, lang="en")


def test_no_far_flag_without_the_party_position(seeded, tmp_path, clock):
    v = visits.start_visit(seeded, "t-gas-1")             # the province has no position for it
    item = add(seeded, v.id, exif_jpeg(tmp_path / "a.jpg", "2022:11:15 10:31:00", "+08:00", (39.9, 116.4)))
    assert item.distance_m is None and item.flags == []


def test_video_creation_time_and_position(seeded, tmp_path, clock):
    v = start(seeded)
    from app.store.media_meta import read_meta
    clip = mp4(tmp_path / "clip.mp4", datetime(2022, 11, 15, 2, 35, tzinfo=UTC), "+37.7801+112.5603/")
    meta = read_meta(clip)
    assert meta.taken_at == datetime(2022, 11, 15, 2, 35, tzinfo=UTC)
    assert (meta.latitude, meta.longitude) == ("37.780100", "112.560300")
    item = add(seeded, v.id, clip)
    assert item.media.startswith("video/") and item.flags == []
    undated = add(seeded, v.id, mp4(tmp_path / "undated.mp4", datetime(1904, 1, 1, tzinfo=UTC)))
    assert undated.flags == [_checks().NO_TIME]


def test_the_synced_record_carries_times_and_flags(seeded, tmp_path, clock, make_jpeg):
    v = start(seeded)
    add(seeded, v.id, exif_jpeg(tmp_path / "old.jpg", "2022:11:01 08:00:00", "+08:00", (39.9, 116.4)))
    from tests.ui.visit_steps import enter
    from app.domain.workflow import ORDER, Step
    from app.services import signing
    for step in ORDER[:-1]:
        enter(seeded, v.id, step, make_jpeg)
        visits.advance(seeded, v.id)
    done = signing.finish(seeded, v.id)
    doc = record_document(done)
    flagged = [e for e in doc["evidence"] if "far_from_party" in e.get("flags", [])]
    assert len(flagged) == 1
    # the test's other photos carry no EXIF: flagged too, as having no time
    assert all(e["flags"] == ["no_time"] for e in doc["evidence"] if e not in flagged)
    assert flagged[0]["flags"] == ["before_visit", "stale", "far_from_party"]
    assert flagged[0]["taken_at"] == "2022-11-01T00:00:00Z" and flagged[0]["latitude"] == "39.900000"
    assert doc["party"]["latitude"] == STATION[0]
    # what goes to the province is these very bytes
    from sqlalchemy import select
    from app.store.sync_models import OutboxItem
    with seeded.db.session() as s:
        sent = s.scalar(select(OutboxItem.canonical).where(OutboxItem.visit_id == v.id))
    assert b'"flags":["before_visit","stale","far_from_party"]' in sent


def test_records_without_the_new_fields_keep_their_hash():
    """A visit stored before these fields existed (tests/domain/data) loads
    with none of them in its record: same bytes, same hash."""
    import json
    from app.domain.plain import from_plain
    from app.domain.record import record_bytes
    from app.domain.visit import Visit
    data = json.loads((Path(__file__).parents[1] / "domain" / "data" / "record_before_added_on_site.json")
                      .read_text(encoding="utf-8"))
    v = from_plain(Visit, data["stored_doc"])
    doc = record_document(v)
    assert not any({"taken_at", "flags", "latitude", "longitude", "distance_m"} & set(e) for e in doc["evidence"])
    assert "latitude" not in doc["party"] and "restart_reason" not in doc and "restart_of" not in doc
    assert record_hash(v) == data["record_hash"] and record_bytes(v).decode("utf-8") == data["canonical"]


def test_a_batch_is_attached_whole_in_one_save_with_each_photos_own_time(seeded, tmp_path, clock, make_jpeg):
    """What the wizard does with a batch from the dialog: every photo is
    added, in order, each with its own capture time; a photo the category
    shows already (or twice in the batch) is not added again."""
    from app.store.models import PhotoRow
    v = start(seeded)
    clock.now += timedelta(minutes=20)
    timed = exif_jpeg(tmp_path / "timed.jpg", "2022:11:15 10:41:05", "+08:00", (37.7803, 112.5601))
    plain, later = make_jpeg("IMG_0002.jpg"), make_jpeg("IMG_0003.jpg")
    batch = [(p.name, evidence.ingest(seeded, p)) for p in (timed, plain, timed)]
    saved = evidence.attach_batch(seeded, v.id, C.SITE, batch)
    items = visits.load(seeded, v.id).live_evidence(C.SITE)
    assert [e.id for e in items] == [e.id for e in saved.live_evidence(C.SITE)]
    assert len(items) == 2
    assert items[0].taken_at == datetime(2022, 11, 15, 10, 41, 5, tzinfo=CHINA) and items[0].flags == []
    assert items[1].taken_at is None and items[1].flags                     # no capture time: flagged
    # the folder chosen again with one more photo in it: only that one is added
    again = [(p.name, evidence.ingest(seeded, p)) for p in (timed, plain, later)]
    items = evidence.attach_batch(seeded, v.id, C.SITE, again).live_evidence(C.SITE)
    assert [e.sha256 for e in items][-1] == evidence.ingest(seeded, later).sha256 and len(items) == 3
    # the same photo may stand in another category
    assert len(evidence.attach_batch(seeded, v.id, C.STOCK, again).live_evidence(C.STOCK)) == 3
    with seeded.db.read() as s:
        assert s.query(PhotoRow).count() == 3
