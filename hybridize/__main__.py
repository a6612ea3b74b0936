"""``python -m hybridize``: the same front door as the ``hybridize`` console script."""

from __future__ import annotations

from hybridize.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
