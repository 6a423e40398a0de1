"""The inspection lab (检验机构): samples received by scanning their seals,
blind re-numbering, chain of custody, results and improvement advice,
result deliveries with their deadlines, the objection period and sample
disposal, shipments in transit. Keyword-only services over models.py; the
console's lab pages (console/pages/lab_*.py) and the API are thin over them."""
