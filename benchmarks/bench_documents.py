"""Time to build the documents one finished visit leaves, as the app does:
the registry decides the set (app.domain.documents.documents_to_leave) and
forms.documents builds each one. The demo visit (paid, four seals and two
封存标识 on the backup left at the party) leaves the inspection notice,
sampling form, feedback form, payment slip, seal labels and storage notice.

Steady state is a warm process (font registered, first set built), and
every timed set is a *different* visit: another station, record number,
signatures and signed seal QRs, as a sampler's next visit would be. So
what the forms keep between builds (decoded signatures, wrapped labels)
counts only as far as it would for a real next visit. Target <= 100 ms
(median of 7 visits); the first build, which also loads the CJK font, is
reported alongside."""
from __future__ import annotations

import hashlib
import statistics
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import MISSED, report  # noqa: E402

DISTRICTS = ["小店区", "杏花岭区", "尖草坪区", "万柏林区", "晋源区", "清徐县", "阳曲县", "娄烦县"]
CONTACTS = ["周丽华", "郝建军", "邢玉芬", "樊志刚", "郜秀梅", "阎宝林", "裴春燕", "柴德胜"]


def other_visit(ctx, i: int, signer):
    """The demo visit as the i-th visit of the day: new station, people,
    record number, signatures and seal payloads."""
    from app.domain import record
    from forms.demo import seal_payloads, signature_png
    v = ctx.visit
    no = f"{100 + i:04d}"
    contact = CONTACTS[i % len(CONTACTS)]
    party = replace(v.party, name=f"太原市{DISTRICTS[i % len(DISTRICTS)]}第{i + 100}加油站（演示数据）",
                    address=f"山西省太原市{DISTRICTS[i % len(DISTRICTS)]}晋祠路 {i * 37 + 5} 号", contact=contact)
    images, signatures = {}, []
    for s in v.signatures:
        name = contact if s.name == v.party.contact else s.name
        png = signature_png(f"{name}{i}")
        digest = hashlib.sha256(png).hexdigest()
        images[digest] = png
        signatures.append(replace(s, name=name, image_sha256=digest))
    seals = [replace(s, seal_no=s.seal_no.replace("0018", no)) for s in v.seals]
    visit = replace(v, id=str(uuid.uuid4()), record_no=f"SX2022-4-{no}", party=party,
                    signatures=signatures, seals=seals)
    visit.sealing_hash = record.sealing_hash(visit)
    visit.record_hash = record.record_hash(visit)
    return replace(ctx, visit=visit, task=replace(ctx.task, party=party), signature_images=images,
                   seal_payloads=seal_payloads(visit, signer))


def main() -> int:
    t0 = time.perf_counter()
    from app.domain.documents import documents_to_leave
    from app.domain.seal_payload import KeySigner
    from forms.demo import demo_context
    from forms.documents import build
    signer = KeySigner()
    ctx = demo_context(signer)
    kinds = [need.kind for need in documents_to_leave(ctx.visit)]

    def build_set(c) -> dict[str, bytes]:
        return {k.value: build(k, c) for k in kinds}

    t1 = time.perf_counter()
    first = build_set(ctx)
    first_build = time.perf_counter() - t1
    assert set(first) == {"inspection_notice", "sampling_form", "payment_slip", "seal_labels",
                          "storage_notice", "feedback_form"}, sorted(first)
    assert len(ctx.visit.seals) == 6          # J1, J2, B1, B2 and the 封存标识 F1, F2
    times = []
    for i in range(1, 8):
        visit_ctx = other_visit(ctx, i, signer)
        t = time.perf_counter()
        out = build_set(visit_ctx)
        times.append(time.perf_counter() - t)
        assert all(v.startswith(b"%PDF") for v in out.values())
    median = statistics.median(times)
    ok = report("documents_full_set_ms", median * 1000, "ms", "<=", 100,
                baseline=f"7 visits {min(times) * 1000:.0f}-{max(times) * 1000:.0f} ms; "
                         f"first build with font load {(first_build + (t1 - t0)) * 1000:.0f} ms")
    # informational: import + font load + first build (no target of its own)
    report("documents_first_build_ms", (first_build + (t1 - t0)) * 1000, "ms", "<=", 3000)
    return 0 if ok else MISSED


if __name__ == "__main__":
    sys.exit(main())
