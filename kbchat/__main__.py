"""`python -m kbchat`."""

from kbchat.cli import main

main()
