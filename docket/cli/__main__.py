"""``python -m docket.cli``."""

from docket.cli import main

main()
