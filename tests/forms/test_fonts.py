"""The CJK font is found on this machine; without one the error says what
to install. Font registration is once per process, so the failure case runs
in a fresh interpreter."""
from __future__ import annotations

import os
import subprocess
import sys

from forms.fonts import register_cjk_font, font_path


def test_font_found_and_registered():
    assert register_cjk_font() == "FieldSamplerCJK"
    assert os.path.isfile(font_path())


def test_missing_font_names_what_to_install(tmp_path):
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_bytes(b"not a font")
    code = ("from forms.fonts import register_cjk_font, FontNotFound\n"
            "try:\n    register_cjk_font()\nexcept FontNotFound as e:\n    print(e)\n")
    env = dict(os.environ, FIELD_SAMPLER_CJK_FONT=str(not_a_font))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=os.getcwd(), check=True).stdout
    assert "fonts-wqy-zenhei" in out and "FIELD_SAMPLER_CJK_FONT" in out and str(not_a_font) in out


def test_cli_reports_missing_font(tmp_path):
    env = dict(os.environ, FIELD_SAMPLER_CJK_FONT=str(tmp_path / "none.ttc"))
    proc = subprocess.run([sys.executable, "-m", "app", "documents", "--blank", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True, cwd=os.getcwd())
    assert proc.returncode == 2
    assert "fonts-wqy-zenhei" in proc.stdout


def test_each_embedded_subset_carries_the_widths_of_its_own_glyphs(demo_pdfs):
    """Every subset's /Widths (written by forms.fonts, not reportlab's
    PDFArray) has one width per code, and each is the font's advance for
    the character that code stands for (read back through /ToUnicode)."""
    import io
    import re

    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import getFont
    face = getFont(register_cjk_font()).face
    checked = 0
    for pdf in demo_pdfs.values():
        seen = set()
        for page in PdfReader(io.BytesIO(pdf)).pages:
            for ref in (page["/Resources"].get("/Font") or {}).values():
                font = ref.get_object()
                if id(font) in seen or font.get("/Subtype") != "/TrueType":
                    continue
                seen.add(id(font))
                widths = [float(w) for w in font["/Widths"]]
                assert len(widths) == font["/LastChar"] - font["/FirstChar"] + 1
                cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
                for code, uni in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4})>", cmap):
                    assert abs(widths[int(code, 16)] - face.getCharWidth(int(uni, 16))) < 1e-3, (code, uni)
                    checked += 1
    assert checked > 1000
