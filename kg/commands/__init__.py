"""Subcommands of ``kehoach`` other than ``build``: each module has ``register(subparsers)``."""
