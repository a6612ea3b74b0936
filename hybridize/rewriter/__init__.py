"""Source rewriting: add, remove and reconfigure ``@tf.function`` decorators with LibCST.

The rewriter does not analyse; it applies the changes it is given, resolving names with
LibCST's scope analysis so that every spelling of ``tf.function`` is recognised and new code
is spelled the way the module already imports TensorFlow. See ``decorators`` for where a new
decorator goes and ``imports`` for when imports are added or dropped.
"""

from hybridize.rewriter.model import Change, ChangeAction, Outcome, Rewrite, RewriteError
from hybridize.rewriter.rewrite import rewrite_source

__all__ = ["Change", "ChangeAction", "Outcome", "Rewrite", "RewriteError", "rewrite_source"]
