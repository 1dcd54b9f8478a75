"""Loaded by Schemathesis before its run (SCHEMATHESIS_HOOKS, set by schemathesis.test.ts).

Schemathesis's workers are threads, and Hypothesis describes each filtered
strategy by parsing its lambda's source with ``ast.parse``. In Python 3.11 the
ast module keeps one recursion counter per interpreter: when a collection
during one thread's parse runs a finaliser and the other thread parses
meanwhile, the first parse ends with ``SystemError: AST constructor recursion
depth mismatch`` (CPython gh-106905), and the run fails at random with a
"Runtime Error" that says nothing about StreamHub. One lock makes the parses
take turns; they are a small part of the run, so the two workers stay.
"""

import ast
import threading

_parse = ast.parse
_turn = threading.RLock()  # re-entrant: a finaliser run inside a parse may parse too


def _parse_in_turn(*args, **kwargs):
    with _turn:
        return _parse(*args, **kwargs)


ast.parse = _parse_in_turn
