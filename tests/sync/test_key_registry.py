"""The lab's registry of device keys: a seal printed by an enrolled laptop
checks out against the registry the province exports — also after that
laptop was revoked (the seal predates it), with the revocation shown."""
from __future__ import annotations

import base64

from app.cli import main as app_main
from sync.server.cli import main as server_main


def _demo_seal(tmp_path) -> tuple[str, str]:
    """A seal payload printed by the demo visit, and its device's public key (base64)."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from app.domain.seal_payload import raw_public_key
    out = tmp_path / "demo"
    assert app_main(["documents", "--demo", str(out)]) == 0
    payload = (out / "seal_payloads.txt").read_text().splitlines()[0].split("\t")[1]
    pem = (out / "demo-device-public-key.pem").read_bytes()
    return payload, base64.b64encode(raw_public_key(load_pem_public_key(pem))).decode()


def test_lab_checks_a_seal_against_the_exported_registry(live, tmp_path, capsys):
    payload, key = _demo_seal(tmp_path)
    with live.client() as c:
        r = c.post("/v1/auth/enroll", json={"username": "s_a1", "password": "correct horse 抽样",
                                            "device_name": "李明的笔记本", "public_key": key})
        assert r.status_code == 201
        device_id = r.json()["device_id"]
    with live.client("adm_a") as c:
        assert c.post(f"/v1/devices/{device_id}/revoke").status_code == 200   # laptop lost after sampling

    # Over HTTP: the lab and the agency see their agency's devices; others not.
    with live.client("lab_a") as c:
        entries = {d["device_id"]: d for d in c.get("/v1/devices/keys").json()["devices"]}
        assert entries[device_id]["public_key"] == key and entries[device_id]["revoked_at"]
    with live.client("adm_b") as c:
        assert device_id not in {d["device_id"] for d in c.get("/v1/devices/keys").json()["devices"]}
    with live.client("s_a1") as c:
        assert c.get("/v1/devices/keys").status_code == 403

    # From the command line, then verify-seal with it.
    registry = tmp_path / "devices.json"
    db = ["--data", str(live.data_dir), "--database-url", live.db.url]
    assert server_main(["export-keys", "--out", str(registry), *db]) == 0
    capsys.readouterr()
    assert app_main(["verify-seal", "--keys", str(registry), payload]) == 0
    out = capsys.readouterr().out
    assert "封条有效" in out and "李明的笔记本" in out and "停用" in out
    # Only another agency's devices: the seal's key is unknown there.
    other = tmp_path / "agency-b.json"
    assert server_main(["export-keys", "--agency", "agency-b", "--out", str(other), *db]) == 0
    assert device_id not in other.read_text()
