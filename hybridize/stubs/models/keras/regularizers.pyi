"""Models of ``keras.regularizers``."""

from hybridize.stubs.markers import op

class Regularizer:
    @op(dtype="same:x", shape="scalar", cost=3)
    def __call__(self, x) -> Tensor: ...

class L1(Regularizer):
    def __init__(self, l1=0.01) -> None: ...

class L2(Regularizer):
    def __init__(self, l2=0.01) -> None: ...

class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0) -> None: ...
