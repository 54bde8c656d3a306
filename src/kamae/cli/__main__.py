"""`python -m kamae.cli`: the `kamae` command."""

from kamae.cli import main

main()
