"""Every lab route of the console and who may open it: the table the route
x role test walks (tests/lab/test_roles.py) and the console's route table
test includes (tests/console/test_authz.py: a route without a row fails)."""
from __future__ import annotations

LAB = ("lab", "labmanager")                      # the sample manager and the lab manager
TEST = LAB + ("tester",)
OVERSEE = LAB + ("province", "agency")
USERS = ("demo", "agency", "province", "lab", "labmanager", "tester")    # sampler ... tester

# method, path ({sample} {rejected} {code} {photo} of agency-demo), who is let in
LAB_ROUTES = [
    ("GET", "/console/lab", OVERSEE + ("tester",)),          # a tester is sent to the bench
    ("GET", "/console/lab/receive", LAB), ("POST", "/console/lab/scan", LAB), ("POST", "/console/lab/scan/photo", LAB),
    ("GET", "/console/lab/samples/{sample}/receipt", LAB), ("POST", "/console/lab/samples/{sample}/receipt", LAB),
    ("POST", "/console/lab/samples/{sample}/override", ("labmanager",)),
    ("GET", "/console/lab/samples/{sample}", OVERSEE), ("POST", "/console/lab/samples/{sample}/custody", LAB),
    ("GET", "/console/lab/samples/{sample}/custody.pdf", OVERSEE),
    ("GET", "/console/lab/samples/{rejected}/rejection.pdf", OVERSEE),
    ("GET", "/console/lab/samples/{sample}/label.pdf", LAB), ("GET", "/console/lab/mapping", LAB),
    ("GET", "/console/lab/photos/{photo}", OVERSEE),
    ("GET", "/console/lab/bench", TEST), ("GET", "/console/lab/bench.csv", TEST),
    ("GET", "/console/lab/blind/{code}", TEST), ("POST", "/console/lab/blind/{code}/custody", TEST),
    ("POST", "/console/lab/blind/{code}/result", TEST), ("POST", "/console/lab/blind/{code}/report", TEST),
    ("GET", "/console/lab/samples/{sample}/report.pdf", OVERSEE), ("GET", "/console/lab/blind/{code}/label.pdf", TEST),
    ("GET", "/console/lab/blind/{code}/custody.pdf", TEST),
    ("POST", "/console/lab/samples/{sample}/advice", LAB), ("GET", "/console/lab/samples/{sample}/advice.pdf", OVERSEE),
    ("POST", "/console/lab/samples/{sample}/delivery", LAB), ("POST", "/console/lab/samples/{sample}/dates", LAB),
    ("GET", "/console/lab/disposal", OVERSEE), ("POST", "/console/lab/samples/{sample}/disposal", LAB),
    ("GET", "/console/lab/disposal/report.pdf", OVERSEE),
    ("GET", "/console/lab/transit", OVERSEE), ("POST", "/console/lab/transit", LAB),
]


def route_keys() -> set[tuple[str, str]]:
    """(method, path) as FastAPI names them."""
    return {(m, p.replace("{rejected}", "{sample_id}").replace("{sample}", "{sample_id}")
             .replace("{photo}", "{sha256}")) for m, p, _ in LAB_ROUTES}
