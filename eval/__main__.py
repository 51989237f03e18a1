import sys

from rag.cli import build_parser, main

sys.exit(main(["eval", *sys.argv[1:]]))
