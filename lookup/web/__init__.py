"""The web edge: REST routes (`api.py`) and the operational endpoints (`ops.py`: readiness, metrics).

Thin: validate, call `lookup.service`, map domain errors to HTTP codes. The core never imports this package.
"""
