"""``--notify TARGET`` (repeatable), ``--notify-always``, ``--notify-config FILE`` of
``python -m kpi report``: the targets are checked before anything is read (a target that is
not configured is an error, exit code 2), the alert is sent after the workbook is written,
and a target that was not reached gives exit code :data:`EXIT_NOT_DELIVERED` (4).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kpi.words import Fact, Lang, render

__all__ = ["EXIT_NOT_DELIVERED", "add_arguments", "after_report", "check_targets"]

EXIT_NOT_DELIVERED = 4  # 2 is an error, 3 red flags with --fail-on-red-flags, 130 interrupted


def add_arguments(r: argparse.ArgumentParser, lang: Lang) -> None:
    """The alert options, in their own group of ``--help``."""

    def h(code: str) -> str:
        return render(f"notify.help.{code}", lang).replace("%", "%%")

    g = r.add_argument_group(render("notify.help.group", lang))
    g.add_argument("--notify", action="append", default=[], metavar="TARGET", help=h("notify"))
    g.add_argument("--notify-always", action="store_true", help=h("always"))
    g.add_argument("--notify-config", metavar="FILE", help=h("config"))


def check_targets(args: argparse.Namespace) -> None:
    """Resolve every ``--notify`` target now (``args.notify_targets``): a missing secret is
    said before minutes of reading, with the target's name. Raises NotifyConfigError."""
    from kpi.notify.targets import NotifyConfigError, config_path, load_config, resolve

    specs = list(getattr(args, "notify", None) or [])
    args.notify_targets = []
    if not specs:
        if getattr(args, "notify_always", False):
            raise NotifyConfigError(Fact("notify.always_without_target"))
        return
    env = os.environ
    path = config_path(getattr(args, "notify_config", None), env)
    required = bool(getattr(args, "notify_config", None) or env.get("PARCOURS_NOTIFY_CONFIG"))
    config, warnings = load_config(path, required=required)
    lang: Lang = "fr" if getattr(args, "lang", "en") == "fr" else "en"
    for w in warnings:
        print(render(Fact("notify.warning", text=w), lang), file=sys.stderr)
    seen = set()
    for spec in specs:
        if spec not in seen:
            seen.add(spec)
            args.notify_targets.append(resolve(spec, config, env))


def after_report(
    args: argparse.Namespace,
    view: Any,
    options: Any,
    out: Path,
    workbook: bytes,
    code: int,
) -> int:
    """Send the run's alert to the ``--notify`` targets (when a flag fires, or always) and
    return the exit code: ``code``, or EXIT_NOT_DELIVERED when a target was not reached."""
    targets = getattr(args, "notify_targets", None)
    if targets is None:  # called without check_targets (a program calling _report)
        check_targets(args)
        targets = args.notify_targets
    if not targets:
        return code
    from kpi.notify.deliver import deliver
    from kpi.notify.message import build_alert

    lang: Lang = "fr" if getattr(args, "lang", "en") == "fr" else "en"
    flags = view.red_flags(options.thresholds)
    names = [t.name for t in targets]
    if not flags and not args.notify_always:
        _say(args, lang, Fact("notify.skipped", targets=names))
        return code
    alert = build_alert(
        view,
        options,
        flags,
        lang=lang,
        workbook_name=out.name,
        attached=any(t.kind == "email" for t in targets),
    )
    failed = False
    for o in deliver(alert, targets, workbook=workbook, filename=out.name):
        if o.delivered:
            _say(args, lang, Fact("notify.sent", target=o.target, n=len(flags)))
        else:
            failed = True  # always said, even with --quiet
            fact = Fact(
                "notify.failed", target=o.target, why=o.why, attempts=o.attempts, path=str(out)
            )
            print(render(Fact("cli.error", text=render(fact, lang)), lang), file=sys.stderr)
    return EXIT_NOT_DELIVERED if failed else code


def _say(args: argparse.Namespace, lang: Lang, fact: Fact) -> None:
    if not getattr(args, "quiet", False):
        print(render(fact, lang), file=sys.stderr, flush=True)
