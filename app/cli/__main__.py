"""`python -m app.cli`: the same CLI as the `workbench` console script."""

from app.cli import main

main()
