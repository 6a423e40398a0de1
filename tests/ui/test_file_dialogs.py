"""Issue 13.4: file dialogs start where the sampler's files are (photos:
Pictures, then the last photo folder; exports: their own last folder),
remember it across a restart, propose `抽样单-<record no.>-<party>.pdf`,
and speak the UI language (Qt's qtbase_zh_CN plus the labels it lacks)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog

from app.domain.workflow import Step
from app.ui import file_dialogs, i18n, ui_state
from app.ui.photo_grid import PhotoGrid
from tests.ui.visit_steps import finish
from tests.ui.wizard_driver import open_wizard
from tests.ui.clicking import click


def open_dialog():
    return next(d for d in QApplication.topLevelWidgets() if isinstance(d, QFileDialog) and d.isVisible())


def folder(dlg: QFileDialog) -> str:
    return str(Path(dlg.directory().absolutePath()))


def test_photo_import_starts_in_pictures_then_the_last_photo_folder(qtbot, tmp_path, monkeypatch, make_jpeg):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    pictures = tmp_path / "home" / "Pictures"
    pictures.mkdir(parents=True)
    assert QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) == str(pictures)
    grid = PhotoGrid(["site"])
    qtbot.addWidget(grid)
    grid.show()
    dlg = grid.sections["site"].choose_files()
    assert folder(dlg) == str(pictures)             # not the app's install folder
    photo = make_jpeg()                              # in <tmp>/camera, like a card copied over
    with qtbot.waitSignal(grid.files_added):
        dlg.setDirectory(str(photo.parent))
        dlg.selectFile(photo.name)
        dlg.accept()
    assert folder(grid.sections["site"].choose_files()) == str(photo.parent)
    open_dialog().reject()
    # exports keep their own folder: not the photos'
    export = file_dialogs.export_pdf(grid, "x.pdf")
    assert folder(export) != str(photo.parent)
    export.reject()
    # ... and it is remembered by the next start (read again from disk)
    qtbot.waitUntil(lambda: ui_state.current().path.exists())
    ui_state._states.clear()
    dlg = grid.sections["site"].choose_files()
    assert folder(dlg) == str(photo.parent)
    dlg.reject()


def test_export_proposes_a_meaningful_name_and_remembers_its_folder(qtbot, seeded, make_jpeg, tmp_path):
    done = finish(seeded, make_jpeg)
    w = open_wizard(qtbot, seeded, done.id)
    assert w.state.step == Step.DOCUMENTS
    export = w.page.findChild(type(w.next_button), "sampling_form.export")
    click(qtbot, export)
    qtbot.waitUntil(lambda: any(isinstance(d, QFileDialog) and d.isVisible() for d in QApplication.topLevelWidgets()),
                    timeout=10_000)
    dlg = open_dialog()
    name = Path(dlg.selectedFiles()[0]).name
    assert name == f"抽样单-{done.record_no}-太原市迎泽区某某加油站有限公司.pdf"
    out = tmp_path / "exports"
    out.mkdir()
    dlg.setDirectory(str(out))
    dlg.selectFile(name)
    dlg.accept()
    qtbot.waitUntil(lambda: (out / name).exists(), timeout=10_000)
    assert (out / name).read_bytes().startswith(b"%PDF")
    again = file_dialogs.export_pdf(w, "y.pdf")
    assert folder(again) == str(out)
    again.reject()


def test_unsafe_characters_never_reach_the_file_name():
    assert file_dialogs.export_name("抽样单", "2022-4-001", 'A/B:C*"加油站"?<>|') == "抽样单-2022-4-001-A_B_C_加油站_.pdf"


def test_qt_dialog_texts_are_chinese(qtbot, qapp):
    try:
        i18n.install_qt_translations(qapp)
        # qtbase_zh_CN ships with PySide6 and is loaded
        assert QCoreApplication.translate("QFileDialog", "Open") == "打开"
        dlg = file_dialogs.save_file(None, file_dialogs.EXPORT, "导出PDF", "a.pdf", "PDF (*.pdf)", "pdf")
        qtbot.addWidget(dlg)
        label = QFileDialog.DialogLabel
        # qtbase_zh_CN lacks the labels with mnemonics ("&Look in:"): set by the app
        assert dlg.labelText(label.LookIn) == "查找范围(&L)："
        assert dlg.labelText(label.FileType) == "文件类型(&T)："
        assert dlg.labelText(label.FileName) == "文件名(&N)："
        dlg.reject()
    finally:
        for t in qapp.findChildren(QTranslator):
            qapp.removeTranslator(t)


def test_photo_dialog_in_english(qtbot, english, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    grid = PhotoGrid(["site"])
    qtbot.addWidget(grid)
    dlg = grid.sections["site"].choose_files()
    assert dlg.labelText(QFileDialog.DialogLabel.LookIn) == "&Look in:"
    dlg.reject()
