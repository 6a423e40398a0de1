"""A photo batch never half-fails (the store under the worst day, point 3):
through the wizard's own import path, every good photo is stored and
attached, every bad one is listed with its reason, and no raw error text
reaches the sampler."""
from __future__ import annotations

import io

from PIL import Image
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from app.domain.visit import EvidenceCategory as C
from app.domain.workflow import Step
from app.services import visits
from tests.ui.wizard_driver import Driver, open_wizard


def _at_evidence_step(qtbot, ws, type_text):
    """A visit started and walked to 现场取证拍照 (documents shown, party kept)."""
    v = visits.start_visit(ws, "t-gas-1")
    d = Driver(qtbot, open_wizard(qtbot, ws, v.id), type_text)
    for key in ("shown.inspection_notice", "shown.sampler_ids", "shown.authorization_letter"):
        d.tick(key)
    d.next()
    d.next()
    assert d.step == Step.EVIDENCE
    return v, d


def test_good_bad_good_batch_attaches_every_good_photo_and_names_every_bad_one(qtbot, seeded, make_jpeg,
                                                                               type_text, tmp_path):
    v, d = _at_evidence_step(qtbot, seeded, type_text)

    first, last = make_jpeg("IMG_0001.jpg"), make_jpeg("IMG_0005.jpg")
    gone = make_jpeg("IMG_0002.jpg")
    folder = tmp_path / "camera" / "IMG_0003.jpg"
    folder.mkdir()
    deep = tmp_path / "camera" / "scan16.png"
    buf = io.BytesIO()
    Image.new("I;16", (80, 60), 30_000).save(buf, "PNG")
    deep.write_bytes(buf.getvalue())
    chosen = [first, gone, folder, deep, last]
    gone.unlink()                                  # deleted between the choice and the read

    grid = next(g for g in d.w.page.findChildren(QWidget, "photo_grid") if C.SITE.value in g.sections)
    section = grid.sections[C.SITE.value]
    grid.files_added.emit(C.SITE.value, [str(p) for p in chosen])   # what the dialog and a drop send
    qtbot.waitUntil(lambda: len(section.evidence_ids()) == 3, timeout=15_000)
    d.idle()

    stored = visits.load(seeded, v.id).live_evidence(C.SITE)
    assert len(stored) == 3                         # the two JPEGs and the 16-bit scan
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert len(boxes) == 1
    text = boxes[0].text()
    assert "IMG_0002.jpg" in text and "已被删除" in text
    assert "IMG_0003.jpg" in text and "文件夹" in text
    assert "scan16.png" not in text and "IMG_0001.jpg" not in text and "IMG_0005.jpg" not in text
    assert "Errno" not in text and "wrong mode" not in text
    boxes[0].close()


def test_choosing_the_camera_folder_again_adds_only_the_new_photos_and_says_so(qtbot, seeded, make_jpeg, type_text):
    """A sampler who adds the last two photos by choosing the whole folder
    again gets those two, not a second copy of the first three, and reads why."""
    v, d = _at_evidence_step(qtbot, seeded, type_text)
    first = [make_jpeg() for _ in range(3)]
    grid = next(g for g in d.w.page.findChildren(QWidget, "photo_grid") if C.SITE.value in g.sections)
    section = grid.sections[C.SITE.value]
    grid.files_added.emit(C.SITE.value, [str(p) for p in first])
    qtbot.waitUntil(lambda: len(section.evidence_ids()) == 3, timeout=15_000)
    d.idle()
    everything = first + [make_jpeg(), make_jpeg()]
    grid.files_added.emit(C.SITE.value, [str(p) for p in everything])
    qtbot.waitUntil(lambda: len(section.evidence_ids()) == 5, timeout=15_000)
    d.idle()
    assert len(visits.load(seeded, v.id).live_evidence(C.SITE)) == 5
    note = d.w.page.findChild(QLabel, "photo_batch_note")
    assert note.isVisible()
    assert note.text() == "3张照片已在“抽样场所”中，未重复添加：IMG_0000.jpg、IMG_0001.jpg、IMG_0002.jpg"
