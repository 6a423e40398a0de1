"""Issue 13.3: on a 1366x768 laptop (the offscreen screen of the test run)
the main window opens inside the available geometry and remembers its
size and maximised state; every dialog fits and keeps its buttons on
screen (one guard for all dialogs: app.ui.guards)."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QDialog

from app.domain.workflow import Step
from app.ui.app_shell import MainWindow
from app.ui.settings_model import SettingsModel
from tests.conftest import jpeg_bytes
from tests.ui.visit_steps import finish, walk_to
from tests.ui.wizard_driver import open_wizard


def screen() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


def test_the_test_screen_is_the_laptop():
    assert (screen().width(), screen().height()) == (1366, 768)


def buttons_outside(dlg) -> list[str]:
    """Visible buttons of a shown dialog that are not wholly on screen."""
    avail = screen()
    out = []
    for b in dlg.findChildren(QAbstractButton):
        if not b.isVisibleTo(dlg):
            continue
        r = QRect(b.mapToGlobal(b.rect().topLeft()), b.size())
        if not avail.contains(r):
            out.append(f"{type(dlg).__name__}: {b.text() or b.objectName()} at {r}")
    return out


def show_fitted(qtbot, dlg: QDialog) -> QDialog:
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert screen().contains(dlg.frameGeometry()), (type(dlg).__name__, dlg.frameGeometry())
    assert buttons_outside(dlg) == []
    return dlg


def test_main_window_fits_and_remembers_size_and_maximised(qtbot, tmp_path):
    from app.ui import ui_state
    model = SettingsModel(path=tmp_path / "settings.json", data_dir=tmp_path / "data")
    w = MainWindow(model)
    qtbot.addWidget(w)
    w.show_restored()
    qtbot.waitExposed(w)
    assert screen().contains(w.frameGeometry())
    w.resize(1100, 640)
    w.move(40, 60)
    w.close()
    # a new start: the state file is read again
    ui_state._states.clear()
    w2 = MainWindow(model)
    qtbot.addWidget(w2)
    w2.show_restored()
    qtbot.waitExposed(w2)
    assert (w2.width(), w2.height()) == (1100, 640) and not w2.isMaximized()
    w2.showMaximized()
    qtbot.waitUntil(w2.isMaximized)
    w2.close()
    ui_state._states.clear()
    w3 = MainWindow(model)
    qtbot.addWidget(w3)
    assert w3.start_maximized
    w3.show_restored()
    qtbot.waitUntil(w3.isMaximized)
    assert screen().contains(w3.normalGeometry()) and w3.normalGeometry().size().width() == 1100


def test_a_remembered_size_larger_than_this_screen_is_shrunk(qtbot, tmp_path):
    from app.ui import ui_state
    path = ui_state.default_path(tmp_path / "settings.json")
    ui_state.state(path).set("window", {"x": -50, "y": 0, "w": 1920, "h": 1080, "maximized": False}, now=True)
    ui_state._states.clear()
    w = MainWindow(SettingsModel(path=tmp_path / "settings.json", data_dir=tmp_path / "data"))
    qtbot.addWidget(w)
    w.show_restored()
    qtbot.waitExposed(w)
    assert screen().contains(w.frameGeometry())


def test_document_preview_close_button_is_on_screen(qtbot, seeded, make_jpeg):
    from app.services import documents
    from app.ui.pdf_view import PdfPreviewDialog
    done = finish(seeded, make_jpeg)
    pdf = documents.build_pdf(seeded, done.id, "sampling_form")
    dlg = show_fitted(qtbot, PdfPreviewDialog(pdf, "抽样单"))
    close = next(b for b in dlg.findChildren(QAbstractButton) if b.text() == "关闭")
    assert screen().contains(QRect(close.mapToGlobal(close.rect().topLeft()), close.size()))


def test_every_dialog_of_the_app_fits(qtbot, seeded, make_jpeg, tmp_path):
    from app.services.reference import list_tasks
    from app.ui.camera import CameraDialog
    from app.ui.home.restart import RestartDialog
    from app.ui.photo_viewer import PhotoViewer
    from app.ui.settings_dialog import SettingsDialog
    from app.ui.wizard.add_sampler import AddSamplerDialog
    from app.ui.wizard.amend import AmendDialog
    from tests.ui.test_task_outcomes import refuse

    done = finish(seeded, make_jpeg, "t-gas-2")
    w = open_wizard(qtbot, seeded, done.id)
    show_fitted(qtbot, AmendDialog(w.session, done))
    show_fitted(qtbot, AddSamplerDialog(w.session))
    show_fitted(qtbot, SettingsDialog(SettingsModel(path=tmp_path / "s.json", data_dir=tmp_path)))
    show_fitted(qtbot, CameraDialog(save_dir=tmp_path / "cam"))
    big = tmp_path / "big.jpg"
    big.write_bytes(jpeg_bytes(3, (4000, 3000)))
    show_fitted(qtbot, PhotoViewer(str(big), "big"))
    refuse(seeded, "t-gas-1", make_jpeg)
    task = next(t for t in list_tasks(seeded) if t.id == "t-gas-1")
    show_fitted(qtbot, RestartDialog(task))
    # Qt's own dialogs, as the app opens them: every rule broken at once
    from app.domain.messages import CATALOG, Problem, RuleViolation
    from app.ui.ops import show_failure
    everything = RuleViolation([Problem(code) for code in CATALOG if "{" not in CATALOG[code][0]])
    box = show_failure(everything, w)
    qtbot.waitExposed(box)
    assert screen().contains(box.frameGeometry()) and buttons_outside(box) == []
    assert box.detailedText().count("\n") == len(everything.problems) - 1
    from app.ui import file_dialogs
    show_fitted(qtbot, file_dialogs.export_pdf(w, "抽样单.pdf"))


def test_the_finish_confirmation_fits(qtbot, seeded, make_jpeg):
    vid = walk_to(seeded, make_jpeg, Step.DOCUMENTS)
    w = open_wizard(qtbot, seeded, vid)
    w.resize(1366, 700)
    w.go_next()
    qtbot.waitUntil(lambda: w.finish_box is not None and w.finish_box.isVisible(), timeout=10_000)
    assert screen().contains(w.finish_box.frameGeometry()) and buttons_outside(w.finish_box) == []
    w.finish_box.reject()
