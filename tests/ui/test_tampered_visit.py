"""A signed visit edited behind the app's back opens with the mismatch in
red, without 更正/补充 (the store under the worst day, point 5)."""
from __future__ import annotations

import json
import sqlite3

from app.store import paths
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.ui.wizard_driver import open_wizard


def test_tampered_record_opens_red_and_cannot_be_amended(qtbot, seeded, make_jpeg, memory_keyring):
    v = complete_visit(seeded, make_jpeg, signature_png)
    con = sqlite3.connect(paths.database_path(seeded.data_dir))
    doc = json.loads(con.execute("SELECT doc FROM visits WHERE id=?", (v.id,)).fetchone()[0])
    doc["sample"]["unit_price"] = "0.01"
    con.execute("UPDATE visits SET doc=? WHERE id=?", (json.dumps(doc, ensure_ascii=False), v.id))
    con.commit()
    con.close()
    w = open_wizard(qtbot, seeded, v.id)
    assert w.banner.isVisible()
    assert "可能被篡改" in w.banner.text.text() and "不能打印" in w.banner.text.text()
    assert "#c62828" in w.banner.styleSheet()
    assert not w.banner.amend_button.isVisible()


def test_intact_record_opens_green_with_amendment(qtbot, seeded, make_jpeg, memory_keyring):
    v = complete_visit(seeded, make_jpeg, signature_png)
    w = open_wizard(qtbot, seeded, v.id)
    assert w.banner.isVisible() and "可能被篡改" not in w.banner.text.text()
    assert w.banner.amend_button.isVisible()
