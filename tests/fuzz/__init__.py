"""Fuzzing from the outside (issue 25): hypothesis generates what strangers may send, over real
HTTP to a live instance, and checks that nothing breaks a request.

Surfaces: the inbox (signed for real, every activity type, odd values), remote actor documents
(fetched when a fresh actor signs), the public GETs (odd paths and query strings), the statuses
and update_credentials APIs (odd form, JSON and multipart bodies, with a real token) and media
uploads (broken images). The oracle (oracle.py): no 5xx, no
crash in the server's log (a request or the inbox worker), and afterwards the timelines and the
accounts involved still answer 200.

Each surface first replays a small corpus of inputs that broke redfed before. CI then runs a fixed,
derandomised set of examples per surface (budget.py), without shrinking. To fuzz for minutes:

    REDFED_FUZZ_SECONDS=600 python -m pytest -n0 -s tests/fuzz

(each surface that long, random seeds; `REDFED_FUZZ_SEED=<printed seed>` replays a run).
"""
