"""The package's version: a leaf every layer may import (the network code sends it as
its User-Agent, the check cache keys its results with it, SARIF names it)."""

__version__ = "0.1.0"
