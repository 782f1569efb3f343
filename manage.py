#!/usr/bin/env python
"""Run Django's command line with manchette's development settings by default."""

from manchette.cli import main

if __name__ == "__main__":
    main()
