"""Models of the deep-learning API (TensorFlow, Keras, NumPy, builtins) used by the interpreter.

``loader.load_models()`` parses the declarative ``models/*.pyi`` (see ``models/README.md``) and
answers lookups by canonical name, falling back to the ``types-tensorflow`` stubs
(``fallback``); ``rules`` binds calls to models and computes abstract results and effects.
"""
