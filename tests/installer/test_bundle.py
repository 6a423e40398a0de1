"""The BUILT bundle (dist/field-sampler, from `make installer`), run as a
sampler's laptop would run it — not the source: its version, the documents
with the bundled font embedded, a seal verified from a rendered page, the
GUI started offscreen to its main window and closed cleanly, and what the
folder must carry (Qt plugins, .qm files, the font and its licence).

`make test-bundle` builds the bundle and runs these; `.ci/run` does both."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.bundle

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "field-sampler"
EXE = DIST / ("field-sampler.exe" if os.name == "nt" else "field-sampler")
INTERNAL = DIST / "_internal"


@pytest.fixture(scope="module")
def exe() -> Path:
    assert EXE.is_file(), f"{EXE} missing: build it with `make installer` (or run `make test-bundle`)"
    return EXE


@pytest.fixture
def env(tmp_path) -> dict:
    """A clean user: its own folders, offscreen Qt, no font override, and no
    path back to the source tree."""
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("FIELD_SAMPLER_", "PYTHON", "VIRTUAL_ENV"))}
    e.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
             XDG_DATA_HOME=str(tmp_path / "share"), XDG_STATE_HOME=str(tmp_path / "state"),
             XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path / "home"))
    return e


def run(exe, env, *args, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(exe), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_version_comes_from_pyproject(exe, env, tmp_path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    proc = run(exe, env, "--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == f"field-sampler {version}"


def test_demo_documents_embed_the_bundled_font_and_a_seal_verifies(exe, env, tmp_path):
    from pypdf import PdfReader
    out = tmp_path / "docs"
    proc = run(exe, env, "documents", "--demo", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) >= 10
    for pdf in pdfs:
        fonts = {}
        for page in PdfReader(pdf).pages:
            for f in (page["/Resources"].get_object().get("/Font") or {}).values():
                f = f.get_object()
                fonts[str(f["/BaseFont"])] = f
        # WenQuanYi Micro Hei is what the bundle carries; this machine's own
        # CJK font (Zen Hei, searched first from source) would name itself
        assert fonts and all("WenQuanYiMicroHei" in name for name in fonts), (pdf.name, list(fonts))
        for name, f in fonts.items():      # embedded (a subset), not merely named
            assert "/FontFile2" in f["/FontDescriptor"].get_object(), (pdf.name, name)
    # the lab's check, with the bundle's own zxing: a seal label page rendered to an image
    png = tmp_path / "seal"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(out / "seal_labels.pdf"), str(png)],
                   check=True)
    image = next(tmp_path.glob("seal*.png"))
    proc = run(exe, env, "verify-seal", "--public-key", str(out / "demo-device-public-key.pem"),
               "--image", str(image), cwd=tmp_path)
    assert proc.returncode == 0 and "Seal VALID" in proc.stdout and "SX0018" in proc.stdout, proc.stdout + proc.stderr


def test_gui_shows_its_main_window_offscreen_and_closes_cleanly(exe, env, tmp_path):
    data = tmp_path / "data"
    proc = run(exe, env, "--data-dir", str(data), "gui", "--exit-after-show", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # once more until the home screen has opened the workspace: the bundled
    # migrations built the database
    proc = run(exe, env, "--data-dir", str(data), "gui", "--exit-after-load", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(data / "field-sampler.sqlite")
    try:
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()
    from alembic.script import ScriptDirectory

    from app.store.db import MIGRATIONS
    assert revision == ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_the_folder_carries_plugins_translations_font_and_licence(exe):
    qt = INTERNAL / "PySide6" / "Qt"
    plugins = {p.name for p in (qt / "plugins").iterdir()}
    assert {"platforms", "imageformats", "printsupport", "multimedia"} <= plugins
    assert any((qt / "plugins" / "platforms").glob("*offscreen*"))
    assert any((qt / "plugins" / "imageformats").glob("*jpeg*"))
    qm = {p.name for p in (qt / "translations").glob("*.qm")}
    assert {"qtbase_zh_CN.qm", "qtbase_en.qm"} <= qm
    assert all(n.endswith(("_zh_CN.qm", "_en.qm")) for n in qm)          # only the two UI languages
    assert (INTERNAL / "resources" / "i18n" / "en.json").is_file()
    assert (INTERNAL / "resources" / "plan_2022_4.json").is_file()
    assert (INTERNAL / "fonts" / "wqy-microhei.ttc").stat().st_size > 4_000_000
    licence = (INTERNAL / "fonts" / "wqy-microhei-LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache" in licence and "WenQuanYi" in licence
    # the provincial server is not part of the sampler's app
    assert not (INTERNAL / "fastapi").exists() and not (INTERNAL / "uvicorn").exists()
    # nor are packaging tools: bundled, their runtime hooks import
    # setuptools and pkg_resources at every start (1.8x the source's cold start)
    assert not any((INTERNAL / name).exists() for name in ("setuptools", "pkg_resources", "_distutils_hack"))


def test_help_and_the_source_only_demo(exe, env, tmp_path):
    proc = run(exe, env, "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "documents" in proc.stdout and "run-demo" not in proc.stdout
    proc = run(exe, env, "run-demo", cwd=tmp_path)
    assert proc.returncode == 2 and "make run" in proc.stderr
