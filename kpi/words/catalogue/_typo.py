"""French typography for catalogue modules: a no-break space before ``:`` ``;`` ``?`` ``!``
and inside « guillemets ».

Catalogue modules write French with an ordinary space before these marks; :func:`french`
turns it into the no-break space French typography asks for (format specs such as
``{x:pct}`` have no space before their colon and are left alone). Not a catalogue module
(no ``MESSAGES``).
"""

from __future__ import annotations

import re

_BEFORE = re.compile(r" ([:;?!])(?=\s|$|\{|\)|»|\*)")


def french(messages: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The same messages with no-break spaces before ``: ; ? !`` in French."""
    return {code: (en, _fix(fr)) for code, (en, fr) in messages.items()}


def _fix(fr: str) -> str:
    fr = _BEFORE.sub("\u00a0\\1", fr)
    return fr.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
