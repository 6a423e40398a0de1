"""The first-run screen of a real installation: language, server address,
one-time enrollment code (typed or scanned), sign-in, printer and label
size with a test print."""
