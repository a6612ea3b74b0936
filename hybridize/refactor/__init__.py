"""Decisions with proofs (design §7): facts, then hazards and benefits, then one ``Decision``.

One module per reason id in ``refactor/rules/``; the decision procedure in ``decide.py`` runs them
and derives fix safety from the proof (``safe`` only when nothing is assumed).
"""
