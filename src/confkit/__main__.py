"""``python -m confkit`` runs the command line."""

from confkit.cli import main

main()
