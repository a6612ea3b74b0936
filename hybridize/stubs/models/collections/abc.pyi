"""Models of ``collections.abc``: ``Iterator`` describes every iterator value."""

from hybridize.stubs.markers import effect, mutates, returns

class Iterator:
    @effect("iterator-advance", detail="next")
    @mutates("self")
    @returns("element:self")
    def __next__(self) -> object: ...
    @returns("self")
    def __iter__(self) -> object: ...
