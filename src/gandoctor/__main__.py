"""`python -m gandoctor` (and `torchrun -m gandoctor`) run the CLI."""

import sys

from gandoctor.cli import main

if __name__ == "__main__":
    sys.exit(main())
