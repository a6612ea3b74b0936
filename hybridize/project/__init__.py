"""The project model: files, modules, imports, classes, functions and call sites. Evaluates nothing."""
