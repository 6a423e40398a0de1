"""Shared fixtures: the demo visit's documents, built once, and helpers
that read PDFs the way a user's tools do (poppler, pypdf, zxing)."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.seal_payload import KeySigner
from forms.context import DocumentContext
from forms.demo import demo_context, demo_no_sample_context, demo_problem_context, demo_refusal_context
from forms.documents import DOCUMENTS, build


@pytest.fixture(scope="session")
def signer() -> KeySigner:
    return KeySigner()


@pytest.fixture(scope="session")
def demo(signer) -> DocumentContext:
    return demo_context(signer)


def context_for(name: str, demo: DocumentContext) -> DocumentContext:
    return {"refusal_form": demo_refusal_context, "problem_report": demo_problem_context,
            "no_sample_statement": demo_no_sample_context}.get(name, lambda c: c)(demo)


@pytest.fixture(scope="session")
def demo_pdfs(demo) -> dict[str, bytes]:
    return {kind.value: build(kind, context_for(kind.value, demo)) for kind in DOCUMENTS}


@pytest.fixture(scope="session")
def blank_pdfs() -> dict[str, bytes]:
    ctx = DocumentContext.blank_form()
    return {kind.value: build(kind, ctx) for kind in DOCUMENTS}


def pdftotext(pdf: bytes, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def render(pdf: bytes, tmp: Path, dpi: int = 80, page: int = 1) -> Path:
    src = tmp / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(src), str(tmp / "page")], check=True)
    return tmp / "page.png"


def compact(text: str) -> str:
    """Text without whitespace: wrapped cells split strings across lines."""
    return "".join(text.split())


def fonts_of(pdf: bytes) -> list[dict]:
    """Every font dictionary used on any page, with its descriptor."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        res = page.get("/Resources") or {}
        for font in (res.get("/Font") or {}).values():
            out.append(font.get_object())
    return out
