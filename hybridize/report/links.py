"""Where the reports link to: the documentation page of each reason id.

Kept free of heavy imports: the command line reads ``DEFAULT_DOCS_URL`` to build its help.
"""

from __future__ import annotations

#: Where the reason pages are when no ``--docs-url`` is given and no checkout is found.
DEFAULT_DOCS_URL = "https://github.com/hybridize/hybridize/blob/main/docs"


def reason_url(docs_base: str, reason: str) -> str:
    """The docs page of one reason id: ``{docs_base}/reasons/{reason}.md``."""
    base = docs_base.rstrip("/")
    return f"{base}/reasons/{reason}.md" if base else f"reasons/{reason}.md"
