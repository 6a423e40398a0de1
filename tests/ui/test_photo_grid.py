"""Photo grid: files dropped or chosen reach the page as signals; set_items
shows real thumbnails; remove, waiver and open-large work with real events."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from app.ui.photo_grid import PhotoGrid
from app.ui.photo_viewer import PhotoViewer
from tests.ui.clicking import click

CATS = ["site", "storage", "label", "stock"]


@pytest.fixture
def photos(tmp_path) -> list[Path]:
    out = []
    for i, colour in enumerate(["red", "green", "blue"]):
        p = tmp_path / f"photo{i}.jpg"
        Image.new("RGB", (1200, 900), colour).save(p, quality=85)
        out.append(p)
    return out


@pytest.fixture
def grid(qtbot) -> PhotoGrid:
    g = PhotoGrid(CATS)
    qtbot.addWidget(g)
    g.resize(900, 700)
    g.show()
    qtbot.waitExposed(g)
    return g


def _drop(widget, urls):
    mime = QMimeData()
    mime.setUrls(urls)
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    # the enter event takes a whole-pixel point (PySide6 6.11 converts no QPointF)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_sections_are_labelled_in_chinese(grid):
    titles = [s.title() for s in grid.sections.values()]
    assert titles == ["抽样场所（0张）", "贮存环境（0张）", "产品标识（0张）", "库存数量（0张）"]


def test_dropped_files_are_emitted_with_their_category(qtbot, grid, photos):
    section = grid.sections["label"]
    with qtbot.waitSignal(grid.files_added, timeout=2000) as sig:
        accepted = _drop(section, [QUrl.fromLocalFile(str(p)) for p in photos])
    assert accepted == (True, True)
    assert sig.args == ["label", [str(p) for p in photos]]


def test_dropping_a_folder_gives_its_photos_and_web_urls_are_ignored(qtbot, grid, photos, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with qtbot.waitSignal(grid.files_added, timeout=2000) as sig:
        _drop(grid.sections["site"], [QUrl.fromLocalFile(str(tmp_path)), QUrl("https://example.org/a.jpg")])
    assert sig.args == ["site", [str(p) for p in photos]]
    enter_ok, _ = _drop(grid.sections["site"], [QUrl("https://example.org/a.jpg")])
    assert not enter_ok


def test_file_dialog_adds_several_files(qtbot, grid, photos):
    dlg = grid.sections["stock"].choose_files()
    assert isinstance(dlg, QFileDialog) and dlg.isVisible()
    assert dlg.fileMode() == QFileDialog.FileMode.ExistingFiles
    dlg.setDirectory(str(photos[0].parent))
    with qtbot.waitSignal(grid.files_added, timeout=2000) as sig:
        dlg.selectFile(" ".join(f'"{p.name}"' for p in photos[:2]))
        dlg.accept()
    assert sig.args[0] == "stock" and sorted(sig.args[1]) == [str(p) for p in photos[:2]]


def test_set_items_shows_thumbnails_and_remove_emits_ids(qtbot, grid, photos):
    section = grid.sections["site"]
    grid.set_items("site", [("e1", str(photos[0]), "照片1"), ("e2", str(photos[1]), "照片2"),
                            ("e3", None, "视频")])
    assert section.title() == "抽样场所（3张）"
    assert section.evidence_ids() == ["e1", "e2", "e3"]
    qtbot.waitUntil(lambda: section.thumbnails_loaded() == 2, timeout=5000)
    icon = section.model.item(0).icon().pixmap(section.view.iconSize()).toImage()
    centre = icon.pixelColor(icon.width() // 2, icon.height() // 2)
    assert centre.red() > 200 and centre.green() < 60  # the red photo

    assert not section.remove_button.isEnabled()
    rect = section.view.visualRect(section.model.index(1, 0))
    click(qtbot, section.view.viewport(), pos=rect.center())
    assert section.remove_button.isEnabled()
    with qtbot.waitSignal(grid.removed, timeout=2000) as sig:
        click(qtbot, section.remove_button)
    assert sig.args == ["site", "e2"]


def test_double_click_opens_the_photo_large(qtbot, grid, photos):
    section = grid.sections["label"]
    grid.set_items("label", [("e1", str(photos[2]), "标签", str(photos[2]))])
    qtbot.waitUntil(lambda: section.view.visualRect(section.model.index(0, 0)).isValid(), timeout=2000)
    rect = section.view.visualRect(section.model.index(0, 0))
    # a real double-click: press/release, then the double-click event
    click(qtbot, section.view.viewport(), pos=rect.center())
    qtbot.mouseDClick(section.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewers = [w for w in QApplication.topLevelWidgets() if isinstance(w, PhotoViewer) and w.isVisible()]
    assert len(viewers) == 1
    qtbot.waitUntil(viewers[0].is_loaded, timeout=5000)
    assert (viewers[0].image_size().width(), viewers[0].image_size().height()) == (1200, 900)
    viewers[0].close()


def test_waiver_text_is_emitted_once_typing_stops(qtbot, grid):
    edit = grid.sections["stock"].waiver_edit
    with qtbot.waitSignal(grid.waiver_changed, timeout=3000) as sig:
        qtbot.keyClicks(edit, "no stock on site")
    assert sig.args == ["stock", "no stock on site"]
    with qtbot.assertNotEmitted(grid.waiver_changed, wait=800):
        grid.set_waiver("stock", "loaded from store")


def test_missing_categories_are_marked(grid):
    grid.set_missing({"label"})
    assert grid.sections["label"].property("missing") is True
    assert grid.sections["site"].property("missing") is False


def _entries(photos, n, note="没有拍摄时间，无法核实拍摄于本次抽样", flagged=True):
    return [(f"e{i}", str(photos[i % len(photos)]), f"第{i + 1}张 ⚠需核实" if flagged else f"第{i + 1}张",
             str(photos[i % len(photos)]), note, flagged, f"第{i + 1}张") for i in range(n)]


def test_thirty_photos_with_one_problem_make_one_line_under_the_thumbnails(grid, photos):
    """A batch from a camera without a clock: one line names them all, not thirty."""
    section = grid.sections["site"]
    entries = _entries(photos, 30)
    entries[7] = entries[7][:4] + ("拍摄于本次抽样开始之前（2022-11-01 09:00）", True, "第8张")
    section.set_items(entries)
    assert section.flag_label.text().splitlines() == [
        "⚠ 第1–7、9–30张：没有拍摄时间，无法核实拍摄于本次抽样",
        "⚠ 第8张：拍摄于本次抽样开始之前（2022-11-01 09:00）"]


def test_past_five_different_problems_the_rest_is_counted(grid, photos):
    section = grid.sections["site"]
    entries = [e[:4] + (f"拍摄于本次抽样开始之前（2022-11-01 09:{i:02d}）",) + e[5:]
               for i, e in enumerate(_entries(photos, 8))]
    section.set_items(entries)
    lines = section.flag_label.text().splitlines()
    assert len(lines) == 6
    assert lines[-1] == "⚠ 另有3张照片需核实（见各照片的提示）"


def test_photos_added_at_the_end_keep_the_rows_and_thumbnails_already_shown(qtbot, grid, photos):
    """After each batch the page sends the whole list again: the rows shown
    stay with their thumbnails, only the new photos are decoded."""
    section = grid.sections["site"]
    first = _entries(photos, 3, flagged=False)
    section.set_items(first)
    qtbot.waitUntil(lambda: section.thumbnails_loaded() == 3, timeout=5000)
    kept = [section.model.item(r) for r in range(3)]
    more = first + [("e9", str(photos[0]), "第4张", str(photos[0]), "", False, "第4张")]
    section.set_items(more)
    assert [section.model.item(r) for r in range(3)] == kept     # the same rows, not rebuilt
    assert section.thumbnails_loaded() == 4                        # photo0's thumbnail was decoded already
    assert section.title() == "抽样场所（4张）"
    section.set_items(more[1:])                                     # one removed: rows rebuilt, icons kept
    assert section.evidence_ids() == ["e1", "e2", "e9"]
    assert section.thumbnails_loaded() == 3
