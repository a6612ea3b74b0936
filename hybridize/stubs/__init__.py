"""Models of the deep-learning API (TensorFlow, Keras, NumPy, builtins) used by the interpreter."""
