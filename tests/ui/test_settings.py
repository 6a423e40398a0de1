"""Settings model (JSON in the user config folder) and the settings dialog."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app import settings_file as store
from app.settings_file import Settings
from app.ui.settings_model import SettingsModel
from app.ui.settings_dialog import SettingsDialog
from tests.ui.clicking import click


def test_defaults_and_round_trip(tmp_path):
    path = tmp_path / "s.json"
    assert store.load(path) == Settings(language="zh_CN", label_size="100x70")
    store.save(Settings(server_url="https://x.example", language="en", label_size="a4"), path)
    assert store.load(path) == Settings(server_url="https://x.example", language="en", label_size="a4")


def test_damaged_file_falls_back_to_defaults(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"language": "fr", "label_size": 5, "unknown": 1, "server_url": "https://a"}')
    assert store.load(path) == Settings(server_url="https://a")
    path.write_text("{not json")
    assert store.load(path) == Settings()


def test_config_and_data_folders(monkeypatch, tmp_path):
    assert store.config_path().is_relative_to(Path(tmp_path / "xdg_config_home"))
    monkeypatch.setenv("FIELD_SAMPLER_DATA", str(tmp_path / "data"))
    assert store.data_dir() == (tmp_path / "data").resolve()
    assert store.data_dir(tmp_path / "cli") == (tmp_path / "cli").resolve()


def _dialog(qtbot, tmp_path):
    model = SettingsModel(path=tmp_path / "settings.json", data_dir=tmp_path / "data")
    dlg = SettingsDialog(model)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return model, dlg


def test_dialog_saves_choices(qtbot, tmp_path):
    model, dlg = _dialog(qtbot, tmp_path)
    assert dlg.data_edit.isReadOnly() and dlg.data_edit.text() == str(tmp_path / "data")
    assert dlg.language_combo.currentText() == "简体中文"
    qtbot.keyClicks(dlg.server_edit, "https://sync.example.org/")
    dlg.label_combo.setFocus()
    qtbot.keyClick(dlg.label_combo, Qt.Key.Key_Down)  # 100x70 -> 70x50
    qtbot.keyClick(dlg.language_combo, Qt.Key.Key_Down)  # -> English
    with qtbot.waitSignal(model.saved, timeout=5000):
        click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))
    assert not dlg.isVisible()
    saved = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert saved == {"server_url": "https://sync.example.org", "label_size": "70x50",
                     "printer": "", "language": "en"}
    assert model.restart_needed()


def test_bad_server_address_keeps_dialog_open_with_message(qtbot, tmp_path):
    model, dlg = _dialog(qtbot, tmp_path)
    qtbot.keyClicks(dlg.server_edit, "sync.example.org")
    click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))
    assert dlg.isVisible() and dlg.server_error.isVisible()
    assert "http://" in dlg.server_error.text()
    assert dlg.server_edit.text() == "sync.example.org"  # nothing typed is lost
    assert not (tmp_path / "settings.json").exists()
