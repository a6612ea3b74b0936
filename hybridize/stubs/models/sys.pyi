"""Models of ``sys``."""

from hybridize.stubs.markers import effect

stdout: io.TextIOWrapper
stderr: io.TextIOWrapper
stdin: io.TextIOWrapper
argv: list[str]
path: list[str]
version: str
platform: str
maxsize: int = 9223372036854775807
version_info: tuple[int, ...]

@effect("python-io", detail="sys.exit")
def exit(status=None, /) -> NoReturn: ...
def getrecursionlimit() -> int: ...
@effect("python-io", detail="sys.setrecursionlimit changes interpreter state")
def setrecursionlimit(limit, /) -> None: ...
