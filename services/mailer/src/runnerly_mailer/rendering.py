"""The mail templates: which exist, what they need, and how they become a subject and two bodies.

Templates ship in the package (``templates/<name>.html`` and ``<name>.txt``).
The HTML part is autoescaped, so a runner named ``<script>`` is shown, not run;
undefined values are errors rather than blanks, so a command missing a link
never produces an email without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateError, select_autoescape


@dataclass(frozen=True)
class MailTemplate:
    """One kind of email: its subject and the data keys its bodies use."""

    name: str
    subject: str
    required: frozenset[str]


TEMPLATES: dict[str, MailTemplate] = {
    t.name: t
    for t in (
        MailTemplate("activation", "Activate your Runnerly account", frozenset({"name", "link"})),
        MailTemplate(
            "account_exists",
            "You already have a Runnerly account",
            frozenset({"name", "login_link", "reset_link"}),
        ),
        MailTemplate("password_reset", "Reset your Runnerly password", frozenset({"name", "link"})),
        MailTemplate(
            "email_change", "Confirm your new Runnerly email", frozenset({"name", "link"})
        ),
    )
}


class UnsendableEmail(Exception):
    """The command can never become an email (unknown template, missing data): no retry helps."""


@dataclass(frozen=True)
class RenderedEmail:
    """What goes into the message: subject, plain-text part and HTML part."""

    subject: str
    text: str
    html: str


def check_command(template: str, data: Mapping[str, Any]) -> MailTemplate:
    """The template of a command, or :class:`UnsendableEmail` saying why there is none."""
    known = TEMPLATES.get(template)
    if known is None:
        raise UnsendableEmail(f"unknown template {template!r}")
    missing = sorted(known.required - data.keys())
    if missing:
        raise UnsendableEmail(f"template {template!r} needs {', '.join(missing)}")
    return known


class Renderer:
    """Renders the packaged templates; templates are compiled once and cached by Jinja2."""

    def __init__(self) -> None:
        self._html = Environment(
            loader=PackageLoader("runnerly_mailer", "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            auto_reload=False,
        )
        # Plain text is not HTML: escaping would turn "&" in a link into "&amp;".
        self._text = self._html.overlay(autoescape=False)

    def render(self, template: str, data: Mapping[str, Any]) -> RenderedEmail:
        """Subject, text and HTML of ``template`` filled with ``data``."""
        known = check_command(template, data)
        values = {**data, "subject": known.subject}
        try:
            text = self._text.get_template(f"{template}.txt").render(values)
            html = self._html.get_template(f"{template}.html").render(values)
        except TemplateError as exc:
            raise UnsendableEmail(f"template {template!r} failed: {exc}") from exc
        return RenderedEmail(known.subject, text, html)
