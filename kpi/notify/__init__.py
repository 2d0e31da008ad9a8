"""Alerts where the team is: the run's red flags sent to a Slack-compatible webhook or by
e-mail (``python -m kpi report … --notify TARGET``). Pure: no streamlit.

- :mod:`kpi.notify.targets`: the targets named on the command line, their secrets from the
  environment or a TOML config file (never from the command line).
- :mod:`kpi.notify.message`: the alert in the run's language (text, subject, Slack blocks).
- :mod:`kpi.notify.webhook`, :mod:`kpi.notify.mail`: the two senders (stdlib).
- :mod:`kpi.notify.deliver`: every target on its own, one retry; :mod:`kpi.notify.cli`: the
  options and the exit code (4: an alert was not delivered).
"""

from __future__ import annotations

from kpi.notify.cli import EXIT_NOT_DELIVERED

__all__ = ["EXIT_NOT_DELIVERED"]
