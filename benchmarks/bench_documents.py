"""Time to build the full document set of one visit: inspection notice,
sampling form, payment slip, storage notice, four seal labels, feedback
form. Target <= 100 ms in steady state (font registered once per process);
the first build, which also loads the CJK font, is reported alongside."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import MISSED, best_of, report  # noqa: E402


def main() -> int:
    t0 = time.perf_counter()
    from app.domain.seal_payload import KeySigner
    from forms.demo import demo_context
    from forms.documents import visit_documents
    ctx = demo_context(KeySigner())
    t1 = time.perf_counter()
    first = visit_documents(ctx)
    first_build = time.perf_counter() - t1
    assert set(first) == {"inspection_notice", "sampling_form", "payment_slip", "seal_labels",
                          "storage_notice", "feedback_form"}
    assert len(ctx.visit.seals) == 4
    steady = best_of(lambda: visit_documents(ctx), repeat=7)
    ok = report("documents_full_set_ms", steady * 1000, "ms", "<=", 100,
                baseline=f"first build with font load {(first_build + (t1 - t0)) * 1000:.0f} ms")
    # informational: import + font load + first build (no target of its own)
    report("documents_first_build_ms", (first_build + (t1 - t0)) * 1000, "ms", "<=", 3000)
    return 0 if ok else MISSED


if __name__ == "__main__":
    sys.exit(main())
