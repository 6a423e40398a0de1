"""What the bundle is built from, checked without building it: the font the
spec bundles is one reportlab can embed, with an open licence; the Windows
installer script compiles with NSIS (Debian's makensis; the result wraps a
stand-in folder and is not a working installer: the real one needs the
bundle built on Windows, see installer/README.md); and the version has one
source."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bundle_inputs():
    spec = importlib.util.spec_from_file_location("bundle_inputs", ROOT / "installer" / "bundle_inputs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_bundled_font_is_embeddable_truetype_with_an_open_licence():
    from reportlab.pdfbase.ttfonts import TTFont
    bi = _bundle_inputs()
    font, licence = bi.font_files()
    assert bi.font_sha256(font) == bi.KNOWN_SHA256
    face = TTFont("BundleCheck", str(font), subfontIndex=0).face     # TrueType outlines: reportlab reads them
    assert face.name == b"WenQuanYiMicroHei"
    assert all(ord(ch) in face.charToGlyph for ch in "抽样单编号受检单位封条□■（）：")
    assert "Apache-2.0" in licence.read_text(encoding="utf-8")
    datas = dict((Path(src).name, dest) for src, dest in bi.datas())
    assert datas[bi.FONT_FILE] == bi.FONT_DIR == "fonts" and datas[bi.LICENCE_FILE] == "fonts"
    # the migrations go as files (Alembic loads them by path), without caches
    migrations = [src for src, dest in bi.datas() if dest.startswith("app/store/migrations")]
    assert any(m.endswith("env.py") for m in migrations) and not any("__pycache__" in m for m in migrations)


def test_forms_use_the_bundled_font_first(monkeypatch, tmp_path):
    import sys

    from forms import fonts
    bundle = tmp_path / "bundle"
    (bundle / "fonts").mkdir(parents=True)
    shutil.copyfile(_bundle_inputs().font_files()[0], bundle / "fonts" / "wqy-microhei.ttc")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    assert fonts._candidates()[0] == (bundle / "fonts" / "wqy-microhei.ttc", 0)
    monkeypatch.setattr(sys, "_MEIPASS", None)
    assert fonts._candidates() == fonts.CANDIDATES        # from source: the system search only


def test_the_windows_installer_script_compiles(tmp_path):
    makensis = shutil.which("makensis")
    assert makensis, "makensis missing: scripts/sysdeps.sh installs nsis"
    stub = tmp_path / "dist"
    (stub / "_internal").mkdir(parents=True)
    for name in ("field-sampler.exe", "field-sampler-console.exe"):
        (stub / name).write_bytes(b"MZ stand-in")
    (stub / "_internal" / "base_library.zip").write_bytes(b"x")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    out = tmp_path / "field-sampler-setup.exe"
    proc = subprocess.run([makensis, "-V2", f"-DPRODUCT_VERSION={version}", f"-DDIST_DIR={stub}",
                           f"-DOUT_FILE={out}", str(ROOT / "installer" / "field-sampler.nsi")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert out.read_bytes()[:2] == b"MZ"
    script = (ROOT / "installer" / "field-sampler.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script and "$LOCALAPPDATA\\Programs" in script
    assert "RMDir /r \"$INSTDIR\\*.*\"" not in script          # never empties a folder wholesale
    # without a version the script refuses to build
    proc = subprocess.run([makensis, "-V2", f"-DDIST_DIR={stub}", f"-DOUT_FILE={out}",
                           str(ROOT / "installer" / "field-sampler.nsi")], capture_output=True, text=True)
    assert proc.returncode != 0 and "PRODUCT_VERSION" in proc.stdout + proc.stderr


def test_version_has_one_source(capsys):
    from app.cli import main
    from app.version import _from_pyproject, version
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert version() == expected == _from_pyproject(ROOT / "pyproject.toml")
    try:
        main(["--version"])
    except SystemExit as e:
        assert e.code == 0
    assert capsys.readouterr().out.strip() == f"field-sampler {expected}"


def test_version_comparison():
    from sync.protocol.versions import is_newer, version_key
    assert version_key("1.10.2") == (1, 10, 2) and version_key("v2.0rc1") == (2, 0) and version_key("x") == ()
    assert is_newer("0.10.0", "0.9.9") and not is_newer("0.1.0", "0.1.0") and not is_newer("latest", "0.1.0")
